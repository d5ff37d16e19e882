/**
 * Next-hop resolution: host names go through the resolver, IP literals and `.invalid` hosts
 * (RFC 7118 §5.2 WebSocket clients) do not, and a `.invalid` host is only offered stream transports.
 */
import t from 'tap';
import { parseUri } from '../message/uri.js';
import type { LocalEndpoint, RemoteTarget } from '../transport/types.js';
import { FakeTransportLayer } from './testing/fakes.js';
import { nextHopOf, resolveHop, systemResolver, type HostResolver } from './target.js';

const WS_LOCAL: LocalEndpoint = { protocol: 'ws', address: '127.0.0.1', port: 8080 };

/** The fake transport, plus a WebSocket connection a `.invalid` client spoke on. */
class TransportWithWsClient extends FakeTransportLayer {
  readonly asked: Pick<RemoteTarget, 'protocol' | 'address'>[] = [];
  override selectEndpoint(target: Pick<RemoteTarget, 'protocol' | 'address'>): LocalEndpoint | undefined {
    this.asked.push(target);
    if (target.address.toLowerCase().endsWith('.invalid'))
      return target.protocol === 'ws' ? WS_LOCAL : undefined;
    return super.selectEndpoint(target);
  }
}

function recordingResolver(): { resolve: HostResolver; hosts: string[] } {
  const hosts: string[] = [];
  return {
    hosts,
    resolve: (host) => {
      hosts.push(host);
      return host.endsWith('.invalid')
        ? Promise.reject(new Error(`ENOTFOUND ${host}`))
        : Promise.resolve('192.0.2.10');
    },
  };
}

t.test('a .invalid host is not looked up and goes over its WebSocket', async (t) => {
  const transport = new TransportWithWsClient();
  const r = recordingResolver();
  const hop = await resolveHop(
    nextHopOf(parseUri('sip:alice@df7jal23ls0d.invalid;transport=ws')),
    transport,
    r.resolve,
  );
  t.same(r.hosts, [], 'no DNS lookup');
  t.same(hop.target, { protocol: 'ws', address: 'df7jal23ls0d.invalid', port: 5060 });
  t.equal(hop.local, WS_LOCAL);
});

t.test('a .invalid host without a transport parameter: stream transports only', async (t) => {
  const transport = new TransportWithWsClient();
  const r = recordingResolver();
  const hop = await resolveHop(nextHopOf(parseUri('sip:bob@X7.INVALID')), transport, r.resolve);
  t.same(r.hosts, []);
  t.equal(hop.target.protocol, 'ws');
  t.notOk(
    transport.asked.some((a) => a.protocol === 'udp'),
    'UDP never tried for a host only reachable over its connection',
  );
});

t.test('a .invalid host with no connection left is unroutable, still without a lookup', async (t) => {
  const transport = new TransportWithWsClient();
  const r = recordingResolver();
  await t.rejects(
    resolveHop(nextHopOf(parseUri('sip:carol@gone.invalid;transport=tcp')), transport, r.resolve),
    { code: 'unroutable' },
  );
  t.same(r.hosts, []);
});

t.test('ordinary names are resolved; UDP first without a transport', async (t) => {
  const transport = new TransportWithWsClient();
  const r = recordingResolver();
  const hop = await resolveHop(nextHopOf(parseUri('sip:dave@pbx.example.com:5080')), transport, r.resolve);
  t.same(r.hosts, ['pbx.example.com']);
  t.same(hop.target, { protocol: 'udp', address: '192.0.2.10', port: 5080 });
  t.equal(await systemResolver('::1'), '::1', 'IP literals pass through the system resolver');
});
