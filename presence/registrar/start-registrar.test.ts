/** The composition helper: one nonce secret per database, the handler on every srf, sweeping started and stopped. */
import t from 'tap';
import type { SrfHandler } from '../../infra/drachtio/srf-connection.js';
import { FakeClock } from '../../sip-engine/util/clock.js';
import { openPgliteMemory } from '../../test-support/test-databases.js';
import { nonceSecret, startRegistrar } from './start-registrar.js';

t.test('nonce secret: created once, then the same for every caller', async (t) => {
  const db = await openPgliteMemory(t);
  const a = await nonceSecret(db.handle.db);
  const b = await nonceSecret(db.handle.db);
  t.equal(a.length, 32);
  t.ok(a.equals(b));
  const clock = new FakeClock();
  const handlers: SrfHandler[] = [];
  const srf = { register: (h: SrfHandler) => handlers.push(h) };
  const directory = {
    credentialsFor: () => Promise.resolve(undefined),
    agentForAor: () => Promise.resolve(undefined),
  };
  const running = await startRegistrar({
    db: db.handle.db,
    directory,
    srfs: [srf, srf],
    realm: 'r',
    clock,
    sweepIntervalMs: 5000,
  });
  t.equal(handlers.length, 2, 'one REGISTER handler per srf');
  t.equal(running.sweeper.state, 'running');
  await running.stop();
  t.equal(running.sweeper.state, 'stopped');
  t.equal(clock.pending, 0);
});
