/**
 * SIP clients for the presence server's tests, as drachtio-srf UAC apps on a second engine: a
 * publisher (PUBLISH with digest credentials srf answers challenges with) and a watcher (a
 * SUBSCRIBE dialog recording every NOTIFY it receives, answering each 200).
 */
import type { Srf } from '../../../test-support/srf-app.js';
import { waitFor } from '../../../test-support/wait.js';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface PublishAnswer {
  readonly status: number;
  readonly etag: string | undefined;
  readonly expires: string | undefined;
  readonly header: (name: string) => string | undefined;
}

interface SrfMessage {
  status?: number;
  body?: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
}
interface SentRequest {
  on(event: 'response', listener: (res: SrfMessage & { status: number }) => void): void;
}
type LooseRequest = (
  uri: string,
  opts: Record<string, unknown>,
  callback: (err: unknown, req: SentRequest | undefined) => void,
) => unknown;

const header = (m: SrfMessage) => (name: string) => (m.has(name) ? m.get(name) : undefined);

/** Sends one PUBLISH through `proxy` (the presence server's engine) and resolves with the final answer. */
export function publish(
  srf: Srf,
  opts: { uri: string; proxy: string; auth: Credentials; headers: Record<string, string>; body?: string },
): Promise<PublishAnswer> {
  return new Promise((resolve, reject) => {
    const request = srf.request.bind(srf) as unknown as LooseRequest;
    const headers = { From: `<${opts.uri}>`, To: `<${opts.uri}>`, ...opts.headers };
    const sent = { method: 'PUBLISH', proxy: opts.proxy, headers, body: opts.body, auth: opts.auth };
    request(opts.uri, sent, (err, req) => {
      if (err || !req)
        return reject(err instanceof Error ? err : new Error(`PUBLISH not sent: ${String(err)}`));
      req.on('response', (res) => {
        if (res.status < 200) return;
        resolve({
          status: res.status,
          etag: header(res)('SIP-ETag'),
          expires: header(res)('Expires'),
          header: header(res),
        });
      });
    });
  });
}

export interface SeenNotify {
  readonly state: string;
  readonly event: string;
  readonly contentType: string;
  readonly body: string;
}

type UacCallback = (err: unknown, dialog: Srf.Dialog | undefined) => void;
type LooseCreateUac = (
  uri: string,
  opts: Record<string, unknown>,
  cbs: object,
  callback: UacCallback,
) => unknown;
type LooseDialogRequest = (opts: Record<string, unknown>) => Promise<SrfMessage & { status: number }>;

export class Watcher {
  readonly notifies: SeenNotify[] = [];
  readonly #dialog: Srf.Dialog;
  readonly #event: string;

  private constructor(dialog: Srf.Dialog, event: string) {
    this.#dialog = dialog;
    this.#event = event;
    dialog.on('notify', (req, res) => {
      const m = req as unknown as SrfMessage;
      this.notifies.push({
        state: m.get('Subscription-State') ?? '',
        event: m.get('Event') ?? '',
        contentType: m.get('Content-Type') ?? '',
        body: typeof m.body === 'string' ? m.body : '',
      });
      res.send(200);
    });
  }

  /** SUBSCRIBEs; resolves with a Watcher on 2xx, or the status of a refusal. */
  static subscribe(
    srf: Srf,
    opts: {
      uri: string;
      proxy: string;
      from: string;
      auth: Credentials;
      event: string;
      headers?: Record<string, string>;
    },
  ): Promise<Watcher | number> {
    return new Promise((resolve) => {
      const headers = { From: `<${opts.from}>`, Event: opts.event, Expires: '600', ...opts.headers };
      const create = srf.createUAC.bind(srf) as unknown as LooseCreateUac;
      const uacOpts = { method: 'SUBSCRIBE', proxy: opts.proxy, headers, auth: opts.auth };
      // The callback runs synchronously with the 200, so the NOTIFY listener is on before any NOTIFY.
      create(opts.uri, uacOpts, {}, (err, dialog) => {
        if (dialog) return resolve(new Watcher(dialog, opts.event));
        const status = (err as { status?: unknown } | undefined)?.status;
        resolve(typeof status === 'number' ? status : 0);
      });
    });
  }

  /** The `n`-th NOTIFY (0-based), waiting for it with a deadline. */
  notify(n: number, timeoutMs = 5000): Promise<SeenNotify> {
    return waitFor(() => this.notifies[n], { timeoutMs, what: `NOTIFY #${n}` });
  }

  /** An in-dialog SUBSCRIBE (refresh, or Expires: 0 to unsubscribe); resolves with its status. */
  async resubscribe(expiresS: number): Promise<number> {
    const request = this.#dialog.request.bind(this.#dialog) as unknown as LooseDialogRequest;
    const res = await request({
      method: 'SUBSCRIBE',
      headers: { Event: this.#event, Expires: String(expiresS) },
    });
    return res.status;
  }
}
