import t from 'tap';
import { ConcurrencyLimiter } from '../model/concurrency-limiter.js';
import { buildGatewayDirectory } from '../model/gateway-directory.js';
import { admitInbound, identifyInbound, inboundResponse } from './inbound-admission.js';

interface G {
  id: string;
  enabled: boolean;
  sources: string[];
  auth?: { username: string; password: string };
}

const carrier: G = { id: 'carrier', enabled: true, sources: ['198.51.100.0/24'] };
const off: G = { id: 'off', enabled: false, sources: ['192.0.2.7'] };
const gsm: G = { id: 'gsm', enabled: true, sources: [], auth: { username: 'gsm-1', password: 'secret-123' } };

t.test('identification: source first, then digest username, else challenge or unknown', (t) => {
  const dir = buildGatewayDirectory([carrier, off, gsm]);
  const kind = (r: ReturnType<typeof identifyInbound<G>>) =>
    r.kind === 'gateway' ? `${r.gateway.id}/${r.by}` : r.kind;
  t.equal(kind(identifyInbound({ sourceAddress: '198.51.100.20' }, dir)), 'carrier/source');
  t.equal(
    kind(identifyInbound({ sourceAddress: '203.0.113.5', digestUsername: 'gsm-1' }, dir)),
    'gsm/digest',
  );
  t.equal(kind(identifyInbound({ sourceAddress: '203.0.113.5', digestUsername: 'nobody' }, dir)), 'unknown');
  t.equal(kind(identifyInbound({ sourceAddress: '203.0.113.5' }, dir)), 'challenge', 'digest gateways exist');
  const noDigest = buildGatewayDirectory([carrier]);
  t.equal(kind(identifyInbound({ sourceAddress: '203.0.113.5' }, noDigest)), 'unknown');
  t.end();
});

t.test('admission: unknown → bare 403, disabled → 403, full → 503 with Retry-After, else a lease', (t) => {
  const dir = buildGatewayDirectory([{ ...carrier }, off]);
  const limiter = new ConcurrencyLimiter();
  limiter.configure('carrier', { maxConcurrentCalls: 1, retryAfterSeconds: 15 });
  const admit = (sourceAddress: string) => admitInbound(identifyInbound({ sourceAddress }, dir), limiter);

  const unknown = admit('203.0.113.5');
  t.same(unknown, { kind: 'reject', reason: 'unknown-source' });
  if (unknown.kind === 'reject') t.same(inboundResponse(unknown), { status: 403, reason: 'Forbidden' });

  const disabled = admit('192.0.2.7');
  t.match(disabled, { kind: 'reject', reason: 'gateway-disabled', gateway: { id: 'off' } });

  const first = admit('198.51.100.1');
  t.equal(first.kind, 'admit');
  const second = admit('198.51.100.2');
  t.match(second, { kind: 'reject', reason: 'gateway-full', retryAfterSeconds: 15 });
  if (second.kind === 'reject')
    t.same(inboundResponse(second), { status: 503, reason: 'Service Unavailable', retryAfterSeconds: 15 });
  if (first.kind === 'admit') first.lease.release();
  t.equal(admit('198.51.100.3').kind, 'admit', 'admitted again once the call ended');

  t.same(inboundResponse({ kind: 'challenge' }), { status: 401, reason: 'Unauthorized' });
  t.end();
});
