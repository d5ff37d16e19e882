/**
 * OPTIONS pings to gateways through drachtio-srf (RFC 3261 §11: OPTIONS asks a server for its
 * capabilities; any final answer shows its SIP stack is there). The health monitor owns the timeout
 * and reads the outcome with `probeAlive` (408 and 5xx fail).
 */
import type { Srf } from '../../infra/drachtio/srf-connection.js';
import type { ProbeOutcome } from '../model/health-machine.js';
import type { LiveGateway } from '../service/live-gateway.js';

interface SentRequest {
  on(event: 'response', listener: (res: { status: number }) => void): void;
}
type LooseRequest = (
  uri: string,
  opts: { method: string; headers?: Record<string, string> },
  callback: (err: unknown, req: SentRequest) => void,
) => unknown;

/** `sip:host[:port][;transport=t]`: the request URI of a ping (RFC 3261 §11.1: no user part). */
export function pingUri(g: Pick<LiveGateway, 'host' | 'port' | 'transport'>): string {
  const port = g.port !== undefined ? `:${g.port}` : '';
  const transport = g.transport === 'udp' ? '' : `;transport=${g.transport}`;
  return `sip:${g.host ?? ''}${port}${transport}`;
}

export function createOptionsProbe(
  srf: Srf,
  opts: { from?: string } = {},
): (g: LiveGateway) => Promise<ProbeOutcome> {
  const request = srf.request.bind(srf) as unknown as LooseRequest;
  return (g) =>
    new Promise<ProbeOutcome>((resolve) => {
      const headers: Record<string, string> = { 'Max-Forwards': '70' };
      if (opts.from !== undefined) headers.From = opts.from;
      try {
        request(pingUri(g), { method: 'OPTIONS', headers }, (err, req) => {
          if (err) return resolve({ kind: 'transport-error' });
          req.on('response', (res) => {
            if (res.status >= 200) resolve({ kind: 'response', status: res.status });
          });
        });
      } catch {
        resolve({ kind: 'transport-error' });
      }
    });
}
