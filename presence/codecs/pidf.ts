/**
 * PIDF (RFC 3863) with the data model (RFC 4479), RPID (RFC 4480) and timed status (RFC 4481):
 * parse a received document into a {@link PidfDocument} value, and build one.
 *
 * Reading is lenient where leniency is harmless (unknown elements and namespaces are ignored, a
 * bad timestamp or priority is dropped, an unknown <basic> value is treated as absent) and strict
 * where the document would be meaningless (not XML, not PIDF, no entity).
 */
import { isDateTime } from './date-time.js';
import { documentError } from './errors.js';
import type { DocumentResult, ParseLimits } from './errors.js';
import { NS, pidfPrefixes } from './namespaces.js';
import type {
  BasicStatus,
  PidfContact,
  PidfDevice,
  PidfDocument,
  PidfPerson,
  PidfTuple,
} from './pidf-types.js';
import {
  buildActivities,
  buildNotes,
  buildUserInput,
  findActivities,
  parseActivities,
  parseNotes,
  parseUserInput,
} from './rpid.js';
import { buildTimedStatus, parseTimedStatuses } from './timed-status.js';
import { buildXml } from './xml-build.js';
import type { XmlOut } from './xml-build.js';
import { childText, childrenNamed, firstChild, parseXml } from './xml.js';
import type { XmlElement } from './xml.js';

export * from './pidf-types.js';

/** MIME type of PIDF bodies (RFC 3863 §7). */
export const PIDF_CONTENT_TYPE = 'application/pidf+xml';

const PERSON_NS: readonly string[] = [NS.dataModel, NS.legacyPerson];

export function parsePidf(body: string | Uint8Array, limits?: ParseLimits): DocumentResult<PidfDocument> {
  const xml = parseXml(body, limits);
  if (!xml.ok) return xml;
  const root = xml.value;
  // RFC 3863 §4.1.1: the root is <presence> in the PIDF namespace, with an `entity` URI.
  if (root.ns !== NS.pidf || root.name !== 'presence') {
    return documentError('not-pidf', `root element is {${root.ns}}${root.name}, not PIDF <presence>`);
  }
  const entity = root.attrs.get('entity')?.trim();
  if (entity === undefined || entity === '')
    return documentError('invalid-document', '<presence> has no entity');
  return {
    ok: true,
    value: {
      entity,
      tuples: childrenNamed(root, NS.pidf, 'tuple').map(parseTuple),
      notes: parseNotes(root, NS.pidf),
      persons: childrenNamed(root, PERSON_NS, 'person').map(parsePerson),
      devices: childrenNamed(root, NS.dataModel, 'device').map(parseDevice),
    },
  };
}

function dateText(el: XmlElement, ns: string | readonly string[], name: string): string | undefined {
  const t = childText(el, ns, name);
  return t !== undefined && isDateTime(t) ? t : undefined;
}

/** RFC 3863 §4.1.5: priority is a qvalue, a decimal between 0 and 1 with up to three decimals. */
function parseContact(el: XmlElement | undefined): PidfContact | undefined {
  const uri = el?.text.trim();
  if (el === undefined || uri === undefined || uri === '') return undefined;
  const p = el.attrs.get('priority')?.trim();
  const valid = p !== undefined && /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(p);
  return valid ? { uri, priority: Number(p) } : { uri };
}

/** RFC 3863 §4.1.2 tuple, §4.1.3 status, §4.1.4 basic. */
function parseTuple(el: XmlElement): PidfTuple {
  const status = firstChild(el, NS.pidf, 'status');
  const basicText = status ? childText(status, NS.pidf, 'basic') : undefined;
  const basic: BasicStatus | undefined =
    basicText === 'open' || basicText === 'closed' ? basicText : undefined;
  const contact = parseContact(firstChild(el, NS.pidf, 'contact'));
  const timestamp = dateText(el, NS.pidf, 'timestamp');
  const deviceId = childText(el, NS.dataModel, 'deviceID');
  const userInput = parseUserInput(el);
  return {
    id: el.attrs.get('id') ?? '',
    ...(basic !== undefined ? { basic } : {}),
    ...(contact !== undefined ? { contact } : {}),
    notes: parseNotes(el, NS.pidf),
    ...(timestamp !== undefined ? { timestamp } : {}),
    ...(deviceId !== undefined ? { deviceId } : {}),
    ...(userInput !== undefined ? { userInput } : {}),
    timedStatus: parseTimedStatuses(el),
  };
}

/** RFC 4479 §3.2 person, carrying RPID activities and user-input. */
function parsePerson(el: XmlElement): PidfPerson {
  const activitiesEl = findActivities(el);
  const userInput = parseUserInput(el);
  const timestamp = dateText(el, PERSON_NS, 'timestamp');
  return {
    id: el.attrs.get('id') ?? '',
    ...(activitiesEl !== undefined ? { activities: parseActivities(activitiesEl) } : {}),
    ...(userInput !== undefined ? { userInput } : {}),
    notes: parseNotes(el, PERSON_NS),
    ...(timestamp !== undefined ? { timestamp } : {}),
  };
}

/** RFC 4479 §3.4 device. */
function parseDevice(el: XmlElement): PidfDevice {
  const deviceId = childText(el, NS.dataModel, 'deviceID');
  const userInput = parseUserInput(el);
  const timestamp = dateText(el, NS.dataModel, 'timestamp');
  return {
    id: el.attrs.get('id') ?? '',
    ...(deviceId !== undefined ? { deviceId } : {}),
    ...(userInput !== undefined ? { userInput } : {}),
    notes: parseNotes(el, NS.dataModel),
    ...(timestamp !== undefined ? { timestamp } : {}),
  };
}

// ---- building -----------------------------------------------------------------------------------

function text(ns: string, name: string, value: string | undefined): XmlOut[] {
  return value === undefined ? [] : [{ ns, name, text: value }];
}

/**
 * RFC 3863 §4.1.2 (and its schema): <status>, then extension elements, then <contact>, <note>*,
 * <timestamp>.
 */
function buildTuple(t: PidfTuple): XmlOut {
  return {
    ns: NS.pidf,
    name: 'tuple',
    attrs: { id: t.id },
    children: [
      { ns: NS.pidf, name: 'status', children: text(NS.pidf, 'basic', t.basic) },
      ...text(NS.dataModel, 'deviceID', t.deviceId),
      ...(t.userInput ? [buildUserInput(t.userInput)] : []),
      ...t.timedStatus.map(buildTimedStatus),
      ...(t.contact
        ? [{ ns: NS.pidf, name: 'contact', attrs: { priority: t.contact.priority }, text: t.contact.uri }]
        : []),
      ...buildNotes(t.notes, NS.pidf),
      ...text(NS.pidf, 'timestamp', t.timestamp),
    ],
  };
}

/** RFC 4479 person: extension elements (RPID), then <note>*, then <timestamp>. */
function buildPerson(p: PidfPerson): XmlOut {
  return {
    ns: NS.dataModel,
    name: 'person',
    attrs: { id: p.id },
    children: [
      ...(p.activities ? [buildActivities(p.activities)] : []),
      ...(p.userInput ? [buildUserInput(p.userInput)] : []),
      ...buildNotes(p.notes, NS.dataModel),
      ...text(NS.dataModel, 'timestamp', p.timestamp),
    ],
  };
}

/** RFC 4479 device: extension elements, <deviceID>, <note>*, <timestamp>. */
function buildDevice(d: PidfDevice): XmlOut {
  return {
    ns: NS.dataModel,
    name: 'device',
    attrs: { id: d.id },
    children: [
      ...(d.userInput ? [buildUserInput(d.userInput)] : []),
      ...text(NS.dataModel, 'deviceID', d.deviceId),
      ...buildNotes(d.notes, NS.dataModel),
      ...text(NS.dataModel, 'timestamp', d.timestamp),
    ],
  };
}

/** RFC 3863 §4.1.1: <presence entity> with tuples, then notes, then (RFC 4479) persons and devices. */
export function buildPidf(doc: PidfDocument): string {
  return buildXml(
    {
      ns: NS.pidf,
      name: 'presence',
      attrs: { entity: doc.entity },
      children: [
        ...doc.tuples.map(buildTuple),
        ...buildNotes(doc.notes, NS.pidf),
        ...doc.persons.map(buildPerson),
        ...doc.devices.map(buildDevice),
      ],
    },
    pidfPrefixes,
  );
}
