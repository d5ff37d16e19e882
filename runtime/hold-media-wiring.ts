/**
 * Hold media for the composition root (issue 5 item 4): with `rtpengine.servers` configured, a
 * pool of rtpengine clients (infra/rtpengine), and per call what its hold program needs — the
 * media server, the prompts' folder, the announcement interval, and the caller's position
 * (coordinator) with an expected wait from the pace of the queue's answers (`call.answered`).
 * Without servers: undefined, and queued callers hear ringback.
 */
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { PatchbayConfig } from '../config/index.js';
import type { EventBus } from '../infra/bus/index.js';
import { RtpengineCall, RtpenginePool } from '../infra/rtpengine/index.js';
import { AnswerPace } from '../router/calls/answer-pace.js';
import type { CallCoordinator } from '../router/calls/call-coordinator.js';
import type { CallLog } from '../router/calls/call-ports.js';
import type { InboundCallDeps } from '../router/calls/sip/inbound-call.js';
import type { HoldMedia } from '../router/calls/sip/media-call.js';
import type { Clock } from '../sip-engine/util/clock.js';

/** The WAV files shipped with patchbay (router/calls/media), as this host sees them. */
export const BUNDLED_MEDIA_DIR = fileURLToPath(new URL('../router/calls/media', import.meta.url));

const Answered = Type.Object({ queueId: Type.String() });

export interface HoldMediaWiring {
  readonly holdOf: (callId: string) => NonNullable<InboundCallDeps['hold']>;
  close(): void;
}

export interface HoldMediaDeps {
  readonly cfg: PatchbayConfig;
  readonly clock: Clock;
  readonly bus: EventBus;
  readonly coordinator: CallCoordinator;
  readonly log: CallLog;
}

export async function startHoldMedia(d: HoldMediaDeps): Promise<HoldMediaWiring | undefined> {
  const r = d.cfg.rtpengine;
  if (r.servers.length === 0) return undefined;
  const pool = await RtpenginePool.start(r.servers);
  const up = pool.healthy().map((s) => s.address);
  if (up.length === 0) d.log.warn({ servers: r.servers }, 'no rtpengine answers: ringback until one does');
  else d.log.info({ servers: up }, 'rtpengine: queued callers are answered with hold music');
  const pace = new AnswerPace();
  const unsubscribe = d.bus.subscribe('call.answered.*', (env) => {
    if (Value.Check(Answered, env.data)) pace.answered(env.data.queueId, d.clock.now());
  });
  const media: HoldMedia = {
    open: (callId) => new RtpengineCall(pool, callId),
    mediaDir: r.mediaDir ?? BUNDLED_MEDIA_DIR,
    announceEveryMs: r.announceIntervalSeconds * 1000,
  };
  return {
    holdOf: (callId) => ({
      media,
      clock: d.clock,
      waitOf: () => {
        const w = d.coordinator.waitOf(callId);
        if (!w) return undefined;
        const s = pace.expectedWaitS(w.queueId, w.position, d.clock.now());
        return { position: w.position, ...(s !== undefined ? { expectedWaitS: s } : {}) };
      },
    }),
    close: () => {
      unsubscribe();
      pool.close();
    },
  };
}
