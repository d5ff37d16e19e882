/**
 * The rtpengine adapter against a real rtpengine (Debian rtpengine-daemon, userspace) started for
 * this file: ping, offer/answer rewriting SDP to rtpengine's ports, RTP relayed both ways, play
 * media reaching the caller's socket, ports kept across a re-answer (port latching), block media,
 * delete (query then says the call is gone), and the named errors.
 */
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { requireRtpengine, startRtpengine } from '../../sip-tests/harness/rtpengine.js';
import { RtpEndpoint } from '../../test-support/rtp-endpoint.js';
import { freePort } from '../../test-support/ports.js';
import { appSdp } from '../../sip-tests/engine/engine-world.js';
import { waitFor } from '../../test-support/wait.js';
import { RtpengineCall, RtpengineError, RtpenginePool, RtpengineServer } from './index.js';

const MUSIC = fileURLToPath(new URL('../../router/calls/media/hold-music.wav', import.meta.url));
const PROMPT = fileURLToPath(new URL('../../router/calls/media/n1.wav', import.meta.url));

const sdp = (port: number): string => appSdp(1, port);
const mediaPort = (s: string): number => Number(/^m=audio (\d+)/m.exec(s)?.[1]);

const program = requireRtpengine();
if ('skip' in program) {
  t.test('rtpengine adapter', { skip: program.skip }, () => undefined);
} else {
  const daemon = await startRtpengine();
  t.teardown(() => daemon.dispose());
  const pool = await RtpenginePool.start([daemon.address], { pingIntervalMs: 0 });
  t.teardown(() => pool.close());

  t.test('ping: the configured server is healthy', async (t) => {
    t.equal(await pool.pingAll(), 1);
    t.same(
      pool.healthy().map((s) => s.address),
      [daemon.address],
    );
  });

  t.test('offer/answer anchor media; RTP relayed both ways through rtpengine', async (t) => {
    const [a, b] = await Promise.all([RtpEndpoint.open(), RtpEndpoint.open()]);
    t.teardown(() => (a.close(), b.close()));
    const call = new RtpengineCall(pool, 'adapter-relay');
    const toB = await call.offer('caller', sdp(a.port));
    const toA = await call.answer('caller', 'agent', sdp(b.port));
    t.match(toB, /^c=IN IP4 127\.0\.0\.1$/m, "offer SDP carries rtpengine's address");
    t.not(mediaPort(toB), a.port, "offer SDP: an rtpengine port, not the caller's");
    t.not(mediaPort(toA), b.port, "answer SDP: an rtpengine port, not the agent's");
    for (let i = 0; i < 5; i++) await a.send({ address: '127.0.0.1', port: mediaPort(toA) }, 'A->B');
    for (let i = 0; i < 5; i++) await b.send({ address: '127.0.0.1', port: mediaPort(toB) }, 'B->A');
    await waitFor(() => b.marked('A->B').length === 5 && a.marked('B->A').length === 5, {
      timeoutMs: 20_000,
      what: '5 packets each way',
    });
    t.equal(b.marked('A->B')[0]?.from.port, mediaPort(toB), 'B hears A from the port offered to B');
    await call.delete();
    t.equal(await pool.servers[0]?.query('adapter-relay'), undefined, 'deleted: query says unknown');
  });

  t.test('play media reaches the party; duration reported; re-answer keeps the port', async (t) => {
    const a = await RtpEndpoint.open();
    t.teardown(() => a.close());
    const call = new RtpengineCall(pool, 'adapter-play');
    const toB = await call.offer('caller', sdp(a.port));
    const held = toB.replace(/^m=audio \d+/m, 'm=audio 9');
    const toA = await call.answer('caller', 'agent', held);
    await call.block('caller');
    const played = await call.play('caller', PROMPT, 1);
    t.ok(played.durationMs > 300 && played.durationMs < 1000, `prompt duration ${played.durationMs} ms`);
    await waitFor(() => a.packets.length >= 20, { timeoutMs: 20_000, what: '20 RTP packets of the prompt' });
    const p = a.packets[0];
    t.equal(p?.version, 2, 'RTP version 2');
    t.equal(p?.payloadType, 0, 'PCMU, the offered codec');
    t.equal(p?.from.port, mediaPort(toA), 'sent from the port answered to the caller');
    const music = await call.play('caller', MUSIC, 3);
    t.equal(music.durationMs, 6400, 'hold music is 6.4 s');
    await call.stop('caller');
    const again = await call.answer('caller', 'agent', sdp(9999));
    t.equal(mediaPort(again), mediaPort(toA), "caller-facing port unchanged by the agent's answer");
    const q = await pool.servers[0]?.query('adapter-play');
    t.same([...(q?.tags ?? [])].sort(), ['agent', 'caller'], 'query lists both parties');
    await call.delete();
  });

  t.test('errors: refused, timeout, bad address', async (t) => {
    const s = pool.servers[0];
    const refused = await s?.stopMedia('no-such-call', 'caller').catch((e: unknown) => e);
    t.ok(refused instanceof RtpengineError, 'named error');
    t.match(refused, { code: 'RTPENGINE_REFUSED', server: daemon.address, message: /Unknown call-ID/i });
    const dead = new RtpengineServer(`127.0.0.1:${await freePort()}`, { timeoutMs: 300 });
    t.teardown(() => dead.close());
    t.match(await dead.ping().catch((e: unknown) => e), {
      name: 'RtpengineError',
      code: 'RTPENGINE_TIMEOUT',
    });
    t.throws(() => new RtpengineServer('no-port'), { code: 'RTPENGINE_FAILED' });
    await t.rejects(RtpenginePool.start([]), { code: 'RTPENGINE_UNAVAILABLE' });
  });

  t.test('pool: a call sticks to its server; a dead server leaves the rotation', async (t) => {
    const deadAddress = `127.0.0.1:${await freePort()}`;
    const two = await RtpenginePool.start([daemon.address, deadAddress], {
      timeoutMs: 300,
      pingIntervalMs: 0,
    });
    t.teardown(() => two.close());
    t.same(
      two.healthy().map((s) => s.address),
      [daemon.address],
      'only the live server is healthy',
    );
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5'])
      t.equal(two.pick(id).address, daemon.address, `${id} → live`);
  });
}
