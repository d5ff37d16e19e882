/**
 * `patchbay engine` — runs only the SIP engine (the drachtio-compatible server) as a process.
 *
 *   patchbay engine --contact "sip:127.0.0.1:5060;transport=udp,tcp,ws" --admin 127.0.0.1:9022 --secret S
 *
 * Settings come from the defaults, then `--config FILE` (YAML with the EngineConfig shape, any part
 * of it), then the flags. Logs with pino to stdout; SIGINT/SIGTERM stop it cleanly.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_ENGINE_CONFIG } from '../../sip-engine/config.js';
import type { EngineConfig } from '../../sip-engine/config.js';
import { startEngine } from '../../sip-engine/engine.js';

const HELP = `Usage: patchbay engine [options]

Runs the embedded SIP engine on its own: drachtio-srf applications connect to the admin port.

Options:
  --contact URI       where to listen for SIP, repeatable
                      (default "sip:127.0.0.1:5060;transport=udp,tcp"; transports udp,tcp,tls,ws,wss)
  --external-ip IP    public address advertised in Via/Contact (applies to every --contact)
  --admin HOST:PORT   admin (application) listener (default 127.0.0.1:9022)
  --secret S          secret applications authenticate with (default "cymru")
  --tls-key FILE      PEM key for tls/wss contacts
  --tls-cert FILE     PEM certificate for tls/wss contacts
  --t1 MS             SIP timer T1 in ms (default 500; T2 and T4 keep their defaults)
  --config FILE       YAML file with the engine settings (EngineConfig shape)
  --log-level LEVEL   pino level: trace, debug, info, warn, error (default info)
  --help              this text
`;

export class EngineCliError extends Error {
  override readonly name = 'EngineCliError';
  readonly code = 'bad-engine-options';
}

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      contact: { type: 'string', multiple: true },
      'external-ip': { type: 'string' },
      admin: { type: 'string' },
      secret: { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
      t1: { type: 'string' },
      config: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merges `over` onto `base`, checking every leaf against the base's type; unknown keys are errors. */
function merge(base: unknown, over: unknown, path: string, errors: string[]): unknown {
  if (over === undefined) return base;
  if (Array.isArray(base)) {
    if (!Array.isArray(over)) errors.push(`${path}: expected a list`);
    return Array.isArray(over) ? over : base;
  }
  if (isObject(base) || (base === undefined && isObject(over))) {
    if (!isObject(over)) {
      errors.push(`${path}: expected a mapping`);
      return base;
    }
    const out: Record<string, unknown> = isObject(base) ? { ...base } : {};
    for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v, path ? `${path}.${k}` : k, errors);
    return out;
  }
  if (base !== undefined && typeof base !== typeof over) errors.push(`${path}: expected a ${typeof base}`);
  return over;
}

function checkContacts(cfg: EngineConfig, errors: string[]): void {
  if (cfg.contacts.length === 0) errors.push('contacts: at least one is needed');
  cfg.contacts.forEach((c, i) => {
    if (!isObject(c) || typeof c.uri !== 'string' || !/^sips?:/.test(c.uri))
      errors.push(`contacts[${i}].uri: expected sip:host:port;transport=…`);
  });
}

function fromFile(file: string, errors: string[]): EngineConfig {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new EngineCliError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  return merge(DEFAULT_ENGINE_CONFIG, doc ?? {}, '', errors) as EngineConfig;
}

function applyFlags(base: EngineConfig, v: Values, errors: string[]): EngineConfig {
  const cfg: EngineConfig = structuredClone(base);
  const ext = v['external-ip'];
  if (v.contact?.length) cfg.contacts = v.contact.map((uri) => (ext ? { uri, externalIp: ext } : { uri }));
  else if (ext) cfg.contacts = cfg.contacts.map((c) => ({ ...c, externalIp: ext }));
  if (v.admin !== undefined) {
    const m = /^(.*):(\d+)$/.exec(v.admin);
    if (!m?.[1] || !m[2]) errors.push('--admin: expected HOST:PORT');
    else cfg.admin = { ...cfg.admin, address: m[1].replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
  }
  if (v.secret !== undefined) cfg.admin = { ...cfg.admin, secret: v.secret };
  if (v['tls-key'] !== undefined || v['tls-cert'] !== undefined) {
    if (!v['tls-key'] || !v['tls-cert']) errors.push('--tls-key and --tls-cert go together');
    else cfg.tls = { keyFile: v['tls-key'], certFile: v['tls-cert'] };
  }
  if (v.t1 !== undefined) {
    const t1 = Number(v.t1);
    if (!Number.isInteger(t1) || t1 < 1) errors.push('--t1: expected milliseconds');
    else cfg.timers = { ...cfg.timers, t1Ms: t1 };
  }
  return cfg;
}

/** Builds the engine config from argv (exported for tests). Throws EngineCliError listing every problem. */
export function engineConfigFromArgs(argv: string[]): {
  config: EngineConfig;
  logLevel: string;
  help: boolean;
} {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new EngineCliError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const v = parsed.values;
  const errors: string[] = [];
  const base = v.config ? fromFile(v.config, errors) : DEFAULT_ENGINE_CONFIG;
  const config = applyFlags(base, v, errors);
  checkContacts(config, errors);
  if (errors.length) throw new EngineCliError(errors.join('\n'));
  return { config, logLevel: v['log-level'] ?? 'info', help: v.help ?? false };
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function run(argv: string[]): Promise<number> {
  let opts: ReturnType<typeof engineConfigFromArgs>;
  try {
    opts = engineConfigFromArgs(argv);
  } catch (err) {
    process.stderr.write(`patchbay engine: ${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const logger = pino({ level: opts.logLevel });
  const handle = await startEngine(opts.config, { logger });
  logger.info(
    { sip: handle.sipEndpoints.map((e) => `${e.protocol}/${e.address}:${e.port}`), admin: handle.adminPort },
    'patchbay engine running',
  );
  const sig = await untilSignal();
  logger.info({ signal: sig }, 'stopping');
  await handle.stop();
  return 0;
}
