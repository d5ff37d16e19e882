/**
 * Self-test of the Kamailio harness: the rendered config passes `kamailio -c` for both databases,
 * and an instance starts, listens, restarts on the same port and stops with its port released.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { isListening } from '../port-listening.js';
import { requireKamailio, startKamailio } from '../kamailio.js';
import { findModulesDir, prepareDatabase, renderConfig, renderTemplate } from './config.js';
import type { KamailioDb } from './config.js';

const kamailio = requireKamailio();
const skip = 'skip' in kamailio ? kamailio.skip : false;

t.test('template placeholders', (t) => {
  t.equal(renderTemplate('a {{X}} b {{X}}', { X: '1' }), 'a 1 b 1');
  t.throws(() => renderTemplate('{{MISSING}}', {}), /no value for \{\{MISSING\}\}/);
  t.end();
});

for (const db of ['text', 'sqlite'] as KamailioDb[]) {
  t.test(`db_${db} config is accepted by kamailio -c`, { skip }, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kamailio-cfg-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const modulesDir = findModulesDir();
    if (!modulesDir) {
      t.fail('no kamailio module dir');
      return t.end();
    }
    prepareDatabase(dir, db);
    const cfg = renderConfig({ port: 5999, dir, db, persistSubscriptions: false, modulesDir });
    t.notMatch(cfg, /\{\{/, 'every placeholder filled');
    t.match(cfg, /subs_db_mode", 0\)/);
    if (db === 'text') {
      t.match(
        readFileSync(join(dir, 'dbtext', 'presentity'), 'utf8').split('\n')[0],
        /sender\(string,null\)/,
      );
    } else t.ok(existsSync(join(dir, 'kamailio.sqlite')));
    writeFileSync(join(dir, 'k.cfg'), cfg);
    const r = spawnSync('kamailio', ['-c', '-f', join(dir, 'k.cfg')], { encoding: 'utf8' });
    t.equal(r.status, 0, `kamailio -c: ${r.stderr.slice(-300)}`);
    t.end();
  });
}

t.test('start, restart on the same port, stop', { skip }, async (t) => {
  const k = await startKamailio({ db: 'sqlite', persistSubscriptions: true });
  t.teardown(() => k.dispose());
  t.equal(k.state, 'running');
  t.ok(await isListening(k.port, 'udp'));
  t.ok(await isListening(k.port, 'tcp'));
  const firstPid = k.pid;
  await k.restart();
  t.equal(k.state, 'running');
  t.not(k.pid, firstPid, 'a new process');
  t.equal(k.starts, 2);
  t.ok(await isListening(k.port, 'udp'), 'same port again');
  await k.stop();
  t.equal(k.state, 'stopped');
  t.notOk(await isListening(k.port, 'udp'), 'port released');
  t.notOk(await isListening(k.port, 'tcp'));
  t.match(k.logTail(), /signal 15 received/, 'stopped by SIGTERM');
});
