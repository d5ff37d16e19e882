/**
 * CONTRACT: the event bus. Two implementations behind this interface: NATS (infra/bus/nats-bus.ts,
 * when a NATS URL is configured) and in-process (infra/bus/memory-bus.ts, the embedded default).
 *
 * Topics are dot-separated (`agent.state.a17`); subscriptions use NATS wildcards (`*` one token,
 * `>` the rest). Every payload is validated against the catalogue schema (infra/bus/catalogue.ts)
 * on publish AND on receipt (a bus is a trust boundary in a cluster); an invalid payload is a
 * `BusError` with code 'invalid-payload' on publish and is dropped with a log line on receipt.
 */
import type { Static, TSchema } from '@sinclair/typebox';

/** What subscribers receive. */
export interface BusEnvelope<T = unknown> {
  /** Unique id of this event (uuid). */
  id: string;
  /** Full topic it was published on. */
  topic: string;
  /** Catalogue type name (the topic's first tokens, e.g. `agent.state`). */
  type: string;
  /** ISO-8601 time of publication. */
  at: string;
  /** Instance that published it (router node id). */
  source: string;
  data: T;
}

/** A catalogue entry: the event type name and its payload schema. */
export interface EventType<S extends TSchema = TSchema> {
  type: string;
  schema: S;
}

export type Unsubscribe = () => void;

export interface EventBus {
  /** Validates and publishes `data` on `<type>[.<suffix>]`. */
  publish<S extends TSchema>(event: EventType<S>, data: Static<S>, suffix?: string): Promise<void>;
  /** Subscribes with NATS wildcards; returns an unsubscribe function. */
  subscribe(pattern: string, handler: (envelope: BusEnvelope) => void): Unsubscribe;
  /** Durable key-value state (JetStream KV on NATS, a Map in process). */
  kv(bucket: string): Promise<KeyValueStore>;
  /** Flushes pending publications, stops subscriptions, closes the connection. */
  drain(): Promise<void>;
  readonly kind: 'nats' | 'memory';
}

export interface KeyValueStore {
  get(key: string): Promise<{ value: string; revision: number } | undefined>;
  /** Writes; with `expectedRevision` it is a compare-and-set (0 = must not exist). Returns the new revision. */
  put(key: string, value: string, expectedRevision?: number): Promise<number>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

// ---- Added by the bus implementation (additions only; the contract above is unchanged). ----

export type BusErrorCode =
  | 'invalid-payload' // data does not match the catalogue schema; `issues` lists the bad fields
  | 'unknown-type' // published an EventType that is not the catalogue's entry
  | 'invalid-topic' // a topic suffix or subscription pattern is not a valid NATS subject
  | 'invalid-key' // a KV bucket or key name NATS would refuse
  | 'kv-conflict' // compare-and-set: the key is not at `expectedRevision`
  | 'unreachable' // could not connect to the NATS server
  | 'closed' // the bus was used after drain()
  | 'backend'; // the NATS server refused an operation (see `cause`)

/** One schema violation: JSON pointer of the field and what is wrong with it. */
export interface PayloadIssue {
  path: string;
  message: string;
}

export class BusError extends Error {
  override readonly name = 'BusError';
  readonly code: BusErrorCode;
  /** For 'invalid-payload': every bad field. */
  readonly issues: readonly PayloadIssue[];

  constructor(
    code: BusErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: readonly PayloadIssue[] },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.issues = options?.issues ?? [];
  }
}

/** The slice of a pino logger the bus uses (pino's Logger satisfies it). */
export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CreateBusOptions {
  /** NATS server URL(s), comma-separated; absent → the in-process bus. */
  url?: string;
  /** This router node's id: the `source` of every envelope it publishes. */
  nodeId: string;
  logger?: BusLogger;
}
