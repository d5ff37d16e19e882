/** OPTIONS handler (RFC 3261 §11.2): 200 with what patchbay accepts, also used as a health ping by gateways. */
import type { SrfRequest, SrfResponse } from '../../infra/drachtio/srf-connection.js';

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, SUBSCRIBE, NOTIFY, MESSAGE, REFER';

export function createOptionsHandler() {
  return (_req: SrfRequest, res: SrfResponse): void => {
    res.send(200, { headers: { Allow: ALLOW, Accept: 'application/sdp' } });
  };
}
