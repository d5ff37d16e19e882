/**
 * Splits a byte stream (TCP, TLS) into SIP messages.
 *
 * - RFC 3261 §18.3: on a stream the message ends Content-Length bytes after the blank line; the header
 *   is mandatory there, a missing one is read as 0 (drachtio/sofia behave the same).
 * - RFC 5626 §3.5.1: a CRLFCRLF "ping" between messages is reported so the caller can answer with a
 *   CRLF "pong"; a lone CRLF before a start line is ignored (RFC 3261 §7.5).
 * - A message (head + body) larger than `maxMessageBytes` is reported as `oversize` as soon as that is
 *   known; input that cannot start a SIP message is reported as `garbage`. After either, the framer is
 *   `failed` and ignores input: the connection must be closed.
 *
 * Header-end and Content-Length scanning are message/framing.ts's, so the framer and the parser
 * agree on boundaries (including lenient bare-LF line ends).
 *
 * Memory is bounded: at most `maxMessageBytes` plus one chunk is buffered. Pure: no I/O, no timers.
 */
import { findHeaderEnd, scanContentLength } from '../message/framing.js';

export type FrameEvent =
  | { kind: 'message'; data: Buffer }
  | { kind: 'ping' }
  | { kind: 'oversize'; bytes: number }
  | { kind: 'garbage'; reason: string };

/** idle: between messages · head: reading the header block · body: length known · failed: stop. */
export type FramerState = 'idle' | 'head' | 'body' | 'failed';

const ALLOWED: Readonly<Record<FramerState, readonly FramerState[]>> = {
  idle: ['head', 'failed'],
  head: ['body', 'failed'],
  body: ['idle', 'failed'],
  failed: [],
};

const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n');
/** RFC 3261 §7.1/§7.2 start lines (method is a token; SIP-Version is case-insensitive). */
const REQUEST_LINE = /^[A-Za-z0-9.!%*_+`'~-]+ \S+ SIP\/2\.0$/i;
const STATUS_LINE = /^SIP\/2\.0 \d{3}(?: .*)?$/i;

export class StreamFramer {
  readonly #maxMessageBytes: number;
  #state: FramerState = 'idle';
  #buf: Buffer = Buffer.alloc(0);
  #len = 0;
  /** Where the search for CRLFCRLF resumes (avoids rescanning on byte-at-a-time input). */
  #scanFrom = 0;
  #expected = 0;
  /** Start-line validation progress for the message being read. */
  #checkedTo = 0;
  #startLineOk = false;

  constructor(maxMessageBytes: number) {
    this.#maxMessageBytes = maxMessageBytes;
  }

  get state(): FramerState {
    return this.#state;
  }

  /** Bytes held waiting for the rest of a message. */
  get bufferedBytes(): number {
    return this.#len;
  }

  /** True while part of a message (head or body) is waiting for the rest; CRLFs alone do not count. */
  get midMessage(): boolean {
    return this.#state === 'head' || this.#state === 'body';
  }

  #to(next: FramerState): void {
    if (!ALLOWED[this.#state].includes(next))
      throw new Error(`framer: illegal move ${this.#state} → ${next}`);
    this.#state = next;
  }

  /** Feeds a chunk; returns what became complete, in order. */
  push(chunk: Buffer): FrameEvent[] {
    if (this.#state === 'failed') return [];
    this.#append(chunk);
    const events: FrameEvent[] = [];
    while (this.#step(events)) {
      // each step consumes input or changes state; it returns false when it needs more bytes or failed
    }
    if (this.#isFailed()) this.#release();
    return events;
  }

  #isFailed(): boolean {
    return this.#state === 'failed';
  }

  #step(events: FrameEvent[]): boolean {
    switch (this.#state) {
      case 'idle':
        return this.#stepIdle(events);
      case 'head':
        return this.#stepHead(events);
      case 'body':
        return this.#stepBody(events);
      case 'failed':
        return false;
    }
  }

  /** Leading CRLFs: CRLFCRLF is a keepalive ping, a single CRLF is skipped. */
  #stepIdle(events: FrameEvent[]): boolean {
    if (this.#len === 0) return false;
    if (this.#buf[0] !== CR && this.#buf[0] !== LF) {
      this.#to('head');
      return true;
    }
    if (this.#len >= 4 && this.#buf.subarray(0, 4).equals(HEAD_END)) {
      events.push({ kind: 'ping' });
      this.#consume(4);
      return true;
    }
    if (this.#len < 4 && HEAD_END.subarray(0, this.#len).equals(this.#buf.subarray(0, this.#len)))
      return false;
    const skip = this.#buf[0] === CR && this.#buf[1] === LF ? 2 : 1;
    this.#consume(skip);
    return true;
  }

  #stepHead(events: FrameEvent[]): boolean {
    const view = this.#buf.subarray(0, this.#len);
    const badStart = this.#checkStartLine(view);
    if (badStart) return this.#fail(events, { kind: 'garbage', reason: badStart });
    const end = findHeaderEnd(view, this.#scanFrom);
    if (!end) {
      if (this.#len > this.#maxMessageBytes)
        return this.#fail(events, { kind: 'oversize', bytes: this.#len });
      this.#scanFrom = Math.max(0, this.#len - 3);
      return false;
    }
    let length: number;
    try {
      length = scanContentLength(view.toString('latin1', 0, end.textEnd)) ?? 0;
    } catch (e) {
      return this.#fail(events, {
        kind: 'garbage',
        reason: e instanceof Error ? e.message : 'bad Content-Length',
      });
    }
    const total = end.bodyStart + length;
    if (total > this.#maxMessageBytes) return this.#fail(events, { kind: 'oversize', bytes: total });
    this.#expected = total;
    this.#to('body');
    return true;
  }

  #stepBody(events: FrameEvent[]): boolean {
    if (this.#len < this.#expected) return false;
    events.push({ kind: 'message', data: Buffer.from(this.#buf.subarray(0, this.#expected)) });
    this.#consume(this.#expected);
    this.#to('idle');
    return true;
  }

  /**
   * Returns a reason if what we have of the first line cannot be a SIP start line. Incremental: bytes
   * already checked are not checked again, so byte-at-a-time input stays linear.
   */
  #checkStartLine(view: Buffer): string | undefined {
    if (this.#startLineOk) return undefined;
    const eol = view.indexOf(LF, this.#checkedTo);
    const lineEnd = eol < 0 ? view.length : eol;
    for (let i = this.#checkedTo; i < lineEnd; i++) {
      const byte = view[i] ?? 0;
      if ((byte < 0x20 && byte !== 0x09 && byte !== CR) || byte === 0x7f)
        return 'control character in start line';
    }
    this.#checkedTo = lineEnd;
    if (eol < 0) return undefined;
    const text = view.toString('latin1', 0, view[eol - 1] === CR ? eol - 1 : eol);
    if (!REQUEST_LINE.test(text) && !STATUS_LINE.test(text)) return 'not a SIP start line';
    this.#startLineOk = true;
    return undefined;
  }

  #fail(events: FrameEvent[], event: FrameEvent): boolean {
    events.push(event);
    this.#to('failed');
    return false;
  }

  #append(chunk: Buffer): void {
    const need = this.#len + chunk.length;
    if (need > this.#buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.#buf.length * 2, 1024));
      this.#buf.copy(grown, 0, 0, this.#len);
      this.#buf = grown;
    }
    chunk.copy(this.#buf, this.#len);
    this.#len = need;
  }

  #consume(n: number): void {
    this.#buf.copy(this.#buf, 0, n, this.#len);
    this.#len -= n;
    this.#scanFrom = 0;
    this.#expected = 0;
    this.#checkedTo = 0;
    this.#startLineOk = false;
    // Give back memory a large message needed once the buffer is (nearly) empty again.
    if (this.#buf.length > 16384 && this.#len < 1024) {
      const small = Buffer.allocUnsafe(1024);
      this.#buf.copy(small, 0, 0, this.#len);
      this.#buf = small;
    }
  }

  #release(): void {
    this.#buf = Buffer.alloc(0);
    this.#len = 0;
  }
}
