/** The `records` config section: defaults, and the semantic checks (unknown queue, bad time zone) as config issues. */
import t from 'tap';
import { parseConfig } from '../../../config/index.js';
import { serviceLevelSeconds } from './records-config.js';

const base = 'node: { id: n1 }\nqueues: [{ id: sales, name: Sales }]\n';

t.test('defaults and per-queue thresholds', (t) => {
  const r = parseConfig({ text: `${base}records: { serviceLevelByQueue: { sales: 30 } }`, env: {} });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  t.match(r.config.records, {
    scope: 'local',
    serviceLevelSeconds: 20,
    timeZone: 'UTC',
    bufferMax: 10000,
    agentMetricsMax: 500,
  });
  const sl = serviceLevelSeconds(r.config.records);
  t.equal(sl('sales'), 30);
  t.equal(sl('other'), 20);
  t.end();
});

t.test('a threshold for an unknown queue, a bad zone and a bad scope are listed', (t) => {
  const text = `${base}records: { scope: everywhere, serviceLevelByQueue: { nope: 30 }, timeZone: Mars/Olympus }`;
  const r = parseConfig({ text, env: {} });
  t.notOk(r.ok);
  if (r.ok) return t.end();
  t.same(
    r.issues.map((i) => i.path),
    ['/records/scope'],
    'schema problems first',
  );
  const sem = parseConfig({
    text: `${base}records: { serviceLevelByQueue: { nope: 30 }, timeZone: Mars/Olympus }`,
    env: {},
  });
  t.notOk(sem.ok);
  if (sem.ok) return t.end();
  t.same(
    sem.issues.map((i) => [i.path, i.message]),
    [
      ['/records/serviceLevelByQueue/nope', "no queue 'nope'"],
      ['/records/timeZone', "unknown time zone 'Mars/Olympus'"],
    ],
  );
  t.end();
});
