/**
 * The in-process bus (embedded default). Publications go through the same JSON envelope path as
 * on NATS (validated on publish, parsed and validated on receipt) and are delivered asynchronously
 * from one FIFO queue, so every subscriber sees events in publication order. A subscription only
 * receives what was published after it was made, as on NATS.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { systemClock, type Clock } from '../../sip-engine/util/clock.js';
import { assertOpen, busTransition, promised, type BusState } from './bus-state.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { assertBucket } from './kv-names.js';
import { MemoryKv } from './memory-kv.js';
import { matchTokens, parsePattern } from './subject.js';
import type { BusEnvelope, BusLogger, EventBus, EventType, KeyValueStore, Unsubscribe } from './types.js';
import { silentLogger } from './logger.js';

export interface MemoryBusOptions {
  nodeId: string;
  logger?: BusLogger;
  clock?: Clock;
}

interface Subscription {
  tokens: string[];
  handler: (envelope: BusEnvelope) => void;
}

interface Pending {
  topic: string;
  text: string;
  /** Highest subscription id that existed at publication. */
  lastSubId: number;
}

export class MemoryBus implements EventBus {
  readonly kind = 'memory' as const;
  readonly #nodeId: string;
  readonly #logger: BusLogger;
  readonly #clock: Clock;
  readonly #subs = new Map<number, Subscription>();
  readonly #queue: Pending[] = [];
  readonly #buckets = new Map<string, MemoryKv>();
  #nextSubId = 1;
  #scheduled = false;
  #state: BusState = 'open';

  constructor(opts: MemoryBusOptions) {
    this.#nodeId = opts.nodeId;
    this.#logger = opts.logger ?? silentLogger;
    this.#clock = opts.clock ?? systemClock;
  }

  publish<S extends TSchema>(event: EventType<S>, data: Static<S>, suffix?: string): Promise<void> {
    return promised(() => {
      assertOpen(this.#state, 'publish');
      const { topic, text } = encodeEnvelope(event, data, suffix, this.#nodeId, this.#clock);
      this.receiveRaw(topic, text);
    });
  }

  /**
   * The receive path: queues `text` as if it had arrived on `topic`. publish() uses it; tests use
   * it to inject what a misbehaving peer could send.
   */
  receiveRaw(topic: string, text: string): void {
    if (this.#state === 'closed') return;
    this.#queue.push({ topic, text, lastSubId: this.#nextSubId - 1 });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  subscribe(pattern: string, handler: (envelope: BusEnvelope) => void): Unsubscribe {
    assertOpen(this.#state, 'subscribe');
    const tokens = parsePattern(pattern);
    const id = this.#nextSubId++;
    this.#subs.set(id, { tokens, handler });
    return () => {
      this.#subs.delete(id);
    };
  }

  kv(bucket: string): Promise<KeyValueStore> {
    return promised(() => {
      assertOpen(this.#state, 'open a KV bucket');
      assertBucket(bucket);
      let store = this.#buckets.get(bucket);
      if (!store) this.#buckets.set(bucket, (store = new MemoryKv(bucket)));
      return store;
    });
  }

  /** Delivers everything already published, then drops all subscriptions. */
  drain(): Promise<void> {
    if (this.#state !== 'open') return Promise.resolve();
    this.#state = busTransition(this.#state, 'draining');
    this.#flush();
    this.#subs.clear();
    this.#state = busTransition(this.#state, 'closed');
    return Promise.resolve();
  }

  #flush(): void {
    this.#scheduled = false;
    for (let p = this.#queue.shift(); p; p = this.#queue.shift()) this.#deliver(p);
  }

  #deliver(p: Pending): void {
    const decoded = decodeEnvelope(p.topic, p.text);
    if (!decoded.ok) {
      this.#logger.warn(
        { topic: p.topic, reason: decoded.reason, issues: decoded.issues },
        'bus event dropped',
      );
      return;
    }
    const envelope = deepFreeze(decoded.envelope);
    for (const [id, sub] of this.#subs) {
      if (id > p.lastSubId || !matchTokens(sub.tokens, p.topic)) continue;
      try {
        sub.handler(envelope);
      } catch (err) {
        this.#logger.error({ err, topic: p.topic }, 'bus subscriber threw');
      }
    }
  }
}

/** Subscribers share one envelope object: freeze it so none can change what the others see. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
