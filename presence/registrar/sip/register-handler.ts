/**
 * The REGISTER handler (thin): copies the request's header fields into a {@link RegisterRequest},
 * lets the registrar decide, and sends its response through drachtio-srf.
 */
import type { SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import type { HeaderField, RegisterRequest, RegisterResponse } from '../model/register-message.js';

export interface RegisterHandlerDeps {
  registrar: { register(req: RegisterRequest): Promise<RegisterResponse> };
  log?: { warn(obj: object, msg: string): void };
}

/**
 * RFC 3261 §7.3.1: WWW-Authenticate (and its kin) must not be combined into one comma-separated
 * line, so repeated values go out as separate header lines. drachtio-srf joins repeated header
 * values with commas, so the extra lines are written into the value itself.
 */
const SEPARATE_LINES = new Set(['www-authenticate', 'proxy-authenticate']);

export function srfHeaders(fields: readonly HeaderField[]): Record<string, string> {
  const out: Record<string, string> = {};
  const names = new Map<string, string>();
  for (const [name, value] of fields) {
    const key = name.toLowerCase();
    const first = names.get(key);
    if (first === undefined) {
      names.set(key, name);
      out[name] = value;
    } else {
      out[first] = SEPARATE_LINES.has(key)
        ? `${out[first] ?? ''}\r\n${name}: ${value}`
        : `${out[first] ?? ''}, ${value}`;
    }
  }
  return out;
}

function header(req: SrfRequest, name: string): string | undefined {
  if (!req.has(name)) return undefined;
  const v: unknown = req.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** The transport's view of the sender (srf keeps it on the request, its typings omit the port). */
function sourceOf(req: SrfRequest): RegisterRequest['source'] {
  const port: unknown = Reflect.get(req, 'source_port');
  const protocol: unknown = Reflect.get(req, 'protocol');
  return {
    address: req.source_address,
    port: typeof port === 'number' ? port : Number(port),
    transport: typeof protocol === 'string' ? protocol.toLowerCase() : 'udp',
  };
}

export function toRegisterRequest(req: SrfRequest): RegisterRequest {
  const optional = (key: keyof RegisterRequest, name: string): Partial<RegisterRequest> => {
    const v = header(req, name);
    return v === undefined ? {} : { [key]: v };
  };
  return {
    requestUri: req.uri,
    to: header(req, 'To') ?? '',
    callId: header(req, 'Call-ID') ?? '',
    cseq: header(req, 'CSeq') ?? '',
    ...optional('contact', 'Contact'),
    ...optional('expires', 'Expires'),
    ...optional('authorization', 'Authorization'),
    ...optional('require', 'Require'),
    ...optional('supported', 'Supported'),
    ...optional('path', 'Path'),
    ...optional('userAgent', 'User-Agent'),
    source: sourceOf(req),
  };
}

export function createRegisterHandler(deps: RegisterHandlerDeps) {
  return (req: SrfRequest, res: SrfResponse): void => {
    void deps.registrar
      .register(toRegisterRequest(req))
      .then((r) => {
        const opts = { headers: srfHeaders(r.headers) };
        if (r.reason !== undefined) res.send(r.status, r.reason, opts);
        else res.send(r.status, opts);
      })
      .catch((err: unknown) => {
        deps.log?.warn({ err }, 'REGISTER response not sent');
      });
  };
}
