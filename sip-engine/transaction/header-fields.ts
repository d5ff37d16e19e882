/**
 * The few header fields the transaction layer reads, extracted leniently from untrusted messages:
 * a field that is absent or does not parse gives `undefined`, never an exception.
 */
import { getTag, parseCSeq, parseVia, splitHeaderList } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { CSeq, ViaHeader } from '../message/types.js';

export interface TopVia {
  /** The parsed first via-parm of the first Via line. */
  readonly via: ViaHeader;
  /** That via-parm exactly as written (RFC 3261 §17.1.1.3 copies it into the ACK). */
  readonly raw: string;
  /** The branch parameter, when present with a value. */
  readonly branch: string | undefined;
}

/** The top Via (RFC 3261 §20.42: the first value of the first Via line). */
export function topVia(msg: SipMessage): TopVia | undefined {
  const line = msg.get('via');
  if (line === undefined) return undefined;
  try {
    const raw = splitHeaderList(line)[0];
    const via = raw === undefined ? undefined : parseVia(raw)[0];
    if (raw === undefined || via === undefined) return undefined;
    const branch = via.params.get('branch');
    return { via, raw, branch: branch ? branch : undefined };
  } catch {
    return undefined;
  }
}

export function cseqOf(msg: SipMessage): CSeq | undefined {
  const v = msg.get('cseq');
  if (v === undefined) return undefined;
  try {
    return parseCSeq(v);
  } catch {
    return undefined;
  }
}

export function toTagOf(msg: SipMessage): string | undefined {
  const v = msg.get('to');
  return v === undefined ? undefined : getTag(v);
}

export function fromTagOf(msg: SipMessage): string | undefined {
  const v = msg.get('from');
  return v === undefined ? undefined : getTag(v);
}

/** A Via parameter's value, or undefined when absent or a bare flag (`;rport`). */
export function viaParam(via: ViaHeader, name: string): string | undefined {
  const v = via.params.get(name);
  return v === null || v === undefined || v === '' ? undefined : v;
}
