/**
 * `patchbay start` as a process on embedded defaults (engine worker thread, PGlite in a temp dir,
 * in-process bus): ready, SIP answers, SIGTERM ends it cleanly within 5 s with nothing left open.
 */
import { join } from 'node:path';
import t from 'tap';
import { PatchbayProcess } from '../test-support/patchbay-process.js';
import { runScenario, scenarioPorts, scenarioYaml } from '../test-support/patchbay-scenario.js';

t.test(
  'embedded defaults: ready, OPTIONS 200, unknown INVITE 100/404, SIGTERM → exit 0 in < 5 s',
  async (t) => {
    const ports = await scenarioPorts();
    const dir = PatchbayProcess.tempDir();
    const nodeId = `start-embedded-${process.pid}`;
    const yaml = scenarioYaml(nodeId, ports, `database: { path: ${join(dir, 'pglite')} }`);
    const pb = await runScenario(t, yaml, ports, dir);
    const started = pb.logs().find((l) => typeof l.msg === 'string' && l.msg.startsWith('patchbay started'));
    t.equal(started?.database, `pglite ${join(dir, 'pglite')}`, 'embedded PGlite in the temp dir');
    t.equal(started?.bus, 'memory', 'in-process bus');
    t.equal(started?.sipMode, 'embedded');
  },
);
