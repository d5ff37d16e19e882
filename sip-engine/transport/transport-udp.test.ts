import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import t from 'tap';
import { okFor, optionsText, startLayer } from '../../test-support/transport-harness.js';
import { waitFor } from '../../test-support/wait.js';
import { TransportError } from './errors.js';

/** A UDP "phone" on loopback that records what it receives. */
async function udpPeer(
  type: 'udp4' | 'udp6',
  host: string,
): Promise<{ socket: Socket; port: number; got: string[] }> {
  const socket = createSocket(type);
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  return { socket, port: socket.address().port, got };
}

function sendTo(peer: { socket: Socket }, text: string | Buffer, port: number, host = '127.0.0.1'): void {
  peer.socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, host);
}

async function canBindIpv6(): Promise<boolean> {
  const s = createSocket('udp6');
  return new Promise((resolve) => {
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(0, '::1', () => s.close(() => resolve(true)));
  });
}

t.test('UDP round trip: port 0 reported, received/rport added, response sent back unchanged', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=udp']);
  t.teardown(() => srv.layer.stop());
  const peer = await udpPeer('udp4', '127.0.0.1');
  t.teardown(() => peer.socket.close());
  const port = srv.port('udp');
  t.not(port, 0, 'real bound port after start()');
  t.ok(srv.layer.isLocal('127.0.0.1', port));

  sendTo(peer, optionsText('UDP', '127.0.0.1', 5999), port);
  const m = await srv.nthMessage(1);
  t.equal(m.message.method, 'OPTIONS');
  t.same(m.source, { protocol: 'udp', address: '127.0.0.1', port: peer.port });
  t.equal(m.local.port, port);
  t.equal(
    m.message.get('via'),
    `SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-opt-1;received=127.0.0.1;rport=${peer.port}`,
  );

  const result = await srv.layer.send(okFor(m), m.source);
  t.equal(result.local.port, port);
  t.equal(result.target.port, peer.port);
  const reply = await waitFor(() => peer.got[0], { what: 'response at the peer' });
  t.match(reply, /^SIP\/2\.0 200 OK\r\n/);

  // A response arriving from the peer is handed up without a received/rport stamp.
  const response = okFor(m).toString().replace(`;received=127.0.0.1;rport=${peer.port}`, '');
  sendTo(peer, response, port);
  const r = await srv.nthMessage(2);
  t.equal(r.message.status, 200);
  t.equal(r.message.get('via'), 'SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-opt-1');
  t.equal(srv.layer.stats.messagesReceived, 2);
  t.equal(srv.layer.stats.messagesSent, 1);
});

t.test('UDP: malformed input, keepalive noise, oversize', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=udp'], { limits: { maxMessageBytes: 2000 } });
  t.teardown(() => srv.layer.stop());
  const peer = await udpPeer('udp4', '127.0.0.1');
  t.teardown(() => peer.socket.close());
  const port = srv.port('udp');

  sendTo(peer, '\r\n\r\n', port);
  sendTo(peer, 'INVITE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK9\r\nCSeq: banana\r\n\r\n', port);
  const bad = await waitFor(() => srv.malformed[0], { what: 'malformed event' });
  t.equal(bad.source.port, peer.port);
  t.ok(bad.reason.length > 0);
  t.equal(bad.partial?.method, 'INVITE', 'partial message for a 400');
  sendTo(peer, optionsText('UDP', '127.0.0.1', 5999, 'z9hG4bK-big', 'x'.repeat(3000)), port);
  sendTo(peer, optionsText('UDP', '127.0.0.1', 5999, 'z9hG4bK-after'), port);
  const after = await srv.nthMessage(1);
  t.equal(after.message.get('call-id'), 'z9hG4bK-after@test', 'the oversize datagram was dropped');
  t.equal(srv.layer.stats.droppedOversize, 1);
  t.equal(srv.layer.stats.malformed, 1, 'the CRLF keepalive is not malformed');
});

t.test('UDP: per-source rate limit drops and counts', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=udp'], {
    limits: { perSourceRequestsPerSecond: 5 },
  });
  t.teardown(() => srv.layer.stop());
  const peer = await udpPeer('udp4', '127.0.0.1');
  t.teardown(() => peer.socket.close());
  for (let i = 0; i < 20; i++)
    sendTo(peer, optionsText('UDP', '127.0.0.1', 5999, `z9hG4bK-r${i}`), srv.port('udp'));
  await waitFor(() => srv.layer.stats.messagesReceived + srv.layer.stats.droppedRateLimited === 20, {
    what: 'all 20 datagrams processed',
  });
  // The bucket refills at 5/s: at most one extra token can appear while the burst is processed.
  t.ok(srv.messages.length >= 5 && srv.messages.length <= 6, `accepted ${srv.messages.length}`);
  t.equal(srv.layer.stats.droppedRateLimited, 20 - srv.messages.length);
});

const ipv6 = await canBindIpv6();

t.test('UDP over IPv6 on ::1', { skip: ipv6 ? false : '::1 cannot be bound on this host' }, async (t) => {
  const srv = await startLayer(['sip:[::1]:0;transport=udp']);
  t.teardown(() => srv.layer.stop());
  const peer = await udpPeer('udp6', '::1');
  t.teardown(() => peer.socket.close());
  sendTo(peer, optionsText('UDP', '::1', 5999), srv.port('udp'), '::1');
  const m = await srv.nthMessage(1);
  t.same(m.source, { protocol: 'udp', address: '::1', port: peer.port });
  t.match(m.message.get('via') ?? '', new RegExp(`;received=::1;rport=${peer.port}$`));
  await srv.layer.send(okFor(m), m.source);
  await waitFor(() => peer.got[0], { what: 'response over IPv6' });
  t.equal(srv.layer.selectEndpoint({ protocol: 'udp', address: '::1' })?.address, '::1');
  t.equal(srv.layer.selectEndpoint({ protocol: 'udp', address: '127.0.0.1' }), undefined, 'no IPv4 endpoint');
});

t.test('send errors are named TransportErrors', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=udp']);
  t.teardown(() => srv.layer.stop());
  const noTcp = await srv.layer
    .send(Buffer.from('x'), { protocol: 'tcp', address: '127.0.0.1', port: 5 })
    .catch((e: unknown) => e);
  t.ok(noTcp instanceof TransportError && noTcp.code === 'no-transport', 'no tcp endpoint');
  const big = await srv.layer
    .send(Buffer.alloc(70_000, 0x41), { protocol: 'udp', address: '127.0.0.1', port: 9 })
    .catch((e: unknown) => e);
  t.ok(big instanceof TransportError && big.code === 'too-large', 'larger than a datagram');
  t.equal(srv.layer.stats.sendFailures, 2);
  await srv.layer.stop();
  const stopped = await srv.layer
    .send(Buffer.from('x'), { protocol: 'udp', address: '127.0.0.1', port: 9 })
    .catch((e: unknown) => e);
  t.ok(stopped instanceof TransportError && stopped.code === 'closed', 'stopped layer');
});

t.test('start fails cleanly when the port is taken', async (t) => {
  const first = await startLayer(['sip:127.0.0.1:0;transport=udp,tcp']);
  t.teardown(() => first.layer.stop());
  const port = first.port('udp');
  const second = startLayer([`sip:127.0.0.1:${port};transport=udp`]);
  await t.rejects(second, { name: 'TransportStartError', code: 'start-failed' });
});
