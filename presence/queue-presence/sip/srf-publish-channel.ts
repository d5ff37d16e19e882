/**
 * PUBLISH over drachtio-srf (RFC 3903 §4), out of dialog, to a presence URI through the external
 * presence server as outbound proxy (drachtio `sip|||<proxy>`, protocol spec §2.5 case 4). The
 * answer is read as RFC 3903 §6 / §11 say: 2xx with SIP-ETag and Expires; 412 Conditional Request
 * Failed; 423 with Min-Expires; anything else (with Retry-After, RFC 3261 §20.33) a failure.
 */
import type { Srf } from '../../../infra/drachtio/srf-connection.js';
import { PIDF_CONTENT_TYPE } from '../../codecs/pidf.js';
import type { PublishAnswer, PublishChannel, PublishRequest } from '../model/publication-state.js';

interface SrfMessage {
  readonly status: number;
  has(name: string): boolean;
  get(name: string): string;
}

interface SentPublish {
  on(event: 'response', listener: (res: SrfMessage) => void): void;
}

type OutOfDialogRequest = (
  uri: string,
  opts: { method: 'PUBLISH'; proxy: string; headers: Record<string, string>; body?: string },
  callback: (err: unknown, req: SentPublish | undefined) => void,
) => unknown;

const seconds = (m: SrfMessage, name: string): number | undefined => {
  if (!m.has(name)) return undefined;
  const n = Number.parseInt(m.get(name), 10);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** RFC 3903 §6 / §11.3: what a PUBLISH response means to the publisher. */
export function publishAnswerOf(m: SrfMessage, requestedS: number): PublishAnswer {
  if (m.status >= 200 && m.status < 300) {
    const etag = m.has('SIP-ETag') ? m.get('SIP-ETag').trim() : '';
    if (etag === '') return { kind: 'failed', status: m.status }; // §11.3.1: a 2xx must carry it
    return { kind: 'accepted', etag, expiresS: seconds(m, 'Expires') ?? requestedS };
  }
  if (m.status === 412) return { kind: 'precondition-failed' };
  const min = seconds(m, 'Min-Expires');
  if (m.status === 423 && min !== undefined) return { kind: 'interval-too-brief', minExpiresS: min };
  const retryAfterS = seconds(m, 'Retry-After');
  return { kind: 'failed', status: m.status, ...(retryAfterS !== undefined ? { retryAfterS } : {}) };
}

export interface PublishTarget {
  /** The presentity, e.g. sip:sales@cc.example.com (Request-URI, From and To: RFC 3903 §4.1). */
  readonly uri: string;
  /** The presence server, e.g. sip:127.0.0.1:5070 (outbound proxy). */
  readonly server: string;
}

export function srfPublishChannel(srf: Srf, target: PublishTarget): PublishChannel {
  const request = srf.request.bind(srf) as unknown as OutOfDialogRequest;
  return {
    publish: (r: PublishRequest) =>
      new Promise<PublishAnswer>((resolve) => {
        const headers: Record<string, string> = {
          From: `<${target.uri}>`,
          To: `<${target.uri}>`,
          Event: 'presence', // RFC 3903 §4.1, RFC 3856
          Expires: String(r.expiresS),
        };
        if (r.etag !== undefined) headers['SIP-If-Match'] = r.etag;
        if (r.body !== undefined) headers['Content-Type'] = PIDF_CONTENT_TYPE;
        const opts = {
          method: 'PUBLISH' as const,
          proxy: target.server,
          headers,
          ...(r.body !== undefined ? { body: r.body } : {}),
        };
        request(target.uri, opts, (err, sent) => {
          if (err || !sent) return resolve({ kind: 'failed' });
          sent.on('response', (res) => resolve(publishAnswerOf(res, r.expiresS)));
        });
      }),
  };
}
