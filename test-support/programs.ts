/**
 * External programs a test needs (sipp, kamailio, rtpengine, baresip). Missing program: the test
 * fails under CI=true and is skipped with a one-line reason otherwise.
 */
import { spawnSync } from 'node:child_process';

export function findProgram(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : undefined;
}

/**
 * Returns the path of `name`, or a skip reason. Under CI=true a missing program throws, so the
 * test fails instead of silently skipping.
 */
export function requireProgram(name: string): { path: string } | { skip: string } {
  const path = findProgram(name);
  if (path) return { path };
  if (process.env.CI === 'true') throw new Error(`required program '${name}' is missing under CI`);
  return { skip: `${name} is not installed` };
}
