/**
 * Between drachtio-srf and gateway admission (thin): the InviteView of an srf request, and the SIP
 * answer of a refusal. An INVITE handler uses them as
 *
 *   const result = gateways.admitInvite(inviteViewOf(req));
 *   if (result.kind === 'refuse') return sendRefusal(res, result);
 */
import type { SrfRequest, SrfResponse } from '../../infra/drachtio/srf-connection.js';
import { srfHeaders } from '../../presence/registrar/sip/register-handler.js';
import type { AdmitResult, InviteView } from '../service/invite-view.js';

function header(req: SrfRequest, name: string): string | undefined {
  if (!req.has(name)) return undefined;
  const v: unknown = req.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Header fields of one name come joined with commas (srf's parser, as RFC 3261 §7.3.1 allows). */
export function inviteViewOf(req: SrfRequest): InviteView {
  const port: unknown = Reflect.get(req, 'source_port');
  const protocol: unknown = Reflect.get(req, 'protocol');
  const authorization = header(req, 'Authorization');
  return {
    sourceAddress: req.source_address,
    sourcePort: typeof port === 'number' ? port : Number(port),
    transport: typeof protocol === 'string' ? protocol.toLowerCase() : 'udp',
    requestUri: req.uri,
    headers: { get: (name) => header(req, name) },
    ...(authorization !== undefined ? { authorization } : {}),
  };
}

/**
 * The refusal as SIP: 403 with nothing more (RFC 3261 §21.4.4; no body, no reason detail to a
 * prober), 503 + Retry-After (§21.5.4, §20.33), 401 with one WWW-Authenticate per algorithm
 * (§22.2, §7.3.1 separate lines), 400 for unparseable credentials (RFC 7616 §3.4).
 */
export function sendRefusal(res: SrfResponse, refusal: Extract<AdmitResult, { kind: 'refuse' }>): void {
  if (refusal.headers.length === 0) res.send(refusal.status);
  else res.send(refusal.status, { headers: srfHeaders(refusal.headers) });
}

/** What an admitted INVITE carries into call control (router/sip/invite-handler.ts `AdmittedInvite`). */
export interface AdmittedCall {
  readonly gatewayId?: string;
  readonly caller: string;
  readonly callerRestricted: boolean;
  readonly dialled: string;
  release(): void;
}

/**
 * The router INVITE handler's `admitInbound`: admits through the service, or sends the refusal and
 * resolves undefined. Synchronous work (an in-memory lookup) behind the handler's async signature.
 */
export function srfAdmitInbound(gateways: {
  admitInvite(view: InviteView): AdmitResult;
}): (req: SrfRequest, res: SrfResponse) => Promise<AdmittedCall | undefined> {
  return (req, res) => {
    const r = gateways.admitInvite(inviteViewOf(req));
    if (r.kind === 'refuse') {
      sendRefusal(res, r);
      return Promise.resolve(undefined);
    }
    return Promise.resolve({
      ...(r.gatewayId !== undefined ? { gatewayId: r.gatewayId } : {}),
      caller: r.caller.number,
      callerRestricted: r.caller.restricted,
      dialled: r.dialled,
      release: () => r.release(),
    });
  };
}
