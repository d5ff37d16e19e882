/** The router drachtio-srf application: registers the thin SIP handlers on an Srf instance. */
import type { Srf } from '../infra/drachtio/srf-connection.js';
import { Admission } from './model/admission.js';
import type { EntryPointLookup } from './model/entry-points.js';
import { createInviteHandler } from './sip/invite-handler.js';
import type { AdmitInbound, StartCall } from './sip/invite-handler.js';
import { createOptionsHandler } from './sip/options-handler.js';

export interface RouterApp {
  admission: Admission;
}

function isSrfList(x: Srf | readonly Srf[]): x is readonly Srf[] {
  return Array.isArray(x);
}

/**
 * Registers the router's handlers on every Srf (one per drachtio server); all of them share one
 * admission state, so draining stops new calls on every server at once.
 */
export function registerRouterApp(
  srfs: Srf | readonly Srf[],
  deps: {
    lookup: EntryPointLookup;
    log: { info(obj: object, msg: string): void; error?(obj: object, msg: string): void };
    /** Gateway admission (default: any source); see router/sip/invite-handler.ts. */
    admitInbound?: AdmitInbound;
    /** Call control (router/calls); without it a known number is answered 480. */
    startCall?: StartCall;
  },
): RouterApp {
  const admission = new Admission();
  const invite = createInviteHandler({
    admission,
    lookup: deps.lookup,
    log: deps.log,
    ...(deps.admitInbound ? { admitInbound: deps.admitInbound } : {}),
    ...(deps.startCall ? { startCall: deps.startCall } : {}),
  });
  const options = createOptionsHandler();
  const list: readonly Srf[] = isSrfList(srfs) ? srfs : [srfs];
  for (const srf of list) {
    srf.invite(invite);
    srf.options(options);
  }
  return { admission };
}
