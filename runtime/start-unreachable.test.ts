/**
 * `patchbay start` with sip.mode external and no drachtio server at the address: exit 1 naming the
 * router step, after stopping the database and bus it had started.
 */
import t from 'tap';
import { PatchbayProcess } from '../test-support/patchbay-process.js';
import { freePorts } from '../test-support/ports.js';

t.test('an unreachable drachtio server (sip.mode external): exit 1 naming the router step', async (t) => {
  const [adminPort, httpPort] = (await freePorts(2)) as [number, number];
  const dir = PatchbayProcess.tempDir();
  const yaml = [
    'node: { id: start-unreachable }',
    `sip: { mode: external, servers: [{ host: 127.0.0.1, port: ${adminPort}, secret: s }] }`,
    `database: { path: ${dir}/pglite }`,
    `http: { host: 127.0.0.1, port: ${httpPort} }`,
    '',
  ].join('\n');
  const pb = PatchbayProcess.start(yaml, { dir });
  t.teardown(() => pb.cleanup());
  const exit = await pb.exitWithin(90000);
  t.equal(exit.code, 1, `exit 1\n${exit.code === 1 ? '' : pb.tail()}`);
  t.match(pb.stderr, /patchbay start: cannot start: router: /);
  const done = pb
    .logs()
    .filter((l) => l.msg === 'shutdown phase done')
    .map((l) => l.phase);
  t.same(done, ['drain-bus', 'close-database'], 'only what had started is stopped, in reverse order');
  const lingering = pb.logs().some((l) => l.msg === 'process still running after shutdown');
  t.notOk(lingering, 'ends by itself');
});
