/**
 * Reading a queue presence document back (tests, and patchbay nodes watching each other): PIDF
 * via presence/codecs plus the <pq:queue> element of patchbay's namespace. Never throws on input.
 */
import { NS } from '../../codecs/namespaces.js';
import { parsePidf } from '../../codecs/pidf.js';
import type { PidfDocument } from '../../codecs/pidf-types.js';
import { childText, firstChild, parseXml } from '../../codecs/xml.js';
import { QUEUE_NS } from './queue-document.js';

export interface QueueFields {
  readonly withinHours: boolean | undefined;
  readonly accepting: boolean | undefined;
  readonly depth: number | undefined;
  readonly availableAgents: number | undefined;
  readonly expectedWaitS: number | undefined;
  readonly expectedWaitMethod: string | undefined;
  readonly callbacksOffered: boolean | undefined;
}

export type QueueDocument = { readonly pidf: PidfDocument; readonly queue: QueueFields | undefined };

const bool = (s: string | undefined): boolean | undefined =>
  s === 'true' ? true : s === 'false' ? false : undefined;
const int = (s: string | undefined): number | undefined =>
  s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined;

export function readQueueDocument(
  body: string,
): { ok: true; value: QueueDocument } | { ok: false; error: Error } {
  const pidf = parsePidf(body);
  if (!pidf.ok) return pidf;
  const xml = parseXml(body);
  if (!xml.ok) return xml;
  const tuple = firstChild(xml.value, NS.pidf, 'tuple');
  const q = tuple === undefined ? undefined : firstChild(tuple, QUEUE_NS, 'queue');
  const wait = q === undefined ? undefined : firstChild(q, QUEUE_NS, 'expected-wait');
  const queue: QueueFields | undefined =
    q === undefined
      ? undefined
      : {
          withinHours: bool(childText(q, QUEUE_NS, 'within-hours')),
          accepting: bool(childText(q, QUEUE_NS, 'accepting')),
          depth: int(childText(q, QUEUE_NS, 'depth')),
          availableAgents: int(childText(q, QUEUE_NS, 'available-agents')),
          expectedWaitS: int(wait?.text.trim()),
          expectedWaitMethod: wait?.attrs.get('method'),
          callbacksOffered: bool(childText(q, QUEUE_NS, 'callbacks-offered')),
        };
  return { ok: true, value: { pidf: pidf.value, queue } };
}
