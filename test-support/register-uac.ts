/**
 * A REGISTER user agent for tests, over an unmodified drachtio-srf app: sends one REGISTER and
 * resolves with the final response (after srf's own digest retry when `auth` is given: srf answers
 * a 401 with MD5 itself). `digestAuthorization` builds an Authorization value for any algorithm from
 * a challenge, for tests that answer challenges by hand (SHA-256, stale nonces).
 */
import { randomBytes } from 'node:crypto';
import type Srf from 'drachtio-srf';
import { computeHa1, computeResponse } from '../presence/registrar/digest.js';
import type { DigestAlgorithm } from '../presence/registrar/digest.js';

/** The parts of srf's response object the tests read (lib/response.js). */
export interface UacResponse {
  status: number;
  reason: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
  /** The response as received, when srf kept it. */
  raw: string | undefined;
}

export interface RegisterOptions {
  /** Request-URI, e.g. `sip:cc.example.com` routed to `proxy`. */
  uri: string;
  /** Where to send it (`sip:127.0.0.1:5060;transport=udp`). */
  proxy: string;
  aor: string;
  contact?: string;
  expires?: number;
  headers?: Record<string, string>;
  auth?: { username: string; password: string };
}

type LooseRequest = (
  uri: string,
  opts: Record<string, unknown>,
  cb: (err: unknown, req: { on(event: 'response', fn: (res: unknown) => void): void }) => void,
) => void;

function asResponse(res: unknown): UacResponse {
  const r = res as {
    status: number;
    reason?: string;
    msg?: { reason?: string; raw?: string };
    raw?: string;
    get(n: string): unknown;
    has(n: string): boolean;
  };
  return {
    status: r.status,
    reason: r.reason ?? r.msg?.reason ?? '',
    get: (n) => {
      const v = r.has(n) ? r.get(n) : undefined;
      return typeof v === 'string' ? v : undefined;
    },
    has: (n) => r.has(n),
    raw: r.raw ?? r.msg?.raw,
  };
}

export function sendRegister(srf: Srf, o: RegisterOptions): Promise<UacResponse> {
  const tag = randomBytes(6).toString('hex');
  const headers: Record<string, string> = {
    From: `<${o.aor}>;tag=${tag}`,
    To: `<${o.aor}>`,
    ...(o.contact !== undefined ? { Contact: o.contact } : {}),
    ...(o.expires !== undefined ? { Expires: String(o.expires) } : {}),
    ...o.headers,
  };
  const opts = { method: 'REGISTER', proxy: o.proxy, headers, ...(o.auth ? { auth: o.auth } : {}) };
  return new Promise((resolve, reject) => {
    (srf.request as unknown as LooseRequest).call(srf, o.uri, opts, (err, req) => {
      if (err) {
        reject(err instanceof Error ? err : new Error(`REGISTER not sent: ${JSON.stringify(err)}`));
        return;
      }
      req.on('response', (res) => {
        const r = asResponse(res);
        if (r.status >= 200) resolve(r);
      });
    });
  });
}

/** The `name=value` parameters of one challenge (values unquoted). */
export function challengeParams(challenge: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const m of challenge.replace(/^\s*Digest\s+/i, '').matchAll(/([\w-]+)=("([^"]*)"|[^,\s]+)/g)) {
    params.set((m[1] ?? '').toLowerCase(), m[3] ?? m[2] ?? '');
  }
  return params;
}

/** The challenges of a 401, one per WWW-Authenticate line of the raw response. */
export function challengesOf(res: UacResponse): string[] {
  const lines = (res.raw ?? '').split('\r\n').filter((l) => /^WWW-Authenticate:/i.test(l));
  return lines.map((l) => l.replace(/^WWW-Authenticate:\s*/i, ''));
}

/** An Authorization value answering `challenge` (qop=auth, RFC 7616 §3.4). */
export function digestAuthorization(
  challenge: string,
  o: { username: string; password: string; uri: string; method?: string; nc?: number },
): string {
  const p = challengeParams(challenge);
  const algorithm = (p.get('algorithm') ?? 'MD5') as DigestAlgorithm;
  const realm = p.get('realm') ?? '';
  const nonce = p.get('nonce') ?? '';
  const cnonce = randomBytes(8).toString('hex');
  const nc = (o.nc ?? 1).toString(16).padStart(8, '0');
  const ha1 = computeHa1(algorithm, o.username, realm, o.password);
  const response = computeResponse({
    algorithm,
    ha1,
    nonce,
    nc,
    cnonce,
    qop: 'auth',
    method: o.method ?? 'REGISTER',
    uri: o.uri,
  });
  const opaque = p.get('opaque');
  return [
    `Digest username="${o.username}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${o.uri}"`,
    `response="${response}"`,
    `algorithm=${algorithm}`,
    `qop=auth`,
    `nc=${nc}`,
    `cnonce="${cnonce}"`,
    ...(opaque !== undefined ? [`opaque="${opaque}"`] : []),
  ].join(', ');
}
