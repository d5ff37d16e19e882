/**
 * Lenient readers for the few header fields the core looks at on every message. A field that is
 * absent or does not parse gives `undefined`, never an exception: network input is untrusted.
 */
import { getTag, parseCSeq, parseNameAddr, splitHeaderList } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { CSeq } from '../message/types.js';

export function cseqOf(msg: SipMessage): CSeq | undefined {
  const v = msg.get('cseq');
  if (v === undefined) return undefined;
  try {
    return parseCSeq(v);
  } catch {
    return undefined;
  }
}

export function fromTagOf(msg: SipMessage): string | undefined {
  const v = msg.get('from');
  return v === undefined ? undefined : getTag(v);
}

export function toTagOf(msg: SipMessage): string | undefined {
  const v = msg.get('to');
  return v === undefined ? undefined : getTag(v);
}

/** The URI of a name-addr header value, or undefined. */
export function nameAddrUri(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return parseNameAddr(value).uri;
  } catch {
    return undefined;
  }
}

/** The URI of the first Contact (RFC 3261 §12.1.1 remote target), or undefined. */
export function contactUri(msg: SipMessage): string | undefined {
  const first = msg.get('contact');
  if (first === undefined) return undefined;
  const el = splitHeaderList(first)[0];
  const uri = nameAddrUri(el);
  return uri === '*' ? undefined : uri;
}

/** Every value of a list header, in order, across lines (Record-Route, Route, Require, Supported). */
export function listValues(msg: SipMessage, name: string): string[] {
  const out: string[] = [];
  for (const line of msg.getAll(name)) for (const el of splitHeaderList(line)) out.push(el);
  return out;
}

/** Adds a `tag` parameter to a From/To value that has none (RFC 3261 §8.2.6.2, §19.3). */
export function withTag(value: string, tag: string): string {
  return getTag(value) === undefined ? `${value};tag=${tag}` : value;
}
