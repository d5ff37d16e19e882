/**
 * RFC 4481 (timed presence) <timed-status> inside a tuple: the basic status that will hold (or
 * held) from `from` until `until`, e.g. a queue that is closed now and opens at 08:00.
 */
import { isDateTime } from './date-time.js';
import { NS } from './namespaces.js';
import type { TimedStatus } from './pidf-types.js';
import { childText, childrenNamed } from './xml.js';
import type { XmlOut } from './xml-build.js';
import type { XmlElement } from './xml.js';

/** RFC 4481 §3: `from` is required, `until` optional, and the tuple form carries a <basic>. */
export function parseTimedStatuses(tuple: XmlElement): TimedStatus[] {
  const out: TimedStatus[] = [];
  for (const el of childrenNamed(tuple, NS.timedStatus, 'timed-status')) {
    const from = el.attrs.get('from')?.trim();
    const until = el.attrs.get('until')?.trim();
    const basic = childText(el, NS.timedStatus, 'basic');
    if (from === undefined || !isDateTime(from) || (basic !== 'open' && basic !== 'closed')) continue;
    out.push(until !== undefined && isDateTime(until) ? { from, until, basic } : { from, basic });
  }
  return out;
}

export function buildTimedStatus(ts: TimedStatus): XmlOut {
  return {
    ns: NS.timedStatus,
    name: 'timed-status',
    attrs: { from: ts.from, until: ts.until },
    children: [{ ns: NS.timedStatus, name: 'basic', text: ts.basic }],
  };
}
