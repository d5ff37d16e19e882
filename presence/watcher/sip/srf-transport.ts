/**
 * SubscriptionTransport over drachtio-srf: SUBSCRIBE with `srf.createUAC`, refresh and
 * un-subscribe with `dialog.request`, NOTIFY from the dialog's `notify` event (answered with
 * `res.send`). No socket of its own: everything goes through the drachtio server (patchbay's
 * sip-engine or a real drachtio-server).
 *
 * Two srf 5.0.29 details handled here:
 * - createUAC is used with a callback, not its promise: srf registers the dialog and calls the
 *   callback synchronously on the 2xx, so the `notify` listener is attached before the next frame
 *   (a NOTIFY right behind the 2xx) is handled. With the promise form that NOTIFY could find no
 *   listener and be answered 200 by srf unseen.
 * - srf keys a subscriber dialog's subscription by the SUBSCRIBE's To but looks it up by the
 *   NOTIFY's To (our From), so it never finds it and logs an error on every terminating NOTIFY.
 *   The dialog's list is set to the key srf will compute, which lets srf end the dialog itself.
 */
import type { Srf } from '../../../infra/drachtio/srf-connection.js';
import type { Clock, TimerHandle } from '../../../sip-engine/util/clock.js';
import { systemClock } from '../../../sip-engine/util/clock.js';
import { PIDF_CONTENT_TYPE } from '../../codecs/pidf.js';
import type { RequestFailure } from '../policy/retry-policy.js';
import { PRESENCE_EVENT } from './notify-check.js';
import type {
  NotifyHandler,
  RefreshOutcome,
  SubscribeOutcome,
  SubscribeRequest,
  SubscriptionDialog,
  SubscriptionTransport,
} from './transport.js';

export interface SrfTransportOptions {
  /** The watcher's own URI, sent as From (RFC 3856 §6.6 identifies the watcher by it). */
  readonly from: string;
  /** Outbound proxy for the SUBSCRIBE (the presence server), e.g. `sip:127.0.0.1:5070`. */
  readonly presenceServer?: string;
  readonly clock?: Clock;
  /** How long an un-subscribed dialog waits for the notifier's final NOTIFY (default 64·T1). */
  readonly lingerMs?: number;
}

/** What the adapter reads of srf's request/response objects (lib/request.js, lib/response.js). */
interface SrfMessage {
  readonly status?: number;
  readonly reason?: string;
  readonly body?: unknown;
  get(name: string): string | undefined;
  has(name: string): boolean;
}

interface SrfReply {
  send(status: number, reason?: string, opts?: { headers?: Record<string, string> }): void;
}

type ResponseCallback = (err: unknown, res?: SrfMessage) => void;

/** The parts of srf's Dialog (lib/dialog.js) used here; its bundled typings lack some. */
interface SrfSubscribeDialog {
  readonly res: SrfMessage;
  subscriptions: string[];
  on(event: 'notify', listener: (req: SrfMessage, res: SrfReply) => void): unknown;
  removeAllListeners(event: 'notify'): unknown;
  request(opts: { method: string; headers: Record<string, string> }, callback: ResponseCallback): unknown;
}

interface SrfSubscriber {
  createUAC(
    uri: string,
    opts: { method: 'SUBSCRIBE'; headers: Record<string, string>; proxy?: string },
    progress: Record<string, never>,
    callback: (err: unknown, dialog?: SrfSubscribeDialog) => void,
  ): unknown;
  removeDialog(dialog: SrfSubscribeDialog): void;
}

function headerOf(msg: SrfMessage | undefined, name: string): string | undefined {
  return msg?.has(name) ? msg.get(name) : undefined;
}

function seconds(value: string | undefined): number | undefined {
  const t = value?.trim();
  return t !== undefined && /^\d{1,10}$/.test(t) ? Number(t) : undefined;
}

/** An srf failure as a value: a SIP final response (srf's SipError) or no response at all (0). */
function failureOf(err: unknown): RequestFailure {
  if (typeof err === 'object' && err !== null) {
    const e = err as {
      status?: unknown;
      reason?: unknown;
      res?: SrfMessage;
      code?: unknown;
      message?: unknown;
    };
    if (typeof e.status === 'number') {
      const retryAfterS = seconds(headerOf(e.res, 'Retry-After')?.split(/[;(\s]/)[0]);
      const minExpiresS = seconds(headerOf(e.res, 'Min-Expires'));
      return {
        status: e.status,
        reason: typeof e.reason === 'string' ? e.reason : '',
        ...(retryAfterS !== undefined ? { retryAfterS } : {}),
        ...(minExpiresS !== undefined ? { minExpiresS } : {}),
      };
    }
    // The drachtio server no longer knows the dialog: the same as the notifier's 481.
    if (e.code === 'ENODIALOG') return { status: 481, reason: String(e.message) };
  }
  return { status: 0, reason: err instanceof Error ? err.message : String(err) };
}

/** The key srf derives from a URI for its subscription list (`user@host:event`). */
export function srfSubscriptionKey(uri: string, event: string): string {
  const m = /^sips?:(?:([^@]*)@)?(\[[^\]]*\]|[^:;?>]+)/i.exec(uri.replace(/^<|>$/g, '').trim());
  const user = m?.[1]?.split(':')[0];
  return `${user ?? 'undefined'}@${m?.[2] ?? ''}:${event}`;
}

/** Sends one request inside the dialog and resolves with its final response (1xx are skipped). */
function inDialog(dialog: SrfSubscribeDialog, headers: Record<string, string>): Promise<SrfMessage> {
  return new Promise((resolve, reject) => {
    dialog.request({ method: 'SUBSCRIBE', headers }, (err, res) => {
      if (err)
        reject(err instanceof Error ? err : Object.assign(new Error('in-dialog SUBSCRIBE failed'), err));
      else if (res && (res.status ?? 0) >= 200) resolve(res);
    });
  });
}

class SrfDialogHandle implements SubscriptionDialog {
  #closed = false;

  constructor(
    private readonly srf: SrfSubscriber,
    private readonly dialog: SrfSubscribeDialog,
    private readonly clock: Clock,
    private readonly lingerMs: number,
  ) {}

  async refresh(expiresS: number): Promise<RefreshOutcome> {
    // RFC 6665 §4.1.2.2: a refresh is a SUBSCRIBE in the dialog with the same Event.
    const headers = { Event: PRESENCE_EVENT, Accept: PIDF_CONTENT_TYPE, Expires: String(expiresS) };
    try {
      const res = await inDialog(this.dialog, headers);
      const status = res.status ?? 0;
      if (status < 300) return { ok: true, expiresS: seconds(headerOf(res, 'Expires')) };
      return { ok: false, failure: failureOf({ status, reason: res.reason, res }) };
    } catch (err) {
      return { ok: false, failure: failureOf(err) };
    }
  }

  async unsubscribe(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // From now on srf answers the notifier's final NOTIFY with 200 itself (no listener left).
    this.dialog.removeAllListeners('notify');
    // RFC 6665 §4.1.2.3: Expires: 0 ends the subscription; a final NOTIFY follows. Bounded, so a
    // shutdown never waits on a drachtio connection that will not answer.
    const answered = inDialog(this.dialog, { Event: PRESENCE_EVENT, Expires: '0' }).then(
      (res) => (res.status ?? 0) < 300,
      () => false,
    );
    let bound: TimerHandle | undefined;
    const gaveUp = new Promise<boolean>(
      (resolve) => (bound = this.clock.setTimer(() => resolve(false), this.lingerMs)),
    );
    const ok = await Promise.race([answered, gaveUp]);
    bound?.cancel();
    // Accepted: srf drops the dialog on the final NOTIFY; this timer only covers a NOTIFY that never comes.
    if (ok) this.clock.setTimer(() => this.srf.removeDialog(this.dialog), this.lingerMs);
    else this.srf.removeDialog(this.dialog);
  }

  release(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.dialog.removeAllListeners('notify');
    this.srf.removeDialog(this.dialog);
  }
}

function attachNotify(dialog: SrfSubscribeDialog, from: string, onNotify: NotifyHandler): void {
  dialog.subscriptions = [srfSubscriptionKey(from, PRESENCE_EVENT)];
  dialog.on('notify', (req, res) => {
    const answer = onNotify({
      event: headerOf(req, 'Event'),
      subscriptionState: headerOf(req, 'Subscription-State'),
      contentType: headerOf(req, 'Content-Type'),
      body: typeof req.body === 'string' ? req.body : '',
    });
    res.send(answer.status, answer.reason, answer.headers ? { headers: { ...answer.headers } } : {});
  });
}

export function createSrfSubscriptionTransport(srf: Srf, opts: SrfTransportOptions): SubscriptionTransport {
  // srf's typings omit `method`/`proxy` of createUAC and the Dialog internals used: narrowed once here.
  const api = srf as unknown as SrfSubscriber;
  const clock = opts.clock ?? systemClock;
  const lingerMs = opts.lingerMs ?? 32000;
  return {
    subscribe(request: SubscribeRequest, onNotify: NotifyHandler): Promise<SubscribeOutcome> {
      // RFC 3856 §6.1 Event: presence; §6.5 Accept: application/pidf+xml; §6.4 / RFC 6665 §4.1.2.1 Expires.
      const headers = {
        From: `<${opts.from}>`,
        Event: PRESENCE_EVENT,
        Accept: PIDF_CONTENT_TYPE,
        Expires: String(request.expiresS),
      };
      const uacOpts = {
        method: 'SUBSCRIBE' as const,
        headers,
        ...(opts.presenceServer !== undefined ? { proxy: opts.presenceServer } : {}),
      };
      return new Promise((resolve) => {
        try {
          api.createUAC(request.uri, uacOpts, {}, (err, dialog) => {
            if (err || !dialog) return resolve({ ok: false, failure: failureOf(err ?? 'no dialog') });
            attachNotify(dialog, opts.from, onNotify);
            const handle = new SrfDialogHandle(api, dialog, clock, lingerMs);
            resolve({ ok: true, dialog: handle, expiresS: seconds(headerOf(dialog.res, 'Expires')) });
          });
        } catch (err) {
          resolve({ ok: false, failure: failureOf(err) });
        }
      });
    },
  };
}
