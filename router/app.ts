/** The router drachtio-srf application: registers the thin SIP handlers on an Srf instance. */
import type { Srf } from '../infra/drachtio/srf-connection.js';
import { Admission } from './model/admission.js';
import type { EntryPointLookup } from './model/entry-points.js';
import { createInviteHandler } from './sip/invite-handler.js';
import { createOptionsHandler } from './sip/options-handler.js';

export interface RouterApp {
  admission: Admission;
}

export function registerRouterApp(
  srf: Srf,
  deps: { lookup: EntryPointLookup; log: { info(obj: object, msg: string): void } },
): RouterApp {
  const admission = new Admission();
  srf.invite(createInviteHandler({ admission, lookup: deps.lookup, log: deps.log }));
  srf.options(createOptionsHandler());
  return { admission };
}
