import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'config', 'patchbay.example.yaml');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/patchbay.js check-config ...args` from source, with only the given PATCHBAY_* variables. */
function checkConfig(args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const env: Record<string, string> = { PATCHBAY_FROM_SOURCE: '1', ...extraEnv };
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('PATCHBAY_') && v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'patchbay.js'), 'check-config', ...args], {
      env,
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

t.test('a valid file prints ok and exits 0', async (t) => {
  const r = await checkConfig([EXAMPLE]);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'ok\n');
});

t.test('an invalid file lists every problem and exits 1', async (t) => {
  const file = join(t.testdir(), 'bad.yaml');
  writeFileSync(file, 'http:\n  port: 99999\n  prot: 1\nlog: { level: loud }\n');
  const r = await checkConfig([file]);
  t.equal(r.code, 1);
  const lines = r.stdout.trimEnd().split('\n');
  t.equal(lines[0], `${file}: 3 problems`);
  t.match(lines.slice(1).sort(), [
    /^ {2}\/http\/port \(line 2, column 3\): 99999 is out of range — must be between 0 and 65535/,
    /^ {2}\/http\/prot \(line 3, column 3\): unknown key 'prot' — did you mean 'port'\?/,
    /^ {2}\/log\/level \(line 4, column 8\): "loud" is not an allowed value — one of: fatal, error/,
  ]);
});

t.test('environment overrides are checked too', async (t) => {
  const r = await checkConfig([EXAMPLE], { PATCHBAY_HTTP__PORT: 'eighty' });
  t.equal(r.code, 1);
  t.match(r.stdout, /\/http\/port \(from PATCHBAY_HTTP__PORT\): expected an integer/);
});

t.test('a missing file exits 1; no argument is a usage error (exit 2)', async (t) => {
  const missing = await checkConfig([join(t.testdir(), 'nope.yaml')]);
  t.equal(missing.code, 1);
  t.match(missing.stdout, /cannot read/);
  const usage = await checkConfig([]);
  t.equal(usage.code, 2);
  t.match(usage.stderr, /Usage: patchbay check-config FILE/);
});
