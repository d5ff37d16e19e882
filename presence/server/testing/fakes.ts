/**
 * In-memory fakes of the presence server's ports, for unit, component and SIP tests: an
 * authenticator that trusts `Authorization: Test <user>`, a directory, a call-state source the test
 * drives, a NOTIFY channel that records and lets the test answer, and PIDF bodies.
 */
import type { DialogInfoDialog } from '../../codecs/dialog-info.js';
import type {
  AuthOutcome,
  AuthRequest,
  Authenticator,
  CallStateSource,
  NotifyChannel,
  NotifyMessage,
  NotifyResult,
  PresentityDirectory,
} from '../ports.js';
import type { IncomingRequest } from '../sip/sip-reply.js';

export const DOMAIN = 'cc.example.com';
export const ALICE = `sip:alice@${DOMAIN}`;
export const BOB = `sip:bob@${DOMAIN}`;

/** `Authorization: Test alice` authenticates alice of DOMAIN; none → challenge; `Test` alone → 403. */
export const testAuthenticator: Authenticator = {
  authenticate(request: AuthRequest): AuthOutcome {
    const m = /^Test(?:\s+(\S+))?$/.exec(request.authorization?.trim() ?? '');
    if (!m) return { kind: 'challenge', challenges: ['Digest realm="test", nonce="n", qop="auth"'] };
    const user = m[1];
    if (user === undefined) return { kind: 'rejected', status: 403, reason: 'no user' };
    return { kind: 'authenticated', aor: user.includes('@') ? `sip:${user}` : `sip:${user}@${DOMAIN}` };
  },
};

export function directoryOf(...aors: string[]): PresentityDirectory {
  const known = new Set(aors);
  return { isPresentity: (aor) => known.has(aor) };
}

export class FakeCalls implements CallStateSource {
  readonly #dialogs = new Map<string, DialogInfoDialog[]>();
  readonly #listeners = new Set<(p: string) => void>();

  dialogsOf(presentity: string): readonly DialogInfoDialog[] {
    return this.#dialogs.get(presentity) ?? [];
  }

  set(presentity: string, dialogs: DialogInfoDialog[]): void {
    this.#dialogs.set(presentity, dialogs);
    for (const l of [...this.#listeners]) l(presentity);
  }

  onChange(listener: (presentity: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listeners(): number {
    return this.#listeners.size;
  }
}

interface Sent {
  readonly message: NotifyMessage;
  readonly answer: (result: NotifyResult) => void;
}

/** Records NOTIFYs; each stays unanswered until the test calls `answerNext` (or `autoAnswer` is set). */
export class FakeChannel implements NotifyChannel {
  readonly sent: NotifyMessage[] = [];
  readonly #waiting: Sent[] = [];
  autoAnswer: NotifyResult | undefined;

  constructor(autoAnswer?: NotifyResult) {
    this.autoAnswer = autoAnswer;
  }

  send(message: NotifyMessage): Promise<NotifyResult> {
    this.sent.push(message);
    if (this.autoAnswer) return Promise.resolve(this.autoAnswer);
    return new Promise((resolve) => this.#waiting.push({ message, answer: resolve }));
  }

  get outstanding(): number {
    return this.#waiting.length;
  }

  /** Answers the oldest outstanding NOTIFY and lets the server react (microtasks). */
  async answerNext(result: NotifyResult = { kind: 'delivered', status: 200 }): Promise<void> {
    const next = this.#waiting.shift();
    if (!next) throw new Error('no NOTIFY outstanding');
    next.answer(result);
    await settle();
  }

  last(): NotifyMessage | undefined {
    return this.sent[this.sent.length - 1];
  }
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export function pidfBody(
  entity: string,
  opts: { tuple?: string; basic?: 'open' | 'closed'; activity?: string } = {},
): string {
  const person =
    opts.activity === undefined
      ? ''
      : `<dm:person id="p1"><rpid:activities><rpid:${opts.activity}/></rpid:activities></dm:person>`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ' +
    `xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${entity}">` +
    `<tuple id="${opts.tuple ?? 't1'}"><status><basic>${opts.basic ?? 'open'}</basic></status></tuple>${person}</presence>`
  );
}

export const CONFIRMED_CALL: DialogInfoDialog = {
  id: 'd1',
  callId: 'call-1',
  localTag: 'lt',
  remoteTag: 'rt',
  direction: 'recipient',
  state: 'confirmed',
  remote: { identity: 'sip:+4930111@gw.example.net' },
};

/** An IncomingRequest from a header record (names case-insensitive). */
export function incoming(
  method: string,
  uri: string,
  headers: Record<string, string>,
  body = '',
): IncomingRequest {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, uri, header: (name) => lower.get(name.toLowerCase()), body };
}
