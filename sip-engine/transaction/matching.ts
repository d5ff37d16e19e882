/**
 * Transaction keys (RFC 3261 §17.1.3, §17.2.3, §9.2). Every lookup is one Map get on a string key
 * built from the message; nothing is scanned.
 *
 * - Client: branch of the top Via + CSeq method (§17.1.3).
 * - Server, branch with the magic cookie: branch + sent-by + method, ACK taking INVITE (§17.2.3).
 * - Server, RFC 2543 peer (no cookie): Request-URI, To tag, From tag, Call-ID, CSeq number and
 *   method, top Via (§17.2.3, last paragraphs). An ACK's To tag is the tag of the response the
 *   transaction sent, so ACKs are checked after the lookup with {@link legacyToTagMatches}.
 * - CANCEL has its own server transaction; the INVITE it cancels is found with the same key but the
 *   method INVITE (§9.2).
 */
import type { SipMessage } from '../message/sip-message.js';
import type { ViaHeader } from '../message/types.js';
import { BRANCH_COOKIE } from '../util/ids.js';
import { cseqOf, fromTagOf, toTagOf, topVia, type TopVia } from './header-fields.js';

const SEP = '\n';

/** RFC 3261 §8.1.1.7: a branch that starts with the magic cookie was built by an RFC 3261 element. */
export function hasMagicCookie(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(BRANCH_COOKIE);
}

/** sent-by of a Via (host case-insensitive, §19.1.4; port as written). */
export function sentBy(via: ViaHeader): string {
  return `${via.host.toLowerCase()}:${via.port ?? ''}`;
}

/** RFC 3261 §17.1.3: key of the client transaction a request creates or a response belongs to. */
export function clientKey(msg: SipMessage): string | undefined {
  const branch = topVia(msg)?.branch;
  const method = msg.isRequest ? msg.method : cseqOf(msg)?.method;
  if (branch === undefined || !method) return undefined;
  return `${branch}${SEP}${method}`;
}

export interface ServerKeys {
  /** Key of the server transaction this request creates or belongs to (ACK maps to its INVITE). */
  readonly own: string;
  /**
   * RFC 2543 ACK only: a second key to try. The INVITE transaction is keyed with the INVITE's To
   * tag, which the ACK does not carry when the INVITE had none (the ACK has the response's tag).
   */
  readonly alt: string | undefined;
  /** For CANCEL: the key of the INVITE server transaction it targets (§9.2). */
  readonly invite: string | undefined;
  /** RFC 2543 matching: a hit must also pass {@link legacyToTagMatches}. */
  readonly legacy: boolean;
}

/** RFC 3261 §17.2.3 (and §9.2 for CANCEL). Undefined when the request has no usable top Via. */
export function serverKeys(msg: SipMessage, top: TopVia | undefined = topVia(msg)): ServerKeys | undefined {
  if (!top) return undefined;
  const method = msg.method;
  const ownMethod = method === 'ACK' ? 'INVITE' : method;
  const isCancel = method === 'CANCEL';
  if (hasMagicCookie(top.branch)) {
    const base = `${top.branch}${SEP}${sentBy(top.via)}${SEP}`;
    const invite = isCancel ? base + 'INVITE' : undefined;
    return { own: base + ownMethod, alt: undefined, invite, legacy: false };
  }
  const uri = msg.startLine.kind === 'request' ? msg.startLine.uri : '';
  const viaId = `${top.via.transport} ${sentBy(top.via)} ${top.branch ?? ''}`;
  const base = [
    '2543',
    uri,
    fromTagOf(msg) ?? '',
    msg.get('call-id') ?? '',
    cseqOf(msg)?.seq ?? '',
    viaId,
  ].join(SEP);
  const toTag = toTagOf(msg) ?? '';
  return {
    own: `${base}${SEP}${ownMethod}${SEP}${toTag}`,
    alt: method === 'ACK' && toTag !== '' ? `${base}${SEP}INVITE${SEP}` : undefined,
    invite: isCancel ? `${base}${SEP}INVITE${SEP}${toTag}` : undefined,
    legacy: true,
  };
}

/**
 * RFC 3261 §17.2.3 (RFC 2543 rules): an ACK's To tag must equal the To tag of the response the
 * transaction sent; any other request's To tag must equal that of the request that created it.
 */
export function legacyToTagMatches(
  incoming: SipMessage,
  created: SipMessage,
  lastResponse: SipMessage | undefined,
): boolean {
  const tag = toTagOf(incoming);
  if (incoming.method === 'ACK') return lastResponse !== undefined && tag === toTagOf(lastResponse);
  return tag === toTagOf(created);
}
