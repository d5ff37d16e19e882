/**
 * GatewayService in memory (no SIP, no database): admission by source and digest with the
 * registrar's DigestAuthenticator, bare 403, 503 + Retry-After at the limit, E.164 parties, open
 * admission without gateways, health checks taking a gateway out of the outbound plan and back.
 */
import t from 'tap';
import { DigestAuthenticator } from '../../presence/registrar/digest.js';
import { FakeClock } from '../../sip-engine/util/clock.js';
import { digestAuthorization } from '../../test-support/register-uac.js';
import type { ProbeOutcome } from '../model/health-machine.js';
import { GatewayService } from './gateway-service.js';
import type { GatewayHealthChange } from './gateway-service.js';
import { invite, liveGateway, REALM } from './gateway-testkit.js';
import type { AdmitResult } from './invite-view.js';

const DE = { countryCode: '49', nationalPrefix: '0', internationalPrefix: '00' };

function world(probe?: (id: string) => Promise<ProbeOutcome>) {
  const clock = new FakeClock();
  const refused: string[] = [];
  const health: GatewayHealthChange[] = [];
  const active = new Map<string, number>();
  let open = 0;
  const digest = new DigestAuthenticator({ realm: REALM, secret: 'a-test-secret-of-32-bytes-......', clock });
  const service = new GatewayService({
    clock,
    digest,
    random: () => 0,
    ...(probe ? { probe: (g) => probe(g.id) } : {}),
    observer: {
      refused: (r) => refused.push(`${r.status} ${r.logReason}`),
      healthChanged: (c) => health.push(c),
      activeCalls: (id, n) => active.set(id, n),
      openAdmission: () => (open += 1),
    },
  });
  return { clock, service, refused, health, active, openCount: () => open };
}

const admitted = (r: AdmitResult) => {
  if (r.kind !== 'admit') throw new Error(`expected admit, got ${r.status} ${r.logReason}`);
  return r;
};

t.test('a known source is admitted with E.164 parties from the trusted headers', (t) => {
  const w = world();
  w.service.replace([liveGateway({ id: 'carrier', sources: ['192.0.2.0/24'], numbering: DE })]);
  const r = admitted(
    w.service.admitInvite(
      invite({
        from: '192.0.2.7',
        headers: { 'P-Asserted-Identity': '"Bob" <sip:+4915112345678@carrier.example>', Privacy: 'id' },
      }),
    ),
  );
  t.equal(r.gatewayId, 'carrier');
  t.same(r.caller, { number: '+4915112345678', restricted: true, display: 'Bob' });
  t.equal(r.dialled, '+49301234567', 'national 030... → E.164');
  t.equal(w.active.get('carrier'), 1);
  r.release();
  r.release();
  t.equal(w.active.get('carrier'), 0, 'released once');
  t.end();
});

t.test('an unknown source gets a bare 403, counted with its reason', (t) => {
  const w = world();
  w.service.replace([liveGateway({ id: 'carrier', sources: ['192.0.2.0/24'] })]);
  const r = w.service.admitInvite(invite({ from: '198.51.100.1' }));
  t.match(r, { kind: 'refuse', status: 403, headers: [], logReason: 'unknown-source' });
  t.same(w.refused, ['403 unknown-source']);
  t.end();
});

t.test('over the limit: 503 with Retry-After until a call ends', (t) => {
  const w = world();
  w.service.replace([
    liveGateway({
      id: 'pbx',
      kind: 'ip-pbx',
      sources: ['10.0.0.1'],
      maxConcurrentCalls: 2,
      retryAfterSeconds: 7,
    }),
  ]);
  const a = admitted(w.service.admitInvite(invite({ from: '10.0.0.1' })));
  admitted(w.service.admitInvite(invite({ from: '10.0.0.1' })));
  const full = w.service.admitInvite(invite({ from: '10.0.0.1' }));
  t.match(full, { kind: 'refuse', status: 503, headers: [['Retry-After', '7']], logReason: 'gateway-full' });
  a.release();
  admitted(w.service.admitInvite(invite({ from: '10.0.0.1' })));
  t.equal(w.service.status('pbx')?.activeCalls, 2);
  t.end();
});

t.test('a disabled gateway is refused with 403', (t) => {
  const w = world();
  w.service.replace([liveGateway({ id: 'off', sources: ['10.0.0.1'], enabled: false })]);
  t.match(w.service.admitInvite(invite({ from: '10.0.0.1' })), {
    status: 403,
    logReason: 'gateway-disabled',
  });
  t.end();
});

t.test('digest gateways: 401 challenge, then admitted with valid credentials, 403 otherwise', (t) => {
  const w = world();
  const auth = { username: 'mobile-gw', password: 'mobile-secret-1' };
  w.service.replace([liveGateway({ id: 'gsm', kind: 'mobile', auth })]);
  const first = w.service.admitInvite(invite({ from: '203.0.113.9' }));
  if (first.kind !== 'refuse') throw new Error('expected a challenge');
  t.equal(first.status, 401);
  const challenge = first.headers.find(([n]) => n === 'WWW-Authenticate')?.[1] ?? '';
  t.match(challenge, /^Digest realm="cc\.example\.com"/);
  const uri = 'sip:0301234567@pb.example.com';
  const good = digestAuthorization(challenge, { ...auth, uri, method: 'INVITE' });
  t.equal(
    admitted(w.service.admitInvite(invite({ from: '203.0.113.9', authorization: good }))).gatewayId,
    'gsm',
  );
  const wrong = digestAuthorization(challenge, {
    ...auth,
    password: 'not-the-password',
    uri,
    method: 'INVITE',
    nc: 2,
  });
  t.match(w.service.admitInvite(invite({ from: '203.0.113.9', authorization: wrong })), {
    status: 403,
    headers: [],
  });
  const stranger = digestAuthorization(challenge, {
    username: 'nobody',
    password: 'whatever-pw',
    uri,
    method: 'INVITE',
  });
  t.match(w.service.admitInvite(invite({ from: '203.0.113.9', authorization: stranger })), {
    status: 403,
    headers: [],
  });
  t.end();
});

t.test('no gateway configured: every source admitted with raw numbers, reported once', (t) => {
  const w = world();
  const r = admitted(w.service.admitInvite(invite({ from: '198.51.100.1', requestUri: 'sip:1000@pb' })));
  t.equal(r.gatewayId, undefined);
  t.equal(r.dialled, '1000');
  t.equal(r.caller.number, '0891234567');
  admitted(w.service.admitInvite(invite({ from: '198.51.100.2' })));
  t.equal(w.openCount(), 1);
  t.end();
});

t.test('outbound: priority order, URIs per transport, slots taken per attempt', (t) => {
  const w = world();
  w.service.replace([
    liveGateway({ id: 'b', host: 'b.example', port: 5080, transport: 'tcp', priority: 20 }),
    liveGateway({ id: 'a', host: '192.0.2.1', priority: 10, maxConcurrentCalls: 1 }),
    liveGateway({ id: 'in-only', sources: ['10.9.9.9'] }),
  ]);
  const plan = w.service.outbound('+4930123456');
  t.same(
    plan.map((p) => p.uri),
    ['sip:+4930123456@192.0.2.1', 'sip:+4930123456@b.example:5080;transport=tcp'],
  );
  const lease = plan[0]?.acquire();
  t.ok(lease);
  t.equal(plan[0]?.acquire(), undefined, 'a is full now');
  t.same(
    w.service.outbound('+4930123456').map((p) => p.gatewayId),
    ['b'],
    'a full gateway is left out',
  );
  lease?.release();
  t.same(w.service.classify({ kind: 'response', status: 503 }), 'failover');
  t.same(w.service.classify({ kind: 'response', status: 486 }), 'final');
  t.same(w.service.classify({ kind: 'timeout' }), 'failover');
  t.end();
});

t.test('health: a gateway that stops answering OPTIONS leaves the plan and comes back', async (t) => {
  let alive = true;
  const w = world(() => Promise.resolve(alive ? { kind: 'response', status: 200 } : { kind: 'timeout' }));
  const health = { intervalMs: 1000, timeoutMs: 500, failuresToDown: 2, successesToUp: 2 };
  w.service.replace([liveGateway({ id: 'gw', host: '192.0.2.1', health })]);
  t.teardown(() => w.service.stop());
  const settle = () => new Promise((r) => setImmediate(r));
  const tick = async () => {
    w.clock.advance(1000);
    await settle();
  };
  await settle();
  t.equal(w.service.status('gw')?.health, 'up');
  alive = false;
  await tick();
  await tick();
  t.equal(w.service.status('gw')?.health, 'down');
  t.same(w.service.outbound('+4930123456'), [], 'down: not in the plan');
  alive = true;
  await tick();
  await tick();
  t.equal(w.service.status('gw')?.health, 'up');
  t.equal(w.service.outbound('+4930123456').length, 1);
  t.same(
    w.health.map((c) => `${c.from}→${c.to} ${String(c.inService)}`),
    ['up→suspect true', 'suspect→down false', 'down→recovering false', 'recovering→up true'],
  );
});
