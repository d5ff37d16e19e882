/**
 * Building responses to a received request (RFC 3261 §8.2.6): Via lines, From, Call-ID and CSeq
 * are copied, To is copied and gets our tag. Used for the responses the engine generates itself
 * (100, 400, 481, 487, 491, 503…) and as the skeleton of app responses.
 */
import { SipMessage } from '../message/sip-message.js';
import { canonicalHeaderKey } from '../message/sip-message.js';
import { withTag } from './sip-fields.js';

/** Standard reason phrases for the responses the engine generates (RFC 3261 §21). */
const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying',
  200: 'OK',
  400: 'Bad Request',
  408: 'Request Timeout',
  422: 'Session Interval Too Small',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  487: 'Request Terminated',
  491: 'Request Pending',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  504: 'Server Time-out',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 300 ? 'OK' : 'Error');
}

/**
 * RFC 3261 §8.2.6.2: a response skeleton. `toTag` is added to To unless it already has one
 * (a 100 Trying never gets one, §8.2.6.2). `recordRoute` copies Record-Route (§12.1.1).
 */
export function buildResponse(
  req: SipMessage,
  status: number,
  opts: { reason?: string; toTag?: string; recordRoute?: boolean } = {},
): SipMessage {
  const res = SipMessage.response(status, opts.reason ?? reasonPhrase(status));
  const headers = res.headers;
  for (const h of req.headers) {
    const key = canonicalHeaderKey(h.name);
    if (key === 'via' || key === 'from' || key === 'call-id' || key === 'cseq') {
      headers.push({ name: wireName(key), value: h.value });
    } else if (key === 'to') {
      const to = opts.toTag !== undefined && status !== 100 ? withTag(h.value, opts.toTag) : h.value;
      headers.push({ name: 'To', value: to });
    } else if (key === 'record-route' && opts.recordRoute) {
      headers.push({ name: 'Record-Route', value: h.value });
    }
  }
  return res;
}

function wireName(key: string): string {
  switch (key) {
    case 'via':
      return 'Via';
    case 'from':
      return 'From';
    case 'call-id':
      return 'Call-ID';
    default:
      return 'CSeq';
  }
}
