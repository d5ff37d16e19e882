/** AppServer over raw sockets: exact frames in, exact frames out (spec §2.2–§2.4, §5). */
import t from 'tap';
import type { Test } from 'tap';
import { WireClient } from '../../test-support/drachtio-wire-client.js';
import { FakeCommandHandler } from '../../test-support/fake-command-handler.js';
import { freePort } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';
import { FakeClock } from '../util/clock.js';
import { AppServer } from './app-server.js';
import type { AppServerOptions } from './app-server.js';
import { encodeFrame } from './framing.js';
import { networkMessageFrame, proxyContinueReply, proxyDoneReply } from './frames.js';

const IDENTITY = {
  publicHostports: 'udp/127.0.0.1:5060',
  version: 'v0.9.10',
  localHostports: 'udp/127.0.0.1:5060',
};

async function startServer(tt: Test, opts: Partial<AppServerOptions> = {}) {
  const server = new AppServer({ address: '127.0.0.1', port: 0, secret: 'cymru', ...opts });
  const engine = new FakeCommandHandler();
  server.setHandler(engine);
  server.setIdentity(IDENTITY);
  await server.start();
  tt.teardown(() => server.stop());
  const connect = async (): Promise<WireClient> => {
    const c = await WireClient.connect(server.port);
    tt.teardown(() => c.close());
    return c;
  };
  const authed = async (tags = ''): Promise<WireClient> => {
    const c = await connect();
    const r = await c.ask(`authenticate|cymru|${tags}`);
    tt.equal(r.token[3], 'OK', 'authenticated');
    return c;
  };
  return { server, engine, connect, authed };
}

t.test('listens on the given port, or on one the OS picks', async (t) => {
  const port = await freePort();
  const { server } = await startServer(t, { port });
  t.equal(server.port, port);
  const { server: other } = await startServer(t);
  t.ok(other.port > 0 && other.port !== port, `OS picked ${other.port}`);
  t.equal(other.state, 'listening');
});

t.test('authenticate: OK|<public>|<version>|<local>, tags kept (§2.3)', async (t) => {
  const { server, connect } = await startServer(t);
  const c = await connect();
  const r = await c.ask('authenticate|cymru|queue-a,callcenter');
  t.same(r.token.slice(3), ['OK', IDENTITY.publicHostports, IDENTITY.version, IDENTITY.localHostports]);
  t.match(
    r.token[0],
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    'uuid v4 msgId',
  );
  const conn = server.connections()[0];
  t.same(conn?.tags, ['queue-a', 'callcenter']);
  t.equal(conn?.authenticated, true);
});

t.test('bad secret: NO|incorrect secret, then the server closes (§5 item 2)', async (t) => {
  const { server, engine, connect } = await startServer(t);
  const c = await connect();
  const r = await c.ask('authenticate|wrong|');
  t.same(r.token.slice(3), ['NO', 'incorrect secret']);
  await c.waitClosed();
  await waitFor(() => engine.closed.length === 1, { what: 'connectionClosed' });
  t.equal(server.connections().length, 0);
});

t.test('commands before authenticate: NO and close', async (t) => {
  const { connect } = await startServer(t);
  for (const leader of ['route|invite', 'ping', 'sip||']) {
    const c = await connect();
    const r = await c.ask(leader, leader.startsWith('sip') ? 'OPTIONS sip:a SIP/2.0\r\n\r\n' : undefined);
    t.same(r.token.slice(3), ['NO', 'authentication required'], leader);
    await c.waitClosed();
  }
});

t.test('invalid tags: NO and close', async (t) => {
  const { connect } = await startServer(t);
  const c = await connect();
  const r = await c.ask(`authenticate|cymru|${'x'.repeat(33)}`);
  t.same(r.token.slice(3), ['NO', 'invalid tags']);
  await c.waitClosed();
});

t.test('ping → OK|pong; route → OK', async (t) => {
  const { server, authed } = await startServer(t);
  const c = await authed();
  t.same((await c.ask('ping')).token.slice(3), ['OK', 'pong']);
  t.same((await c.ask('route|invite')).token.slice(3), ['OK']);
  t.equal(server.pickAppFor('INVITE')?.id, server.connections()[0]?.id);
  t.equal(c.isClosed, false);
});

t.test('unknown command and a response without txn id: NO with the server reason, then close', async (t) => {
  const { authed } = await startServer(t);
  const a = await authed();
  t.same((await a.ask('frobnicate|x')).token.slice(3), ['NO', 'Unknown message type']);
  await a.waitClosed();
  const b = await authed();
  t.same((await b.ask('sip||', 'SIP/2.0 200 OK\r\n\r\n')).token.slice(3), ['NO', 'transaction id missing']);
  await b.waitClosed();
});

t.test('round robin per verb across two apps; closed apps are pruned', async (t) => {
  const { server, authed } = await startServer(t);
  const a = await authed();
  const b = await authed();
  await a.ask('route|invite');
  await b.ask('route|invite');
  const ids = [1, 2, 3, 4].map(() => server.pickAppFor('invite')?.id);
  t.equal(new Set(ids).size, 2, 'both apps picked');
  t.equal(ids[0], ids[2]);
  t.equal(ids[1], ids[3]);
  t.not(ids[0], ids[1]);
  await a.close();
  await waitFor(() => server.connections().length === 1, { what: 'a gone' });
  const left = server.connections()[0]?.id;
  t.same([server.pickAppFor('invite')?.id, server.pickAppFor('invite')?.id], [left, left]);
});

t.test('remove_route quirk: removes every route of that client (§2.3)', async (t) => {
  const { server, authed } = await startServer(t);
  const a = await authed();
  const b = await authed();
  for (const v of ['invite', 'register', 'cdr:stop']) await a.ask(`route|${v}`);
  await b.ask('route|register');
  const aId = server.pickAppFor('invite')?.id;
  t.same((await a.ask('remove_route|invite')).token.slice(3), ['OK']);
  t.equal(server.pickAppFor('invite'), undefined);
  t.equal(server.pickAppFor('cdr:stop'), undefined);
  const regs = [server.pickAppFor('register')?.id, server.pickAppFor('register')?.id];
  t.ok(
    regs.every((id) => id !== undefined && id !== aId),
    'only the other app is left for register',
  );
});

t.test('sip and proxy commands reach the handler; replies (several for proxy) reach the app', async (t) => {
  const { engine, authed } = await startServer(t);
  const c = await authed();
  const sip = 'OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nX-Name: Zoë 😀\r\nContent-Length: 0\r\n\r\n';
  engine.onCommand = (cmd, res) => res.reply({ status: 'NOK', tokens: [`got ${cmd.type}`] });
  t.same((await c.ask('sip|||sip:proxy.example;transport=tcp', sip)).token.slice(3), ['NOK', 'got sip']);
  t.same(engine.commands[0]?.command, {
    type: 'sip',
    txnId: '',
    dialogId: '',
    routeUri: 'sip:proxy.example;transport=tcp',
    sip,
  });
  const hop = { protocol: 'udp' as const, address: '127.0.0.1', port: 5082, at: new Date() };
  engine.onCommand = (_cmd, res) => {
    res.reply(proxyContinueReply('SIP/2.0 486 Busy Here\r\n\r\n', hop));
    res.reply(proxyDoneReply());
  };
  const id = c.send(
    'proxy|T1|remainInDialog|fullResponse||simultaneous|2s||sip:a@h|sip:b@h',
    'INVITE sip:a@h SIP/2.0\r\n\r\n',
  );
  const first = await c.next((f) => f.token[2] === id);
  const second = await c.next((f) => f.token[2] === id);
  t.equal(first.token[12], 'continue');
  t.equal(first.sip, 'SIP/2.0 486 Busy Here\r\n\r\n');
  t.same(second.token.slice(3), ['OK', 'done']);
  t.match(engine.commands[1]?.command, {
    type: 'proxy',
    txnId: 'T1',
    simultaneous: true,
    provisionalTimeoutMs: 2000,
    destinations: ['sip:a@h', 'sip:b@h'],
  });
});

t.test('a sip command whose multi-byte characters are split across TCP writes arrives intact', async (t) => {
  const { engine, authed } = await startServer(t);
  const c = await authed();
  engine.onCommand = (_cmd, res) => res.reply({ status: 'OK', tokens: [] });
  const sip =
    'MESSAGE sip:a@127.0.0.1 SIP/2.0\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n日本語😀';
  const frame = encodeFrame(`m1|sip||\r\n${sip}`);
  const emoji = frame.indexOf(Buffer.from('😀'));
  for (const [from, to] of [
    [0, 2],
    [2, emoji + 1],
    [emoji + 1, emoji + 3],
    [emoji + 3, frame.length],
  ] as const) {
    await c.writeRaw(frame.subarray(from, to));
  }
  await c.next((f) => f.token[2] === 'm1');
  t.equal(engine.commands[0]?.command.sip, sip);
});

t.test('bad framing closes only that connection; the server keeps serving', async (t) => {
  const { server, engine, connect, authed } = await startServer(t, { maxFrameBytes: 1000 });
  for (const garbage of ['12x#hello', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', '5000#', '\u0000\u00ff\u0010#']) {
    const c = await connect();
    await c.writeRaw(garbage);
    await c.waitClosed();
    t.equal(c.frames.length, 0, `no reply to ${JSON.stringify(garbage)}`);
  }
  await waitFor(() => engine.closed.length === 4, { what: 'four connectionClosed calls' });
  const ok = await authed();
  t.same((await ok.ask('ping')).token.slice(3), ['OK', 'pong']);
  t.equal(server.state, 'listening');
});

t.test('replies after the app disconnected are dropped; sendSip reports false', async (t) => {
  const { server, engine, authed } = await startServer(t);
  const c = await authed();
  c.send('sip||', 'OPTIONS sip:a SIP/2.0\r\n\r\n');
  await waitFor(() => engine.commands[0], { what: 'command' });
  const held = engine.commands[0];
  if (!held) throw new Error('no command');
  await c.close();
  await waitFor(() => engine.closed.length === 1, { what: 'connectionClosed' });
  t.equal(engine.closed[0], held.conn, 'connectionClosed gets the same connection');
  t.equal(held.conn.open, false);
  t.doesNotThrow(() => held.responder.reply({ status: 'OK', tokens: ['late'] }));
  const frame = networkMessageFrame('SIP/2.0 200 OK\r\n\r\n', {
    protocol: 'udp',
    address: 'h',
    port: 1,
    at: new Date(),
    txnId: 't',
    dialogId: '',
  });
  t.equal(server.sendSip(held.conn, frame), false);
});

t.test('handler errors and a missing handler give NOK; the connection stays open', async (t) => {
  const { server, engine, authed } = await startServer(t);
  const c = await authed();
  engine.onCommand = () => {
    throw new Error('boom');
  };
  t.same((await c.ask('sip||', 'OPTIONS sip:a SIP/2.0\r\n\r\n')).token.slice(3), [
    'NOK',
    'internal server error',
  ]);
  engine.onCommand = (_cmd, res) => res.reply({ status: 'OK', tokens: ['bad|token'] });
  t.same((await c.ask('sip||', 'OPTIONS sip:a SIP/2.0\r\n\r\n')).token.slice(3), [
    'NOK',
    'internal server error',
  ]);
  const bare = new AppServer({ address: '127.0.0.1', port: 0, secret: 's' });
  await bare.start();
  t.teardown(() => bare.stop());
  const d = await WireClient.connect(bare.port);
  t.teardown(() => d.close());
  await d.ask('authenticate|s|');
  t.same((await d.ask('sip||', 'OPTIONS sip:a SIP/2.0\r\n\r\n')).token.slice(3), ['NOK', 'server not ready']);
  t.equal(c.isClosed || d.isClosed, false);
  t.equal(server.state, 'listening');
});

t.test('an app that never authenticates is dropped after authTimeoutMs (FakeClock)', async (t) => {
  const clock = new FakeClock();
  const { engine, connect } = await startServer(t, { clock, authTimeoutMs: 5000 });
  const idle = await connect();
  const good = await connect();
  await waitFor(() => clock.pending === 2, { what: 'two auth timers' });
  await good.ask('authenticate|cymru|');
  clock.advance(4999);
  t.equal(idle.isClosed, false);
  clock.advance(1);
  await idle.waitClosed();
  t.equal(good.isClosed, false, 'the authenticated app stays');
  t.equal(engine.closed.length, 1);
});

t.test('an app that does not read is dropped once maxPendingWriteBytes pile up', async (t) => {
  const { server, engine, authed } = await startServer(t, { maxPendingWriteBytes: 256 * 1024 });
  const c = await authed();
  c.socket.pause();
  const conn = server.connections()[0];
  if (!conn) throw new Error('no connection');
  const big = `SIP/2.0 200 OK\r\nX-Pad: ${'p'.repeat(100_000)}\r\n\r\n`;
  const frame = networkMessageFrame(big, {
    protocol: 'udp',
    address: 'h',
    port: 1,
    at: new Date(),
    txnId: 't',
    dialogId: '',
  });
  let sent = 0;
  while (sent < 10_000 && server.sendSip(conn, frame)) sent++;
  t.ok(sent < 10_000, `dropped after ${sent} frames`);
  t.equal(conn.open, false);
  await waitFor(() => engine.closed.length === 1, { what: 'connectionClosed' });
});

t.test('stop() closes every app connection and frees the port', async (t) => {
  const server = new AppServer({ address: '127.0.0.1', port: 0, secret: 'cymru' });
  const engine = new FakeCommandHandler();
  server.setHandler(engine);
  await server.start();
  const c = await WireClient.connect(server.port);
  await c.ask('authenticate|cymru|');
  await server.stop();
  await c.waitClosed();
  t.equal(server.state, 'stopped');
  t.equal(engine.closed.length, 1);
  await t.rejects(WireClient.connect(server.port), 'nothing listens any more');
  await server.stop();
  await t.rejects(server.start(), { code: 'illegal-transition' }, 'a stopped server does not restart');
});
