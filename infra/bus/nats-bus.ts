/**
 * The NATS bus (`@nats-io/transport-node`). Envelopes are JSON on `<namespace>.<topic>`; the
 * namespace (default `patchbay`) keeps several clusters (or tests) apart on one server and also
 * prefixes KV bucket names (`<namespace>_<bucket>`). The client reconnects forever; every
 * disconnect/reconnect is logged and reported to onStatus() listeners. Subscriptions survive
 * reconnects (the client re-sends them), publications made while disconnected are buffered.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type Msg, type NatsConnection, type Status } from '@nats-io/transport-node';
import { systemClock, type Clock } from '../../sip-engine/util/clock.js';
import { assertOpen, busTransition, promised, type BusState } from './bus-state.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { assertBucket } from './kv-names.js';
import { silentLogger } from './logger.js';
import { NatsKv } from './nats-kv.js';
import { parsePattern } from './subject.js';
import {
  BusError,
  type BusEnvelope,
  type BusLogger,
  type EventBus,
  type EventType,
  type KeyValueStore,
  type Unsubscribe,
} from './types.js';

export interface NatsBusOptions {
  url: string;
  nodeId: string;
  logger?: BusLogger;
  clock?: Clock;
  /** Subject prefix and KV bucket prefix (one token of [-\w]); default `patchbay`. */
  namespace?: string;
  /** Wait between reconnect attempts (default 2000 ms). */
  reconnectTimeWaitMs?: number;
  /** First connection timeout (default 5000 ms). */
  connectTimeoutMs?: number;
  /** drain() gives up and closes after this long, e.g. while the server is down (default 5000 ms). */
  drainTimeoutMs?: number;
  /** Where KV buckets this bus creates keep their data (default file). */
  kvStorage?: 'file' | 'memory';
}

/** Connection events, as reported to onStatus() listeners. */
export interface BusStatus {
  type: Status['type'];
  server?: string;
}

const NAMESPACE = /^[-\w]+$/;

export class NatsBus implements EventBus {
  readonly kind = 'nats' as const;
  readonly #nc: NatsConnection;
  readonly #opts: NatsBusOptions;
  readonly #namespace: string;
  readonly #logger: BusLogger;
  readonly #clock: Clock;
  readonly #listeners = new Set<(s: BusStatus) => void>();
  readonly #buckets = new Map<string, Promise<NatsKv>>();
  readonly #statusLoop: Promise<void>;
  #kvm: Kvm | undefined;
  #state: BusState = 'open';

  private constructor(nc: NatsConnection, opts: NatsBusOptions, namespace: string) {
    this.#nc = nc;
    this.#opts = opts;
    this.#namespace = namespace;
    this.#logger = opts.logger ?? silentLogger;
    this.#clock = opts.clock ?? systemClock;
    this.#statusLoop = this.#watchStatus();
  }

  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    const namespace = opts.namespace ?? 'patchbay';
    if (!NAMESPACE.test(namespace))
      throw new BusError('invalid-topic', `namespace '${namespace}' must match [-\\w]+`);
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: opts.url.split(',').map((s) => s.trim()),
        name: `patchbay-${opts.nodeId}`,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: opts.reconnectTimeWaitMs ?? 2000,
        timeout: opts.connectTimeoutMs ?? 5000,
      });
    } catch (err) {
      throw new BusError('unreachable', `cannot connect to NATS at ${opts.url}`, { cause: err });
    }
    const bus = new NatsBus(nc, opts, namespace);
    bus.#logger.info({ server: nc.getServer(), namespace }, 'bus connected to NATS');
    return bus;
  }

  /** Reports disconnect / reconnecting / reconnect / error ... events; returns an unsubscribe. */
  onStatus(listener: (status: BusStatus) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish<S extends TSchema>(event: EventType<S>, data: Static<S>, suffix?: string): Promise<void> {
    return promised(() => {
      assertOpen(this.#state, 'publish');
      const { topic, text } = encodeEnvelope(event, data, suffix, this.#opts.nodeId, this.#clock);
      try {
        this.#nc.publish(`${this.#namespace}.${topic}`, text);
      } catch (err) {
        throw new BusError('backend', `publish on ${topic} failed`, { cause: err });
      }
    });
  }

  subscribe(pattern: string, handler: (envelope: BusEnvelope) => void): Unsubscribe {
    assertOpen(this.#state, 'subscribe');
    parsePattern(pattern);
    const sub = this.#nc.subscribe(`${this.#namespace}.${pattern}`, {
      callback: (err, msg) => {
        if (err) this.#logger.error({ err, pattern }, 'bus subscription failed');
        else this.#receive(msg, handler);
      },
    });
    return () => {
      if (!sub.isClosed()) sub.unsubscribe();
    };
  }

  /**
   * One round trip to the server: afterwards it has processed every subscription and publication
   * this bus made so far (so other nodes' publications reach subscriptions made before the call).
   */
  async flush(): Promise<void> {
    assertOpen(this.#state, 'flush');
    await this.#nc.flush();
  }

  kv(bucket: string): Promise<KeyValueStore> {
    return promised(() => {
      assertOpen(this.#state, 'open a KV bucket');
      assertBucket(bucket);
      let store = this.#buckets.get(bucket);
      if (!store) {
        store = this.#openKv(bucket);
        this.#buckets.set(bucket, store);
        store.catch(() => this.#buckets.delete(bucket));
      }
      return store;
    });
  }

  /** Deletes a KV bucket and its history (tests, operator tooling). */
  async destroyKv(bucket: string): Promise<void> {
    assertBucket(bucket);
    this.#buckets.delete(bucket);
    const kv = await this.#kvManager().open(this.#bucketName(bucket));
    await kv.destroy();
  }

  /**
   * Flushes pending publications, lets subscriptions finish what they hold, closes. While the
   * server is unreachable a drain cannot complete: after `drainTimeoutMs` the connection is closed
   * and what was still buffered is lost (logged).
   */
  async drain(): Promise<void> {
    if (this.#state !== 'open') return this.#statusLoop;
    this.#state = busTransition(this.#state, 'draining');
    const outcome = await this.#drainWithin(this.#opts.drainTimeoutMs ?? 5000);
    if (outcome !== 'drained') {
      this.#logger.warn({ outcome }, 'bus drain incomplete; closing the connection');
      await this.#nc.close();
    }
    await this.#statusLoop;
    this.#state = busTransition(this.#state, 'closed');
  }

  async #drainWithin(timeoutMs: number): Promise<'drained' | 'timed-out' | 'failed'> {
    if (this.#nc.isClosed()) return 'drained';
    let timer: { cancel(): void } | undefined;
    const timeout = new Promise<'timed-out'>((resolve) => {
      timer = this.#clock.setTimer(() => resolve('timed-out'), timeoutMs);
    });
    const drained = this.#nc.drain().then(
      () => 'drained' as const,
      (err: unknown) => {
        this.#logger.warn({ err }, 'bus drain failed');
        return 'failed' as const;
      },
    );
    try {
      return await Promise.race([drained, timeout]);
    } finally {
      timer?.cancel();
    }
  }

  #bucketName(bucket: string): string {
    return `${this.#namespace}_${bucket}`;
  }

  #kvManager(): Kvm {
    this.#kvm ??= new Kvm(this.#nc);
    return this.#kvm;
  }

  async #openKv(bucket: string): Promise<NatsKv> {
    const storage = this.#opts.kvStorage === 'memory' ? StorageType.Memory : StorageType.File;
    try {
      const kv = await this.#kvManager().create(this.#bucketName(bucket), { history: 1, storage });
      return new NatsKv(kv, bucket);
    } catch (err) {
      throw new BusError('backend', `cannot open KV bucket ${bucket} (JetStream enabled?)`, { cause: err });
    }
  }

  #receive(msg: Msg, handler: (envelope: BusEnvelope) => void): void {
    const topic = msg.subject.slice(this.#namespace.length + 1);
    const decoded = decodeEnvelope(topic, msg.string());
    if (!decoded.ok) {
      this.#logger.warn({ topic, reason: decoded.reason, issues: decoded.issues }, 'bus event dropped');
      return;
    }
    try {
      handler(decoded.envelope);
    } catch (err) {
      this.#logger.error({ err, topic }, 'bus subscriber threw');
    }
  }

  async #watchStatus(): Promise<void> {
    for await (const s of this.#nc.status()) {
      const status: BusStatus = 'server' in s ? { type: s.type, server: s.server } : { type: s.type };
      if (s.type === 'disconnect') this.#logger.warn(status, 'bus disconnected from NATS');
      else if (s.type === 'reconnect') this.#logger.info(status, 'bus reconnected to NATS');
      else if (s.type === 'error') this.#logger.error({ err: s.error }, 'NATS server error');
      else if (s.type === 'slowConsumer')
        this.#logger.warn({ pending: s.pending }, 'bus subscriber too slow');
      for (const listener of this.#listeners) listener(status);
    }
  }
}
