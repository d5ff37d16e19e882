/**
 * An in-memory SubscriptionTransport for presence-watcher unit tests: every SUBSCRIBE becomes an
 * attempt the test answers (accept / fail), NOTIFYs are injected through it, and refreshes and
 * un-subscribes are recorded and answered by hand. Pair it with FakeClock: nothing here keeps time.
 */
import type { RequestFailure } from '../presence/watcher/policy/retry-policy.js';
import type {
  IncomingNotify,
  NotifyAnswer,
  NotifyHandler,
  RefreshOutcome,
  SubscribeOutcome,
  SubscribeRequest,
  SubscriptionDialog,
  SubscriptionTransport,
} from '../presence/watcher/sip/transport.js';

export const PIDF_TYPE = 'application/pidf+xml';

/** A PIDF body with one tuple and, optionally, RPID activities and user-input on a person. */
export function pidfBody(
  basic: 'open' | 'closed',
  opts: { activities?: readonly string[]; userInput?: 'active' | 'idle'; entity?: string } = {},
): string {
  const acts = (opts.activities ?? []).map((a) => `<rpid:${a}/>`).join('');
  const person =
    acts || opts.userInput
      ? `<dm:person id="p1">${acts ? `<rpid:activities>${acts}</rpid:activities>` : ''}` +
        `${opts.userInput ? `<rpid:user-input>${opts.userInput}</rpid:user-input>` : ''}</dm:person>`
      : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ' +
    `xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${opts.entity ?? 'sip:agent1@example.com'}">` +
    `<tuple id="t1"><status><basic>${basic}</basic></status></tuple>${person}</presence>`
  );
}

/** A presence NOTIFY with `Subscription-State: <state>` and an optional PIDF body. */
export function presenceNotify(
  state: string,
  body = '',
  overrides: Partial<IncomingNotify> = {},
): IncomingNotify {
  return {
    event: 'presence',
    subscriptionState: state,
    contentType: body ? PIDF_TYPE : undefined,
    body,
    ...overrides,
  };
}

export class FakeDialog implements SubscriptionDialog {
  readonly refreshes: { expiresS: number; answered: boolean; answer: (out: RefreshOutcome) => void }[] = [];
  unsubscribed = false;
  released = false;
  readonly #attempt: FakeAttempt;

  constructor(attempt: FakeAttempt) {
    this.#attempt = attempt;
  }

  refresh(expiresS: number): Promise<RefreshOutcome> {
    return new Promise((resolve) => this.refreshes.push({ expiresS, answered: false, answer: resolve }));
  }

  unsubscribe(): Promise<void> {
    this.unsubscribed = true;
    return Promise.resolve();
  }

  release(): void {
    this.released = true;
  }

  /** True once the subscription let go of the dialog (the transport stops delivering NOTIFYs). */
  get closed(): boolean {
    return this.unsubscribed || this.released;
  }

  /** Answers the latest refresh. */
  answerRefresh(out: RefreshOutcome): void {
    const r = this.refreshes.at(-1);
    if (!r) throw new Error('no refresh to answer');
    r.answered = true;
    r.answer(out);
  }

  /** A refresh was sent and not answered yet. */
  get refreshPending(): boolean {
    return this.refreshes.some((r) => !r.answered);
  }

  /** Delivers a NOTIFY in this dialog; undefined when the dialog is closed (srf would answer it). */
  notify(n: IncomingNotify): NotifyAnswer | undefined {
    return this.closed ? undefined : this.#attempt.onNotify(n);
  }
}

export class FakeAttempt {
  readonly request: SubscribeRequest;
  readonly onNotify: NotifyHandler;
  dialog: FakeDialog | undefined;
  /** accept() or fail() was called. */
  answered = false;
  #resolve: (out: SubscribeOutcome) => void = () => undefined;
  readonly promise: Promise<SubscribeOutcome>;

  constructor(request: SubscribeRequest, onNotify: NotifyHandler) {
    this.request = request;
    this.onNotify = onNotify;
    this.promise = new Promise((resolve) => (this.#resolve = resolve));
  }

  /** 2xx to the SUBSCRIBE; `expiresS` is its Expires (undefined: none). */
  accept(expiresS: number | undefined = this.request.expiresS): FakeDialog {
    this.answered = true;
    this.dialog = new FakeDialog(this);
    this.#resolve({ ok: true, dialog: this.dialog, expiresS });
    return this.dialog;
  }

  fail(status: number, extra: Partial<RequestFailure> = {}): void {
    this.answered = true;
    this.#resolve({ ok: false, failure: { status, reason: `status ${status}`, ...extra } });
  }
}

export class FakeSubscriptionTransport implements SubscriptionTransport {
  readonly attempts: FakeAttempt[] = [];

  subscribe(request: SubscribeRequest, onNotify: NotifyHandler): Promise<SubscribeOutcome> {
    const a = new FakeAttempt(request, onNotify);
    this.attempts.push(a);
    return a.promise;
  }

  get last(): FakeAttempt {
    const a = this.attempts.at(-1);
    if (!a) throw new Error('no SUBSCRIBE sent yet');
    return a;
  }
}

/** Lets resolved promises' callbacks run (the transport's answers are promises). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
