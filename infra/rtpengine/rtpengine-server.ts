/**
 * One rtpengine server spoken to over the ng protocol (bencode over UDP) through rtpengine-client.
 * Every command resolves with its checked reply or rejects with an {@link RtpengineError}; an
 * unknown call-id on `query` is an expected outcome (`undefined`), not an error.
 *
 * Commands used (rtpengine 10.5 ng protocol): ping, offer, answer, delete, query, play media, stop
 * media, block media, unblock media. `port latching` on offer/answer keeps rtpengine's local ports
 * when a side's address changes (the held caller's port then survives the agent's answer).
 */
import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { newLibraryClient } from './ng-library.js';
import type { NgDestination, NgLibraryClient } from './ng-library.js';
import { RtpengineError } from './rtpengine-error.js';

const OkReply = Type.Object({ result: Type.Literal('ok') });
const SdpReply = Type.Object({ result: Type.Literal('ok'), sdp: Type.String({ minLength: 1 }) });
const PongReply = Type.Object({ result: Type.Literal('pong') });
const PlayReply = Type.Object({ result: Type.Literal('ok'), duration: Type.Optional(Type.Number()) });
const QueryReply = Type.Object({
  result: Type.Literal('ok'),
  created: Type.Optional(Type.Number()),
  tags: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** Keeps rtpengine's ports when a side re-answers (see the module comment). */
const LATCH = ['port latching'] as const;

export interface RtpengineServerOptions {
  /** Per-command reply timeout (default 2000 ms). */
  readonly timeoutMs?: number;
  /** Local address of the UDP socket (default: any). */
  readonly localAddress?: string;
}

export interface QueryResult {
  readonly createdS?: number;
  readonly tags: readonly string[];
}

export function parseHostPort(address: string): NgDestination {
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  const host = address.slice(0, i).replace(/^\[|\]$/g, '');
  if (i <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RtpengineError('RTPENGINE_FAILED', `rtpengine address '${address}' is not host:port`);
  }
  return { host, port };
}

export class RtpengineServer {
  readonly address: string;
  readonly #to: NgDestination;
  readonly #client: NgLibraryClient;

  constructor(address: string, opts: RtpengineServerOptions = {}) {
    this.address = address;
    this.#to = parseHostPort(address);
    this.#client = newLibraryClient(opts.timeoutMs ?? 2000, opts.localAddress);
    // Unsolicited errors (a late reply after its timeout, a socket error): the command that
    // suffered from it already rejected; without a listener the emitter would throw.
    this.#client.on('error', () => undefined);
  }

  async ping(): Promise<void> {
    await this.#run('ping', PongReply, () => this.#client.ping(this.#to));
  }

  /** SDP offer from `fromTag`'s side; resolves with the SDP for the other side (rtpengine's ports). */
  async offer(callId: string, fromTag: string, sdp: string): Promise<string> {
    const p = { 'call-id': callId, 'from-tag': fromTag, sdp, flags: LATCH };
    return (await this.#run('offer', SdpReply, () => this.#client.offer(this.#to, p))).sdp;
  }

  /** SDP answer from `toTag`'s side to `fromTag`'s offer; resolves with the SDP for `fromTag`. */
  async answer(callId: string, fromTag: string, toTag: string, sdp: string): Promise<string> {
    const p = { 'call-id': callId, 'from-tag': fromTag, 'to-tag': toTag, sdp, flags: LATCH };
    return (await this.#run('answer', SdpReply, () => this.#client.answer(this.#to, p))).sdp;
  }

  /** Ends the call at once (no deletion delay). */
  async delete(callId: string): Promise<void> {
    const p = { 'call-id': callId, 'delete delay': 0 };
    await this.#run('delete', OkReply, () => this.#client.delete(this.#to, p));
  }

  /** The call's state; undefined when rtpengine does not know the call-id. */
  async query(callId: string): Promise<QueryResult | undefined> {
    try {
      const r = await this.#run('query', QueryReply, () =>
        this.#client.query(this.#to, { 'call-id': callId }),
      );
      return { ...(r.created !== undefined ? { createdS: r.created } : {}), tags: Object.keys(r.tags ?? {}) };
    } catch (err) {
      if (
        err instanceof RtpengineError &&
        err.code === 'RTPENGINE_REFUSED' &&
        /unknown call-id/i.test(err.message)
      )
        return undefined;
      throw err;
    }
  }

  /** Plays `file` (a path on the rtpengine host) to `tag`'s party; resolves with its duration. */
  async playMedia(
    callId: string,
    tag: string,
    file: string,
    repeatTimes = 1,
  ): Promise<{ durationMs: number }> {
    const p = { 'call-id': callId, 'from-tag': tag, file, 'repeat-times': repeatTimes };
    const r = await this.#run('play media', PlayReply, () => this.#client.playMedia(this.#to, p));
    return { durationMs: r.duration ?? 0 };
  }

  async stopMedia(callId: string, tag: string): Promise<void> {
    const p = { 'call-id': callId, 'from-tag': tag };
    await this.#run('stop media', OkReply, () => this.#client.stopMedia(this.#to, p));
  }

  /** Drops media coming from `tag`'s party (played media still reaches it). */
  async blockMedia(callId: string, tag: string): Promise<void> {
    const p = { 'call-id': callId, 'from-tag': tag };
    await this.#run('block media', OkReply, () => this.#client.blockMedia(this.#to, p));
  }

  async unblockMedia(callId: string, tag: string): Promise<void> {
    const p = { 'call-id': callId, 'from-tag': tag };
    await this.#run('unblock media', OkReply, () => this.#client.unblockMedia(this.#to, p));
  }

  close(): void {
    try {
      this.#client.close();
    } catch {
      // already closed
    }
  }

  async #run<S extends TSchema>(
    command: string,
    schema: S,
    send: () => Promise<unknown>,
  ): Promise<Static<S>> {
    let reply: unknown;
    try {
      reply = await send();
    } catch (err) {
      throw this.#failure(command, err);
    }
    if (!Value.Check(schema, reply)) {
      throw new RtpengineError(
        'RTPENGINE_BAD_REPLY',
        `rtpengine ${command}: unexpected reply ${summary(reply)}`,
        {
          server: this.address,
        },
      );
    }
    return reply;
  }

  #failure(command: string, err: unknown): RtpengineError {
    const server = this.address;
    if (typeof err === 'string') {
      return new RtpengineError('RTPENGINE_REFUSED', `rtpengine ${command} refused: ${err}`, { server });
    }
    const message = err instanceof Error ? err.message : String(err);
    const code = /timeout/i.test(message) ? 'RTPENGINE_TIMEOUT' : 'RTPENGINE_FAILED';
    return new RtpengineError(code, `rtpengine ${command} at ${server}: ${message}`, { cause: err, server });
  }
}

function summary(reply: unknown): string {
  const s = JSON.stringify(reply) ?? String(reply);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
