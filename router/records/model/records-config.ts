/**
 * The `records` config section (call records, queue statistics and their metrics) and the checks a
 * schema cannot express. No I/O.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { ID_PATTERN, oneOf, section } from '../../../config/schema-helpers.js';

export const RecordsSection = section({
  scope: oneOf(['local', 'all'] as const, {
    default: 'local',
    description:
      'local: record and count the call events this node published (each once per cluster); all: every event on the bus',
  }),
  serviceLevelSeconds: Type.Integer({
    minimum: 1,
    maximum: 3600,
    default: 20,
    description: 'Service level: share of calls answered within this many seconds (default for every queue)',
  }),
  serviceLevelByQueue: Type.Record(
    Type.String({ pattern: ID_PATTERN }),
    Type.Integer({ minimum: 1, maximum: 3600 }),
    {
      default: {},
      description: 'Per-queue service-level thresholds in seconds (queue id → seconds)',
    },
  ),
  timeZone: Type.String({
    minLength: 1,
    default: 'UTC',
    description: "IANA time zone in which 'today' starts for the queue statistics",
  }),
  bufferMax: Type.Integer({
    minimum: 1,
    default: 10000,
    description:
      'Call events held while the database is failing; beyond this they are dropped (counted, logged)',
  }),
  agentMetricsMax: Type.Integer({
    minimum: 0,
    default: 500,
    description:
      'Agents with their own label in the per-agent metrics; the rest are counted as agent="other"',
  }),
});

export type RecordsConfig = Static<typeof RecordsSection>;

export interface RecordsConfigIssue {
  path: string;
  message: string;
  hint?: string;
}

/** Thresholds for queues that do not exist, a time zone Intl does not know (paths under /records). */
export function recordsConfigIssues(cfg: RecordsConfig, queueIds: readonly string[]): RecordsConfigIssue[] {
  const out: RecordsConfigIssue[] = [];
  const known = new Set(queueIds);
  for (const id of Object.keys(cfg.serviceLevelByQueue)) {
    if (!known.has(id)) {
      out.push({
        path: `/serviceLevelByQueue/${id}`,
        message: `no queue '${id}'`,
        hint: `configured queues: ${queueIds.join(', ') || 'none'}`,
      });
    }
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: cfg.timeZone });
  } catch {
    out.push({
      path: '/timeZone',
      message: `unknown time zone '${cfg.timeZone}'`,
      hint: 'an IANA name, e.g. Europe/Paris',
    });
  }
  return out;
}

/** The service-level threshold of a queue, in seconds. */
export function serviceLevelSeconds(cfg: Pick<RecordsConfig, 'serviceLevelSeconds' | 'serviceLevelByQueue'>) {
  return (queueId: string): number => cfg.serviceLevelByQueue[queueId] ?? cfg.serviceLevelSeconds;
}

/** The same issues for the whole configuration, with paths from its root (config/semantics.ts). */
export function recordsSectionIssues(cfg: {
  records: RecordsConfig;
  queues: readonly { id: string }[];
}): RecordsConfigIssue[] {
  const ids = cfg.queues.map((q) => q.id);
  return recordsConfigIssues(cfg.records, ids).map((i) => ({ ...i, path: `/records${i.path}` }));
}
