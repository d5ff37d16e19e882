/**
 * A deterministic world for component tests of the engine core: the real TransactionLayer and
 * EngineCore on a FakeClock, a fake transport that records what is sent, and a fake app server
 * that records frames and lets a test send commands as an app would. No sockets, no sleeps.
 */
import { EventEmitter } from 'node:events';
import type {
  AppConnection,
  AppServerApi,
  CdrKind,
  CommandReply,
  EngineCommand,
  SipFrame,
} from '../app/types.js';
import { DEFAULT_ENGINE_CONFIG } from '../config.js';
import type { EngineConfig } from '../config.js';
import { EngineCore } from '../core/engine-core.js';
import { parseMessage } from '../message/parser.js';
import type { SipMessage } from '../message/sip-message.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import type {
  InboundMessage,
  LocalEndpoint,
  MalformedInput,
  RemoteTarget,
  SendResult,
  TransportEvents,
  TransportLayerApi,
} from '../transport/types.js';
import { FakeClock } from '../util/clock.js';

export const LOCAL: LocalEndpoint = { protocol: 'udp', address: '127.0.0.1', port: 5060 };
export const PEER: RemoteTarget = { protocol: 'udp', address: '127.0.0.1', port: 5070 };

export interface Sent {
  message: SipMessage;
  target: RemoteTarget;
}

export class FakeTransport implements TransportLayerApi {
  readonly endpoints: readonly LocalEndpoint[] = [LOCAL];
  readonly sent: Sent[] = [];
  readonly #events = new EventEmitter();

  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#events.on(event, listener);
  }
  emitMalformed(m: MalformedInput): void {
    this.#events.emit('malformed', m);
  }
  send(data: Buffer, target: RemoteTarget): Promise<SendResult> {
    this.sent.push({ message: parseMessage(data), target });
    return Promise.resolve({ local: LOCAL, target, bytes: data.length });
  }
  selectEndpoint(): LocalEndpoint | undefined {
    return LOCAL;
  }
  isLocal(host: string, port: number | undefined): boolean {
    return host === LOCAL.address && (port ?? 5060) === LOCAL.port;
  }
}

export class FakeConnection implements AppConnection {
  readonly id: string;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 40000;
  readonly tags: readonly string[] = [];
  readonly authenticated = true;
  open = true;
  readonly frames: SipFrame[] = [];
  constructor(id: string) {
    this.id = id;
  }
}

export class FakeAppServer implements AppServerApi {
  readonly port = 9022;
  readonly routes = new Map<string, FakeConnection>();
  readonly cdrs: { kind: CdrKind; tokens: string[] }[] = [];
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  setHandler(): void {
    /* the test calls the core directly */
  }
  pickAppFor(verb: string): AppConnection | undefined {
    const c = this.routes.get(verb);
    return c?.open ? c : undefined;
  }
  sendSip(conn: AppConnection, frame: SipFrame): boolean {
    if (!(conn instanceof FakeConnection) || !conn.open) return false;
    conn.frames.push(frame);
    return true;
  }
  sendCdr(kind: CdrKind, tokens: string[]): void {
    this.cdrs.push({ kind, tokens });
  }
  setIdentity(): void {
    /* unused */
  }
}

/** One frame's view for assertions: tokens and the SIP parsed back. */
export interface FrameView {
  tokens: string[];
  message: SipMessage;
}

export class FakeWorld {
  readonly clock = new FakeClock();
  readonly transport = new FakeTransport();
  readonly app = new FakeAppServer();
  readonly config: EngineConfig;
  readonly transactions: TransactionLayer;
  readonly core: EngineCore;
  readonly conn = new FakeConnection('app-1');

  constructor(config: Partial<EngineConfig> = {}) {
    this.config = { ...DEFAULT_ENGINE_CONFIG, timers: { t1Ms: 100, t2Ms: 400, t4Ms: 500 }, ...config };
    this.transactions = new TransactionLayer({
      transport: this.transport,
      clock: this.clock,
      timers: this.config.timers,
    });
    this.transport.on('message', (m) => this.transactions.receive(m));
    this.core = new EngineCore({
      transport: this.transport,
      transactions: this.transactions,
      app: this.app,
      clock: this.clock,
      config: this.config,
    });
  }

  route(...verbs: string[]): this {
    for (const v of verbs) this.app.routes.set(v, this.conn);
    return this;
  }

  /** Delivers SIP text from `source` as if the transport had received it. */
  receive(text: string, source: RemoteTarget = PEER): void {
    const message = parseMessage(Buffer.from(text.replace(/\r?\n/g, '\r\n')));
    const inbound: InboundMessage = {
      message,
      source,
      local: LOCAL,
      receivedAt: this.clock.wallNow(),
      bytes: text.length,
    };
    this.transactions.receive(inbound);
  }

  /** Sends a command as the app; resolves the replies given synchronously or soon after. */
  command(cmd: EngineCommand, conn: FakeConnection = this.conn): CommandReply[] {
    const replies: CommandReply[] = [];
    this.core.handleCommand(conn, cmd, { reply: (r) => replies.push(r) });
    return replies;
  }

  sip(txnId: string, dialogId: string, sip: string, routeUri?: string): CommandReply[] {
    const cmd: EngineCommand = { type: 'sip', txnId, dialogId, sip: sip.replace(/\r?\n/g, '\r\n') };
    if (routeUri !== undefined) cmd.routeUri = routeUri;
    return this.command(cmd);
  }

  frames(conn: FakeConnection = this.conn): FrameView[] {
    return conn.frames.map((f) => ({ tokens: f.tokens, message: parseMessage(Buffer.from(f.sip)) }));
  }

  lastFrame(conn: FakeConnection = this.conn): FrameView {
    const f = this.frames(conn).at(-1);
    if (!f) throw new Error('no frame');
    return f;
  }

  /** Messages sent to the network, optionally only those matching a method or status. */
  sent(filter?: string | number): SipMessage[] {
    return this.transport.sent
      .map((s) => s.message)
      .filter(
        (m) =>
          filter === undefined ||
          (typeof filter === 'number' ? m.status === filter : m.isRequest && m.method === filter),
      );
  }

  /** Lets promise callbacks (sends) run. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
  }
}

export interface RequestSpec {
  method: string;
  uri?: string;
  callId?: string;
  fromTag?: string;
  toTag?: string;
  cseq?: number;
  branch?: string;
  headers?: string[];
  body?: string;
  cseqMethod?: string;
}

/** A request from the peer at PEER (Via with the branch, Contact at the peer). */
export function request(s: RequestSpec): string {
  const body = s.body ?? '';
  const lines = [
    `${s.method} ${s.uri ?? 'sip:svc@127.0.0.1:5060'} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=${s.branch ?? 'z9hG4bK-' + Math.random().toString(36).slice(2)}`,
    'Max-Forwards: 70',
    `From: <sip:peer@127.0.0.1:5070>;tag=${s.fromTag ?? 'peer1'}`,
    `To: <sip:svc@127.0.0.1:5060>${s.toTag ? `;tag=${s.toTag}` : ''}`,
    `Call-ID: ${s.callId ?? 'call-1'}`,
    `CSeq: ${s.cseq ?? 1} ${s.cseqMethod ?? s.method}`,
    'Contact: <sip:peer@127.0.0.1:5070>',
    ...(s.headers ?? []),
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

/** A response from the peer to a request the engine sent (copies Via, From, To, Call-ID, CSeq). */
export function responseTo(
  req: SipMessage,
  status: number,
  opts: { toTag?: string; headers?: string[]; body?: string } = {},
): string {
  const body = opts.body ?? '';
  const to = req.get('to') ?? '';
  const lines = [
    `SIP/2.0 ${status} X`,
    ...req.getAll('via').map((v) => `Via: ${v}`),
    `From: ${req.get('from') ?? ''}`,
    `To: ${opts.toTag && !to.includes('tag=') ? `${to};tag=${opts.toTag}` : to}`,
    `Call-ID: ${req.get('call-id') ?? ''}`,
    `CSeq: ${req.get('cseq') ?? ''}`,
    ...(status >= 200 && status < 300 && req.method === 'INVITE'
      ? ['Contact: <sip:peer@127.0.0.1:5070>']
      : []),
    ...(opts.headers ?? []),
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

export const SDP =
  'v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
