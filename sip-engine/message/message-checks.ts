/**
 * Checks run on a message once its headers parsed: Content-Length and body (RFC 3261 §18.3,
 * §20.14), the mandatory headers (§8.1.1; Max-Forwards may be missing, as drachtio accepts), their
 * structure (sofia-sip's sip_sanity_check, §16.3 step 1) and CSeq (§8.1.1.5, §20.16).
 */
import { parseUnsigned } from './chars.js';
import type { SipParseErrorCode } from './errors.js';
import { isSipParseError } from './errors.js';
import { parseContentLength } from './framing.js';
import { parseCSeq, parseNameAddr, parseVia } from './headers.js';
import { headerKey } from './sip-message.js';
import type { SipMessage } from './sip-message.js';
import type { ParseLimits, SipHeader } from './types.js';

export interface Problem {
  code: SipParseErrorCode;
  message: string;
  header?: string;
}

interface Found {
  via: string[];
  from: string[];
  to: string[];
  callId: string[];
  cseq: string[];
  contentLength: string[];
  maxForwards: string[];
}

/** Which Found list a header belongs to, by its (cached) canonical key. */
function slot(h: SipHeader): keyof Found | undefined {
  switch (headerKey(h)) {
    case 'via':
      return 'via';
    case 'from':
      return 'from';
    case 'to':
      return 'to';
    case 'call-id':
      return 'callId';
    case 'cseq':
      return 'cseq';
    case 'content-length':
      return 'contentLength';
    case 'max-forwards':
      return 'maxForwards';
    default:
      return undefined;
  }
}

function collect(msg: SipMessage): Found {
  const f: Found = { via: [], from: [], to: [], callId: [], cseq: [], contentLength: [], maxForwards: [] };
  for (const h of msg.headers) {
    const key = slot(h);
    if (key) f[key].push(h.value);
  }
  return f;
}

function asProblem(e: unknown, fallback: Problem): Problem {
  return isSipParseError(e) ? { ...fallback, code: e.code, message: e.message } : fallback;
}

/** RFC 3261 §18.3: body cut to Content-Length when longer; shorter is an error. Sets msg.body. */
function attachBody(msg: SipMessage, values: string[], data: Buffer, bodyStart: number): Problem | undefined {
  const available = Math.max(0, data.length - bodyStart);
  let length: number | undefined;
  for (const v of values) {
    let n: number;
    try {
      n = parseContentLength(v);
    } catch (e) {
      return asProblem(e, {
        code: 'bad-content-length',
        message: 'bad Content-Length',
        header: 'Content-Length',
      });
    }
    if (length !== undefined && length !== n) {
      return {
        code: 'bad-content-length',
        message: 'conflicting Content-Length headers',
        header: 'Content-Length',
      };
    }
    length = n;
  }
  if (length !== undefined && length > available) {
    msg.body = Buffer.from(data.subarray(bodyStart));
    return {
      code: 'truncated',
      message: `body has ${available} bytes, Content-Length says ${length}`,
      header: 'Content-Length',
    };
  }
  const end = length === undefined ? data.length : bodyStart + length;
  if (end > bodyStart) msg.body = Buffer.from(data.subarray(bodyStart, end));
  return undefined;
}

const MANDATORY: readonly (readonly [keyof Found, string])[] = [
  ['via', 'Via'],
  ['from', 'From'],
  ['to', 'To'],
  ['callId', 'Call-ID'],
  ['cseq', 'CSeq'],
];

function checkPresence(f: Found): Problem | undefined {
  for (const [key, name] of MANDATORY) {
    const n = f[key].length;
    if (n === 0) return { code: 'missing-header', message: `missing ${name}`, header: name };
    // RFC 3261 §7.3.1: a header that is not a comma-separated list appears once.
    if (n > 1 && key !== 'via') return { code: 'bad-header', message: `more than one ${name}`, header: name };
  }
  return undefined;
}

function checkVias(values: string[], lim: Readonly<ParseLimits>): Problem | undefined {
  let count = 0;
  for (const v of values) {
    try {
      count += parseVia(v).length;
    } catch (e) {
      return asProblem(e, { code: 'bad-header', message: 'bad Via', header: 'Via' });
    }
    if (count > lim.maxViaCount) {
      return { code: 'too-many-headers', message: `more than ${lim.maxViaCount} Via values`, header: 'Via' };
    }
  }
  return undefined;
}

function checkStructure(msg: SipMessage, f: Found): Problem | undefined {
  for (const [values, name] of [
    [f.from, 'From'],
    [f.to, 'To'],
  ] as const) {
    try {
      parseNameAddr(values[0] ?? '');
    } catch (e) {
      return asProblem(e, { code: 'bad-header', message: `bad ${name}`, header: name });
    }
  }
  if (!f.callId[0]) return { code: 'bad-header', message: 'empty Call-ID', header: 'Call-ID' };
  const mf = f.maxForwards[0];
  // RFC 3261 §20.22: Max-Forwards = 1*DIGIT, 0-255.
  if (mf !== undefined && !((parseUnsigned(mf, 3) ?? 256) <= 255)) {
    return { code: 'bad-header', message: 'bad Max-Forwards', header: 'Max-Forwards' };
  }
  let cseq;
  try {
    cseq = parseCSeq(f.cseq[0] ?? '');
  } catch (e) {
    return asProblem(e, { code: 'bad-cseq', message: 'bad CSeq', header: 'CSeq' });
  }
  // RFC 3261 §8.1.1.5: the CSeq method MUST match the request's (ACK §17.1.1.3 and CANCEL §9.1 carry
  // their own method with the INVITE's number, so the rule holds for them too).
  if (msg.startLine.kind === 'request' && cseq.method !== msg.startLine.method) {
    return {
      code: 'bad-cseq',
      message: `CSeq method ${cseq.method} differs from ${msg.startLine.method}`,
      header: 'CSeq',
    };
  }
  return undefined;
}

/** Sets the body and checks the message; returns the first problem found, or undefined. */
export function checkMessage(
  msg: SipMessage,
  data: Buffer,
  bodyStart: number,
  lim: Readonly<ParseLimits>,
): Problem | undefined {
  const f = collect(msg);
  return (
    attachBody(msg, f.contentLength, data, bodyStart) ??
    checkPresence(f) ??
    checkVias(f.via, lim) ??
    checkStructure(msg, f)
  );
}
