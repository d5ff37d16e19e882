/**
 * The answer step shared by every SUBSCRIBE handler (agents' presence and dialog packages here,
 * queue presence in presence/queue-presence): a decision is a value — refuse, update an existing
 * subscription (send the reply, then apply), or accept — and an accepted subscription starts only
 * once its 200 is out, because the NOTIFY must follow the 200 in the dialog the 200 created
 * (RFC 6665 §4.2.1.2). A decision that throws is answered 500.
 */
import type { SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import type { PresenceLogger } from '../ports.js';
import { replies } from './sip-reply.js';
import type { IncomingRequest, SipReply } from './sip-reply.js';
import { sendReply } from './srf-io.js';
import type { SentResponse } from './srf-io.js';

/** What to do with a SUBSCRIBE; `P` is the handler's plan for an accepted one. */
export type SubscribeAnswer<P extends { readonly callId: string }> =
  | { readonly kind: 'reject'; readonly reply: SipReply }
  | { readonly kind: 'accept'; readonly reply: SipReply; readonly plan: P }
  /** In-dialog refresh or unsubscribe: send `reply`, then `apply()` (which sends the NOTIFY). */
  | { readonly kind: 'update'; readonly reply: SipReply; readonly apply: () => void };

export function answerSubscribe<P extends { readonly callId: string }>(
  request: IncomingRequest,
  res: SrfResponse,
  decision: Promise<SubscribeAnswer<P>>,
  o: { log: PresenceLogger; start: (plan: P, sent: SentResponse) => void },
): void {
  decision.then(
    (d) => {
      switch (d.kind) {
        case 'reject':
          return sendReply(res, d.reply);
        case 'update':
          return sendReply(res, d.reply, () => d.apply());
        case 'accept':
          return sendReply(res, d.reply, (err, sent) => {
            if (err !== undefined || sent === undefined) {
              o.log.warn({ err, callId: d.plan.callId }, '200 to SUBSCRIBE not sent');
            } else o.start(d.plan, sent);
          });
      }
    },
    (err: unknown) => {
      o.log.warn({ err, callId: request.header('call-id') }, 'SUBSCRIBE failed');
      sendReply(res, replies.serverError());
    },
  );
}
