/**
 * `patchbay migrate [--database-url URL | --database-path DIR]` — applies pending database
 * migrations and prints what ran. Without options: the embedded database in ./data/pglite.
 * Exit 0 on success (also when already up to date), 1 when the database fails, 2 on usage errors.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEFAULT_PGLITE_PATH, DbError, openDatabase, redactUrl } from '../../infra/db/index.js';
import type { OpenDatabaseOptions } from '../../infra/db/index.js';

const USAGE = [
  'Usage: patchbay migrate [--database-url URL | --database-path DIR] [--schema NAME]',
  '',
  '  --database-url URL    PostgreSQL connection string (postgres://user@host:5432/db)',
  `  --database-path DIR   embedded PGlite data directory (default ${DEFAULT_PGLITE_PATH})`,
  '  --schema NAME         Postgres schema to migrate (default public)',
  '',
  'Applies every pending migration and prints the ones that ran.',
].join('\n');

type Parsed =
  { help: true } | { help: false; options: OpenDatabaseOptions; target: string } | { error: string };

function parse(argv: string[]): Parsed {
  let values: { 'database-url'?: string; 'database-path'?: string; schema?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'database-url': { type: 'string' },
        'database-path': { type: 'string' },
        schema: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { help: true };
  const url = values['database-url'];
  const path = values['database-path'];
  if (url !== undefined && path !== undefined)
    return { error: 'give --database-url or --database-path, not both' };
  const schema = values.schema !== undefined ? { schema: values.schema } : {};
  if (url !== undefined)
    return { help: false, options: { url, ...schema }, target: `postgres ${redactUrl(url)}` };
  const dir = path ?? DEFAULT_PGLITE_PATH;
  return { help: false, options: { path: dir, ...schema }, target: `pglite ${resolve(dir)}` };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parse(argv);
  if ('error' in parsed) {
    process.stderr.write(`patchbay migrate: ${parsed.error}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  process.stdout.write(`database: ${parsed.target}\n`);
  try {
    const h = await openDatabase(parsed.options);
    await h.close();
    const { applied, known } = h.migrations;
    for (const name of applied) process.stdout.write(`applied ${name}\n`);
    const summary = applied.length === 0 ? 'up to date' : `${applied.length} applied`;
    process.stdout.write(`${summary} (${known.length} known: ${known.join(', ')})\n`);
    return 0;
  } catch (err) {
    const code = err instanceof DbError ? ` [${err.code}]` : '';
    process.stderr.write(`patchbay migrate: ${err instanceof Error ? err.message : String(err)}${code}\n`);
    return 1;
  }
}
