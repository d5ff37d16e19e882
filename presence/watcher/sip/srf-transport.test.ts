/**
 * The srf adapter against a stand-in for drachtio-srf's Srf/Dialog (the shapes of srf 5.0.29's
 * lib/srf.js and lib/dialog.js): what it sends, how it answers NOTIFY, how it maps failures.
 * The same adapter runs over real SIP in ../kamailio-watcher.test.ts.
 */
import { EventEmitter } from 'node:events';
import t from 'tap';
import type { Srf } from '../../../infra/drachtio/srf-connection.js';
import { FakeClock } from '../../../sip-engine/util/clock.js';
import { pidfBody } from '../../../test-support/fake-subscription-transport.js';
import { createSrfSubscriptionTransport, srfSubscriptionKey } from './srf-transport.js';
import type { IncomingNotify, NotifyAnswer } from './transport.js';

class Msg {
  constructor(
    readonly headers: Record<string, string>,
    readonly status?: number,
    readonly body?: string,
  ) {}
  get(name: string): string | undefined {
    return this.headers[name];
  }
  has(name: string): boolean {
    return name in this.headers;
  }
}

type Cb = (err: unknown, res?: Msg) => void;

class FakeDialog extends EventEmitter {
  subscriptions = ['agent1@example.com:presence'];
  readonly requests: { headers: Record<string, string>; cb: Cb }[] = [];
  constructor(readonly res: Msg) {
    super();
  }
  request(opts: { method: string; headers: Record<string, string> }, cb: Cb): void {
    this.requests.push({ headers: opts.headers, cb });
  }
}

function fakeSrf() {
  const calls: { uri: string; opts: Record<string, unknown>; cb: (err: unknown, d?: FakeDialog) => void }[] =
    [];
  const removed: FakeDialog[] = [];
  const srf = {
    createUAC(
      uri: string,
      opts: Record<string, unknown>,
      _p: unknown,
      cb: (err: unknown, d?: FakeDialog) => void,
    ) {
      calls.push({ uri, opts, cb });
    },
    removeDialog(d: FakeDialog) {
      removed.push(d);
    },
  };
  return { srf: srf as unknown as Srf, calls, removed };
}

interface Sent {
  status: number;
  reason?: string | undefined;
  opts?: unknown;
}

/** Delivers a NOTIFY the way srf's Dialog does and returns what the adapter answered. */
function deliver(d: FakeDialog, headers: Record<string, string>, body = ''): Sent {
  let sent: Sent = { status: 0 };
  const res = {
    send: (status: number, reason?: string, opts?: unknown) => (sent = { status, reason, opts }),
  };
  d.emit('notify', new Msg(headers, undefined, body), res);
  return sent;
}

const FROM = 'sip:patchbay@127.0.0.1';

t.test(
  'SUBSCRIBE: RFC 3856 headers, outbound proxy, NOTIFY answered with the handler’s answer',
  async (t) => {
    const { srf, calls } = fakeSrf();
    const transport = createSrfSubscriptionTransport(srf, {
      from: FROM,
      presenceServer: 'sip:127.0.0.1:5070',
    });
    const seen: IncomingNotify[] = [];
    const answers: NotifyAnswer[] = [
      { status: 200 },
      { status: 415, reason: 'Unsupported', headers: { Accept: 'x' } },
    ];
    const out = transport.subscribe({ uri: 'sip:agent1@example.com', expiresS: 600 }, (n) => {
      seen.push(n);
      return answers[seen.length - 1] ?? { status: 500 };
    });
    const call = calls[0];
    if (!call) return t.fail('no createUAC');
    t.equal(call.uri, 'sip:agent1@example.com');
    t.same(call.opts, {
      method: 'SUBSCRIBE',
      headers: { From: `<${FROM}>`, Event: 'presence', Accept: 'application/pidf+xml', Expires: '600' },
      proxy: 'sip:127.0.0.1:5070',
    });
    const dialog = new FakeDialog(new Msg({ Expires: '300' }, 200));
    call.cb(null, dialog);
    const result = await out;
    t.match(result, { ok: true, expiresS: 300 });
    t.same(
      dialog.subscriptions,
      [srfSubscriptionKey(FROM, 'presence')],
      'srf can match the terminating NOTIFY',
    );
    const body = pidfBody('open');
    const headers = {
      Event: 'presence',
      'Subscription-State': 'active',
      'Content-Type': 'application/pidf+xml',
    };
    t.match(deliver(dialog, headers, body), { status: 200 });
    t.same(seen[0], {
      event: 'presence',
      subscriptionState: 'active',
      contentType: 'application/pidf+xml',
      body,
    });
    t.same(deliver(dialog, headers, body), {
      status: 415,
      reason: 'Unsupported',
      opts: { headers: { Accept: 'x' } },
    });
  },
);

t.test(
  'failures become values: SIP status with Retry-After / Min-Expires, or 0 without response',
  async (t) => {
    const { srf, calls } = fakeSrf();
    const transport = createSrfSubscriptionTransport(srf, { from: FROM });
    const a = transport.subscribe({ uri: 'sip:x@y', expiresS: 60 }, () => ({ status: 200 }));
    t.notOk('proxy' in (calls[0]?.opts ?? {}), 'no proxy unless configured');
    calls[0]?.cb({ status: 503, reason: 'Busy', res: new Msg({ 'Retry-After': '30 (maintenance)' }) });
    t.same(await a, { ok: false, failure: { status: 503, reason: 'Busy', retryAfterS: 30 } });
    const b = transport.subscribe({ uri: 'sip:x@y', expiresS: 60 }, () => ({ status: 200 }));
    calls[1]?.cb({ status: 423, reason: 'Interval Too Brief', res: new Msg({ 'Min-Expires': '600' }) });
    t.match(await b, { ok: false, failure: { status: 423, minExpiresS: 600 } });
    const c = transport.subscribe({ uri: 'sip:x@y', expiresS: 60 }, () => ({ status: 200 }));
    calls[2]?.cb(new Error('socket closed'));
    t.same(await c, { ok: false, failure: { status: 0, reason: 'socket closed' } });
  },
);

t.test('refresh skips 1xx, maps 481 and a vanished drachtio dialog; release and unsubscribe', async (t) => {
  const { srf, calls, removed } = fakeSrf();
  const clock = new FakeClock();
  const transport = createSrfSubscriptionTransport(srf, { from: FROM, clock, lingerMs: 1000 });
  const out = transport.subscribe({ uri: 'sip:x@y', expiresS: 60 }, () => ({ status: 200 }));
  const d = new FakeDialog(new Msg({}, 200));
  calls[0]?.cb(null, d);
  const r = await out;
  if (!r.ok) return t.fail('subscribe failed');
  const p1 = r.dialog.refresh(120);
  t.same(d.requests[0]?.headers, { Event: 'presence', Accept: 'application/pidf+xml', Expires: '120' });
  d.requests[0]?.cb(null, new Msg({}, 100));
  d.requests[0]?.cb(null, new Msg({ Expires: '90' }, 200));
  t.same(await p1, { ok: true, expiresS: 90 });
  const p2 = r.dialog.refresh(120);
  d.requests[1]?.cb(null, new Msg({}, 481));
  t.match(await p2, { ok: false, failure: { status: 481 } });
  const p3 = r.dialog.refresh(120);
  d.requests[2]?.cb(Object.assign(new Error('unable to find dialog'), { code: 'ENODIALOG' }));
  t.match(await p3, { ok: false, failure: { status: 481 } });
  const u = r.dialog.unsubscribe();
  t.same(d.requests[3]?.headers, { Event: 'presence', Expires: '0' });
  t.equal(d.listenerCount('notify'), 0, 'no listener after un-subscribe: srf answers the final NOTIFY');
  d.requests[3]?.cb(null, new Msg({}, 200));
  await u;
  t.equal(removed.length, 0, 'kept until the final NOTIFY…');
  clock.advance(1000);
  t.equal(removed.length, 1, '…or the linger time');
  r.dialog.release();
  t.equal(removed.length, 1, 'closed once');
});

t.test('an un-subscribe nobody answers is bounded', async (t) => {
  const { srf, calls, removed } = fakeSrf();
  const clock = new FakeClock();
  const transport = createSrfSubscriptionTransport(srf, { from: FROM, clock, lingerMs: 500 });
  const out = transport.subscribe({ uri: 'sip:x@y', expiresS: 60 }, () => ({ status: 200 }));
  const d = new FakeDialog(new Msg({}, 200));
  calls[0]?.cb(null, d);
  const r = await out;
  if (!r.ok) return t.fail('subscribe failed');
  const u = r.dialog.unsubscribe();
  clock.advance(500);
  await u;
  t.equal(removed.length, 1, 'dialog dropped after the bound');
});

t.test('srf subscription key', (t) => {
  t.equal(srfSubscriptionKey('sip:patchbay@127.0.0.1', 'presence'), 'patchbay@127.0.0.1:presence');
  t.equal(
    srfSubscriptionKey('<sips:a:pw@Example.com:5061;transport=tls>', 'presence'),
    'a@Example.com:presence',
  );
  t.equal(srfSubscriptionKey('sip:127.0.0.1:5060', 'presence'), 'undefined@127.0.0.1:presence');
  t.end();
});
