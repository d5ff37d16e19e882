/**
 * An in-memory stand-in for TransportLayerApi.send: records every message handed to it (with the
 * FakeClock time), can be told to fail chosen sends, and fills in a connection id for streams as the
 * real transport does. Used by the transaction layer's tests and usable by any layer above it.
 */
import type { RemoteTarget, SendResult, TransportLayerApi } from '../sip-engine/transport/types.js';
import type { Clock } from '../sip-engine/util/clock.js';

export interface SentRecord {
  /** clock.now() when send() was called. */
  readonly at: number;
  readonly text: string;
  /** "INVITE sip:... SIP/2.0" or "SIP/2.0 180 Ringing". */
  readonly firstLine: string;
  readonly target: RemoteTarget;
  /** True when the fake rejected this send (see failWhen). */
  readonly failed: boolean;
}

export class FakeTransport implements Pick<TransportLayerApi, 'send'> {
  readonly sent: SentRecord[] = [];
  /** Return an Error to make that send reject. */
  failWhen: ((text: string, target: RemoteTarget) => Error | undefined) | undefined;
  /** Called synchronously inside every send (to check invariants at the moment of sending). */
  onSend: ((rec: SentRecord) => void) | undefined;
  readonly #clock: Clock;
  #connections = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  send(data: Buffer, target: RemoteTarget): Promise<SendResult> {
    const text = data.toString('utf8');
    const eol = text.indexOf('\r\n');
    const error = this.failWhen?.(text, target);
    const rec: SentRecord = {
      at: this.#clock.now(),
      text,
      firstLine: eol < 0 ? text : text.slice(0, eol),
      target: { ...target },
      failed: error !== undefined,
    };
    this.sent.push(rec);
    this.onSend?.(rec);
    if (error) return Promise.reject(error);
    const actual: RemoteTarget = { ...target };
    if (target.protocol !== 'udp' && target.connectionId === undefined) {
      actual.connectionId = `fake-conn-${++this.#connections}`;
    }
    return Promise.resolve({
      local: { protocol: target.protocol, address: '127.0.0.1', port: 5060 },
      target: actual,
      bytes: data.length,
    });
  }

  /** Records whose first line starts with `prefix` ("INVITE", "ACK", "SIP/2.0 486"). */
  matching(prefix: string): SentRecord[] {
    return this.sent.filter((r) => r.firstLine.startsWith(prefix));
  }

  /** Times (clock ms) of the records whose first line starts with `prefix`. */
  times(prefix: string): number[] {
    return this.matching(prefix).map((r) => r.at);
  }

  clear(): void {
    this.sent.length = 0;
  }
}

/** Every value of header `name` (exact long name, case-insensitive) in a recorded message. */
export function headerValues(text: string, name: string): string[] {
  const head = text.split('\r\n\r\n')[0] ?? '';
  const want = name.toLowerCase();
  const out: string[] = [];
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === want)
      out.push(line.slice(colon + 1).trim());
  }
  return out;
}

/** Lets already-settled promise callbacks run (send results, rejections); not a sleep. */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
