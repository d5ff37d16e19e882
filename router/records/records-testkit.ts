/**
 * Test kit: the events call control publishes for typical calls (what `router/calls/` sends), so
 * the records can be tested before and apart from it. Times are `t0 + offset` ms.
 */
import type { Test } from 'tap';
import type { EventBus } from '../../infra/bus/index.js';
import { lookupEvent } from '../../infra/bus/index.js';
import type { Db } from '../../infra/db/index.js';
import { createCallMetrics, createMetrics } from '../../infra/telemetry/index.js';
import type { Metrics } from '../../infra/telemetry/index.js';
import { systemClock } from '../../sip-engine/util/clock.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import { CaptureLogger } from '../../test-support/capture-logger.js';
import { CallRecorder } from './call-recorder.js';
import type { RecorderScope } from './call-recorder.js';
import { mergeCallEvent } from './model/call-record.js';
import type { CallRecord } from './model/call-record.js';
import { mergeOfferEvent } from './model/offer-record.js';
import type { OfferRecord } from './model/offer-record.js';
import { isOfferEvent } from './model/record-events.js';
import type { RecordEvent } from './model/record-events.js';
import { RecordMetrics } from './record-metrics.js';
import { createRecordStore } from './store/record-store.js';
import type { RecordStore } from './store/record-store.js';

export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const iso = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();

export interface ScenarioOptions {
  callId: string;
  queueId?: string;
  caller?: string;
  gatewayId?: string;
  /** Offset of the arrival from T0 (ms). */
  startMs?: number;
}

function arrivedAndQueued(o: ScenarioOptions, start: number): RecordEvent[] {
  const queueId = o.queueId ?? 'sales';
  return [
    {
      type: 'call.arrived',
      data: {
        callId: o.callId,
        sipCallId: `sip-${o.callId}`,
        ...(o.gatewayId !== undefined ? { gatewayId: o.gatewayId } : {}),
        caller: o.caller ?? '+33612345678',
        callerRestricted: false,
        dialled: '+33140000000',
        entry: { kind: 'queue', id: queueId },
        at: iso(start),
      },
    },
    {
      type: 'call.queued',
      data: { callId: o.callId, queueId, priority: 0, position: 1, at: iso(start + 10) },
    },
  ];
}

function offer(
  o: ScenarioOptions,
  offerId: string,
  agentId: string,
  startMs: number,
  ring: { outcome: 'answered' | 'no-answer' | 'declined' | 'cancelled'; ringMs: number; status?: number },
): RecordEvent[] {
  const queueId = o.queueId ?? 'sales';
  const base = { callId: o.callId, offerId, agentId };
  return [
    {
      type: 'call.offered',
      data: { ...base, queueId, devices: 1, personalManager: false, at: iso(startMs) },
    },
    {
      type: 'call.offer-ended',
      data: {
        ...base,
        outcome: ring.outcome,
        ringMs: ring.ringMs,
        ...(ring.status !== undefined ? { status: ring.status } : {}),
        at: iso(startMs + ring.ringMs),
      },
    },
  ];
}

/** Queued, a no-answer from a1, answered by a2 after `waitMs`, talk 60 s, agent hangs up. */
export function answeredCall(o: ScenarioOptions & { waitMs?: number; agentId?: string }): RecordEvent[] {
  const s = o.startMs ?? 0;
  const wait = o.waitMs ?? 12_000;
  const agentId = o.agentId ?? 'a2';
  const queueId = o.queueId ?? 'sales';
  return [
    ...arrivedAndQueued(o, s),
    ...offer(o, `${o.callId}-o1`, 'a1', s + 20, { outcome: 'no-answer', ringMs: 5_000 }),
    ...offer(o, `${o.callId}-o2`, agentId, s + wait - 3_000, { outcome: 'answered', ringMs: 3_000 }),
    { type: 'call.answered', data: { callId: o.callId, agentId, queueId, waitMs: wait, at: iso(s + wait) } },
    {
      type: 'call.ended',
      data: {
        callId: o.callId,
        outcome: 'completed',
        hungUpBy: 'agent',
        queueId,
        agentId,
        waitMs: wait,
        talkMs: 60_000,
        at: iso(s + wait + 60_000),
      },
    },
  ];
}

/** Queued, a1 rings and is cancelled when the caller hangs up after `waitMs`. */
export function abandonedCall(o: ScenarioOptions & { waitMs?: number }): RecordEvent[] {
  const s = o.startMs ?? 0;
  const wait = o.waitMs ?? 30_000;
  const queueId = o.queueId ?? 'sales';
  return [
    ...arrivedAndQueued(o, s),
    ...offer(o, `${o.callId}-o1`, 'a1', s + wait - 4_000, { outcome: 'cancelled', ringMs: 4_000 }),
    {
      type: 'call.ended',
      data: {
        callId: o.callId,
        outcome: 'abandoned',
        hungUpBy: 'caller',
        queueId,
        waitMs: wait,
        at: iso(s + wait),
      },
    },
  ];
}

/** Overflowed after 60 s to a spare number that answered. */
export function overflowedCall(o: ScenarioOptions): RecordEvent[] {
  const s = o.startMs ?? 0;
  const queueId = o.queueId ?? 'sales';
  const target = '+33199999999';
  return [
    ...arrivedAndQueued(o, s),
    {
      type: 'call.overflowed',
      data: { callId: o.callId, queueId, target, waitMs: 60_000, at: iso(s + 60_000) },
    },
    {
      type: 'call.answered',
      data: { callId: o.callId, overflowTarget: target, queueId, waitMs: 62_000, at: iso(s + 62_000) },
    },
    {
      type: 'call.ended',
      data: {
        callId: o.callId,
        outcome: 'completed',
        hungUpBy: 'caller',
        queueId,
        waitMs: 62_000,
        talkMs: 10_000,
        at: iso(s + 72_000),
      },
    },
  ];
}

/** Refused at once: the queue is closed (480). */
export function rejectedCall(o: ScenarioOptions): RecordEvent[] {
  const s = o.startMs ?? 0;
  const [arrived] = arrivedAndQueued(o, s);
  return [
    ...(arrived ? [arrived] : []),
    {
      type: 'call.ended',
      data: {
        callId: o.callId,
        outcome: 'rejected',
        status: 480,
        hungUpBy: 'system',
        waitMs: 0,
        at: iso(s + 5),
      },
    },
  ];
}

/** The value of one sample in Prometheus text (`name{a="x",b="y"} 3`), undefined when absent. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const wanted = Object.entries(labels);
    if (got.size === wanted.length && wanted.every(([k, v]) => got.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

/** Publishes a record event on the bus as call control does (topic suffix: the call id). */
export async function publishRecordEvent(bus: EventBus, e: RecordEvent): Promise<void> {
  const type = lookupEvent(e.type);
  if (!type) throw new Error(`no catalogue entry for ${e.type}`);
  await bus.publish(type, e.data, e.data.callId);
}

export interface RecorderWorld {
  recorder: CallRecorder;
  store: RecordStore;
  metrics: Metrics;
  logger: CaptureLogger;
  /** Current value of a metric sample. */
  value(name: string, labels?: Record<string, string>): Promise<number | undefined>;
}

/** A recorder on `bus` writing to `db`, with its own metrics registry (real clock unless given, short backoff). */
export function recorderWorld(
  db: Db,
  bus: EventBus,
  opts: {
    nodeId?: string;
    scope?: RecorderScope;
    bufferMax?: number;
    serviceLevelSeconds?: number;
    clock?: Clock;
    flushIntervalMs?: number;
    batchMax?: number;
  } = {},
): RecorderWorld {
  const metrics = createMetrics();
  const callMetrics = createCallMetrics(metrics.registry);
  const sink = new RecordMetrics(callMetrics, {
    queueIds: ['sales', 'support'],
    agentLabels: 3,
    serviceLevelSeconds: () => opts.serviceLevelSeconds ?? 20,
  });
  const logger = new CaptureLogger();
  const store = createRecordStore(db);
  const recorder = new CallRecorder({
    bus,
    store,
    clock: opts.clock ?? systemClock,
    logger,
    counters: callMetrics.records,
    nodeId: opts.nodeId ?? 'n1',
    scope: opts.scope ?? 'local',
    onFacts: (facts) => facts.forEach((f) => sink.observe(f)),
    retry: { initialMs: 20, maxMs: 200 },
    ...(opts.bufferMax !== undefined ? { bufferMax: opts.bufferMax } : {}),
    ...(opts.flushIntervalMs !== undefined ? { flushIntervalMs: opts.flushIntervalMs } : {}),
    ...(opts.batchMax !== undefined ? { batchMax: opts.batchMax } : {}),
  });
  recorder.start();
  return {
    recorder,
    store,
    metrics,
    logger,
    value: async (name, labels) => metricValue(await metrics.text(), name, labels),
  };
}

/** What the rows must be: the events folded in publication order. */
export function foldEvents(events: readonly RecordEvent[]): {
  calls: Map<string, CallRecord>;
  offers: OfferRecord[];
} {
  const calls = new Map<string, CallRecord>();
  const offers = new Map<string, OfferRecord>();
  for (const e of events) {
    if (isOfferEvent(e)) {
      const m = mergeOfferEvent(offers.get(`${e.data.callId}/${e.data.offerId}`), e);
      if (m.kind === 'changed') offers.set(`${e.data.callId}/${e.data.offerId}`, m.record);
    } else {
      const m = mergeCallEvent(calls.get(e.data.callId), e);
      if (m.kind === 'changed') calls.set(e.data.callId, m.record);
    }
  }
  return { calls, offers: [...offers.values()] };
}

/** Asserts that the store's rows are the events folded in order (`t`: a tap test). */
export async function assertRows(t: Test, store: RecordStore, events: readonly RecordEvent[]): Promise<void> {
  const want = foldEvents(events);
  for (const [id, record] of want.calls) t.same((await store.loadCall(id))?.record, record, `call ${id}`);
  for (const o of want.offers) {
    t.same((await store.loadOffer(o.callId, o.offerId))?.record, o, `offer ${o.callId}/${o.offerId}`);
  }
}
