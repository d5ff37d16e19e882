/**
 * The PIDF document (RFC 3863) a watcher of a queue or service receives, built from its view:
 *
 *   <presence entity="sip:sales@cc.example.com">
 *     <tuple id="queue">                                   RFC 3863 §4.1.2 (service, RFC 4479 §3.3)
 *       <status><basic>open|closed</basic></status>        open = within hours and accepting calls
 *       <ts:timed-status from="…"><ts:basic>open</ts:basic></ts:timed-status>   RFC 4481 §3, when closed
 *       <pq:queue>…</pq:queue>                            patchbay's namespace (below)
 *       <contact>sip:sales@cc.example.com</contact>
 *       <note xml:lang="fr">…</note>                       in the watcher's language, if configured
 *     </tuple>
 *     <dm:person id="center"><rpid:activities>…</rpid:activities></dm:person>   RFC 4479 / RFC 4480
 *   </presence>
 *
 * Activities (RFC 4480 §3.2): open and accepting → `working`; within hours but not accepting
 * (full, or no agent) → `busy`; closed → `away`, with `until` the next opening when known.
 *
 * patchbay's namespace `urn:patchbay:params:xml:ns:pidf:queue` (prefix pq), element <pq:queue>:
 *   <pq:within-hours>     true|false   inside the opening hours
 *   <pq:accepting>        true|false   new calls are admitted
 *   <pq:depth>            callers waiting (xs:nonNegativeInteger)
 *   <pq:available-agents> agents free now
 *   <pq:expected-wait method="agent-free|erlang-a|observed|longest-wait">seconds</pq:expected-wait>
 *                         absent when unknown (no agents logged in, no data) or closed
 *   <pq:callbacks-offered> true|false
 * Everything sits in the tuple's extension slot (##other), so PIDF validators accept it; readers
 * that do not know the namespace ignore it (RFC 3863 §4.3, must-ignore).
 */
import { NS, pidfPrefixes } from '../../codecs/namespaces.js';
import { buildActivities, buildNotes } from '../../codecs/rpid.js';
import { buildTimedStatus } from '../../codecs/timed-status.js';
import type { RpidActivity } from '../../codecs/pidf-types.js';
import { buildXml } from '../../codecs/xml-build.js';
import type { XmlOut } from '../../codecs/xml-build.js';
import type { ResourceView } from '../model/queue-view.js';

export const QUEUE_NS = 'urn:patchbay:params:xml:ns:pidf:queue';

const prefixes: ReadonlyMap<string, string> = new Map([...pidfPrefixes, [QUEUE_NS, 'pq']]);

export interface DocumentInput {
  readonly entity: string;
  readonly view: ResourceView;
  readonly note?: { readonly text: string; readonly lang: string };
}

const el = (name: string, text: string, attrs?: Record<string, string>): XmlOut => ({
  ns: QUEUE_NS,
  name,
  text,
  ...(attrs ? { attrs } : {}),
});

function queueElement(v: ResourceView): XmlOut {
  const wait = v.expectedWait;
  return {
    ns: QUEUE_NS,
    name: 'queue',
    children: [
      el('within-hours', String(v.withinHours)),
      el('accepting', String(v.accepting)),
      el('depth', String(v.depth)),
      el('available-agents', String(v.availableAgents)),
      ...(wait.known && v.open ? [el('expected-wait', String(wait.seconds), { method: wait.method })] : []),
      el('callbacks-offered', String(v.callbacksOffered)),
    ],
  };
}

export function activityOf(v: ResourceView): RpidActivity {
  if (v.open) return 'working';
  return v.withinHours ? 'busy' : 'away';
}

export function buildQueueDocument(input: DocumentInput): string {
  const { view, entity } = input;
  const closedUntil = view.open ? undefined : view.nextOpenAt;
  const tuple: XmlOut = {
    ns: NS.pidf,
    name: 'tuple',
    attrs: { id: 'queue' },
    children: [
      {
        ns: NS.pidf,
        name: 'status',
        children: [{ ns: NS.pidf, name: 'basic', text: view.open ? 'open' : 'closed' }],
      },
      // RFC 4481 §3: the status it will have from the next opening on.
      ...(closedUntil !== undefined ? [buildTimedStatus({ from: closedUntil, basic: 'open' })] : []),
      queueElement(view),
      { ns: NS.pidf, name: 'contact', text: entity },
      ...buildNotes(input.note ? [input.note] : [], NS.pidf),
    ],
  };
  const person: XmlOut = {
    ns: NS.dataModel,
    name: 'person',
    attrs: { id: 'center' },
    children: [
      buildActivities({
        notes: [],
        activities: [activityOf(view)],
        other: [],
        ...(closedUntil !== undefined && !view.withinHours ? { until: closedUntil } : {}),
      }),
    ],
  };
  return buildXml({ ns: NS.pidf, name: 'presence', attrs: { entity }, children: [tuple, person] }, prefixes);
}
