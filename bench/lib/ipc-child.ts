/**
 * A helper process of a benchmark (a TypeScript file run with `node --import tsx`) driven over
 * IPC: commands carry an `id`, and each is answered by a report of a given `kind` with that `id`.
 * The first report of kind `ready` says the child is up.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface Command {
  readonly op: string;
  readonly id: number;
}

export interface Report {
  readonly kind: string;
}

/** A command without its id (distributes over a union of commands). */
export type Unnumbered<C> = C extends Command ? Omit<C, 'id'> : never;

export interface IpcChild<C extends Command, R extends Report> {
  readonly child: ChildProcess;
  /** The `ready` report. */
  readonly ready: Extract<R, { kind: 'ready' }>;
  /** Sends `cmd` (a fresh id is set) and resolves with the report of `kind` answering it. */
  ask<K extends R['kind']>(cmd: Unnumbered<C>, kind: K): Promise<Extract<R, { kind: K }>>;
}

export async function forkIpcChild<C extends Command, R extends Report>(
  file: string,
  args: readonly string[] = [],
  execArgv: readonly string[] = [],
): Promise<IpcChild<C, R>> {
  const child = fork(file, [...args], {
    execArgv: [...execArgv, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Extract<R, { kind: 'ready' }>>((resolve, reject) => {
    const onExit = (code: number | null): void =>
      reject(new Error(`${file} exited (${String(code)}) before it was ready`));
    child.once('exit', onExit);
    child.on('message', (m: R) => {
      if (m.kind !== 'ready') return;
      child.off('exit', onExit);
      resolve(m as Extract<R, { kind: 'ready' }>);
    });
  });
  let nextId = 1;
  const ask = <K extends R['kind']>(cmd: Unnumbered<C>, kind: K): Promise<Extract<R, { kind: K }>> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`${file} exited (${String(code)})`));
      const on = (m: R & { id?: number }): void => {
        if (m.kind !== kind || m.id !== id) return;
        child.off('message', on);
        child.off('exit', onExit);
        resolve(m as Extract<R, { kind: K }>);
      };
      child.on('message', on);
      child.once('exit', onExit);
      child.send({ ...cmd, id });
    });
  };
  return { child, ready, ask };
}

/** Child side: CPU time since `since` and RSS, for a `usage` report. */
export function processUsage(since: NodeJS.CpuUsage): { cpuMs: number; rssMb: number } {
  const c = process.cpuUsage(since);
  return { cpuMs: (c.user + c.system) / 1000, rssMb: process.memoryUsage().rss / 1048576 };
}

/** Child side: disconnect srf, stop the engine, report `stopped` and exit. */
export function stopChild(
  srf: { disconnect(): void },
  engine: { stop(): Promise<void> },
  report: () => void,
): void {
  srf.disconnect();
  void engine.stop().then(() => {
    report();
    process.exit(0);
  });
}
