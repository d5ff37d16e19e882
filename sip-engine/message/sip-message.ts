/**
 * The SIP message model shared by every engine layer (CONTRACT; see message/types.ts).
 *
 * Headers are an ordered list of raw (name, value) pairs so a message can be re-serialised exactly
 * as received; lookups are case-insensitive and understand compact forms (RFC 3261 §7.3.3).
 * The body is bytes; serialisation always writes a correct Content-Length (RFC 3261 §20.14).
 *
 * Lookups are cheap: lines made by the parser and by set/append/prepend are HeaderLine objects that
 * remember their canonical key (recomputed if `name` is reassigned); plain `{ name, value }` objects
 * pushed onto `headers` by other code still work, through a bounded memo of name → key.
 */
import type { SipHeader, SipRequestLine, SipStatusLine } from './types.js';

/** RFC 3261 §7.3.3 and later RFCs' compact forms → canonical lower-case long names. */
const COMPACT: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event', // RFC 6665 §8.2.1
  u: 'allow-events', // RFC 6665
  r: 'refer-to', // RFC 3515
  b: 'referred-by', // RFC 3892
  x: 'session-expires', // RFC 4028
  a: 'accept-contact', // RFC 3841
  j: 'reject-contact',
  d: 'request-disposition',
  y: 'identity', // RFC 8224
};

function computeKey(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT[lower] ?? lower;
}

/** Names longer than this, or arriving once the memo is full, are canonicalised without memoising. */
const MEMO_MAX_NAME = 64;
const MEMO_MAX_ENTRIES = 1024;
/** Wire name → canonical key. Header names repeat (a few dozen in practice); bounded against floods. */
const memo = new Map<string, string>();

/** Lower-case long form of a header name, for comparisons. */
export function canonicalHeaderKey(name: string): string {
  const hit = memo.get(name);
  if (hit !== undefined) return hit;
  const key = computeKey(name);
  if (name.length <= MEMO_MAX_NAME && memo.size < MEMO_MAX_ENTRIES) memo.set(name, key);
  return key;
}

/**
 * A header line that caches its canonical key. `name` and `value` stay plain own fields (spread,
 * JSON and deep-equality see exactly `{ name, value }`); the cache is private and checked against
 * the current name on every read.
 */
export class HeaderLine implements SipHeader {
  name: string;
  value: string;
  #keyName: string;
  #key: string;

  constructor(name: string, value: string) {
    this.name = name;
    this.value = value;
    this.#keyName = name;
    this.#key = canonicalHeaderKey(name);
  }

  /** Canonical lower-case long name (see canonicalHeaderKey). */
  get key(): string {
    if (this.#keyName !== this.name) {
      this.#keyName = this.name;
      this.#key = canonicalHeaderKey(this.name);
    }
    return this.#key;
  }
}

/** Canonical key of any header entry: cached on a HeaderLine, memoised by name otherwise. */
export function headerKey(h: SipHeader): string {
  return h instanceof HeaderLine ? h.key : canonicalHeaderKey(h.name);
}

export class SipMessage {
  startLine: SipRequestLine | SipStatusLine;
  headers: SipHeader[];
  body: Buffer;

  constructor(
    startLine: SipRequestLine | SipStatusLine,
    headers: SipHeader[] = [],
    body: Buffer = Buffer.alloc(0),
  ) {
    this.startLine = startLine;
    this.headers = headers;
    this.body = body;
  }

  static request(method: string, uri: string, headers: SipHeader[] = [], body?: Buffer): SipMessage {
    return new SipMessage({ kind: 'request', method, uri }, headers, body);
  }

  static response(status: number, reason: string, headers: SipHeader[] = [], body?: Buffer): SipMessage {
    return new SipMessage({ kind: 'response', status, reason }, headers, body);
  }

  get isRequest(): boolean {
    return this.startLine.kind === 'request';
  }

  /** Request method, or the CSeq method of a response. */
  get method(): string {
    if (this.startLine.kind === 'request') return this.startLine.method;
    const cseq = this.get('cseq') ?? '';
    return cseq.trim().split(/\s+/)[1]?.toUpperCase() ?? '';
  }

  /** Status code of a response, 0 for a request. */
  get status(): number {
    return this.startLine.kind === 'response' ? this.startLine.status : 0;
  }

  /** First value of a header (case-insensitive, compact forms understood). */
  get(name: string): string | undefined {
    const key = canonicalHeaderKey(name);
    for (const h of this.headers) if (headerKey(h) === key) return h.value;
    return undefined;
  }

  /** Every header line with that name, in order (values are NOT split on commas). */
  getAll(name: string): string[] {
    const key = canonicalHeaderKey(name);
    const out: string[] = [];
    for (const h of this.headers) if (headerKey(h) === key) out.push(h.value);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every line of that header with one line (appended where the first one was, else at the end). */
  set(name: string, value: string): this {
    const key = canonicalHeaderKey(name);
    const idx = this.headers.findIndex((h) => headerKey(h) === key);
    this.headers = this.headers.filter((h) => headerKey(h) !== key);
    if (idx < 0) this.headers.push(new HeaderLine(name, value));
    else this.headers.splice(idx, 0, new HeaderLine(name, value));
    return this;
  }

  append(name: string, value: string): this {
    this.headers.push(new HeaderLine(name, value));
    return this;
  }

  /** Inserts before every other line (used for Via and Record-Route, RFC 3261 §16.6). */
  prepend(name: string, value: string): this {
    this.headers.unshift(new HeaderLine(name, value));
    return this;
  }

  remove(name: string): this {
    const key = canonicalHeaderKey(name);
    this.headers = this.headers.filter((h) => headerKey(h) !== key);
    return this;
  }

  clone(): SipMessage {
    return new SipMessage(
      { ...this.startLine },
      this.headers.map((h) => new HeaderLine(h.name, h.value)),
      Buffer.from(this.body),
    );
  }

  /** Serialises with a correct Content-Length (any Content-Length header present is rewritten in place). */
  toBuffer(): Buffer {
    const sl = this.startLine;
    const first =
      sl.kind === 'request' ? `${sl.method} ${sl.uri} SIP/2.0` : `SIP/2.0 ${sl.status} ${sl.reason}`;
    const lines = [first];
    let wroteLength = false;
    for (const h of this.headers) {
      if (headerKey(h) === 'content-length') {
        if (wroteLength) continue;
        lines.push(`${h.name}: ${this.body.length}`);
        wroteLength = true;
      } else {
        lines.push(`${h.name}: ${h.value}`);
      }
    }
    if (!wroteLength) lines.push(`Content-Length: ${this.body.length}`);
    const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8');
    return this.body.length ? Buffer.concat([head, this.body]) : head;
  }

  toString(): string {
    return this.toBuffer().toString('utf8');
  }
}
