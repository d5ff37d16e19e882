/**
 * kysely over `gateways` (migration 0006): the gateways created through the API. The spec is stored
 * without `auth`; the digest username and HA1 have their own columns. Rows read back are checked
 * against the schema (a row no longer valid is reported, not used).
 */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { StoredHa1 } from '../../presence/registrar/digest.js';
import type { Db } from '../../infra/db/index.js';
import { constraintViolation } from '../../infra/db/index.js';
import { GatewaySpec } from '../model/gateway-schema.js';
import type { GatewaySettings } from '../model/gateway.js';
import type { LiveGateway } from '../service/live-gateway.js';

export interface StoredGatewayRow {
  readonly gateway: LiveGateway;
  readonly realm: string | undefined;
}

export interface GatewayRepository {
  list(): Promise<{ rows: StoredGatewayRow[]; invalid: { id: string; problem: string }[] }>;
  /** false when the id exists already. */
  insert(g: LiveGateway, realm: string, at: Date): Promise<boolean>;
  /** false when the id does not exist. */
  update(g: LiveGateway, realm: string, at: Date): Promise<boolean>;
  /** false when the id does not exist. */
  remove(id: string): Promise<boolean>;
}

type Row = {
  id: string;
  spec: unknown;
  username: string | null;
  realm: string | null;
  ha1_md5: string | null;
  ha1_sha256: string | null;
  version: number;
};

function specOf(g: LiveGateway): string {
  const { auth: _auth, origin: _origin, version: _version, ha1: _ha1, ...spec } = g;
  return JSON.stringify(spec);
}

function columns(g: LiveGateway, realm: string) {
  return {
    spec: specOf(g),
    username: g.auth?.username ?? null,
    realm: g.auth ? realm : null,
    ha1_md5: g.ha1?.md5 ?? null,
    ha1_sha256: g.ha1?.sha256 ?? null,
  };
}

/** The stored spec: the gateway schema without `auth` (kept in columns). */
const StoredSpec = Type.Omit(GatewaySpec, ['auth']);

function fromRow(r: Row): StoredGatewayRow | string {
  if (!Value.Check(StoredSpec, r.spec)) {
    const first = [...Value.Errors(StoredSpec, r.spec)][0];
    return `${first?.path ?? ''} ${first?.message ?? 'invalid'}`.trim();
  }
  const settings = r.spec as GatewaySettings;
  const ha1: StoredHa1 | undefined =
    r.username !== null
      ? { ...(r.ha1_md5 ? { md5: r.ha1_md5 } : {}), ...(r.ha1_sha256 ? { sha256: r.ha1_sha256 } : {}) }
      : undefined;
  const gateway: LiveGateway = {
    ...settings,
    ...(r.username !== null ? { auth: { username: r.username } } : {}),
    origin: 'api',
    version: r.version,
    ...(ha1 ? { ha1 } : {}),
  };
  return { gateway, realm: r.realm ?? undefined };
}

export function createGatewayRepository(db: Db): GatewayRepository {
  return {
    async list() {
      const rows = await db.selectFrom('gateways').selectAll().orderBy('created_at').orderBy('id').execute();
      const out: StoredGatewayRow[] = [];
      const invalid: { id: string; problem: string }[] = [];
      for (const r of rows) {
        const parsed = fromRow(r);
        if (typeof parsed === 'string') invalid.push({ id: r.id, problem: parsed });
        else out.push(parsed);
      }
      return { rows: out, invalid };
    },
    async insert(g, realm, at) {
      try {
        await db
          .insertInto('gateways')
          .values({ id: g.id, ...columns(g, realm), version: g.version, created_at: at, updated_at: at })
          .execute();
        return true;
      } catch (err) {
        const v = constraintViolation(err);
        if (v?.kind === 'unique' && v.constraint === 'gateways_pkey') return false;
        throw err;
      }
    },
    async update(g, realm, at) {
      const r = await db
        .updateTable('gateways')
        .set({ ...columns(g, realm), version: g.version, updated_at: at })
        .where('id', '=', g.id)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async remove(id) {
      const r = await db.deleteFrom('gateways').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}
