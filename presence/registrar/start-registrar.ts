/**
 * Wiring for the composition root: builds the registrar over the database and the agent
 * directory, registers its REGISTER handler on drachtio-srf, and starts expiry sweeping. The
 * nonce secret lives in `kv_settings`, created once, so every instance of a cluster (and every
 * restart) accepts the others' nonces.
 */
import { randomBytes } from 'node:crypto';
import type { EventBus } from '../../infra/bus/index.js';
import type { Db } from '../../infra/db/index.js';
import type { SrfHandler } from '../../infra/drachtio/srf-connection.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import { BindingSweeper } from './binding-sweeper.js';
import { DigestAuthenticator } from './digest.js';
import type { DigestAlgorithm } from './digest.js';
import type { RegisterLimits } from './policy/register-plan.js';
import { Registrar } from './registrar.js';
import type { RegistrarDirectory, RegistrarLogger } from './registrar.js';
import { createRegisterHandler } from './sip/register-handler.js';
import { createBindingStore } from './store/binding-store.js';

export const NONCE_SECRET_KEY = 'registrar.nonce-secret';

/** The cluster-wide nonce secret: made by whichever instance asks first, read by all. */
export async function nonceSecret(db: Db): Promise<Buffer> {
  const fresh = JSON.stringify(randomBytes(32).toString('base64'));
  await db
    .insertInto('kv_settings')
    .values({ key: NONCE_SECRET_KEY, value: fresh })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('kv_settings')
    .select('value')
    .where('key', '=', NONCE_SECRET_KEY)
    .executeTakeFirstOrThrow();
  if (typeof row.value !== 'string') throw new TypeError(`${NONCE_SECRET_KEY} is not a string`);
  return Buffer.from(row.value, 'base64');
}

export interface StartRegistrarOptions {
  db: Db;
  directory: RegistrarDirectory;
  /** Every srf the router runs on (one per drachtio server). */
  srfs: readonly { register(handler: SrfHandler): void }[];
  /** The digest realm (the directory computes HA1 for the same one). */
  realm: string;
  clock: Clock;
  bus?: EventBus;
  log?: RegistrarLogger;
  limits?: Partial<RegisterLimits>;
  sweepIntervalMs?: number;
  nonceTtlMs?: number;
  /** Offered digest algorithms, most preferred first (default SHA-256, MD5). */
  algorithms?: readonly DigestAlgorithm[];
}

export interface RunningRegistrar {
  readonly registrar: Registrar;
  readonly sweeper: BindingSweeper;
  /** Stops sweeping (call before the database closes). */
  stop(): Promise<void>;
}

export async function startRegistrar(o: StartRegistrarOptions): Promise<RunningRegistrar> {
  const secret = await nonceSecret(o.db);
  const digest = new DigestAuthenticator({
    realm: o.realm,
    secret,
    clock: o.clock,
    ...(o.nonceTtlMs !== undefined ? { nonceTtlMs: o.nonceTtlMs } : {}),
    ...(o.algorithms !== undefined ? { algorithms: o.algorithms } : {}),
  });
  const registrar = new Registrar({
    directory: o.directory,
    store: createBindingStore(o.db),
    digest,
    clock: o.clock,
    ...(o.bus ? { bus: o.bus } : {}),
    ...(o.log ? { log: o.log } : {}),
    ...(o.limits ? { limits: o.limits } : {}),
  });
  const handler = createRegisterHandler({ registrar, ...(o.log ? { log: o.log } : {}) });
  for (const srf of o.srfs) srf.register(handler);
  const sweeper = new BindingSweeper({
    sweep: (n) => registrar.sweep(n),
    clock: o.clock,
    ...(o.sweepIntervalMs !== undefined ? { intervalMs: o.sweepIntervalMs } : {}),
    onError: (err) => o.log?.warn({ err }, 'binding sweep failed'),
  });
  sweeper.start();
  return { registrar, sweeper, stop: () => sweeper.stop() };
}
