/**
 * At start: the subscriptions a crashed predecessor of this node left in the database are ended
 * in their own dialogs with `terminated;reason=deactivated` (policy/stored-subscription.ts), so the
 * watchers re-subscribe at once instead of waiting for their refresh to fail. The NOTIFYs are new
 * requests over srf (drachtio `sip||`, spec §2.5 case 4: the app's From tag, To, Call-ID and CSeq
 * are honoured), at most `concurrency` in flight.
 */
import type { Srf } from '../../../infra/drachtio/srf-connection.js';
import type { PresenceLogger } from '../../server/ports.js';
import { endingNotify } from '../policy/stored-subscription.js';
import type { EndingNotify, StoredQueueSubscription } from '../policy/stored-subscription.js';

interface SentNotify {
  on(event: 'response', listener: (res: { status: number }) => void): void;
}

type NewRequest = (
  uri: string,
  opts: { method: 'NOTIFY'; headers: Record<string, string>; proxy?: string },
  callback: (err: unknown, req: SentNotify | undefined) => void,
) => unknown;

export interface RecoveryReport {
  readonly stored: number;
  readonly expired: number;
  /** Answered 2xx. */
  readonly ended: number;
  /** 481/other answers or no answer (the watcher is gone, or will find out at its refresh). */
  readonly unanswered: number;
}

function send(request: NewRequest, n: EndingNotify): Promise<number> {
  return new Promise((resolve) => {
    const opts = {
      method: 'NOTIFY' as const,
      headers: { ...n.headers },
      ...(n.proxy ? { proxy: n.proxy } : {}),
    };
    request(n.uri, opts, (err, sent) => {
      if (err || !sent) return resolve(0);
      sent.on('response', (res) => resolve(res.status));
    });
  });
}

export async function endStoredSubscriptions(
  srf: Srf,
  stored: readonly StoredQueueSubscription[],
  o: { nowMs: number; log: PresenceLogger; concurrency?: number },
): Promise<RecoveryReport> {
  const request = srf.request.bind(srf) as unknown as NewRequest;
  const notifies = stored.map((s) => endingNotify(s, o.nowMs)).filter((n) => n !== undefined);
  let ended = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < notifies.length) {
      const n = notifies[next++];
      if (n === undefined) continue;
      const status = await send(request, n);
      if (status >= 200 && status < 300) ended++;
      else o.log.debug({ status, callId: n.headers['Call-ID'] }, 'stored subscription not ended');
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 100, notifies.length) }, worker));
  const report = {
    stored: stored.length,
    expired: stored.length - notifies.length,
    ended,
    unanswered: notifies.length - ended,
  };
  if (stored.length > 0) o.log.info(report, 'stored queue subscriptions ended (deactivated)');
  return report;
}
