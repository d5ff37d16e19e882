/**
 * Prometheus metrics of the SIP engine (prom-client), declared in one place with low-cardinality
 * labels: a method from a fixed list (else "other"), a status class ("1xx"…"6xx"), a reason from a
 * fixed union. Gauges (dialogs, transactions, pending requests, connections) are read from the
 * engine's own counters at scrape time, so the hot path only increments counters.
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
const statusClass = (s: number): string => (s >= 100 && s < 700 ? `${Math.floor(s / 100)}xx` : 'other');

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

export function createEngineMetrics(
  source: EngineGaugeSource,
  registry: Registry = new Registry(),
): EngineMetrics {
  const requests = new Counter({
    name: 'sip_engine_requests_total',
    help: 'SIP requests received from the network (in) or sent (out)',
    labelNames: ['direction', 'method'] as const,
    registers: [registry],
  });
  const responses = new Counter({
    name: 'sip_engine_responses_total',
    help: 'SIP responses sent by the engine (out) or passed to apps (in)',
    labelNames: ['direction', 'class'] as const,
    registers: [registry],
  });
  const dialogsOpened = new Counter({
    name: 'sip_engine_dialogs_opened_total',
    help: 'Dialogs created',
    labelNames: ['role'] as const,
    registers: [registry],
  });
  const dialogsClosed = new Counter({
    name: 'sip_engine_dialogs_closed_total',
    help: 'Dialogs ended, by cause',
    labelNames: ['cause'] as const,
    registers: [registry],
  });
  const retransmissions = new Counter({
    name: 'sip_engine_retransmissions_total',
    help: 'Retransmissions the dialog layer made (2xx, reliable 1xx, ACK)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'sip_engine_rejected_total',
    help: 'Requests refused or input dropped, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  gauges(source, registry);
  return {
    registry,
    request: (direction, method) => requests.inc({ direction, method: methodLabel(method) }),
    response: (direction, status) => responses.inc({ direction, class: statusClass(status) }),
    dialogOpened: (role) => dialogsOpened.inc({ role }),
    dialogClosed: (cause) => dialogsClosed.inc({ cause }),
    retransmission: (kind: RetransmissionKind) => retransmissions.inc({ kind }),
    rejected: (reason: RejectReason) => rejected.inc({ reason }),
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
