import { request } from 'node:http';
import t from 'tap';
import { WebSocket } from 'ws';
import { okFor, optionsText, rawTcpClient, startLayer } from '../../test-support/transport-harness.js';
import { waitFor } from '../../test-support/wait.js';

interface WsClient {
  ws: WebSocket;
  got: string[];
}

async function wsClient(url: string, protocols: string[], opts: { ca?: Buffer } = {}): Promise<WsClient> {
  const ws = new WebSocket(url, protocols, opts.ca ? { ca: opts.ca } : {});
  const got: string[] = [];
  ws.on('message', (d: Buffer) => got.push(d.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, got };
}

t.test(
  'WS with subprotocol sip: one message per frame, protocol ws, response on the same socket',
  async (t) => {
    const srv = await startLayer(['sip:127.0.0.1:0;transport=ws']);
    t.teardown(() => srv.layer.stop());
    const c = await wsClient(`ws://127.0.0.1:${srv.port('ws')}/`, ['sip']);
    t.teardown(() => c.ws.terminate());
    t.equal(c.ws.protocol, 'sip', 'server selected sip (RFC 7118 §4.1)');
    c.ws.send(optionsText('WS', 'df7jal23ls0d.invalid', 0, 'z9hG4bK-w1'));
    c.ws.send(Buffer.from(optionsText('WS', 'df7jal23ls0d.invalid', 0, 'z9hG4bK-w2')), { binary: true });
    const m = await srv.nthMessage(2);
    t.equal(m.source.protocol, 'ws');
    t.match(m.source.connectionId ?? '', /^ws-\d+$/);
    t.equal(m.message.get('call-id'), 'z9hG4bK-w2@test', 'binary frames work too');
    t.match(
      m.message.get('via') ?? '',
      /^SIP\/2\.0\/WS df7jal23ls0d\.invalid:0;branch=z9hG4bK-w2;received=127\.0\.0\.1;rport=\d+$/,
    );
    await srv.layer.send(okFor(m), m.source);
    const reply = await waitFor(() => c.got[0], { what: 'response frame' });
    t.match(reply, /^SIP\/2\.0 200 OK/);
    c.ws.send('\r\n\r\n');
    await waitFor(() => c.got[1] === '\r\n', { what: 'keepalive pong' });
  },
);

t.test('WS without the sip subprotocol is refused; plain HTTP gets 426', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=ws']);
  t.teardown(() => srv.layer.stop());
  const url = `ws://127.0.0.1:${srv.port('ws')}/`;
  for (const protocols of [[], ['chat']]) {
    const ws = new WebSocket(url, protocols);
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => resolve(101));
      ws.once('error', () => resolve(-1));
    });
    t.equal(status, 400, `refused with offers [${protocols.join(',')}]`);
  }
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: srv.port('ws'), path: '/' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  t.equal(status, 426);
  t.equal(srv.layer.stats.connectionsTotal, 0, 'no connection was adopted');
});

t.test('WS oversize message closes and counts; outbound WS between two layers is reused', async (t) => {
  const b = await startLayer(['sip:127.0.0.1:0;transport=ws'], { limits: { maxMessageBytes: 2000 } });
  t.teardown(() => b.layer.stop());
  const c = await wsClient(`ws://127.0.0.1:${b.port('ws')}/`, ['sip']);
  t.teardown(() => c.ws.terminate());
  const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
  c.ws.send('x'.repeat(5000));
  t.equal(await closed, 1009, 'RFC 6455 1009 message too big');
  await waitFor(() => b.layer.stats.droppedOversize === 1, { what: 'oversize counted' });

  const a = await startLayer(['sip:127.0.0.1:0;transport=ws']);
  t.teardown(() => a.layer.stop());
  const target = { protocol: 'ws' as const, address: '127.0.0.1', port: b.port('ws') };
  const s1 = await a.layer.send(
    Buffer.from(optionsText('WS', '127.0.0.1', a.port('ws'), 'z9hG4bK-x1')),
    target,
  );
  const s2 = await a.layer.send(
    Buffer.from(optionsText('WS', '127.0.0.1', a.port('ws'), 'z9hG4bK-x2')),
    target,
  );
  t.equal(s1.target.connectionId, s2.target.connectionId);
  const req = await b.nthMessage(2);
  await b.layer.send(okFor(req), req.source);
  const resp = await a.nthMessage(1);
  t.equal(resp.message.status, 200);
  t.equal(resp.source.connectionId, s1.target.connectionId, 'response arrived on the outbound connection');
});

t.test('a WebSocket that never upgrades is closed by the idle guard', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=ws'], { limits: { idleTimeoutMs: 200 } });
  t.teardown(() => srv.layer.stop());
  const c = await rawTcpClient(srv.port('ws'));
  t.teardown(() => c.close());
  c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
  await waitFor(() => c.isClosed(), { what: 'unfinished upgrade closed' });
  t.ok(c.isClosed());
  t.equal(srv.layer.stats.connectionsTotal, 0);
});
