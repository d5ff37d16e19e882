/**
 * One offer's parallel INVITEs (a fork): one UAC leg per target, each driven by the leg state
 * machine (model/leg.ts). The first 2xx is handed to `onAnswer`, which says whether it wins; every
 * other 2xx is ACKed and BYEd, and pending legs are CANCELled (RFC 3261 §9.1: CANCEL only a
 * pending INVITE; a 2xx that crosses our CANCEL is ACKed and then ended with BYE, §15).
 * The fork settles once every leg is answered-and-won or over; `settled` gives the best failure.
 */
import type { Srf, SrfDialog, SrfRequest } from '../../../infra/drachtio/srf-connection.js';
import { isPending, NEW_LEG, transitionLeg } from '../model/leg.js';
import type { Leg, LegEvent } from '../model/leg.js';

export interface ForkTarget {
  readonly uri: string;
  /** Where to send the INVITE when it is not the URI's host (the device's source address). */
  readonly proxy?: string;
}

export interface ForkOptions {
  readonly localSdp: string;
  readonly headers: Readonly<Record<string, string>>;
}

interface ForkLeg {
  leg: Leg;
  req?: SrfRequest;
  dialog?: SrfDialog;
}

export type ForkEnd =
  { readonly won: true; readonly dialog: SrfDialog } | { readonly won: false; readonly status: number };

/** RFC 3261 §16.7 step 6 in spirit: a 6xx, then busy/decline, then the lowest class seen. */
function bestStatus(statuses: readonly number[]): number {
  if (statuses.length === 0) return 480;
  const six = statuses.find((s) => s >= 600);
  if (six !== undefined) return six;
  const busy = statuses.find((s) => s === 486 || s === 603);
  return busy ?? Math.min(...statuses);
}

export function statusOf(err: unknown): number {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : 408; // no final response: the transaction timed out (§17.1.1.2)
}

export class Fork {
  readonly #legs: ForkLeg[] = [];
  readonly #statuses: number[] = [];
  #winner: ForkLeg | undefined;
  #onAnswer: (dialog: SrfDialog) => boolean;
  #resolve!: (end: ForkEnd) => void;
  readonly settled: Promise<ForkEnd>;

  constructor(onAnswer: (dialog: SrfDialog) => boolean) {
    this.#onAnswer = onAnswer;
    this.settled = new Promise((resolve) => (this.#resolve = resolve));
  }

  start(srf: Srf, targets: readonly ForkTarget[], opts: ForkOptions): void {
    if (targets.length === 0) this.#resolve({ won: false, status: 480 });
    for (const t of targets) this.#startLeg(srf, t, opts);
  }

  /** CANCELs every pending leg; answered losers are already being BYEd. */
  cancel(): void {
    for (const l of this.#legs) this.#cancelLeg(l);
  }

  get answered(): boolean {
    return this.#winner !== undefined;
  }

  #startLeg(srf: Srf, t: ForkTarget, opts: ForkOptions): void {
    const l: ForkLeg = { leg: NEW_LEG };
    this.#legs.push(l);
    const uacOpts = {
      localSdp: opts.localSdp,
      headers: { ...opts.headers },
      ...(t.proxy !== undefined ? { proxy: t.proxy } : {}),
    };
    srf
      .createUAC(t.uri, uacOpts, {
        // srf 5.0.29 calls cbRequest(err, req) although its typings say cbRequest(req).
        cbRequest: ((err: unknown, sent?: SrfRequest) => {
          if (err || sent === undefined) return;
          l.req = sent;
          if (l.leg.state === 'cancelling') sent.cancel(() => undefined);
        }) as unknown as (req: SrfRequest) => void,
        cbProvisional: () => this.#step(l, { type: 'provisional' }),
      })
      .then(
        (dialog) => this.#answered(l, dialog),
        (err: unknown) => this.#failed(l, statusOf(err)),
      );
  }

  #step(l: ForkLeg, e: LegEvent): boolean {
    const r = transitionLeg(l.leg, e);
    if (r.ok) l.leg = r.leg;
    return r.ok;
  }

  #cancelLeg(l: ForkLeg): void {
    if (!isPending(l.leg)) return;
    this.#step(l, { type: 'cancel' });
    l.req?.cancel(() => undefined); // before cbRequest: cancelled there
  }

  #answered(l: ForkLeg, dialog: SrfDialog): void {
    l.dialog = dialog;
    const wasPending = isPending(l.leg);
    this.#step(l, { type: 'answered' });
    if (wasPending && this.#winner === undefined && this.#onAnswer(dialog)) {
      this.#winner = l;
      this.cancel();
      this.#resolve({ won: true, dialog });
      return;
    }
    // Lost the race (or crossed our CANCEL): the 2xx was ACKed by srf; end it with BYE.
    if (l.leg.state === 'answered') this.#step(l, { type: 'discard' });
    dialog.destroy(undefined, () => undefined);
    this.#step(l, { type: 'hangup' });
    this.#statuses.push(487);
    this.#check();
  }

  #failed(l: ForkLeg, status: number): void {
    this.#step(l, { type: 'rejected', status });
    this.#statuses.push(status);
    this.#check();
  }

  #check(): void {
    if (this.#winner !== undefined) return;
    if (this.#legs.every((l) => l.leg.state === 'failed' || l.leg.state === 'ended')) {
      this.#resolve({ won: false, status: bestStatus(this.#statuses) });
    }
  }
}
