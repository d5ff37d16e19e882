/**
 * Kamailio instance files for the test harness: renders kamailio.cfg.tmpl and prepares the
 * database (db_text with the presentity patch, or a fresh sqlite file) in the instance's temp dir.
 * Facts behind the choices: /work/shared/docs/infra.md §2.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type KamailioDb = 'text' | 'sqlite';

export interface KamailioConfigInput {
  port: number;
  dir: string;
  db: KamailioDb;
  /** presence subs_db_mode: false → 0 (memory only: a restart forgets every subscription), true → 2. */
  persistSubscriptions: boolean;
  modulesDir: string;
}

export const TEMPLATE_PATH = join(dirname(fileURLToPath(import.meta.url)), 'kamailio.cfg.tmpl');

const MODULE_DIRS = [
  '/usr/lib/x86_64-linux-gnu/kamailio/modules',
  '/usr/lib/aarch64-linux-gnu/kamailio/modules',
  '/usr/lib64/kamailio/modules',
  '/usr/lib/kamailio/modules',
  '/usr/local/lib64/kamailio/modules',
  '/usr/local/lib/kamailio/modules',
];

/** The first known module directory holding presence.so (Debian's multiarch path first). */
export function findModulesDir(): string | undefined {
  return MODULE_DIRS.find((d) => existsSync(join(d, 'presence.so')));
}

const SHARE = '/usr/share/kamailio';

/** Replaces every `{{NAME}}`; a placeholder without a value is an error (never a silent blank). */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`kamailio template: no value for {{${name}}}`);
    return v;
  });
}

export function renderConfig(
  input: KamailioConfigInput,
  template = readFileSync(TEMPLATE_PATH, 'utf8'),
): string {
  const text = input.db === 'text';
  return renderTemplate(template, {
    PORT: String(input.port),
    DIR: input.dir,
    MPATH: input.modulesDir.endsWith('/') ? input.modulesDir : `${input.modulesDir}/`,
    DBMODULE: text ? 'db_text.so' : 'db_sqlite.so',
    DBURL: text ? `text://${join(input.dir, 'dbtext')}` : `sqlite://${join(input.dir, 'kamailio.sqlite')}`,
    // db_mode 1: db_text writes every change to its files at once (so a restart reads them back).
    DBTEXT_PARAMS: text ? 'modparam("db_text", "db_mode", 1)' : '',
    SUBS_DB_MODE: input.persistSubscriptions ? '2' : '0',
  });
}

/**
 * db_text: Debian's table files, with `sender` of presentity made nullable. Without that patch a
 * restart fails once a presentity row was flushed ("null value not allowed - field 8").
 */
function prepareDbText(dir: string): void {
  const target = join(dir, 'dbtext');
  cpSync(join(SHARE, 'dbtext', 'kamailio'), target, { recursive: true });
  const presentity = join(target, 'presentity');
  const [header = '', ...rows] = readFileSync(presentity, 'utf8').split('\n');
  writeFileSync(presentity, [header.replace('sender(string)', 'sender(string,null)'), ...rows].join('\n'));
}

function prepareSqlite(dir: string): void {
  const sql = ['standard', 'presence']
    .map((name) => readFileSync(join(SHARE, 'db_sqlite', `${name}-create.sql`), 'utf8'))
    .join('\n');
  const r = spawnSync('sqlite3', [join(dir, 'kamailio.sqlite')], { input: sql, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed (${r.status}): ${r.stderr || String(r.error)}`);
}

/** Creates the database files of a fresh instance in `dir`. */
export function prepareDatabase(dir: string, db: KamailioDb): void {
  if (db === 'text') prepareDbText(dir);
  else prepareSqlite(dir);
}
