/**
 * Test doubles for the proxy's unit tests: a transaction layer that records client transactions
 * and lets a test answer them, a transport that knows which addresses are "us", a server
 * transaction that records responses, and a responder that records frames. Not used by production code.
 */
import type { CommandReply, CommandResponder, ProxyCommand } from '../../app/types.js';
import { DEFAULT_ENGINE_CONFIG, type EngineConfig } from '../../config.js';
import { SipMessage } from '../../message/sip-message.js';
import { parseMessage } from '../../message/parser.js';
import type {
  ClientTransaction,
  ClientTransactionHandlers,
  ServerTransaction,
  ServerTransactionState,
  TransactionLayerApi,
} from '../../transaction/types.js';
import type {
  InboundMessage,
  LocalEndpoint,
  RemoteTarget,
  SendResult,
  TransportLayerApi,
} from '../../transport/types.js';

export const PROXY_ADDR = '127.0.0.1';
export const PROXY_PORT = 5060;
export const CONFIG: EngineConfig = DEFAULT_ENGINE_CONFIG;

const result = (target: RemoteTarget, bytes = 0): SendResult => ({
  local: { protocol: target.protocol, address: PROXY_ADDR, port: PROXY_PORT },
  target,
  bytes,
});

export class FakeTransportLayer implements TransportLayerApi {
  readonly endpoints: LocalEndpoint[] = [
    { protocol: 'udp', address: PROXY_ADDR, port: PROXY_PORT },
    { protocol: 'tcp', address: PROXY_ADDR, port: PROXY_PORT },
  ];
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  on(): void {
    // events are not used by the proxy
  }
  send(data: Buffer, target: RemoteTarget): Promise<SendResult> {
    return Promise.resolve(result(target, data.length));
  }
  selectEndpoint(target: Pick<RemoteTarget, 'protocol' | 'address'>): LocalEndpoint | undefined {
    return this.endpoints.find((e) => e.protocol === target.protocol);
  }
  isLocal(host: string, port: number | undefined): boolean {
    return host === PROXY_ADDR && (port ?? 5060) === PROXY_PORT;
  }
}

export interface ClientRecord {
  request: SipMessage;
  target: RemoteTarget;
  handlers: ClientTransactionHandlers;
  txn: ClientTransaction;
}

/** Records client transactions and stateless sends; `answer` feeds a response to a client transaction. */
export class FakeTransactions implements TransactionLayerApi {
  readonly clients: ClientRecord[] = [];
  readonly stateless: { message: SipMessage; target: RemoteTarget }[] = [];
  readonly size = { client: 0, server: 0 };

  on(): void {
    // the proxy never subscribes
  }
  receive(): void {
    // not used
  }
  stop(): void {
    // nothing to stop
  }
  sendRequest(
    request: SipMessage,
    target: RemoteTarget,
    handlers: ClientTransactionHandlers,
  ): ClientTransaction {
    const txn: ClientTransaction = {
      key: `ct-${this.clients.length}`,
      request,
      target,
      isInvite: request.method === 'INVITE',
      state: 'calling',
      sent: Promise.resolve(result(target)),
    };
    this.clients.push({ request, target, handlers, txn });
    return txn;
  }
  sendStateless(message: SipMessage, target: RemoteTarget): Promise<SendResult> {
    this.stateless.push({ message, target });
    return Promise.resolve(result(target));
  }
  responseTarget(request: InboundMessage): RemoteTarget {
    return request.source;
  }

  /** Client records of a method (INVITE, CANCEL...), in order. */
  requests(method: string): ClientRecord[] {
    return this.clients.filter((c) => c.request.method === method);
  }

  /** The INVITE (or other method) client record sent to `port`. */
  to(port: number, method = 'INVITE'): ClientRecord {
    const rec = this.clients.find((c) => c.target.port === port && c.request.method === method);
    if (!rec) throw new Error(`no ${method} sent to port ${port}`);
    return rec;
  }

  /** Delivers a response to the client transaction `rec` as if it came from its target. */
  answer(rec: ClientRecord, status: number, opts: ResponseOptions = {}): InboundMessage {
    const res = responseTo(rec.request, status, opts);
    const inbound = inboundOf(res, {
      protocol: rec.target.protocol,
      address: rec.target.address,
      port: rec.target.port,
    });
    rec.handlers.onResponse(inbound, rec.txn);
    return inbound;
  }
}

export interface ResponseOptions {
  reason?: string;
  toTag?: string;
  headers?: [string, string][];
}

/** A response to `req` (RFC 3261 §8.2.6.2): all Vias, From, To (+tag), Call-ID, CSeq. */
export function responseTo(req: SipMessage, status: number, opts: ResponseOptions = {}): SipMessage {
  const res = SipMessage.response(status, opts.reason ?? `Status ${status}`);
  for (const v of req.getAll('via')) res.append('Via', v);
  res.append('From', req.get('from') ?? '');
  const to = req.get('to') ?? '';
  res.append('To', status === 100 || to.includes('tag=') ? to : `${to};tag=${opts.toTag ?? `t${status}`}`);
  res.append('Call-ID', req.get('call-id') ?? '');
  res.append('CSeq', req.get('cseq') ?? '');
  for (const [n, v] of opts.headers ?? []) res.append(n, v);
  return res;
}

export function inboundOf(message: SipMessage, source: RemoteTarget): InboundMessage {
  return {
    message,
    source,
    local: { protocol: source.protocol, address: PROXY_ADDR, port: PROXY_PORT },
    receivedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 0)),
    bytes: message.toBuffer().length,
  };
}

export function parseSip(lines: readonly string[]): SipMessage {
  return parseMessage(Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`));
}

export const UPSTREAM: RemoteTarget = { protocol: 'udp', address: '127.0.0.1', port: 5070 };

/** An INVITE (or other method) from the upstream UAC at 127.0.0.1:5070, addressed to the proxy. */
export function upstreamRequest(
  opts: { method?: string; extra?: string[]; uri?: string; maxForwards?: string } = {},
): SipMessage {
  const method = opts.method ?? 'INVITE';
  return parseSip([
    `${method} ${opts.uri ?? 'sip:4000@127.0.0.1:5060'} SIP/2.0`,
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-up-1;received=127.0.0.1;rport=5070',
    `Max-Forwards: ${opts.maxForwards ?? '70'}`,
    'From: "Alice" <sip:alice@127.0.0.1:5070>;tag=a1',
    'To: <sip:4000@127.0.0.1:5060>',
    'Call-ID: call-1@127.0.0.1',
    `CSeq: 1 ${method}`,
    'Contact: <sip:alice@127.0.0.1:5070>',
    ...(opts.extra ?? []),
  ]);
}

export class FakeServerTxn implements ServerTransaction {
  readonly key = 'st-1';
  readonly request: InboundMessage;
  readonly isInvite: boolean;
  state: ServerTransactionState = 'proceeding';
  readonly responses: SipMessage[] = [];

  constructor(request: InboundMessage) {
    this.request = request;
    this.isInvite = request.message.method === 'INVITE';
  }
  get lastResponse(): SipMessage | undefined {
    return this.responses.at(-1);
  }
  get statuses(): number[] {
    return this.responses.map((r) => r.status);
  }
  respond(response: SipMessage): Promise<SendResult> {
    const s = response.status;
    if (
      s >= 200 &&
      this.state !== 'trying' &&
      this.state !== 'proceeding' &&
      !(this.state === 'accepted' && s < 300)
    ) {
      return Promise.reject(new Error(`final response ${s} in state ${this.state}`));
    }
    this.responses.push(response);
    if (s >= 300) this.state = 'completed';
    else if (s >= 200) this.state = this.isInvite ? 'accepted' : 'completed';
    return Promise.resolve(result(this.request.source));
  }
  onTerminated(): void {
    // not needed
  }
}

export class RecordingResponder implements CommandResponder {
  readonly replies: CommandReply[] = [];
  reply(reply: CommandReply): void {
    this.replies.push(reply);
  }
  /** `continue:486`, `done`, `NOK:<text>` for each reply, for compact assertions. */
  get summary(): string[] {
    return this.replies.map((r) => {
      if (r.status !== 'OK') return `${r.status}:${r.tokens[0] ?? ''}`;
      if (r.tokens[0] === 'done') return 'done';
      const status = /^SIP\/2\.0 (\d+)/.exec(r.sip ?? '')?.[1] ?? '?';
      return `continue:${status}`;
    });
  }
}

export function proxyCommand(
  destinations: string[],
  opts: Partial<ProxyCommand> = {},
  headers: string[] = [],
): ProxyCommand {
  return {
    type: 'proxy',
    txnId: 'txn-1',
    remainInDialog: false,
    fullResponse: true,
    followRedirects: false,
    simultaneous: false,
    destinations,
    sip: [`INVITE ${destinations[0] ?? 'sip:x'} SIP/2.0`, ...headers, 'Content-Length: 0', '', ''].join(
      '\r\n',
    ),
    ...opts,
  };
}

/** Lets pending promise callbacks (branch resolution, sends) run; not a sleep. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
