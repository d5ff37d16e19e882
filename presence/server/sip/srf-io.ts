/**
 * The thin edge between drachtio-srf objects and the handlers' own SIP view (sip-reply.ts). Only
 * srf's public request/response methods are used; srf's types come from infra/drachtio.
 */
import type { SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import type { IncomingRequest, SipReply } from './sip-reply.js';

export function incomingRequest(req: SrfRequest): IncomingRequest {
  return {
    method: req.method,
    uri: req.uri,
    // srf's `get` returns undefined for an absent header although its typings say string.
    header: (name) => (req.has(name) ? req.get(name) : undefined),
    body: typeof req.body === 'string' ? req.body : '',
  };
}

/** What srf reports once a response went out: the message as sent, and the dialog it created. */
export interface SentResponse {
  /** The To header as sent (with the tag the server added). */
  readonly to: string;
  /** The Contact header as sent, if any. */
  readonly contact: string | undefined;
  /** The drachtio dialog id (`res.stackDialogId`), '' when the response created no dialog. */
  readonly dialogId: string;
}

type SendCallback = (err: unknown, sent: SentResponse | undefined) => void;

/** Sends the reply; `done` (optional) hears when it went out or failed. */
export function sendReply(res: SrfResponse, reply: SipReply, done?: SendCallback): void {
  const opts = { headers: { ...reply.headers } };
  if (!done) {
    res.send(reply.status, reply.reason, opts);
    return;
  }
  res.send(reply.status, reply.reason, opts, (err: unknown, msg) => {
    if (err) return done(err, undefined);
    const dialogId = (res as SrfResponse & { stackDialogId?: unknown }).stackDialogId;
    done(undefined, {
      to: msg.get('To'),
      contact: msg.has('Contact') ? msg.get('Contact') : undefined,
      dialogId: typeof dialogId === 'string' ? dialogId : '',
    });
  });
}
