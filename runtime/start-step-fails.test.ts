/**
 * `patchbay start` when a start-up step fails (the HTTP port is taken): what already started is
 * stopped in reverse order, the SIP port is released, and the process exits 1 by itself.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import t from 'tap';
import { PatchbayProcess } from '../test-support/patchbay-process.js';
import { scenarioPorts, scenarioYaml } from '../test-support/patchbay-scenario.js';
import { SHUTDOWN_PHASES } from './shutdown.js';

/** True if both a UDP socket and a TCP server can bind `port` on 127.0.0.1 right now. */
async function bindBoth(port: number): Promise<boolean> {
  const udp = await new Promise<boolean>((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => s.close(() => resolve(false)));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  const tcp = await new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  return udp && tcp;
}

t.test('a failing start-up step: what started is stopped, exit 1 on its own', async (t) => {
  const ports = await scenarioPorts();
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(ports.http, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const dir = PatchbayProcess.tempDir();
  const yaml = scenarioYaml('start-fails', ports, `database: { path: ${dir}/pglite }`);
  const pb = PatchbayProcess.start(yaml, { dir });
  t.teardown(() => pb.cleanup());
  const exit = await pb.exitWithin(90000);
  t.equal(exit.code, 1, `exit 1\n${exit.code === 1 ? '' : pb.tail()}`);
  t.match(pb.stderr, /patchbay start: cannot start: http: .*EADDRINUSE/, 'names the step and the cause');
  const failed = pb.logs().find((l) => l.msg === 'start-up failed; stopping what was started');
  t.equal(failed?.step, 'http');
  const done = pb
    .logs()
    .filter((l) => l.msg === 'shutdown phase done')
    .map((l) => l.phase);
  t.same(done, SHUTDOWN_PHASES, 'every started component stopped, in order');
  t.notOk(
    pb.logs().some((l) => l.msg === 'process still running after shutdown'),
    'ended by itself: nothing left open',
  );
  // The engine's SIP port is free again on UDP and TCP: the worker thread really stopped.
  t.ok(await bindBoth(ports.sip), 'SIP UDP and TCP port released');
});
