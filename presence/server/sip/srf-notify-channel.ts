/**
 * NOTIFYs over drachtio-srf: an in-dialog request naming the drachtio dialog id, sent on the socket
 * of the server that holds the dialog (so it works with several drachtio servers), with the
 * Request-URI `sip:placeholder` that drachtio replaces by the dialog's remote target.
 *
 * srf's `request(socket, uri, opts, cb)` accepts `stackDialogId` (lib/drachtio-agent.js) but its
 * typings do not say so; the narrow cast below is the only place that relies on it.
 */
import type { Srf, SrfRequest } from '../../../infra/drachtio/srf-connection.js';
import type { NotifyChannel, NotifyMessage, NotifyResult } from '../ports.js';

export interface NotifyChannelContext {
  /** drachtio's id of the SUBSCRIBE dialog (from the 200 we sent). */
  readonly dialogId: string;
  /** The Event value of the subscription (type and id). */
  readonly event: string;
  /** Our Contact, as sent in the 200 (RFC 6665 §4.4.1: NOTIFY is a target-refresh request). */
  readonly contact: string | undefined;
  /** The SUBSCRIBE, whose socket leads to the drachtio server holding the dialog. */
  readonly request: SrfRequest;
}

export type NotifyChannelFactory = (context: NotifyChannelContext) => NotifyChannel;

interface SentNotify {
  on(event: 'response', listener: (res: { status: number }) => void): void;
}

type InDialogRequest = (
  socket: unknown,
  uri: string,
  opts: { method: 'NOTIFY'; stackDialogId: string; headers: Record<string, string>; body: string },
  callback: (err: unknown, req: SentNotify | undefined) => void,
) => unknown;

/** RFC 6665 §4.2.2: 481 and 408 mean the subscription is gone. */
export function notifyResult(status: number): NotifyResult {
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 481 || status === 408) return { kind: 'gone', status };
  return { kind: 'failed', status };
}

/**
 * A channel keeps only what its NOTIFYs need (dialog id, Event, Contact, the socket), not the
 * SUBSCRIBE itself: thousands of subscriptions must not each hold a parsed request.
 */
export function srfNotifyChannels(srf: Srf): NotifyChannelFactory {
  const request = srf.request.bind(srf) as unknown as InDialogRequest;
  return (ctx) => {
    const { dialogId, event, contact } = ctx;
    const socket = (ctx.request as SrfRequest & { socket?: unknown }).socket;
    return {
      send: (message: NotifyMessage) =>
        new Promise<NotifyResult>((resolve) => {
          const headers: Record<string, string> = {
            ...message.headers,
            Event: event,
            'Subscription-State': message.subscriptionState,
          };
          if (message.contentType !== '') headers['Content-Type'] = message.contentType;
          if (contact !== undefined) headers.Contact = contact;
          const opts = { method: 'NOTIFY' as const, stackDialogId: dialogId, headers, body: message.body };
          request(socket, 'sip:placeholder', opts, (err, sent) => {
            if (err || !sent) return resolve({ kind: 'gone' });
            sent.on('response', (res) => resolve(notifyResult(res.status)));
          });
        }),
    };
  };
}
