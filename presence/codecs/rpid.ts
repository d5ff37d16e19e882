/**
 * RPID (RFC 4480) elements inside PIDF documents: <activities> (§3.2) and <user-input> (§3.13),
 * plus the <note> element shape shared by PIDF (RFC 3863 §4.1.6), the data model and RPID.
 */
import { isDateTime } from './date-time.js';
import { NS } from './namespaces.js';
import { isRpidActivity } from './pidf-types.js';
import type { Note, RpidActivities, RpidActivity, RpidUserInput } from './pidf-types.js';
import { childrenNamed, xmlLang } from './xml.js';
import type { XmlOut } from './xml-build.js';
import type { XmlElement } from './xml.js';

/** RPID namespaces accepted when reading (the RFC one and the pre-RFC draft's person namespace). */
export const RPID_READ_NS: readonly string[] = [NS.rpid, NS.legacyRpidPerson];

export function parseNotes(el: XmlElement, ns: string | readonly string[]): Note[] {
  return childrenNamed(el, ns, 'note').map((n) => {
    const lang = xmlLang(n);
    return lang === undefined ? { text: n.text.trim() } : { text: n.text.trim(), lang };
  });
}

export function buildNotes(notes: readonly Note[], ns: string): XmlOut[] {
  return notes.map((n) => ({ ns, name: 'note', text: n.text, attrs: { 'xml:lang': n.lang } }));
}

function dateAttr(el: XmlElement, name: string): string | undefined {
  const v = el.attrs.get(name)?.trim();
  return v !== undefined && isDateTime(v) ? v : undefined;
}

/**
 * RFC 4480 §3.2: each child element names one activity; <other> carries text. An element of the
 * RPID namespace that §3.2 does not list is kept in `other` by its name rather than dropped.
 */
export function parseActivities(el: XmlElement): RpidActivities {
  const activities: RpidActivity[] = [];
  const other: string[] = [];
  for (const c of el.children) {
    if (c.ns !== el.ns || c.name === 'note') continue;
    if (c.name === 'other') other.push(c.text.trim());
    else if (isRpidActivity(c.name)) activities.push(c.name);
    else other.push(c.name);
  }
  const id = el.attrs.get('id');
  const from = dateAttr(el, 'from');
  const until = dateAttr(el, 'until');
  return {
    ...(id !== undefined ? { id } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(until !== undefined ? { until } : {}),
    notes: parseNotes(el, el.ns),
    activities,
    other,
  };
}

/**
 * Finds <activities> in a person: directly (RFC 4480 §3.2), or inside a <status> child as the
 * pre-RFC drafts placed it (`<pp:person><status><ep:activities>`), which Asterisk-style servers send.
 */
export function findActivities(person: XmlElement): XmlElement | undefined {
  const direct = childrenNamed(person, RPID_READ_NS, 'activities')[0];
  if (direct) return direct;
  for (const status of person.children.filter((c) => c.name === 'status')) {
    const nested = childrenNamed(status, RPID_READ_NS, 'activities')[0];
    if (nested) return nested;
  }
  return undefined;
}

/** RFC 4480 §3.13: `active` or `idle`; `idle-threshold` is in seconds, `last-input` a dateTime. */
export function parseUserInput(container: XmlElement): RpidUserInput | undefined {
  const el = childrenNamed(container, RPID_READ_NS, 'user-input')[0];
  if (!el) return undefined;
  const value = el.text.trim();
  if (value !== 'active' && value !== 'idle') return undefined;
  const id = el.attrs.get('id');
  const thresholdText = el.attrs.get('idle-threshold')?.trim();
  const idleThresholdS =
    thresholdText !== undefined && /^\d{1,9}$/.test(thresholdText) ? Number(thresholdText) : undefined;
  const lastInput = dateAttr(el, 'last-input');
  return {
    value,
    ...(id !== undefined ? { id } : {}),
    ...(idleThresholdS !== undefined && idleThresholdS > 0 ? { idleThresholdS } : {}),
    ...(lastInput !== undefined ? { lastInput } : {}),
  };
}

export function buildActivities(a: RpidActivities): XmlOut {
  return {
    ns: NS.rpid,
    name: 'activities',
    attrs: { id: a.id, from: a.from, until: a.until },
    children: [
      ...buildNotes(a.notes, NS.rpid),
      ...a.activities.map((name): XmlOut => ({ ns: NS.rpid, name })),
      ...a.other.map((text): XmlOut => ({ ns: NS.rpid, name: 'other', text })),
    ],
  };
}

export function buildUserInput(u: RpidUserInput): XmlOut {
  return {
    ns: NS.rpid,
    name: 'user-input',
    attrs: { id: u.id, 'idle-threshold': u.idleThresholdS, 'last-input': u.lastInput },
    text: u.value,
  };
}
