/**
 * One process per embedded data directory: PGlite has no postmaster to refuse a second opener, and
 * two writers on one directory corrupt it. The lock is a file `<dir>.lock` holding the owner's pid;
 * a lock whose pid is no longer alive is stale and taken over.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { DbError } from './errors.js';

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(file: string): boolean {
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new DbError('bad-options', `cannot create lock file ${file}`, { cause: err });
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock for `dir` or throws DbError 'locked' naming the live owner. */
export function lockDataDir(dir: string): DataDirLock {
  const file = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(file)) {
      let held = true;
      return {
        file,
        release() {
          if (!held) return;
          held = false;
          if (readOwner(file) === process.pid) unlinkSync(file);
        },
      };
    }
    const owner = readOwner(file);
    if (owner !== undefined && isAlive(owner)) {
      throw new DbError('locked', `data directory ${dir} is in use by process ${owner} (lock ${file})`);
    }
    try {
      unlinkSync(file); // stale: its owner is gone
    } catch {
      // another opener removed it first; retry the create
    }
  }
  throw new DbError('locked', `could not take lock ${file}`);
}
