/**
 * `npm start`'s first half: compiles the sources into dist/ (`tsc -p tsconfig.build.json`) when
 * there is no successful build yet or any source file, tsconfig or package manifest is newer than
 * it, so bin/patchbay.js never runs a stale build. A successful build is marked by the stamp
 * `dist/.build-ok` (tsc also emits when it reports errors; such a build is not marked, so the next
 * start tries again and fails again, loudly). Run: `node --import tsx runtime/build-if-needed.ts`.
 * Exit code: tsc's when it ran, else 0.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Folders that are not compiled into dist/ (see tsconfig.build.json) or are not sources. */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'data', '.git', '.tap', 'sip-tests', 'bench', 'docs']);
const MANIFESTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function isSource(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts');
}

/** The newest modification time (ms) among the build's inputs under `root`, with that file. */
export function newestInput(root: string): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const consider = (file: string): void => {
    const mtimeMs = statSync(file).mtimeMs;
    if (mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  };
  for (const m of MANIFESTS) {
    try {
      consider(join(root, m));
    } catch {
      // an optional manifest is absent
    }
  }
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.'))
        walk(join(dir, entry.name));
      else if (entry.isFile() && isSource(entry.name)) consider(join(dir, entry.name));
    }
  };
  walk(root);
  return newest;
}

export type BuildDecision = { needed: false } | { needed: true; reason: string };

/** Written after a build without errors; its time is the build's. */
export const BUILD_STAMP = join('dist', '.build-ok');

export function buildDecision(root: string): BuildDecision {
  let builtMs: number;
  try {
    builtMs = statSync(join(root, BUILD_STAMP)).mtimeMs;
  } catch {
    return { needed: true, reason: 'no successful build yet' };
  }
  const newest = newestInput(root);
  if (newest.mtimeMs <= builtMs) return { needed: false };
  return { needed: true, reason: `${relative(root, newest.file)} changed since the last build` };
}

function main(): number {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const decision = buildDecision(root);
  if (!decision.needed) return 0;
  process.stderr.write(`patchbay: building (${decision.reason}) ...\n`);
  const stamp = join(root, BUILD_STAMP);
  rmSync(stamp, { force: true });
  const startedMs = Date.now();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('patchbay: build failed (see the errors above)\n');
    return r.status ?? 1;
  }
  writeFileSync(stamp, `built ${new Date(startedMs).toISOString()}\n`);
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) process.exitCode = main();
