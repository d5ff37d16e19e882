/**
 * The ACK an INVITE client transaction sends for a 300–699 response (RFC 3261 §17.1.1.3). The ACK
 * for a 2xx is a separate transaction built by the dialog layer (§13.2.2.4), not here.
 */
import { SipMessage } from '../message/sip-message.js';

export interface AckSource {
  /** The INVITE the transaction sent. */
  readonly invite: SipMessage;
  /** Its top Via exactly as written. */
  readonly topViaRaw: string;
  /** Its CSeq number. */
  readonly cseq: number;
}

/** RFC 3261 §17.1.1.3: the ACK for a non-2xx final response. */
export function buildNon2xxAck(src: AckSource, response: SipMessage): SipMessage {
  const { invite } = src;
  const uri = invite.startLine.kind === 'request' ? invite.startLine.uri : '';
  const ack = SipMessage.request('ACK', uri);
  // "a single Via header field ... equal to the top Via header field of the original request"
  ack.append('Via', src.topViaRaw);
  // §8.1.1.6: every request carries Max-Forwards; keep the INVITE's value.
  ack.append('Max-Forwards', invite.get('max-forwards') ?? '70');
  // "If the INVITE request ... had Route header fields, those header fields MUST appear in the ACK."
  for (const route of invite.getAll('route')) ack.append('Route', route);
  // Call-ID, From and Request-URI equal the INVITE's; To equals the response's (it carries the tag).
  ack.append('From', invite.get('from') ?? '');
  ack.append('To', response.get('to') ?? invite.get('to') ?? '');
  ack.append('Call-ID', invite.get('call-id') ?? '');
  // "the same value for the sequence number ... but the method parameter MUST be equal to ACK"
  ack.append('CSeq', `${src.cseq} ACK`);
  ack.append('Content-Length', '0');
  return ack;
}
