/**
 * Test-only builders for the transaction layer's tests: requests, responses, inbound wrappers and a
 * layer on a FakeClock with a FakeTransport. Not imported by production code.
 */
import { FakeTransport } from '../../test-support/fake-transport.js';
import { SipMessage } from '../message/sip-message.js';
import type { SipProtocol } from '../message/types.js';
import type { InboundMessage, RemoteTarget } from '../transport/types.js';
import { FakeClock } from '../util/clock.js';
import type { ClientTransactionHandlers, TransactionTimersConfig } from './types.js';
import { TransactionLayer } from './transaction-layer.js';

export const TIMERS: TransactionTimersConfig = { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 };

export interface RequestSpec {
  method?: string;
  /** null: a Via without a branch parameter (an RFC 2543 peer). */
  branch?: string | null;
  transport?: string;
  sentBy?: string;
  /** Appended to the top Via, e.g. ";received=192.0.2.1;rport=5070". */
  viaParams?: string;
  /** Extra Via lines below the top one. */
  lowerVias?: string[];
  uri?: string;
  callId?: string;
  cseq?: number;
  /** CSeq method when it differs from the request method. */
  cseqMethod?: string;
  fromTag?: string;
  toTag?: string;
  routes?: string[];
}

export function request(spec: RequestSpec = {}): SipMessage {
  const method = spec.method ?? 'INVITE';
  const branch = spec.branch === null ? '' : `;branch=${spec.branch ?? 'z9hG4bK-a1'}`;
  const msg = SipMessage.request(method, spec.uri ?? 'sip:bob@example.com');
  msg.append(
    'Via',
    `SIP/2.0/${spec.transport ?? 'UDP'} ${spec.sentBy ?? '192.0.2.10:5070'}${branch}${spec.viaParams ?? ''}`,
  );
  for (const v of spec.lowerVias ?? []) msg.append('Via', v);
  msg.append('Max-Forwards', '70');
  for (const r of spec.routes ?? []) msg.append('Route', r);
  msg.append('From', `<sip:alice@example.com>;tag=${spec.fromTag ?? 'from1'}`);
  msg.append('To', `<sip:bob@example.com>${spec.toTag ? `;tag=${spec.toTag}` : ''}`);
  msg.append('Call-ID', spec.callId ?? 'call-1@example.com');
  msg.append('CSeq', `${spec.cseq ?? 1} ${spec.cseqMethod ?? method}`);
  return msg;
}

/** A response to `req` per RFC 3261 §8.2.6.2: same Via lines, From, Call-ID, CSeq; To with a tag. */
export function response(
  req: SipMessage,
  status: number,
  opts: { toTag?: string; reason?: string } = {},
): SipMessage {
  const res = SipMessage.response(status, opts.reason ?? 'Reason');
  for (const v of req.getAll('via')) res.append('Via', v);
  res.append('From', req.get('from') ?? '');
  const to = req.get('to') ?? '';
  const tag = status === 100 ? undefined : (opts.toTag ?? 'to1');
  res.append('To', tag === undefined || to.includes(';tag=') ? to : `${to};tag=${tag}`);
  res.append('Call-ID', req.get('call-id') ?? '');
  res.append('CSeq', req.get('cseq') ?? '');
  return res;
}

export function source(protocol: SipProtocol = 'udp', extra: Partial<RemoteTarget> = {}): RemoteTarget {
  const base: RemoteTarget = { protocol, address: '192.0.2.10', port: 5070 };
  if (protocol !== 'udp') base.connectionId = 'conn-in-1';
  return { ...base, ...extra };
}

export function inbound(message: SipMessage, from: RemoteTarget = source()): InboundMessage {
  return {
    message,
    source: from,
    local: { protocol: from.protocol, address: '127.0.0.1', port: 5060 },
    receivedAt: new Date(0),
    bytes: message.toBuffer().length,
  };
}

/** Where client transactions send to. */
export function target(protocol: SipProtocol = 'udp'): RemoteTarget {
  return { protocol, address: '192.0.2.20', port: 5060 };
}

export interface World {
  clock: FakeClock;
  transport: FakeTransport;
  layer: TransactionLayer;
}

export function makeWorld(timers: TransactionTimersConfig = TIMERS): World {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const layer = new TransactionLayer({ transport, clock, timers });
  return { clock, transport, layer };
}

export interface Recorder {
  /** "response 180", "timeout", "transport-error <message>" in arrival order, with clock time. */
  events: string[];
  responses: InboundMessage[];
  handlers: ClientTransactionHandlers;
}

export function recorder(clock: FakeClock): Recorder {
  const events: string[] = [];
  const responses: InboundMessage[] = [];
  return {
    events,
    responses,
    handlers: {
      onResponse: (r) => {
        events.push(`response ${r.message.status}@${clock.now()}`);
        responses.push(r);
      },
      onTimeout: () => events.push(`timeout@${clock.now()}`),
      onTransportError: (e) => events.push(`transport-error ${e.message}@${clock.now()}`),
    },
  };
}
