import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import fc from 'fast-check';
import { pino } from 'pino';
import t from 'tap';
import { freePort } from '../../test-support/ports.js';
import { okFor, optionsText, rawTcpClient, startLayer } from '../../test-support/transport-harness.js';
import { waitFor } from '../../test-support/wait.js';
import { TransportError } from './errors.js';

t.test('TCP framing: split across chunks and several in one chunk', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp']);
  t.teardown(() => srv.layer.stop());
  const c = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => c.close());
  const a = optionsText('TCP', '127.0.0.1', 5999, 'z9hG4bK-a', 'body-a');
  const b = optionsText('TCP', '127.0.0.1', 5999, 'z9hG4bK-b');
  const d = optionsText('TCP', '127.0.0.1', 5999, 'z9hG4bK-d', 'body-d');
  c.socket.write(a.slice(0, 10));
  await waitFor(() => srv.layer.stats.connectionsOpen === 1, { what: 'accepted' });
  c.socket.write(a.slice(10, 100));
  c.socket.write(a.slice(100) + b + d.slice(0, 50));
  c.socket.write(d.slice(50));
  const third = await srv.nthMessage(3);
  t.same(
    srv.messages.map((m) => m.message.get('call-id')),
    ['z9hG4bK-a@test', 'z9hG4bK-b@test', 'z9hG4bK-d@test'],
  );
  t.equal(srv.messages[0]?.message.body.toString(), 'body-a');
  t.equal(third.message.body.toString(), 'body-d');
  t.equal(third.source.protocol, 'tcp');
  t.match(third.source.connectionId ?? '', /^tcp-\d+$/);
  t.equal(
    third.message.get('via'),
    `SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-d;received=127.0.0.1;rport=${third.source.port}`,
  );
});

t.test('CRLFCRLF keepalive gets a CRLF pong (RFC 5626 §3.5.1)', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp']);
  t.teardown(() => srv.layer.stop());
  const c = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => c.close());
  c.socket.write('\r\n\r\n');
  await waitFor(() => c.text() === '\r\n', { what: 'pong' });
  c.socket.write('\r\n\r\n');
  await waitFor(() => c.text() === '\r\n\r\n', { what: 'second pong' });
  t.equal(srv.layer.stats.keepalivesAnswered, 2);
  t.notOk(c.isClosed());
});

t.test('oversize message: connection dropped and counted', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp'], { limits: { maxMessageBytes: 1000 } });
  t.teardown(() => srv.layer.stop());
  const c = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => c.close());
  c.socket.write(optionsText('TCP', '127.0.0.1', 5999, 'z9hG4bK-big', 'x'.repeat(2000)));
  await waitFor(() => c.isClosed(), { what: 'connection closed' });
  t.equal(srv.layer.stats.droppedOversize, 1);
  t.equal(srv.messages.length, 0);
  await waitFor(() => srv.closed.length === 1, { what: 'connectionClosed event' });
  t.equal(srv.layer.stats.connectionsOpen, 0);
});

t.test('garbage closes the connection', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp']);
  t.teardown(() => srv.layer.stop());
  const c = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => c.close());
  c.socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
  await waitFor(() => c.isClosed(), { what: 'connection closed' });
  t.equal(srv.layer.stats.connectionsClosedGarbage, 1);
});

t.test('a framed but unparseable message is "malformed", the connection stays', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp']);
  t.teardown(() => srv.layer.stop());
  const c = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => c.close());
  c.socket.write('OPTIONS sip:a@b SIP/2.0\r\nCSeq: what\r\nContent-Length: 0\r\n\r\n');
  const bad = await waitFor(() => srv.malformed[0], { what: 'malformed' });
  t.equal(bad.source.protocol, 'tcp');
  t.ok(bad.source.connectionId);
  c.socket.write(optionsText('TCP', '127.0.0.1', 5999));
  await srv.nthMessage(1);
  t.notOk(c.isClosed());
});

t.test('idle timeout closes a silent connection', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp'], { limits: { idleTimeoutMs: 200 } });
  t.teardown(() => srv.layer.stop());
  const c = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => c.close());
  await waitFor(() => c.isClosed(), { timeoutMs: 5000, what: 'idle close' });
  t.equal(srv.layer.stats.connectionsClosedIdle, 1);
  t.equal(srv.closed.length, 1);
});

t.test('slow-loris: one byte at a time is closed by the idle timer with bounded memory', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp'], {
    limits: { idleTimeoutMs: 300, maxMessageBytes: 4096 },
  });
  t.teardown(() => srv.layer.stop());
  const c = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => c.close());
  const text = 'OPTIONS sip:a@b SIP/2.0\r\nX-Slow: ' + 'a'.repeat(100);
  let i = 0;
  const trickle = setInterval(() => {
    if (!c.isClosed() && i < text.length) c.socket.write(text[i++] ?? 'a');
  }, 20);
  t.teardown(() => clearInterval(trickle));
  await waitFor(() => c.isClosed(), { timeoutMs: 5000, what: 'slow-loris closed' });
  t.ok(i < text.length, `closed after ${i} bytes, before the head was finished`);
  t.equal(srv.layer.stats.connectionsClosedIdle, 1);
  // A fast sender of an endless header is cut at maxMessageBytes, not buffered forever.
  const f = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => f.close());
  f.socket.write('OPTIONS sip:a@b SIP/2.0\r\nX-Endless: ');
  for (let k = 0; k < 10 && !f.isClosed(); k++) f.socket.write('b'.repeat(1000));
  await waitFor(() => f.isClosed(), { what: 'endless header cut' });
  t.equal(srv.layer.stats.droppedOversize, 1);
});

t.test('maxConnections refuses extra connections', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp'], { limits: { maxConnections: 2 } });
  t.teardown(() => srv.layer.stop());
  const port = srv.port('tcp');
  const a = await rawTcpClient(port);
  const b = await rawTcpClient(port);
  t.teardown(() => [a, b].forEach((x) => x.close()));
  await waitFor(() => srv.layer.stats.connectionsOpen === 2, { what: 'two open' });
  const c = await rawTcpClient(port);
  t.teardown(() => c.close());
  await waitFor(() => c.isClosed(), { what: 'third refused' });
  t.equal(srv.layer.stats.connectionsRefused, 1);
  t.notOk(a.isClosed() || b.isClosed());
});

t.test('reuse: response on the request connection; requests to that address:port reuse it', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp']);
  t.teardown(() => srv.layer.stop());
  const c = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => c.close());
  c.socket.write(optionsText('TCP', '127.0.0.1', 5999));
  const m = await srv.nthMessage(1);
  const sent = await srv.layer.send(okFor(m), m.source);
  t.equal(sent.target.connectionId, m.source.connectionId, 'RFC 3261 §18.2.2: same connection');
  await waitFor(() => c.text().startsWith('SIP/2.0 200 OK'), { what: 'response on the client socket' });
  // RFC 5923 style: a request to the client's address:port (no connection id) goes on the same connection.
  const req = Buffer.from(optionsText('TCP', '127.0.0.1', srv.port('tcp'), 'z9hG4bK-back'));
  const back = await srv.layer.send(req, { protocol: 'tcp', address: '127.0.0.1', port: m.source.port });
  t.equal(back.target.connectionId, m.source.connectionId);
  await waitFor(() => c.text().includes('z9hG4bK-back'), { what: 'request on the same client socket' });
  t.equal(srv.layer.stats.connectionsTotal, 1);
});

t.test('outbound: connect once, reuse, connect-failed on a closed port', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp']);
  t.teardown(() => srv.layer.stop());
  const peerSockets: Socket[] = [];
  let peerData = '';
  const peer = createServer((s) => {
    peerSockets.push(s);
    s.on('data', (d: Buffer) => (peerData += d.toString()));
  });
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    peerSockets.forEach((s) => s.destroy());
    peer.close();
  });
  const addr = peer.address();
  const peerPort = typeof addr === 'object' && addr ? addr.port : 0;
  const target = { protocol: 'tcp' as const, address: '127.0.0.1', port: peerPort };
  const [r1, r2] = await Promise.all([
    srv.layer.send(Buffer.from(optionsText('TCP', '127.0.0.1', 1, 'z9hG4bK-o1')), target),
    srv.layer.send(Buffer.from(optionsText('TCP', '127.0.0.1', 1, 'z9hG4bK-o2')), target),
  ]);
  t.equal(r1.target.connectionId, r2.target.connectionId, 'concurrent sends share one connect');
  await waitFor(() => peerData.includes('z9hG4bK-o2'), { what: 'both requests at the peer' });
  t.equal(peerSockets.length, 1);
  // The peer answers on the same connection; the layer hands the response up with that connection id.
  const response = optionsText('TCP', '127.0.0.1', 1, 'z9hG4bK-o1').replace(
    /^OPTIONS \S+ SIP\/2\.0/,
    'SIP/2.0 200 OK',
  );
  peerSockets[0]?.write(response);
  const resp = await srv.nthMessage(1);
  t.equal(resp.source.connectionId, r1.target.connectionId);

  const closedPort = await freePort();
  const err = await srv.layer
    .send(Buffer.from('x'), { protocol: 'tcp', address: '127.0.0.1', port: closedPort })
    .catch((e: unknown) => e);
  t.ok(err instanceof TransportError && err.code === 'connect-failed', 'connect-failed');
});

t.test('layer to layer over TCP, and tcp+ws sharing one fixed port', async (t) => {
  const port = await freePort();
  const b = await startLayer([`sip:127.0.0.1:${port};transport=tcp,ws`]);
  t.teardown(() => b.layer.stop());
  const a = await startLayer(['sip:127.0.0.1:0;transport=tcp']);
  t.teardown(() => a.layer.stop());
  t.equal(b.port('tcp'), port);
  t.equal(b.port('ws'), port);
  await a.layer.send(Buffer.from(optionsText('TCP', '127.0.0.1', a.port('tcp'))), {
    protocol: 'tcp',
    address: '127.0.0.1',
    port,
  });
  const req = await b.nthMessage(1);
  t.equal(req.local.protocol, 'tcp');
  await b.layer.send(okFor(req), req.source);
  const resp = await a.nthMessage(1);
  t.equal(resp.message.status, 200);
  t.equal(a.layer.stats.connectionsTotal, 1);
  t.equal(b.layer.stats.connectionsTotal, 1);
});

t.test('random bytes on many connections never take the layer down', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=tcp,udp'], { logger: pino({ level: 'silent' }) });
  t.teardown(() => srv.layer.stop());
  const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 3000 }), { seed: 7, numRuns: 30 });
  const clients = await Promise.all(samples.map(() => rawTcpClient(srv.port('tcp'))));
  t.teardown(() => clients.forEach((c) => c.close()));
  clients.forEach((c, i) => c.socket.write(Buffer.from(samples[i] ?? [])));
  await waitFor(() => srv.layer.stats.connectionsTotal === 30, { what: 'all accepted' });
  clients.forEach((c) => c.socket.end());
  await waitFor(() => srv.layer.stats.connectionsOpen === 0, { what: 'all closed' });
  const ok = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => ok.close());
  ok.socket.write(optionsText('TCP', '127.0.0.1', 5999, 'z9hG4bK-alive'));
  const m = await srv.nthMessage(1);
  t.equal(m.message.get('call-id'), 'z9hG4bK-alive@test', 'still serving');
});
