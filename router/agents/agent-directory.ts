/**
 * The agent directory service: create, replace, patch, delete and read agents; seed them from the
 * config at start; answer the registrar's two questions (whose digest credentials are these, who
 * owns this AOR). Passwords are hashed here into HA1 for MD5 and SHA-256 (RFC 7616 §3.4.2, RFC 8760
 * §2) for the configured realm and then forgotten. Each change is published on the bus.
 *
 * Writes are optimistic: a replace names the version it read, so two concurrent editors (or two
 * nodes seeding at once) cannot silently overwrite each other; the loser gets `version-conflict`.
 */
import { EVENTS } from '../../infra/bus/index.js';
import type { EventBus } from '../../infra/bus/index.js';
import { computeHa1 } from '../../presence/registrar/digest.js';
import type { StoredHa1 } from '../../presence/registrar/digest.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import { checkFields, patchedInput, sameCredentials, sameFields } from './model/agent.js';
import type { AgentCredentials, AgentFields, AgentRecord, AgentSource } from './model/agent.js';
import type {
  AgentConfigInput,
  AgentPatchInput,
  AgentReplaceInput,
  AgentSpecInput,
} from './model/agent-schema.js';
import { AgentConflictError, AgentNotFoundError, AgentSeedError, InvalidAgentError } from './model/errors.js';
import type { AgentRepository } from './store/agent-repository.js';

export interface AgentDirectoryDeps {
  repo: AgentRepository;
  /** The digest realm HA1 is computed for (the registrar's realm). */
  realm: string;
  clock: Pick<Clock, 'wallNow'>;
  bus?: EventBus;
}

export interface SeedReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Config-sourced agents no longer in the config (kept; delete them through the API). */
  orphaned: string[];
}

/** What the registrar asks the directory (presence/registrar's `RegistrarDirectory` port). */
export interface RegistrarLookups {
  /** HA1 for a digest username in this realm; undefined for an unknown user. */
  credentialsFor(username: string): Promise<{ agentId: string; ha1: StoredHa1 } | undefined>;
  /** The agent owning a canonical AOR. */
  agentForAor(aor: string): Promise<string | undefined>;
}

type AuthInput = AgentReplaceInput['auth'] | null;
type Change = 'created' | 'updated' | 'deleted';

function fieldsOf(input: AgentReplaceInput): AgentFields {
  const checked = checkFields(input);
  if (!checked.ok) throw new InvalidAgentError(checked.issues);
  return checked.value;
}

export class AgentDirectory implements RegistrarLookups {
  readonly realm: string;
  readonly #repo: AgentRepository;
  readonly #clock: Pick<Clock, 'wallNow'>;
  readonly #bus: EventBus | undefined;

  constructor(deps: AgentDirectoryDeps) {
    this.realm = deps.realm;
    this.#repo = deps.repo;
    this.#clock = deps.clock;
    this.#bus = deps.bus;
  }

  list(): Promise<AgentRecord[]> {
    return this.#repo.list();
  }

  async get(id: string): Promise<AgentRecord> {
    const found = await this.#repo.get(id);
    if (!found) throw new AgentNotFoundError(id);
    return found;
  }

  async create(spec: AgentSpecInput, source: AgentSource = 'api'): Promise<AgentRecord> {
    const { id, auth, ...rest } = spec;
    const fields = fieldsOf(rest);
    if (auth !== undefined && auth.password === undefined) {
      throw new InvalidAgentError([{ path: '/auth/password', message: 'required for new credentials' }]);
    }
    const credentials = this.#credentials(auth, undefined);
    const now = this.#clock.wallNow();
    const record: AgentRecord = {
      id,
      ...fields,
      ...(credentials ? { credentials } : {}),
      source,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.#repo.insert(record);
    await this.#publish(id, 'created', 1);
    return record;
  }

  /** PUT: every field replaced; credentials kept only if `auth` names the same username without a password. */
  async replace(id: string, body: AgentReplaceInput): Promise<AgentRecord> {
    const current = await this.get(id);
    const { auth, ...rest } = body;
    return this.#store(current, fieldsOf(rest), this.#credentials(auth, current.credentials), current.source);
  }

  /** PATCH: fields present replace; `auth: null` removes the credentials, `presenceUri: null` the URI. */
  async patch(id: string, p: AgentPatchInput): Promise<AgentRecord> {
    const current = await this.get(id);
    const fields = fieldsOf(patchedInput(current, p));
    const credentials =
      p.auth === undefined ? current.credentials : this.#credentials(p.auth, current.credentials);
    return this.#store(current, fields, credentials, current.source);
  }

  /**
   * Makes `number` a personal customer of the agent (stored, new version, `directory.agent.changed`
   * so the router re-reads it); already one of its customers → unchanged. Another agent's → 409.
   */
  async addCustomer(id: string, number: string): Promise<AgentRecord> {
    const current = await this.get(id);
    if (current.personalCustomers.includes(number)) return current;
    return this.patch(id, { personalCustomers: [...current.personalCustomers, number] });
  }

  async remove(id: string): Promise<AgentRecord> {
    const current = await this.get(id);
    if (!(await this.#repo.remove(id))) throw new AgentNotFoundError(id);
    await this.#publish(id, 'deleted', current.version);
    return current;
  }

  /**
   * Makes the config's agents exist as written (idempotent: an agent already equal is left alone,
   * so a restart changes nothing). Agents from the API are not touched unless the config names them.
   */
  async seed(agents: readonly AgentConfigInput[]): Promise<SeedReport> {
    const report: SeedReport = { created: [], updated: [], unchanged: [], orphaned: [] };
    for (const item of agents) {
      try {
        report[await this.#seedOne(item)].push(item.id);
      } catch (err) {
        throw new AgentSeedError(item.id, { cause: err });
      }
    }
    const wanted = new Set(agents.map((a) => a.id));
    const all = await this.#repo.list();
    report.orphaned = all.filter((a) => a.source === 'config' && !wanted.has(a.id)).map((a) => a.id);
    return report;
  }

  async credentialsFor(username: string): Promise<{ agentId: string; ha1: StoredHa1 } | undefined> {
    const row = await this.#repo.credentialsByUsername(username);
    if (!row || row.credentials.realm !== this.realm) return undefined;
    return {
      agentId: row.agentId,
      ha1: { md5: row.credentials.ha1.md5, sha256: row.credentials.ha1.sha256 },
    };
  }

  agentForAor(aor: string): Promise<string | undefined> {
    return this.#repo.agentIdByAor(aor);
  }

  async #seedOne(item: AgentConfigInput): Promise<'created' | 'updated' | 'unchanged'> {
    const { id, auth, ...rest } = item;
    const fields = fieldsOf(rest);
    const credentials = this.#credentials(auth, undefined);
    const current = await this.#repo.get(id);
    if (!current) {
      await this.create(item, 'config');
      return 'created';
    }
    const same = sameFields(current, fields) && sameCredentials(current.credentials, credentials);
    if (current.source === 'config' && same) return 'unchanged';
    await this.#store(current, fields, credentials, 'config');
    return 'updated';
  }

  /** New credentials from a password; the stored ones when only the same username is given; or none. */
  #credentials(
    auth: AuthInput | undefined,
    current: AgentCredentials | undefined,
  ): AgentCredentials | undefined {
    if (auth === undefined || auth === null) return undefined;
    if (auth.password !== undefined) {
      const ha1 = {
        md5: computeHa1('MD5', auth.username, this.realm, auth.password),
        sha256: computeHa1('SHA-256', auth.username, this.realm, auth.password),
      };
      return { username: auth.username, realm: this.realm, ha1 };
    }
    if (current?.username === auth.username && current.realm === this.realm) return current;
    throw new InvalidAgentError([
      { path: '/auth/password', message: 'required for new credentials, a new username or a changed realm' },
    ]);
  }

  /** Writes the next version of `current`; a concurrent writer in between → version-conflict. */
  async #store(
    current: AgentRecord,
    fields: AgentFields,
    credentials: AgentCredentials | undefined,
    source: AgentSource,
  ): Promise<AgentRecord> {
    const next: AgentRecord = {
      id: current.id,
      ...fields,
      ...(credentials ? { credentials } : {}),
      source,
      version: current.version + 1,
      createdAt: current.createdAt,
      updatedAt: this.#clock.wallNow(),
    };
    if (!(await this.#repo.replace(next, current.version))) {
      throw new AgentConflictError(
        'version-conflict',
        `agent '${current.id}' changed meanwhile; read it again`,
      );
    }
    await this.#publish(next.id, 'updated', next.version);
    return next;
  }

  async #publish(agentId: string, change: Change, version: number): Promise<void> {
    await this.#bus?.publish(EVENTS.agentDirectoryChanged, { agentId, change, version }, agentId);
  }
}
