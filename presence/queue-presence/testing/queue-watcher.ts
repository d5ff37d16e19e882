/**
 * A customer's SIP client for the tests, as a drachtio-srf UAC app on a second engine: SUBSCRIBEs
 * to a queue presence URI, records every NOTIFY (Subscription-State, SIP-ETag, body) and answers it
 * 200; refreshes (optionally conditional, RFC 5839) and unsubscribes in the dialog. The benchmark
 * (bench/lib/queue-watchers.ts) runs thousands of them, counting NOTIFYs without keeping them.
 */
import type { Srf } from '../../../test-support/srf-app.js';
import { waitFor } from '../../../test-support/wait.js';

export interface QueueNotify {
  readonly state: string;
  readonly etag: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

interface Msg {
  status?: number;
  body?: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
}
type CreateUac = (
  uri: string,
  opts: Record<string, unknown>,
  cbs: object,
  cb: (err: unknown, dialog: Srf.Dialog | undefined) => void,
) => unknown;
type DialogRequest = (opts: Record<string, unknown>) => Promise<Msg & { status: number }>;

const headerOf = (m: Msg, name: string): string | undefined => (m.has(name) ? m.get(name) : undefined);

export class QueueWatcher {
  readonly notifies: QueueNotify[] = [];
  /** NOTIFYs received (also when they are not kept). */
  received = 0;
  readonly #dialog: Srf.Dialog;
  readonly #event: string;

  private constructor(dialog: Srf.Dialog, event: string, keep: boolean) {
    this.#dialog = dialog;
    this.#event = event;
    dialog.on('notify', (req, res) => {
      this.received++;
      if (!keep) return res.send(200);
      const m = req as unknown as Msg;
      this.notifies.push({
        state: headerOf(m, 'Subscription-State') ?? '',
        etag: headerOf(m, 'SIP-ETag'),
        contentType: headerOf(m, 'Content-Type'),
        body: typeof m.body === 'string' ? m.body : '',
      });
      res.send(200);
    });
  }

  /** SUBSCRIBEs; a QueueWatcher on 2xx, else the refusal's status. */
  static subscribe(
    srf: Srf,
    opts: {
      uri: string;
      proxy: string;
      from: string;
      event?: string;
      headers?: Record<string, string>;
      auth?: { username: string; password: string };
      /** false: only count NOTIFYs (the benchmark's 10,000 watchers); default true. */
      keepNotifies?: boolean;
    },
  ): Promise<QueueWatcher | number> {
    const event = opts.event ?? 'presence';
    return new Promise((resolve) => {
      const headers = { From: `<${opts.from}>`, Event: event, Expires: '600', ...opts.headers };
      const create = srf.createUAC.bind(srf) as unknown as CreateUac;
      const uac = {
        method: 'SUBSCRIBE',
        proxy: opts.proxy,
        headers,
        ...(opts.auth ? { auth: opts.auth } : {}),
      };
      create(opts.uri, uac, {}, (err, dialog) => {
        if (dialog) return resolve(new QueueWatcher(dialog, event, opts.keepNotifies ?? true));
        const status = (err as { status?: unknown } | undefined)?.status;
        resolve(typeof status === 'number' ? status : 0);
      });
    });
  }

  /** The `n`-th NOTIFY (0-based), with a deadline. */
  notify(n: number, timeoutMs = 20_000): Promise<QueueNotify> {
    return waitFor(() => this.notifies[n], { timeoutMs, what: `NOTIFY #${n}` });
  }

  /** In-dialog SUBSCRIBE (refresh, or Expires: 0); resolves with the response status. */
  async resubscribe(expiresS: number, headers: Record<string, string> = {}): Promise<number> {
    const request = this.#dialog.request.bind(this.#dialog) as unknown as DialogRequest;
    const res = await request({
      method: 'SUBSCRIBE',
      headers: { Event: this.#event, Expires: String(expiresS), ...headers },
    });
    return res.status;
  }
}
