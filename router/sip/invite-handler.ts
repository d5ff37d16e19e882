/**
 * INVITE handler factory (thin): admission → gateway admission (injected) → dialled number → entry
 * point → call control (injected). Without call control a known entry point is answered 480
 * (temporarily unavailable); an unknown number is 404.
 */
import type { SrfRequest, SrfResponse } from '../../infra/drachtio/srf-connection.js';
import type { Admission } from '../model/admission.js';
import type { EntryPoint, EntryPointLookup } from '../model/entry-points.js';

/** What gateway admission learned about an admitted INVITE. */
export interface AdmittedInvite {
  readonly gatewayId?: string;
  /** E.164 when normalized, else as received. */
  readonly caller: string;
  readonly callerRestricted: boolean;
  readonly dialled: string;
  /** Gives a gateway's concurrency slot back once the call is over (idempotent). */
  release(): void;
}

/**
 * Identifies the INVITE's gateway and numbers. Undefined: it was refused, and the refusal (403,
 * 401, 503 + Retry-After) has already been sent.
 */
export type AdmitInbound = (req: SrfRequest, res: SrfResponse) => Promise<AdmittedInvite | undefined>;

export type StartCall = (req: SrfRequest, res: SrfResponse, call: AdmittedInvite, entry: EntryPoint) => void;

export interface InviteHandlerDeps {
  admission: Admission;
  lookup: EntryPointLookup;
  log: { info(obj: object, msg: string): void; error?(obj: object, msg: string): void };
  /** Gateway admission (gateways/); default: any source, Request-URI user and From user. */
  admitInbound?: AdmitInbound;
  /** Call control (router/calls); absent: 480. */
  startCall?: StartCall;
}

/** The user part of the Request-URI (RFC 3261 §19.1.1), or the whole tel: number. */
export function dialledNumber(uri: string): string {
  const m = /^(?:sips?|tel):([^@;?]+)/i.exec(uri);
  return m?.[1] ? decodeURIComponent(m[1]) : '';
}

/** The caller from the From header's URI user part (RFC 3261 §20.20); anonymous is restricted (RFC 3323 §4.1.1.3). */
export function callerOf(from: string): { caller: string; restricted: boolean } {
  const uri = /<([^>]*)>/.exec(from)?.[1] ?? from.split(';')[0] ?? '';
  const caller = dialledNumber(uri.trim());
  return { caller, restricted: caller === '' || caller.toLowerCase() === 'anonymous' };
}

/** Without gateways: every source is accepted; the numbers are taken as received. */
export const acceptAnySource: AdmitInbound = (req) => {
  const { caller, restricted } = callerOf(req.get('From'));
  return Promise.resolve({
    caller,
    callerRestricted: restricted,
    dialled: dialledNumber(req.uri),
    release: () => undefined,
  });
};

export function createInviteHandler(deps: InviteHandlerDeps) {
  const admitInbound = deps.admitInbound ?? acceptAnySource;
  const handle = async (req: SrfRequest, res: SrfResponse): Promise<void> => {
    const decision = deps.admission.decide();
    if (!decision.admit) {
      // RFC 3261 §21.5.4 / §20.33: 503 with Retry-After while draining.
      res.send(503, { headers: { 'Retry-After': String(decision.retryAfterS) } });
      return;
    }
    const admitted = await admitInbound(req, res);
    if (admitted === undefined) return;
    const entry = deps.lookup(admitted.dialled);
    if (!entry) {
      admitted.release();
      deps.log.info(
        { dialled: admitted.dialled, callId: req.get('Call-ID') },
        'no entry point for dialled number',
      );
      res.send(404); // RFC 3261 §21.4.5 Not Found
      return;
    }
    if (deps.startCall) {
      deps.startCall(req, res, admitted, entry);
      return;
    }
    admitted.release();
    res.send(480); // RFC 3261 §21.4.18: entry point known, no call control
  };
  return (req: SrfRequest, res: SrfResponse): void => {
    handle(req, res).catch((err: unknown) => {
      deps.log.error?.({ err, callId: req.get('Call-ID') }, 'INVITE handling failed');
      if (!res.finalResponseSent) res.send(500); // RFC 3261 §21.5.1
    });
  };
}
