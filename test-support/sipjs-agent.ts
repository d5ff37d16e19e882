/**
 * A sip.js UserAgent for Node tests: sip.js's own WebSocket transport (RFC 7118) over the `ws`
 * package, with a media-less SessionDescriptionHandler that offers/answers a fixed PCMU SDP, so
 * the signalling of a browser softphone can be exercised without WebRTC.
 */
import { WebSocket } from 'ws';
import {
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
  type BodyAndContentType,
  type Invitation,
  type Session,
  type SessionDescriptionHandler,
} from 'sip.js';

/** sip.js's Web transport uses the global WebSocket; Node 20 has none by default. */
function ensureWebSocketGlobal(): void {
  const g = globalThis as { WebSocket?: unknown };
  g.WebSocket ??= WebSocket;
}

export function staticSdp(port = 40000): string {
  return [
    'v=0',
    `o=- ${port} 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** Offers/answers `staticSdp()`; `remote` keeps the peer's SDP so tests can check what arrived. */
export class StaticSdh implements SessionDescriptionHandler {
  remote: string | undefined;
  close(): void {
    /* no media to release */
  }
  getDescription(): Promise<BodyAndContentType> {
    return Promise.resolve({ body: staticSdp(), contentType: 'application/sdp' });
  }
  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }
  setDescription(sdp: string): Promise<void> {
    this.remote = sdp;
    return Promise.resolve();
  }
  sendDtmf(): boolean {
    return false;
  }
}

export interface SipJsAgentOptions {
  /** e.g. ws://127.0.0.1:5062 */
  server: string;
  /** e.g. sip:alice@127.0.0.1 */
  aor: string;
  username?: string;
  password?: string;
  onInvite?: (invitation: Invitation) => void;
}

export class SipJsAgent {
  readonly ua: UserAgent;
  #registerer: Registerer | undefined;

  constructor(opts: SipJsAgentOptions) {
    ensureWebSocketGlobal();
    const uri = UserAgent.makeURI(opts.aor);
    if (!uri) throw new Error(`bad AOR ${opts.aor}`);
    this.ua = new UserAgent({
      uri,
      transportOptions: { server: opts.server },
      sessionDescriptionHandlerFactory: () => new StaticSdh(),
      logLevel: 'error',
      ...(opts.username ? { authorizationUsername: opts.username } : {}),
      ...(opts.password ? { authorizationPassword: opts.password } : {}),
      delegate: { onInvite: (inv) => opts.onInvite?.(inv) },
    });
  }

  start(): Promise<void> {
    return this.ua.start();
  }

  /** REGISTERs and resolves once the registrar accepted the binding; rejects on a final failure or timeout. */
  async register(timeoutMs = 5000): Promise<void> {
    const reg = new Registerer(this.ua, { expires: 300 });
    this.#registerer = reg;
    let fail: (e: Error) => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve, reject) => {
      fail = reject;
      timer = setTimeout(() => reject(new Error('REGISTER timed out')), timeoutMs);
      reg.stateChange.addListener((s) => {
        if (s === RegistererState.Registered) resolve();
      });
    });
    try {
      // A delegate that throws would throw inside sip.js's transaction code: reject the wait instead.
      await reg.register({
        requestDelegate: {
          onReject: (res) => fail(new Error(`REGISTER rejected: ${res.message.statusCode}`)),
        },
      });
      await done;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Calls `target`; resolves with the session once established, rejects on failure or timeout. */
  async call(target: string, timeoutMs = 5000): Promise<Session> {
    const uri = UserAgent.makeURI(target);
    if (!uri) throw new Error(`bad target ${target}`);
    const inviter = new Inviter(this.ua, uri);
    const established = waitForSessionState(inviter, SessionState.Established, timeoutMs);
    await inviter.invite();
    await established;
    return inviter;
  }

  async stop(): Promise<void> {
    await this.ua.stop();
  }
}

export function waitForSessionState(session: Session, want: SessionState, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (session.state === want) {
      resolve();
      return;
    }
    const timer = setTimeout(() => reject(new Error(`session did not reach ${want}`)), timeoutMs);
    session.stateChange.addListener((s) => {
      if (s === want) {
        clearTimeout(timer);
        resolve();
      } else if (s === SessionState.Terminated) {
        clearTimeout(timer);
        reject(new Error(`session terminated before ${want}`));
      }
    });
  });
}
