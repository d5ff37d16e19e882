/**
 * Registered clients that send no keepalives keep their connection (the transport's long
 * `establishedIdleTimeoutMs`, 1 h by default), while a connection that never sent a SIP message is
 * still cut after the short `idleTimeoutMs` (here 1 s). A sip.js softphone over WebSocket and a raw
 * TCP phone register through the engine to an srf registrar app, then stay silent; a silent "probe"
 * connection opened after them is closed by the short timer — by then both registered connections
 * have been silent longer than it, and must still work.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import t from 'tap';
import type Srf from 'drachtio-srf';
import { SessionState } from 'sip.js';
import { SipJsAgent } from '../../test-support/sipjs-agent.js';
import { sipText } from '../../test-support/sip-fixtures.js';
import { nextEvent, waitFor } from '../../test-support/wait.js';
import { appSdp, startEngineWorld } from './engine-world.js';
import type { EngineWorld } from './engine-world.js';

const IDLE_MS = 1000;

/** Answers every REGISTER with 200 and the Contact (RFC 3261 §10.3), counting them. */
function registrarApp(registers: string[]) {
  return (srf: Srf): void => {
    srf.use('register', (req, res) => {
      registers.push(req.get('Call-ID'));
      res.send(200, { headers: { Contact: `${req.get('Contact')};expires=300`, Expires: '300' } });
    });
    srf.invite((req, res) => {
      void srf.createUAS(req, res, { localSdp: appSdp(1, 30010) });
    });
  };
}

interface TcpPhone {
  socket: Socket;
  received(): string;
  closed(): boolean;
}

async function tcpPhone(w: EngineWorld): Promise<TcpPhone> {
  const socket = connect(w.endpoint('tcp').port, '127.0.0.1');
  let text = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  w.defer(() => socket.destroy());
  await nextEvent(socket, 'connect', { timeoutMs: 5000 });
  return { socket, received: () => text, closed: () => closed };
}

function register(port: number, cseq: number): string {
  return sipText([
    'REGISTER sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/TCP 127.0.0.1:${port};branch=z9hG4bK-idle-reg-${cseq}`,
    'Max-Forwards: 70',
    'From: <sip:bob@127.0.0.1>;tag=bob1',
    'To: <sip:bob@127.0.0.1>',
    'Call-ID: idle-reg-bob',
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:bob@127.0.0.1:${port};transport=tcp>`,
    'Expires: 300',
  ]);
}

const okCount = (text: string): number => text.split('SIP/2.0 200 OK').length - 1;

t.test('registered WebSocket and TCP clients without keepalives outlive idleTimeoutMs', async (t) => {
  const w = await startEngineWorld(t, { transports: ['tcp', 'ws'], idleTimeoutMs: IDLE_MS });
  const registers: string[] = [];
  await w.connectApp(registrarApp(registers), ['register', 'invite']);

  const agent = new SipJsAgent({ server: `ws://${w.hostport('ws')}`, aor: 'sip:alice@127.0.0.1' });
  w.defer(() => agent.stop());
  await agent.start();
  await agent.register();
  const phone = await tcpPhone(w);
  phone.socket.write(register(phone.socket.localPort ?? 0, 1));
  await waitFor(() => okCount(phone.received()) === 1, { what: 'the TCP phone registered' });
  t.equal(registers.length, 2, 'both REGISTERs reached the app');

  // A connection that never sends a SIP message, opened after both registrations went quiet.
  const stats = () => w.handle.stats().transport;
  t.equal(stats().connectionsClosedIdle, 0);
  const probe = await tcpPhone(w);
  await waitFor(() => probe.closed(), {
    timeoutMs: IDLE_MS * 5,
    what: 'the silent probe closed by the short timer',
  });
  await waitFor(() => stats().connectionsClosedIdle === 1, { what: 'counted as idle' });

  t.notOk(phone.closed(), 'the registered TCP phone is still connected');
  t.equal(stats().connectionsOpen, 2, 'the WebSocket and the TCP connection are both open');
  phone.socket.write(register(phone.socket.localPort ?? 0, 2));
  await waitFor(() => okCount(phone.received()) === 2, {
    what: 'the TCP phone re-registered on its connection',
  });
  const session = await agent.call(`sip:4000@${w.hostport('ws')}`);
  t.equal(session.state, SessionState.Established, 'sip.js called out over its original WebSocket');
  await session.bye();
  t.equal(stats().connectionsTotal, 3, 'no reconnection happened');
  t.same(w.appErrors, []);
});
