/**
 * Prometheus metrics of the SIP engine (prom-client), declared in one place with low-cardinality
 * labels: a method from a fixed list (else "other"), a status class ("1xx"…"6xx"), a reason from a
 * fixed union. Gauges (dialogs, transactions, pending requests, connections) are read from the
 * engine's own counters at scrape time, and counters from plain tallies (Tally), so the hot path
 * only adds 1 to a number.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { CoreMetrics, RejectReason, RetransmissionKind } from './core/metrics-port.js';

const METHODS = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'PUBLISH',
  'INFO',
  'REFER',
  'MESSAGE',
  'UPDATE',
]);

const methodLabel = (m: string): string => (METHODS.has(m) ? m : 'other');
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', '6xx'] as const;
const statusClass = (s: number): string => STATUS_CLASSES[Math.floor(s / 100) - 1] ?? 'other';

/** Live figures the gauges read at scrape time. */
export interface EngineGaugeSource {
  dialogs(): number;
  pendingRequests(): number;
  transactions(): { client: number; server: number };
  connections(): number;
  /** Transport-level drops since start (the transport's own counters). */
  transportDrops(): { malformed: number; oversize: number; rateLimited: number };
}

export interface EngineMetrics extends CoreMetrics {
  readonly registry: Registry;
}

/**
 * Plain tallies behind a prom-client counter: the hot path adds 1 to a number found through one or
 * two Map lookups (no label object, no label hashing); the counter is filled from the tallies when
 * it is scraped (prom-client calls `collect` before reading). Label values come from fixed sets,
 * so the maps stay small.
 */
class Tally {
  readonly #byFirst = new Map<string, Map<string, number>>();

  inc(first: string, second = ''): void {
    let inner = this.#byFirst.get(first);
    if (!inner) {
      inner = new Map();
      this.#byFirst.set(first, inner);
    }
    inner.set(second, (inner.get(second) ?? 0) + 1);
  }

  /** Every (first, second, count), for the scrape. */
  *entries(): Generator<[string, string, number]> {
    for (const [first, inner] of this.#byFirst) for (const [second, n] of inner) yield [first, second, n];
  }
}

function talliedCounter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly [string] | readonly [string, string],
): Tally {
  const tally = new Tally();
  const [firstName, secondName] = labelNames;
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [first, second, n] of tally.entries()) {
        this.inc(
          secondName === undefined ? { [firstName]: first } : { [firstName]: first, [secondName]: second },
          n,
        );
      }
    },
  });
  return tally;
}

export function createEngineMetrics(
  source: EngineGaugeSource,
  registry: Registry = new Registry(),
): EngineMetrics {
  const requests = talliedCounter(
    registry,
    'sip_engine_requests_total',
    'SIP requests received from the network (in) or sent (out)',
    ['direction', 'method'],
  );
  const responses = talliedCounter(
    registry,
    'sip_engine_responses_total',
    'SIP responses sent by the engine (out) or passed to apps (in)',
    ['direction', 'class'],
  );
  const dialogsOpened = talliedCounter(registry, 'sip_engine_dialogs_opened_total', 'Dialogs created', [
    'role',
  ]);
  const dialogsClosed = talliedCounter(
    registry,
    'sip_engine_dialogs_closed_total',
    'Dialogs ended, by cause',
    ['cause'],
  );
  const retransmissions = talliedCounter(
    registry,
    'sip_engine_retransmissions_total',
    'Retransmissions the dialog layer made (2xx, reliable 1xx, ACK)',
    ['kind'],
  );
  const rejected = talliedCounter(
    registry,
    'sip_engine_rejected_total',
    'Requests refused or input dropped, by reason',
    ['reason'],
  );
  gauges(source, registry);
  return {
    registry,
    request: (direction, method) => requests.inc(direction, methodLabel(method)),
    response: (direction, status) => responses.inc(direction, statusClass(status)),
    dialogOpened: (role) => dialogsOpened.inc(role),
    dialogClosed: (cause) => dialogsClosed.inc(cause),
    retransmission: (kind: RetransmissionKind) => retransmissions.inc(kind),
    rejected: (reason: RejectReason) => rejected.inc(reason),
  };
}

function gauges(source: EngineGaugeSource, registry: Registry): void {
  new Gauge({
    name: 'sip_engine_dialogs',
    help: 'Dialogs currently kept',
    registers: [registry],
    collect() {
      this.set(source.dialogs());
    },
  });
  new Gauge({
    name: 'sip_engine_pending_requests',
    help: 'Requests from the network waiting for an app response',
    registers: [registry],
    collect() {
      this.set(source.pendingRequests());
    },
  });
  new Gauge({
    name: 'sip_engine_transactions',
    help: 'Live SIP transactions',
    labelNames: ['side'] as const,
    registers: [registry],
    collect() {
      const t = source.transactions();
      this.set({ side: 'client' }, t.client);
      this.set({ side: 'server' }, t.server);
    },
  });
  new Gauge({
    name: 'sip_engine_transport_dropped',
    help: 'Input the transport dropped since start, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      const d = source.transportDrops();
      this.set({ reason: 'malformed' }, d.malformed);
      this.set({ reason: 'oversize' }, d.oversize);
      this.set({ reason: 'rate-limited' }, d.rateLimited);
    },
  });
  new Gauge({
    name: 'sip_engine_connections',
    help: 'Open SIP stream connections (TCP, TLS, WS, WSS)',
    registers: [registry],
    collect() {
      this.set(source.connections());
    },
  });
}
