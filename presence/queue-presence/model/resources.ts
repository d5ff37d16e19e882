/**
 * The presence resources customers can watch, from the config: every queue with a `presence`
 * field, and every service (a group of queues). Each has presence URIs `sip:<user>@<domain>`; a
 * user part names one resource only. No I/O.
 */
import type { DeepReadonly } from '../../../config/schema.js';
import type { OpeningHoursData } from '../../../router/queues/model/queue-schema.js';
import type { PresenceServiceData, QueuePresenceAccessData, QueuePresenceData } from '../config-schema.js';
import { QueuePresenceError } from '../errors.js';

/** The slice of a queue spec this folder reads (QueueSpecData satisfies it). */
export interface QueueInput {
  readonly id: string;
  readonly hours?: DeepReadonly<OpeningHoursData> | undefined;
  readonly presence?: DeepReadonly<QueuePresenceData> | undefined;
}

export type ServiceInput = DeepReadonly<PresenceServiceData>;
export type Hours = DeepReadonly<OpeningHoursData>;

export interface PresenceResource {
  /** `queue:<id>` or `service:<id>`. */
  readonly id: string;
  readonly queueIds: readonly string[];
  readonly users: readonly string[];
  readonly access: DeepReadonly<QueuePresenceAccessData>;
  readonly denied: 'forbidden' | 'polite';
  readonly notes: Readonly<Record<string, string>>;
  readonly offerCallbacks: boolean;
}

export interface ResourceTable {
  readonly resources: ReadonlyMap<string, PresenceResource>;
  /** user part → resource id. */
  readonly byUser: ReadonlyMap<string, string>;
  /** queue id → the resources that show it. */
  readonly byQueue: ReadonlyMap<string, readonly string[]>;
  readonly hours: ReadonlyMap<string, Hours | undefined>;
}

function resourceOf(
  id: string,
  queueIds: readonly string[],
  p: DeepReadonly<QueuePresenceData>,
): PresenceResource {
  return {
    id,
    queueIds,
    users: p.users,
    access: p.access,
    denied: p.denied,
    notes: p.notes,
    offerCallbacks: p.offerCallbacks,
  };
}

/** Builds the table; throws QueuePresenceError listing every clash or unknown queue. */
export function resourceTable(
  queues: readonly QueueInput[],
  services: readonly ServiceInput[],
): ResourceTable {
  const problems: string[] = [];
  const resources = new Map<string, PresenceResource>();
  const known = new Set(queues.map((q) => q.id));
  for (const q of queues)
    if (q.presence) resources.set(`queue:${q.id}`, resourceOf(`queue:${q.id}`, [q.id], q.presence));
  for (const s of services) {
    const unknown = s.queues.filter((id) => !known.has(id));
    if (unknown.length > 0) problems.push(`service ${s.id} names unknown queues ${unknown.join(', ')}`);
    resources.set(`service:${s.id}`, resourceOf(`service:${s.id}`, s.queues, s));
  }
  const byUser = new Map<string, string>();
  const byQueue = new Map<string, string[]>();
  for (const r of resources.values()) {
    for (const u of r.users) {
      const other = byUser.get(u);
      if (other !== undefined) problems.push(`presence user '${u}' is used by ${other} and ${r.id}`);
      byUser.set(u, r.id);
    }
    for (const q of r.queueIds) byQueue.set(q, [...(byQueue.get(q) ?? []), r.id]);
  }
  if (problems.length > 0) throw new QueuePresenceError('invalid-resources', problems.join('; '));
  return { resources, byUser, byQueue, hours: new Map(queues.map((q) => [q.id, q.hours])) };
}
