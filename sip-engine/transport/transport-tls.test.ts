import { connect } from 'node:tls';
import t from 'tap';
import { WebSocket } from 'ws';
import { freePort } from '../../test-support/ports.js';
import { requireProgram } from '../../test-support/programs.js';
import { makeSelfSignedCert } from '../../test-support/tls-cert.js';
import type { TestCertificate } from '../../test-support/tls-cert.js';
import { okFor, optionsText, startLayer } from '../../test-support/transport-harness.js';
import { waitFor } from '../../test-support/wait.js';
import { TransportError } from './errors.js';

const openssl = requireProgram('openssl');
if ('skip' in openssl) {
  t.plan(0, openssl.skip);
} else {
  tlsTests(openssl.path, makeSelfSignedCert(openssl.path));
}

function tlsTests(opensslPath: string, cert: TestCertificate): void {
  const tls = { key: cert.key, cert: cert.cert, ca: cert.cert, verifyPeer: true };

  t.test('TLS: a client connects, its request is framed, the response comes back', async (t) => {
    const srv = await startLayer(['sips:127.0.0.1:0;transport=tls'], { tls });
    t.teardown(() => srv.layer.stop());
    const socket = connect({
      host: '127.0.0.1',
      port: srv.port('tls'),
      ca: cert.cert,
      servername: 'localhost',
    });
    t.teardown(() => socket.destroy());
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    t.ok(socket.authorized, 'certificate verified by the client');
    socket.write(optionsText('TLS', '127.0.0.1', 5999, 'z9hG4bK-t1') + '\r\n\r\n');
    const m = await srv.nthMessage(1);
    t.equal(m.source.protocol, 'tls');
    t.match(m.message.get('via') ?? '', /;received=127\.0\.0\.1;rport=\d+$/);
    await srv.layer.send(okFor(m), m.source);
    await waitFor(() => got.includes('SIP/2.0 200 OK'), { what: 'response over TLS' });
    t.ok(got.startsWith('\r\n'), 'keepalive answered over TLS first');
  });

  t.test('TLS layer to layer with peer verification; a wrong CA fails to connect', async (t) => {
    const b = await startLayer(['sips:127.0.0.1:0;transport=tls'], { tls });
    t.teardown(() => b.layer.stop());
    const a = await startLayer(['sips:127.0.0.1:0;transport=tls'], { tls });
    t.teardown(() => a.layer.stop());
    const target = { protocol: 'tls' as const, address: '127.0.0.1', port: b.port('tls') };
    await a.layer.send(Buffer.from(optionsText('TLS', '127.0.0.1', a.port('tls'))), target);
    const req = await b.nthMessage(1);
    await b.layer.send(okFor(req), req.source);
    t.equal((await a.nthMessage(1)).message.status, 200);

    const other = makeSelfSignedCert(opensslPath);
    const c = await startLayer(['sips:127.0.0.1:0;transport=tls'], {
      tls: { key: other.key, cert: other.cert, ca: other.cert, verifyPeer: true },
    });
    t.teardown(() => c.layer.stop());
    const err = await c.layer.send(Buffer.from('x'), target).catch((e: unknown) => e);
    t.ok(err instanceof TransportError && err.code === 'connect-failed', 'untrusted certificate refused');
  });

  t.test('WSS with subprotocol sip', async (t) => {
    const srv = await startLayer(['sip:127.0.0.1:0;transport=wss'], { tls });
    t.teardown(() => srv.layer.stop());
    const ws = new WebSocket(`wss://127.0.0.1:${srv.port('wss')}/`, ['sip'], { ca: cert.cert });
    t.teardown(() => ws.terminate());
    const got: string[] = [];
    ws.on('message', (d: Buffer) => got.push(d.toString()));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(optionsText('WSS', 'abc.invalid', 0, 'z9hG4bK-wss'));
    const m = await srv.nthMessage(1);
    t.equal(m.source.protocol, 'wss');
    t.equal(m.local.protocol, 'wss');
    await srv.layer.send(okFor(m), m.source);
    await waitFor(() => got[0]?.startsWith('SIP/2.0 200 OK'), { what: 'response over WSS' });
  });

  t.test('TLS and WSS share one fixed port', async (t) => {
    const port = await freePort();
    const srv = await startLayer([`sips:127.0.0.1:${port};transport=tls,wss`], { tls });
    t.teardown(() => srv.layer.stop());
    t.equal(srv.port('tls'), port);
    t.equal(srv.port('wss'), port);
    const ws = new WebSocket(`wss://127.0.0.1:${port}/`, ['sip'], { ca: cert.cert });
    t.teardown(() => ws.terminate());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(optionsText('WSS', 'abc.invalid', 0, 'z9hG4bK-shared-wss'));
    const socket = connect({ host: '127.0.0.1', port, ca: cert.cert });
    t.teardown(() => socket.destroy());
    socket.on('error', () => undefined);
    socket.once('secureConnect', () =>
      socket.write(optionsText('TLS', '127.0.0.1', 5999, 'z9hG4bK-shared-tls')),
    );
    await srv.nthMessage(2);
    const byProtocol = Object.fromEntries(
      srv.messages.map((m) => [m.source.protocol, m.message.get('call-id')]),
    );
    t.same(byProtocol, { wss: 'z9hG4bK-shared-wss@test', tls: 'z9hG4bK-shared-tls@test' });
  });

  t.test('a TLS endpoint without key material does not start', async (t) => {
    await t.rejects(startLayer(['sips:127.0.0.1:0;transport=tls']), { name: 'TransportStartError' });
  });
}
