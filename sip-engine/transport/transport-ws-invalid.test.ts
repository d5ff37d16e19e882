/**
 * RFC 7118 §5.2 over real loopback WebSockets: a request to a client's `.invalid` host goes out on
 * the WebSocket that host's requests arrived on, and fails once that connection is gone.
 */
import t from 'tap';
import { WebSocket } from 'ws';
import { optionsText, startLayer } from '../../test-support/transport-harness.js';
import { waitFor } from '../../test-support/wait.js';
import { TransportError } from './errors.js';

interface WsClient {
  ws: WebSocket;
  got: string[];
}

async function wsClient(port: number): Promise<WsClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['sip']);
  const got: string[] = [];
  ws.on('message', (d: Buffer) => got.push(d.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, got };
}

function request(host: string, tag: string): Buffer {
  return Buffer.from(optionsText('WS', host, 0, `z9hG4bK-${tag}`).replace(`${host}:0`, host));
}

t.test('a request to a .invalid host reuses the WebSocket it spoke on', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=ws,udp']);
  t.teardown(() => srv.layer.stop());
  const alice = await wsClient(srv.port('ws'));
  const bob = await wsClient(srv.port('ws'));
  t.teardown(() => alice.ws.terminate());
  t.teardown(() => bob.ws.terminate());
  alice.ws.send(request('alice1234.invalid', 'a1'));
  bob.ws.send(request('bob5678.invalid', 'b1'));
  const first = await srv.nthMessage(2);
  t.ok(first, 'both requests arrived');
  const aliceConn = srv.messages.find((m) => m.message.get('call-id') === 'z9hG4bK-a1@test')?.source
    .connectionId;
  t.match(aliceConn, /^ws-\d+$/);

  t.equal(
    srv.layer.selectEndpoint({ protocol: 'ws', address: 'alice1234.invalid' })?.port,
    srv.port('ws'),
    'the endpoint for the host is the one its connection arrived on',
  );
  const sent = await srv.layer.send(request('engine.invalid', 'to-alice'), {
    protocol: 'ws',
    address: 'alice1234.invalid',
    port: 5060,
  });
  t.equal(sent.target.connectionId, aliceConn, 'sent on alice’s connection');
  t.equal(sent.target.protocol, 'ws');
  await waitFor(() => alice.got.length === 1, { what: 'alice gets the request' });
  t.match(alice.got[0], /^OPTIONS sip:ping@engine\.invalid SIP\/2\.0/);
  t.equal(bob.got.length, 0, 'bob got nothing');

  await srv.layer.send(request('engine.invalid', 'to-bob'), {
    protocol: 'wss',
    address: 'BOB5678.INVALID',
    port: 5061,
  });
  await waitFor(() => bob.got.length === 1, { what: 'bob gets the request (transport=wss, host case)' });

  const sentBefore = srv.layer.stats.messagesSent;
  alice.ws.close();
  await waitFor(() => srv.closed.includes(aliceConn ?? ''), { what: 'alice connection closed' });
  const err = await srv.layer
    .send(request('engine.invalid', 'late'), { protocol: 'ws', address: 'alice1234.invalid', port: 5060 })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  t.type(err, TransportError);
  t.match(err, { code: 'connect-failed' }, 'forgotten once the connection closed: nothing resolves it');
  t.equal(srv.layer.selectEndpoint({ protocol: 'ws', address: 'alice1234.invalid' }), undefined);
  t.equal(srv.layer.stats.messagesSent, sentBefore, 'nothing sent');
  t.equal(srv.layer.stats.sendFailures, 1);
});

t.test('a .invalid host named only in a response is not remembered', async (t) => {
  const srv = await startLayer(['sip:127.0.0.1:0;transport=ws']);
  t.teardown(() => srv.layer.stop());
  const c = await wsClient(srv.port('ws'));
  t.teardown(() => c.ws.terminate());
  // A response whose Via names a .invalid host: only requests teach the index (RFC 7118 §5.2).
  c.ws.send(
    [
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/WS resp99.invalid;branch=z9hG4bK-r',
      'From: <sip:a@x>;tag=1',
      'To: <sip:b@x>;tag=2',
      'Call-ID: r1',
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  await srv.nthMessage(1);
  const err = await srv.layer
    .send(request('engine.invalid', 'x'), { protocol: 'ws', address: 'resp99.invalid', port: 5060 })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  t.match(err, { code: 'connect-failed' });
  t.equal(c.got.length, 0);
});
