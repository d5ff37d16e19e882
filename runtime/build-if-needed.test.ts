/** When `npm start` rebuilds: no successful build, a source newer than the build, a manifest newer; tests ignored. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { BUILD_STAMP, buildDecision } from './build-if-needed.js';

function tree(t: Test): string {
  const root = mkdtempSync(join(tmpdir(), 'patchbay-build-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const dir of ['cli', 'router/model', 'node_modules/x', 'sip-tests'])
    mkdirSync(join(root, dir), { recursive: true });
  const files = [
    'package.json',
    'cli/main.ts',
    'router/model/a.ts',
    'router/model/a.test.ts',
    'node_modules/x/y.ts',
    'sip-tests/z.ts',
  ];
  for (const f of files) writeFileSync(join(root, f), '');
  for (const f of files) touch(root, f, 1000);
  return root;
}

function touch(root: string, file: string, atS: number): void {
  utimesSync(join(root, file), atS, atS);
}

function build(root: string, atS: number): void {
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  writeFileSync(join(root, BUILD_STAMP), '');
  touch(root, BUILD_STAMP, atS);
}

t.test('no successful build (no stamp, even with dist/cli/main.js emitted): build', (t) => {
  const root = tree(t);
  t.match(buildDecision(root), { needed: true, reason: /no successful build/ });
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  writeFileSync(join(root, 'dist', 'cli', 'main.js'), '');
  t.match(buildDecision(root), { needed: true, reason: /no successful build/ });
  t.end();
});

t.test('dist newer than every input: no build; only real inputs count', (t) => {
  const root = tree(t);
  build(root, 2000);
  t.same(buildDecision(root), { needed: false });
  for (const ignored of ['router/model/a.test.ts', 'node_modules/x/y.ts', 'sip-tests/z.ts'])
    touch(root, ignored, 3000);
  t.same(buildDecision(root), { needed: false }, 'tests, dependencies and sip-tests are not build inputs');
  touch(root, 'router/model/a.ts', 3000);
  t.match(buildDecision(root), { needed: true, reason: 'router/model/a.ts changed since the last build' });
  build(root, 4000);
  touch(root, 'package.json', 5000);
  t.match(buildDecision(root), { needed: true, reason: /^package\.json/ });
  t.end();
});
