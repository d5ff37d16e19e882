/**
 * The configured rtpengine servers (`rtpengine.servers`): one ng client each, health from pings,
 * and the choice of a server for a new call — a hash of the call id over the healthy servers, so a
 * call's commands all go to one server and calls spread evenly. A server whose command times out is
 * marked down until a ping answers again (pings every `pingIntervalMs`, unref'd).
 */
import { createHash } from 'node:crypto';
import { RtpengineError } from './rtpengine-error.js';
import { RtpengineServer } from './rtpengine-server.js';
import type { RtpengineServerOptions } from './rtpengine-server.js';

export interface RtpenginePoolOptions extends RtpengineServerOptions {
  /** Health pings (default 10 000 ms; 0: only at start). */
  readonly pingIntervalMs?: number;
}

export class RtpenginePool {
  readonly servers: readonly RtpengineServer[];
  readonly #healthy = new Set<RtpengineServer>();
  #timer: NodeJS.Timeout | undefined;

  private constructor(servers: RtpengineServer[]) {
    this.servers = servers;
  }

  /** Creates a client per address and pings each once; servers that do not answer start down. */
  static async start(addresses: readonly string[], opts: RtpenginePoolOptions = {}): Promise<RtpenginePool> {
    if (addresses.length === 0)
      throw new RtpengineError('RTPENGINE_UNAVAILABLE', 'no rtpengine server configured');
    const pool = new RtpenginePool(addresses.map((a) => new RtpengineServer(a, opts)));
    await pool.pingAll();
    const every = opts.pingIntervalMs ?? 10_000;
    if (every > 0) {
      pool.#timer = setInterval(() => void pool.pingAll(), every);
      pool.#timer.unref();
    }
    return pool;
  }

  /** Pings every server; resolves with the number that answered. */
  async pingAll(): Promise<number> {
    await Promise.all(
      this.servers.map((s) =>
        s.ping().then(
          () => this.#healthy.add(s),
          () => this.#healthy.delete(s),
        ),
      ),
    );
    return this.#healthy.size;
  }

  healthy(): readonly RtpengineServer[] {
    return this.servers.filter((s) => this.#healthy.has(s));
  }

  /** The server for a new call: hash of the call id over the healthy ones (all, if none is). */
  pick(callId: string): RtpengineServer {
    const up = this.healthy();
    const from = up.length > 0 ? up : this.servers;
    const h = createHash('sha1').update(callId).digest().readUInt32BE(0);
    const s = from[h % from.length];
    if (s === undefined) throw new RtpengineError('RTPENGINE_UNAVAILABLE', 'no rtpengine server configured');
    return s;
  }

  /** A command to `server` timed out: out of the rotation until a ping answers. */
  markDown(server: RtpengineServer): void {
    this.#healthy.delete(server);
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    for (const s of this.servers) s.close();
  }
}
