/**
 * The real drachtio-srf 5.0.29 against AppServer: what an unmodified app sees (spec §2.1–§2.4).
 * A FakeCommandHandler plays the engine core.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { FakeCommandHandler } from '../../test-support/fake-command-handler.js';
import { requireProgram } from '../../test-support/programs.js';
import { connectSrf, disconnectSrf, Srf, srfRequest } from '../../test-support/srf-app.js';
import type { SrfSipMessage } from '../../test-support/srf-app.js';
import { waitFor } from '../../test-support/wait.js';
import { AppServer } from './app-server.js';
import type { AppServerOptions } from './app-server.js';
import {
  cdrTokens,
  networkMessageFrame,
  networkRequestFrame,
  requestEchoReply,
  responseEchoReply,
} from './frames.js';

const IDENTITY = {
  publicHostports: 'udp/127.0.0.1:5060,tcp/127.0.0.1:5060',
  version: 'v0.9.10-patchbay',
  localHostports: 'udp/127.0.0.1:5060,tcp/127.0.0.1:5060',
};
const HOP = {
  protocol: 'udp' as const,
  address: '127.0.0.1',
  port: 5060,
  at: new Date(Date.UTC(2026, 0, 1, 14, 3, 7, 512)),
};

async function startServer(tt: Test, opts: Partial<AppServerOptions> = {}) {
  const server = new AppServer({ address: '127.0.0.1', port: 0, secret: 'cymru', ...opts });
  const engine = new FakeCommandHandler();
  server.setHandler(engine);
  server.setIdentity(IDENTITY);
  await server.start();
  tt.teardown(() => server.stop());
  return { server, engine };
}

/** A connected srf app, disconnected at teardown. */
async function srfApp(
  tt: Test,
  port: number,
  setup: (srf: Srf) => void = () => undefined,
  tags: string[] = [],
) {
  const srf = new Srf(tags);
  setup(srf);
  const connected = await connectSrf(srf, { port, secret: 'cymru' });
  tt.teardown(() => disconnectSrf(srf));
  return { srf, connected };
}

t.test('authenticate: srf connect event gives the hostport, version and local hostports', async (t) => {
  const { server } = await startServer(t);
  const { connected } = await srfApp(t, server.port, undefined, ['queue-a', 'callcenter']);
  t.same(connected, {
    hostport: IDENTITY.publicHostports,
    serverVersion: IDENTITY.version,
    localHostports: IDENTITY.localHostports,
  });
  const conn = await waitFor(() => server.connections()[0], { what: 'connection' });
  t.same(conn.tags, ['queue-a', 'callcenter'], 'tags from new Srf([...])');
  t.equal(conn.authenticated, true);
});

t.test('bad secret: srf reports the failure and the server closes the socket', async (t) => {
  const { server, engine } = await startServer(t);
  const srf = new Srf();
  const errors: Error[] = [];
  await t.rejects(
    connectSrf(srf, { port: server.port, secret: 'not-it', reconnect: { maxAttempts: 1 } }, errors),
    /failed to authenticate/,
  );
  await waitFor(() => engine.closed.length === 1, { what: 'server-side close' });
  t.equal(server.connections().length, 0);
  await disconnectSrf(srf);
  t.same(errors, []);
});

t.test(
  'srf.invite() registers route|invite; two apps are picked in turn and each gets an INVITE',
  async (t) => {
    const { server, engine } = await startServer(t);
    const seen: string[] = [];
    const handler = (name: string) => (srf: Srf) =>
      srf.invite((req, res) => {
        seen.push(`${name}:${req.get('Call-ID')}`);
        res.send(486, 'Busy Here', {}, () => undefined);
      });
    await srfApp(t, server.port, handler('A'));
    await srfApp(t, server.port, handler('B'));
    await waitFor(
      () => server.connections().filter((c) => server.routesOf(c).includes('invite')).length === 2,
      {
        what: 'two invite routes',
      },
    );
    engine.onCommand = (cmd, res) =>
      res.reply(responseEchoReply(cmd.sip, { ...HOP, txnId: cmd.txnId, dialogId: '' }));
    const picked = [];
    for (const n of [1, 2, 3, 4]) {
      const conn = server.pickAppFor('invite');
      if (!conn) throw new Error('no app for invite');
      picked.push(conn.id);
      const invite = `INVITE sip:4000@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-${n}\r\nFrom: <sip:alice@127.0.0.1:5072>;tag=a${n}\r\nTo: <sip:4000@127.0.0.1:5060>\r\nCall-ID: call-${n}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;
      t.ok(
        server.sendSip(
          conn,
          networkRequestFrame(invite, {
            ...HOP,
            port: 5072,
            txnId: `inv-${n}`,
            receivedOn: { address: '127.0.0.1', port: 5060 },
          }),
        ),
      );
    }
    await waitFor(() => seen.length === 4 && engine.commands.length === 4, { what: 'four INVITEs handled' });
    t.not(picked[0], picked[1]);
    t.same([picked[2], picked[3]], [picked[0], picked[1]], 'round robin');
    t.same(seen.map((s) => s.split(':')[0]).sort(), ['A', 'A', 'B', 'B'], 'each srf app handled two');
  },
);

t.test('remove_route from srf removes every route of that app (§2.3 quirk)', async (t) => {
  const { server } = await startServer(t);
  const { srf } = await srfApp(t, server.port, (srf) => {
    srf.invite(() => undefined);
    srf.use('register', () => undefined);
  });
  const conn = await waitFor(() => server.connections()[0], { what: 'connection' });
  await waitFor(() => server.routesOf(conn).length === 2, { what: 'invite and register routes' });
  (srf as unknown as { unregisterForMessages(verb: string): void }).unregisterForMessages('invite');
  await waitFor(() => server.pickAppFor('invite') === undefined, { what: 'invite route gone' });
  t.equal(server.pickAppFor('register'), undefined, 'register went too');
  t.same(server.routesOf(conn), []);
});

t.test(
  'srf.request: the exact SIP text reaches the handler, the echo reaches srf, then the response',
  async (t) => {
    const { server, engine } = await startServer(t);
    const { srf } = await srfApp(t, server.port);
    const echo =
      'OPTIONS sip:agent17@127.0.0.1:5080 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bKx1\r\n' +
      'Max-Forwards: 70\r\nFrom: <sip:127.0.0.1:5060>;tag=f1\r\nTo: <sip:agent17@127.0.0.1:5080>\r\nCall-ID: cid-1\r\n' +
      'CSeq: 1 OPTIONS\r\nX-Agent: a17\r\nContent-Length: 0\r\n\r\n';
    engine.onCommand = (_cmd, res) => res.reply(requestEchoReply(echo, { ...HOP, txnId: 'uac-txn-1' }));
    const req = await srfRequest(srf, 'sip:agent17@127.0.0.1:5080', {
      method: 'OPTIONS',
      headers: { 'X-Agent': 'a17' },
    });
    t.same(engine.commands[0]?.command, {
      type: 'sip',
      txnId: '',
      dialogId: '',
      sip: 'OPTIONS sip:agent17@127.0.0.1:5080 SIP/2.0\r\nX-Agent: a17\r\nContent-Length: 0\r\n\r\n',
    });
    t.same(
      [req.stackTxnId, req.source, req.protocol, req.source_address, req.source_port, req.stackTime],
      ['uac-txn-1', 'application', 'udp', '127.0.0.1', 5060, '14:03:07.512000'],
      'srf meta from the echo tokens',
    );
    t.equal(req.get('Call-ID'), 'cid-1', 'srf parsed the echoed SIP');
    const response = new Promise<SrfSipMessage & { status: number }>((resolve) =>
      req.on('response', resolve),
    );
    const ok =
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;rport=5060;branch=z9hG4bKx1\r\nFrom: <sip:127.0.0.1:5060>;tag=f1\r\nTo: <sip:agent17@127.0.0.1:5080>;tag=t9\r\nCall-ID: cid-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
    const conn = engine.commands[0]?.conn;
    if (!conn) throw new Error('no connection');
    t.ok(
      server.sendSip(conn, networkMessageFrame(ok, { ...HOP, port: 5080, txnId: 'uac-txn-1', dialogId: '' })),
    );
    const res = await response;
    t.equal(res.status, 200);
    t.equal(res.get('To'), '<sip:agent17@127.0.0.1:5080>;tag=t9');
  },
);

t.test('an incoming INVITE reaches srf with its meta; srf answer and its echo round-trip', async (t) => {
  const { server, engine } = await startServer(t);
  let sendResult: SrfSipMessage | undefined;
  let receivedOn: unknown;
  await srfApp(t, server.port, (srf) =>
    srf.invite((req, res) => {
      receivedOn = (req as unknown as { receivedOn: unknown }).receivedOn;
      res.send(486, 'Busy Here', { headers: { 'X-Reason': 'busy' } }, (_err, msg) => (sendResult = msg));
    }),
  );
  const conn = await waitFor(() => server.pickAppFor('invite'), { what: 'invite route' });
  const invite =
    'INVITE sip:4000@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-77-1\r\nFrom: "Zoë" <sip:alice@127.0.0.1:5072>;tag=a1\r\nTo: <sip:4000@127.0.0.1:5060>\r\nCall-ID: c1@127.0.0.1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n';
  const echo =
    'SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-77-1;received=127.0.0.1;rport=5072\r\nFrom: "Zoë" <sip:alice@127.0.0.1:5072>;tag=a1\r\nTo: <sip:4000@127.0.0.1:5060>;tag=Zx91\r\nCall-ID: c1@127.0.0.1\r\nCSeq: 1 INVITE\r\nX-Reason: busy\r\nContent-Length: 0\r\n\r\n';
  engine.onCommand = (cmd, res) =>
    res.reply(responseEchoReply(echo, { ...HOP, port: 5072, txnId: cmd.txnId, dialogId: '' }));
  server.sendSip(
    conn,
    networkRequestFrame(invite, {
      ...HOP,
      port: 5072,
      txnId: 'inv-1',
      receivedOn: { address: '127.0.0.1', port: 5060 },
    }),
  );
  await waitFor(() => sendResult, { what: 'res.send callback' });
  t.equal(receivedOn, '127.0.0.1:5060');
  const cmd = engine.commands[0]?.command;
  t.match(cmd, { type: 'sip', txnId: 'inv-1', dialogId: '' });
  t.match(cmd?.sip, /^SIP\/2\.0 486 Busy Here\r\n/);
  t.match(cmd?.sip, /X-Reason: busy/);
  t.match(cmd?.sip, /from: "Zoë" <sip:alice@127\.0\.0\.1:5072>;tag=a1/i, 'UTF-8 survives both ways');
  t.equal(sendResult?.status, 486);
  t.equal(sendResult?.get('To'), '<sip:4000@127.0.0.1:5060>;tag=Zx91', 'srf got the echo as sent');
});

t.test('CDRs go to an app that routed cdr:start', async (t) => {
  const { server } = await startServer(t);
  const got: unknown[][] = [];
  await srfApp(t, server.port, (srf) =>
    srf.on('cdr:start', (source, time, role, msg) => got.push([source, time, role, msg.get('Call-ID')])),
  );
  await waitFor(() => server.pickAppFor('cdr:start'), { what: 'cdr:start route' });
  server.sendCdr(
    'cdr:start',
    cdrTokens('application', HOP.at, 'uas'),
    'SIP/2.0 200 OK\r\nCall-ID: c1\r\nContent-Length: 0\r\n\r\n',
  );
  await waitFor(() => got.length === 1, { what: 'cdr handler' });
  t.same(got[0], ['application', '14:03:07.512000', 'uas', 'c1']);
});

const openssl = requireProgram('openssl');
t.test(
  'srf connects over the TLS admin port',
  { skip: 'skip' in openssl ? openssl.skip : false },
  async (t) => {
    if (!('path' in openssl)) return;
    const dir = mkdtempSync(join(tmpdir(), 'pb-app-tls-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const made = spawnSync(openssl.path, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    t.equal(made.status, 0, 'self-signed certificate made');
    const tls = {
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
      port: 0,
    };
    const { server } = await startServer(t, { tls });
    const tlsPort = server.tlsPort ?? 0;
    t.ok(tlsPort > 0 && tlsPort !== server.port);
    const srf = new Srf();
    const connected = await connectSrf(srf, {
      port: tlsPort,
      secret: 'cymru',
      tls: { rejectUnauthorized: false },
    });
    t.teardown(() => disconnectSrf(srf));
    t.equal(connected.hostport, IDENTITY.publicHostports);
  },
);
