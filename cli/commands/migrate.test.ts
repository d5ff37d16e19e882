/** `patchbay migrate`: usage errors, then a real run on a temp PGlite directory (twice). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { knownMigrations } from '../../infra/db/index.js';
import { run } from './migrate.js';

/** Every migration this build carries, in order (the list grows with each feature). */
const KNOWN = knownMigrations();

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array) => ((out += String(chunk)), true);
  process.stderr.write = (chunk: string | Uint8Array) => ((err += String(chunk)), true);
  try {
    return { code: await run(argv), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

t.test('usage errors exit 2 with the usage text', async (t) => {
  const both = await capture(['--database-url', 'postgres://x@127.0.0.1/db', '--database-path', '/tmp/x']);
  t.equal(both.code, 2);
  t.match(both.err, /not both[\s\S]*Usage: patchbay migrate/);
  const unknown = await capture(['--bogus']);
  t.equal(unknown.code, 2);
  const help = await capture(['--help']);
  t.equal(help.code, 0);
  t.match(help.out, /--database-path DIR/);
});

t.test('applies migrations, then reports up to date', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-migrate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'db');
  t.same(KNOWN.slice(0, 5), [
    '0001_node_events_and_settings',
    '0002_agents',
    '0003_registrar_bindings',
    '0004_agent_state_transitions',
    '0005_call_records',
  ]);
  const first = await capture(['--database-path', path]);
  t.equal(first.code, 0, first.err);
  t.match(
    first.out,
    new RegExp(
      `database: pglite .*db\n${KNOWN.map((m) => `applied ${m}\n`).join('')}${KNOWN.length} applied`,
    ),
  );
  const second = await capture(['--database-path', path]);
  t.equal(second.code, 0);
  t.match(second.out, `up to date (${KNOWN.length} known: ${KNOWN.join(', ')})`);
  t.notMatch(second.out, /applied 0001/);
});

t.test('an unreachable database exits 1 with the reason', async (t) => {
  const r = await capture(['--database-url', 'postgres://postgres:pw@127.0.0.1:1/test']);
  t.equal(r.code, 1);
  t.match(r.err, /\[unreachable\]/);
  t.notMatch(r.err, /pw@/);
});
