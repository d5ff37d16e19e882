/**
 * INVITE handler factory (thin): admission → dialled number → entry point. Call control for queues
 * and agents arrives with the inbound-routing issue; until then a known entry point is answered
 * 480 (temporarily unavailable) and an unknown number 404.
 */
import type { SrfRequest, SrfResponse } from '../../infra/drachtio/srf-connection.js';
import type { Admission } from '../model/admission.js';
import type { EntryPointLookup } from '../model/entry-points.js';

export interface InviteHandlerDeps {
  admission: Admission;
  lookup: EntryPointLookup;
  log: { info(obj: object, msg: string): void };
}

/** The user part of the Request-URI (RFC 3261 §19.1.1), or the whole tel: number. */
export function dialledNumber(uri: string): string {
  const m = /^(?:sips?|tel):([^@;?]+)/i.exec(uri);
  return m?.[1] ? decodeURIComponent(m[1]) : '';
}

export function createInviteHandler(deps: InviteHandlerDeps) {
  return (req: SrfRequest, res: SrfResponse): void => {
    const decision = deps.admission.decide();
    if (!decision.admit) {
      // RFC 3261 §21.5.4 / §20.33: 503 with Retry-After while draining.
      res.send(503, { headers: { 'Retry-After': String(decision.retryAfterS) } });
      return;
    }
    const dialled = dialledNumber(req.uri);
    const entry = deps.lookup(dialled);
    if (!entry) {
      deps.log.info({ dialled, callId: req.get('Call-ID') }, 'no entry point for dialled number');
      res.send(404); // RFC 3261 §21.4.5 Not Found
      return;
    }
    res.send(480); // RFC 3261 §21.4.18: entry point known, call control not available yet
  };
}
