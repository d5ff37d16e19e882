/**
 * Event state composition for the presence package (RFC 3903 §6 leaves it to the ESC; RFC 4479 §4
 * describes the data model it produces): every active publication of a presentity, oldest first,
 * plus what patchbay itself knows (the overlay), into one PIDF document (RFC 3863).
 *
 * Rules:
 * - Tuples, persons and devices of all publications are kept; a later publication's element with
 *   the same id as an earlier one from ANOTHER publication is renamed (`id-2`…), so ids stay unique
 *   (RFC 3863 §4.1.2, RFC 4479 §3) and no publisher hides another.
 * - No publication at all means no device is reachable: one `closed` tuple (RFC 3863 §4.1.4), a
 *   neutral state (RFC 6665 §4.2.1.2).
 * - The overlay's activities (e.g. `on-the-phone`, RFC 4480 §3.2) are added to every person,
 *   replacing `unknown`; with no person, a person `patchbay` carries them (RFC 4479 §3.2).
 */
import type {
  Note,
  PidfDevice,
  PidfDocument,
  PidfPerson,
  PidfTuple,
  RpidActivities,
  RpidActivity,
} from '../../codecs/pidf-types.js';
import type { PresenceOverlay } from '../ports.js';

/** Id of the elements patchbay adds itself. */
export const PATCHBAY_ELEMENT_ID = 'patchbay';

function uniqueIds<T extends { readonly id: string }>(groups: readonly (readonly T[])[]): T[] {
  const used = new Set<string>();
  const out: T[] = [];
  for (const group of groups) {
    const mine = new Set<string>();
    for (const item of group) {
      let id = item.id;
      for (let n = 2; used.has(id) && !mine.has(id); n++) id = `${item.id}-${n}`;
      mine.add(id);
      used.add(id);
      out.push(id === item.id ? item : { ...item, id });
    }
  }
  return out;
}

function withOverlay(activities: RpidActivities | undefined, extra: readonly RpidActivity[]): RpidActivities {
  const base: RpidActivity[] = activities?.activities.filter((a) => a !== 'unknown') ?? [];
  const merged = [...base, ...extra.filter((a) => !base.includes(a))];
  return activities ? { ...activities, activities: merged } : { notes: [], activities: merged, other: [] };
}

function personsWithOverlay(persons: PidfPerson[], overlay: PresenceOverlay | undefined): PidfPerson[] {
  if (!overlay || overlay.activities.length === 0) return persons;
  if (persons.length === 0) {
    const notes: Note[] = overlay.note === undefined ? [] : [{ text: overlay.note }];
    return [{ id: PATCHBAY_ELEMENT_ID, activities: withOverlay(undefined, overlay.activities), notes }];
  }
  return persons.map((p) => ({ ...p, activities: withOverlay(p.activities, overlay.activities) }));
}

const CLOSED_TUPLE: PidfTuple = { id: PATCHBAY_ELEMENT_ID, basic: 'closed', notes: [], timedStatus: [] };

export function composePresence(
  presentity: string,
  documents: readonly PidfDocument[],
  overlay: PresenceOverlay | undefined,
): PidfDocument {
  const tuples: PidfTuple[] = uniqueIds(documents.map((d) => d.tuples));
  const persons: PidfPerson[] = uniqueIds(documents.map((d) => d.persons));
  const devices: PidfDevice[] = uniqueIds(documents.map((d) => d.devices));
  const notes = documents.flatMap((d) => d.notes);
  return {
    entity: presentity,
    tuples: documents.length === 0 ? [CLOSED_TUPLE] : tuples,
    notes,
    persons: personsWithOverlay(persons, overlay),
    devices,
  };
}
