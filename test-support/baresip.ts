/**
 * baresip (Debian `baresip-core`, 1.0.0) as a headless SIP phone for tests: a temp config dir with
 * `config` + `accounts` (loopback only, no audio device: the ausine source at 48 kHz stereo, see
 * /work/shared/docs/infra.md §6), started with `baresip -f <dir>`, output kept for assertions.
 *
 * Stop: the first SIGTERM un-REGISTERs and waits for pending transactions; a second one forces the
 * exit (infra.md §6). `stop()` sends the second only if the first has not ended it within
 * `graceMs`, then SIGKILL as the last resort, and removes the temp dir.
 */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './ports.js';
import { waitFor } from './wait.js';

export interface BaresipAccount {
  /** e.g. sip:alice@127.0.0.1 */
  aor: string;
  username: string;
  password: string;
  /** Where to send REGISTER, e.g. sip:127.0.0.1:5060;transport=udp */
  outbound: string;
  /** REGISTER interval in seconds (default 60). */
  regint?: number;
  /** How incoming calls are answered (baresip's account `answermode`; default manual). */
  answermode?: 'manual' | 'early' | 'auto';
}

export interface BaresipOptions {
  /** Path of the baresip binary (from requireProgram). */
  path: string;
  account: BaresipAccount;
}

function configText(sipPort: number, ctrlPort: number): string {
  return [
    'poll_method\t\tepoll',
    `sip_listen\t\t127.0.0.1:${sipPort}`,
    'net_interface\t\t127.0.0.1',
    'call_local_timeout\t120',
    'call_max_calls\t\t4',
    'audio_source\t\tausine,440',
    'ausrc_srate\t\t48000',
    'ausrc_channels\t\t2',
    'module_path\t\t/usr/lib/baresip/modules',
    'module\t\t\tg711.so',
    'module\t\t\tausine.so',
    'module_tmp\t\tuuid.so',
    'module_tmp\t\taccount.so',
    // menu provides the commands (hangup, dial, ...) that ctrl_tcp carries.
    'module_app\t\tmenu.so',
    'module_app\t\tctrl_tcp.so',
    `ctrl_tcp_listen\t\t127.0.0.1:${ctrlPort}`,
    '',
  ].join('\n');
}

function accountLine(a: BaresipAccount): string {
  const params = [
    `auth_user=${a.username}`,
    `auth_pass=${a.password}`,
    `outbound="${a.outbound}"`,
    `regint=${a.regint ?? 60}`,
    'pubint=0',
    'mwi=no',
    'audio_codecs=PCMU/8000/1',
    ...(a.answermode !== undefined ? [`answermode=${a.answermode}`] : []),
  ];
  return `<${a.aor}>;${params.join(';')}\n`;
}

/** The first complete netstring of `buf` (`<len>:<bytes>,`) and what follows it. */
function takeNetstring(buf: Buffer): { text: string; rest: Buffer } | undefined {
  const colon = buf.indexOf(0x3a);
  if (colon <= 0) return undefined;
  const len = Number(buf.subarray(0, colon).toString('latin1'));
  const end = colon + 1 + len;
  if (!Number.isInteger(len) || buf.length < end + 1) return undefined;
  return { text: buf.subarray(colon + 1, end).toString('utf8'), rest: buf.subarray(end + 1) };
}

export class Baresip {
  #output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly dir: string,
    readonly sipPort: number,
    readonly ctrlPort: number,
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.#output += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (this.#output += d.toString('utf8')));
  }

  /** Writes the config dir on free loopback ports and starts baresip on it. */
  static async start(opts: BaresipOptions): Promise<Baresip> {
    const [sipPort, ctrlPort] = await freePorts(2);
    if (sipPort === undefined || ctrlPort === undefined) throw new Error('no free ports');
    const dir = mkdtempSync(join(tmpdir(), 'baresip-'));
    writeFileSync(join(dir, 'config'), configText(sipPort, ctrlPort));
    writeFileSync(join(dir, 'accounts'), accountLine(opts.account));
    const child = spawn(opts.path, ['-f', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    return new Baresip(child, dir, sipPort, ctrlPort, exited);
  }

  /** Everything baresip printed so far. */
  get output(): string {
    return this.#output;
  }

  /** Waits until the output matches `pattern`; fails early if baresip exits. */
  waitForOutput(pattern: RegExp, timeoutMs = 10000): Promise<string> {
    let gone = false;
    void this.exited.then(() => (gone = true));
    return waitFor(
      () => {
        const m = pattern.exec(this.#output);
        if (m) return m[0];
        if (gone) throw new Error(`baresip exited before printing ${String(pattern)}:\n${this.#output}`);
        return undefined;
      },
      { timeoutMs, intervalMs: 25, what: `baresip output ${String(pattern)}` },
    );
  }

  /**
   * One ctrl_tcp command (netstring-framed JSON, infra.md §6), e.g. `hangup`: resolves with
   * baresip's response (`{ response: true, ok, data, token }`), rejects after `timeoutMs`.
   */
  command(command: string, params = '', timeoutMs = 10000): Promise<{ ok: boolean; data: string }> {
    const token = `t${Date.now()}`;
    const json = JSON.stringify({ command, params, token });
    return new Promise((resolve, reject) => {
      const sock = createConnection({ host: '127.0.0.1', port: this.ctrlPort });
      let buf: Buffer = Buffer.alloc(0);
      const timer = setTimeout(() => done(new Error(`baresip ${command}: no response`)), timeoutMs);
      const done = (err: Error | undefined, r?: { ok: boolean; data: string }): void => {
        clearTimeout(timer);
        sock.destroy();
        if (r) resolve(r);
        else reject(err ?? new Error(`baresip ${command}: connection closed`));
      };
      sock.on('error', (err) => done(err));
      sock.on('close', () => done(undefined));
      sock.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        // Netstrings "<len>:<json>," carry events and responses; ours has our token.
        for (let msg = takeNetstring(buf); msg; msg = takeNetstring(buf)) {
          buf = msg.rest;
          const r = JSON.parse(msg.text) as {
            response?: boolean;
            ok?: boolean;
            data?: string;
            token?: string;
          };
          if (r.response === true && r.token === token)
            done(undefined, { ok: r.ok === true, data: r.data ?? '' });
        }
      });
      sock.write(`${Buffer.byteLength(json)}:${json},`);
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM (graceful), a second SIGTERM after `graceMs` (forced), SIGKILL as the last resort. */
  async stop(graceMs = 2000): Promise<void> {
    try {
      for (const sig of ['SIGTERM', 'SIGTERM', 'SIGKILL'] as const) {
        if (!this.running) break;
        this.child.kill(sig);
        if (await this.#exitWithin(graceMs)) break;
      }
      await this.exited;
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  async #exitWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const done = await Promise.race([this.exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return done;
  }
}
