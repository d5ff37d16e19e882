/**
 * Realistic SIP messages for tests (parser, transport, core). Each builder returns the raw text with
 * CRLF line endings and a correct Content-Length unless told otherwise.
 */

export const SAMPLE_SDP = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 49170 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=sendrecv',
  '',
].join('\r\n');

/** Joins header lines with CRLF, adds `Content-Length` (bytes of body) unless `contentLength` is null. */
export function sipText(
  lines: readonly string[],
  body = '',
  contentLength: number | null = Buffer.byteLength(body),
): string {
  const all = contentLength === null ? [...lines] : [...lines, `Content-Length: ${contentLength}`];
  return `${all.join('\r\n')}\r\n\r\n${body}`;
}

export interface InviteOptions {
  callId?: string;
  branch?: string;
  fromTag?: string;
  cseq?: number;
  host?: string;
  port?: number;
  body?: string;
  extra?: readonly string[];
}

export function inviteText(o: InviteOptions = {}): string {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? 5072;
  const body = o.body ?? SAMPLE_SDP;
  return sipText(
    [
      `INVITE sip:4000@${host}:5060 SIP/2.0`,
      `Via: SIP/2.0/UDP ${host}:${port};branch=${o.branch ?? 'z9hG4bK-524287-1'};rport`,
      'Max-Forwards: 70',
      `From: "Alice" <sip:alice@${host}:${port}>;tag=${o.fromTag ?? '9fxced76sl'}`,
      `To: <sip:4000@${host}:5060>`,
      `Call-ID: ${o.callId ?? '3848276298220188511@atlanta.example.com'}`,
      `CSeq: ${o.cseq ?? 1} INVITE`,
      `Contact: <sip:alice@${host}:${port};transport=udp>`,
      'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE',
      'Supported: 100rel, timer',
      ...(o.extra ?? []),
      ...(body ? ['Content-Type: application/sdp'] : []),
    ],
    body,
  );
}

/** A 200 OK to the default INVITE, having crossed two proxies (three Vias, one of them on a shared line). */
export function okText(body = SAMPLE_SDP): string {
  return sipText(
    [
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-p2;received=127.0.0.1;rport=5080',
      'Via: SIP/2.0/TCP [::1]:5090;branch=z9hG4bK-p1, SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-524287-1;rport',
      'Record-Route: <sip:127.0.0.1:5080;lr>',
      'From: "Alice" <sip:alice@127.0.0.1:5072>;tag=9fxced76sl',
      'To: <sip:4000@127.0.0.1:5060>;tag=8321234356',
      'Call-ID: 3848276298220188511@atlanta.example.com',
      'CSeq: 1 INVITE',
      'Contact: <sip:4000@127.0.0.1:5060>',
      ...(body ? ['Content-Type: application/sdp'] : []),
    ],
    body,
  );
}
