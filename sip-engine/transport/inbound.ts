/**
 * The inbound path shared by every transport: size check, per-source rate limit, parse, Via stamp
 * (RFC 3581 §4), then the `message` or `malformed` event. Never throws: whatever a peer sends ends
 * as a counted drop, a `malformed` event, or a `message` event.
 */
import { parseMessage } from '../message/parser.js';
import { isSipParseError } from '../message/errors.js';
import type { SipMessage } from '../message/sip-message.js';
import type { Clock } from '../util/clock.js';
import type { SourceRateLimiter } from './rate-limiter.js';
import type { TransportLogger } from './logger.js';
import type { InboundMessage, LocalEndpoint, MalformedInput, RemoteTarget, TransportStats } from './types.js';
import { stampReceived } from './via-stamp.js';

export interface InboundDeps {
  maxMessageBytes: number;
  clock: Clock;
  stats: TransportStats;
  rateLimiter: SourceRateLimiter;
  logger: TransportLogger;
  emitMessage(m: InboundMessage): void;
  emitMalformed(m: MalformedInput): void;
}

const RESPONSE_PREFIX = Buffer.from('SIP/2.0 ');

/** Cheap look at the first bytes: responses start with the SIP version (RFC 3261 §7.2). */
function looksLikeResponse(raw: Buffer): boolean {
  let i = 0;
  while (i < raw.length && (raw[i] === 0x0d || raw[i] === 0x0a)) i++;
  return raw.subarray(i, i + RESPONSE_PREFIX.length).equals(RESPONSE_PREFIX);
}

export class InboundPipeline {
  readonly #deps: InboundDeps;

  constructor(deps: InboundDeps) {
    this.#deps = deps;
  }

  /**
   * One complete message as received (a datagram, a framed stream message, a WebSocket message).
   * Returns true if it was handed up as a `message` event (parsed, not dropped).
   */
  handle(raw: Buffer, source: RemoteTarget, local: LocalEndpoint): boolean {
    try {
      return this.#handle(raw, source, local);
    } catch (err) {
      // A bug of ours must not let a peer crash the process: count it as malformed input.
      this.#deps.logger.error({ err, source }, 'inbound pipeline failed');
      this.#malformed(raw, source, local, err);
      return false;
    }
  }

  #handle(raw: Buffer, source: RemoteTarget, local: LocalEndpoint): boolean {
    const { stats } = this.#deps;
    if (raw.length > this.#deps.maxMessageBytes) {
      stats.droppedOversize += 1;
      return false;
    }
    // Rate-limit before parsing so a flood costs as little as possible; responses are not limited.
    if (!looksLikeResponse(raw) && !this.#deps.rateLimiter.allow(source.address)) {
      stats.droppedRateLimited += 1;
      return false;
    }
    let message: SipMessage;
    try {
      message = parseMessage(raw, { maxBytes: this.#deps.maxMessageBytes });
    } catch (e) {
      this.#malformed(raw, source, local, e);
      return false;
    }
    if (message.isRequest) {
      const problem = stampReceived(message, source.address, source.port);
      if (problem !== undefined) {
        this.#malformed(raw, source, local, new Error(problem), message);
        return false;
      }
    }
    stats.messagesReceived += 1;
    stats.bytesReceived += raw.length;
    this.#safeEmit(() =>
      this.#deps.emitMessage({
        message,
        source,
        local,
        receivedAt: this.#deps.clock.wallNow(),
        bytes: raw.length,
      }),
    );
    return true;
  }

  #malformed(
    raw: Buffer,
    source: RemoteTarget,
    local: LocalEndpoint,
    error: unknown,
    partial?: SipMessage,
  ): void {
    this.#deps.stats.malformed += 1;
    const reason = error instanceof Error ? error.message : 'unparseable';
    const salvaged = partial ?? (isSipParseError(error) ? error.partial : undefined);
    const event: MalformedInput = { source, local, raw, reason };
    if (salvaged) event.partial = salvaged;
    this.#deps.logger.debug({ source, reason }, 'malformed SIP input');
    this.#safeEmit(() => this.#deps.emitMalformed(event));
  }

  /** A listener that throws must not take a socket handler (and the process) down with it. */
  #safeEmit(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#deps.logger.error({ err }, 'transport event listener threw');
    }
  }
}
