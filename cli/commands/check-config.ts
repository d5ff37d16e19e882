/**
 * `patchbay check-config FILE` — validates a config file together with the PATCHBAY_* environment
 * overrides. Prints `ok` (exit 0) or every problem, one per line with its path, position and hint
 * (exit 1). Usage errors exit 2.
 */
import { formatIssue, loadConfig } from '../../config/index.js';

const USAGE = [
  'Usage: patchbay check-config FILE',
  '',
  'Validates FILE (YAML) with the PATCHBAY_<SECTION>__<KEY> environment overrides applied.',
  'Prints "ok" and exits 0 when valid; otherwise lists every problem and exits 1.',
].join('\n');

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [file, ...extra] = argv;
  if (file === undefined || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const result = await loadConfig({ file, env: process.env });
  if (result.ok) {
    process.stdout.write('ok\n');
    return 0;
  }
  const n = result.issues.length;
  const lines = [
    `${file}: ${n} problem${n === 1 ? '' : 's'}`,
    ...result.issues.map((i) => `  ${formatIssue(i)}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 1;
}
