/**
 * The registrar (RFC 3261 §10.3), as a chain of small named steps over plain values:
 *
 *   extensions (§8.2.2.3) → sequence (§8.1.1.5) → authenticate (§10.3 step 3, RFC 7616/8760 digest)
 *   → address-of-record (steps 4-5) → contacts (step 6) → plan + write atomically (steps 6-7)
 *   → events → 200 listing every binding (step 8)
 *
 * Unknown users and wrong passwords take the same path and get the same 401 (the digest module
 * computes against a dummy HA1 for unknown users), so neither the answer nor its timing tells
 * whether a user exists. Bindings live in the database (store/binding-store.ts); time comes from
 * the injected clock's wall time, because expiry instants are stored and shared.
 */
import { EVENTS } from '../../infra/bus/index.js';
import type { EventBus } from '../../infra/bus/index.js';
import { parseCSeq, parseNameAddr, splitHeaderList } from '../../sip-engine/message/headers.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import type { DigestAuthenticator, StoredHa1 } from './digest.js';
import { parseDigestCredentials } from './digest-params.js';
import { canonicalAor } from './model/aor.js';
import type { Binding } from './model/binding.js';
import { comparableUri, parseContacts, parseExpires } from './model/contacts.js';
import { contactValue, optionTags, respond } from './model/register-message.js';
import type { HeaderField, RegisterRequest, RegisterResponse } from './model/register-message.js';
import { DEFAULT_LIMITS, planRegister } from './policy/register-plan.js';
import type { ApplyPlan, RegisterLimits, RegisterPlan } from './policy/register-plan.js';
import { RegistrarError } from './errors.js';
import type { BindingStore } from './store/binding-store.js';

/** What the registrar needs from the agent directory (router/agents implements it). */
export interface RegistrarDirectory {
  credentialsFor(username: string): Promise<{ agentId: string; ha1: StoredHa1 } | undefined>;
  agentForAor(aor: string): Promise<string | undefined>;
}

export interface RegistrarLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RegistrarDeps {
  directory: RegistrarDirectory;
  store: BindingStore;
  digest: DigestAuthenticator;
  clock: Pick<Clock, 'wallNow'>;
  bus?: EventBus;
  limits?: Partial<RegisterLimits>;
  log?: RegistrarLogger;
}

/** Option tags this registrar understands in Require (RFC 3327 Path). */
const SUPPORTED = ['path'];

/** Equal as SIP URIs (RFC 3261 §19.1.4, see comparableUri), or as text when not SIP URIs. */
function sameUri(a: string, b: string): boolean {
  const ca = comparableUri(a);
  return ca !== undefined ? ca === comparableUri(b) : a === b;
}

type Step<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: RegisterResponse };
const ok = <T>(value: T): Step<T> => ({ ok: true, value });
const stop = <T>(response: RegisterResponse): Step<T> => ({ ok: false, response });

interface Outcome {
  readonly plan: RegisterPlan;
  readonly lapsed: readonly Binding[];
  readonly devices: number;
}

export class Registrar {
  readonly limits: RegisterLimits;
  readonly #deps: RegistrarDeps;

  constructor(deps: RegistrarDeps) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
    const l = this.limits;
    if (l.minExpiresS >= 3600 || l.minExpiresS > l.maxExpiresS || l.defaultExpiresS < l.minExpiresS) {
      throw new RegistrarError(
        'bad-options',
        'need minExpiresS < 3600 and minExpiresS <= defaultExpiresS <= maxExpiresS',
      );
    }
    this.#deps = deps;
  }

  async register(req: RegisterRequest): Promise<RegisterResponse> {
    try {
      return await this.#register(req);
    } catch (err) {
      // RFC 3261 §10.3 step 7: a back-end failure fails the request with 500, nothing committed.
      this.#deps.log?.error({ err, callId: req.callId }, 'REGISTER failed');
      return respond(500);
    }
  }

  /** Live bindings of an agent, over all its AORs (where to send its offers). */
  bindings(agentId: string): Promise<Binding[]> {
    return this.#deps.store.listByAgent(agentId, this.#nowMs());
  }

  /** Deletes lapsed bindings (up to `limit`) and announces each as expired; returns how many. */
  async sweep(limit = 500): Promise<number> {
    const nowMs = this.#nowMs();
    const gone = await this.#deps.store.sweep(nowMs, limit);
    const agents = new Set(gone.map((b) => b.agentId));
    for (const agentId of agents) {
      const devices = (await this.#deps.store.listByAgent(agentId, nowMs)).length;
      for (const b of gone.filter((x) => x.agentId === agentId))
        await this.#unregistered(b, 'expired', devices);
    }
    return gone.length;
  }

  async #register(req: RegisterRequest): Promise<RegisterResponse> {
    const ext = this.#extensions(req);
    if (!ext.ok) return ext.response;
    const seq = this.#sequence(req);
    if (!seq.ok) return seq.response;
    const who = await this.#authenticate(req);
    if (!who.ok) return who.response;
    const aor = await this.#addressOfRecord(req, who.value);
    if (!aor.ok) return aor.response;
    return this.#update(req, who.value, aor.value, seq.value);
  }

  /** RFC 3261 §10.3 steps 6-8 for an authenticated, authorised request. */
  async #update(req: RegisterRequest, agentId: string, aor: string, cseq: number): Promise<RegisterResponse> {
    const contacts = parseContacts(req.contact);
    const expires = parseExpires(req.expires);
    // RFC 3261 §10.3 step 6 / §20.19: malformed Contact or Expires → 400.
    if (contacts.kind === 'invalid') return respond(400, [], contacts.reason);
    if (expires === 'invalid') return respond(400, [], 'Bad Expires');
    const nowMs = this.#nowMs();
    const base = { aor, agentId, contacts, expires, callId: req.callId, cseq, nowMs, source: req.source };
    const path = req.path === undefined ? [] : splitHeaderList(req.path);
    const outcome = await this.#deps.store.withAor(aor, agentId, nowMs, async (s) => {
      const plan = planRegister({
        ...base,
        existing: s.live,
        userAgent: req.userAgent,
        path,
        limits: this.limits,
      });
      if (plan.kind === 'apply') await s.write(plan.writes, plan.removals);
      const devices = plan.kind === 'apply' || s.lapsed.length > 0 ? (await s.agentBindings()).length : 0;
      return { plan, lapsed: s.lapsed, devices } satisfies Outcome;
    });
    await this.#announce(outcome);
    const { plan } = outcome;
    if (plan.kind === 'apply') return this.#ok(plan, req, nowMs);
    const headers: HeaderField[] =
      plan.minExpiresS !== undefined ? [['Min-Expires', String(plan.minExpiresS)]] : [];
    return respond(plan.status, headers, plan.reason);
  }

  /** RFC 3261 §8.2.2.3: an option tag in Require we do not support → 420 listing it in Unsupported. */
  #extensions(req: RegisterRequest): Step<null> {
    const unsupported = optionTags(req.require).filter((t) => !SUPPORTED.includes(t));
    return unsupported.length === 0
      ? ok(null)
      : stop(respond(420, [['Unsupported', unsupported.join(', ')]]));
  }

  /** RFC 3261 §8.1.1.5 / §20.16: the CSeq orders registrations from one Call-ID (§10.3 step 7). */
  #sequence(req: RegisterRequest): Step<number> {
    try {
      const { seq, method } = parseCSeq(req.cseq);
      if (method !== 'REGISTER' || seq >= 2 ** 31) return stop(respond(400, [], 'Bad CSeq'));
      return ok(seq);
    } catch {
      return stop(respond(400, [], 'Bad CSeq'));
    }
  }

  /** RFC 3261 §10.3 step 3 / §22.4 with RFC 7616 and RFC 8760: digest, or a 401 challenge. */
  async #authenticate(req: RegisterRequest): Promise<Step<string>> {
    const { digest, directory } = this.#deps;
    const challenge = (stale: boolean): Step<string> =>
      stop(
        respond(
          401,
          digest.challenge({ stale }).map((v): HeaderField => ['WWW-Authenticate', v]),
        ),
      );
    if (req.authorization === undefined) return challenge(false);
    const parsed = parseDigestCredentials(req.authorization);
    // RFC 7616 §3.4: credentials that cannot be parsed are a bad request.
    if (!parsed.ok) return stop(respond(400, [], 'Malformed Authorization'));
    // RFC 2617 §3.2.2.5 (kept by RFC 7616): the digest must be for this request's URI, else 400.
    if (!sameUri(parsed.value.uri, req.requestUri))
      return stop(respond(400, [], 'Authorization URI Mismatch'));
    const found = await directory.credentialsFor(parsed.value.username);
    const verdict = digest.verify({ authorization: req.authorization, method: 'REGISTER', ha1: found?.ha1 });
    if (verdict.ok && found) return ok(found.agentId);
    if (!verdict.ok && verdict.reason === 'malformed')
      return stop(respond(400, [], 'Malformed Authorization'));
    return challenge(!verdict.ok && verdict.stale);
  }

  /** RFC 3261 §10.3 steps 4-5: the To URI in canonical form, owned by the authenticated agent. */
  async #addressOfRecord(req: RegisterRequest, agentId: string): Promise<Step<string>> {
    let aor: string | undefined;
    try {
      aor = canonicalAor(parseNameAddr(req.to).uri);
    } catch {
      aor = undefined;
    }
    // §10.2: the To header field must carry a SIP or SIPS URI (the AOR).
    if (aor === undefined) return stop(respond(400, [], 'Bad To'));
    const owner = await this.#deps.directory.agentForAor(aor);
    if (owner === undefined) return stop(respond(404)); // step 5: not an AOR of this domain
    if (owner !== agentId) return stop(respond(403)); // step 4: not allowed to change this AOR
    return ok(aor);
  }

  /** RFC 3261 §10.3 step 8: 200 with every binding and its remaining expiry, and a Date. */
  #ok(plan: ApplyPlan, req: RegisterRequest, nowMs: number): RegisterResponse {
    const headers: HeaderField[] = plan.result.map((b): HeaderField => ['Contact', contactValue(b, nowMs)]);
    headers.push(['Date', new Date(nowMs).toUTCString()]);
    // RFC 3327 §5.3: echo the stored Path to a UA that said it supports it.
    if (req.path !== undefined && optionTags(req.supported).includes('path'))
      headers.push(['Path', req.path]);
    return respond(200, headers);
  }

  async #announce(o: Outcome): Promise<void> {
    for (const b of o.lapsed) await this.#unregistered(b, 'expired', o.devices);
    if (o.plan.kind === 'reject') return;
    for (const b of o.plan.removals) await this.#unregistered(b, 'unregistered', o.devices);
    for (const b of o.plan.added) {
      const data = { ...this.#deviceFields(b, o.devices), expiresAt: new Date(b.expiresAtMs).toISOString() };
      await this.#publish(() => this.#deps.bus?.publish(EVENTS.deviceRegistered, data, b.agentId));
    }
  }

  async #unregistered(b: Binding, reason: 'unregistered' | 'expired', devices: number): Promise<void> {
    const data = { ...this.#deviceFields(b, devices), reason };
    await this.#publish(() => this.#deps.bus?.publish(EVENTS.deviceUnregistered, data, b.agentId));
  }

  #deviceFields(b: Binding, devices: number) {
    const { address, port, transport } = b.source;
    const source = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
    return { agentId: b.agentId, aor: b.aor, contact: b.contact, transport, source, devices };
  }

  /** A bus failure is logged, never turned into a failed REGISTER (the bindings are committed). */
  async #publish(send: () => Promise<void> | undefined): Promise<void> {
    try {
      await send();
    } catch (err) {
      this.#deps.log?.warn({ err }, 'registrar event not published');
    }
  }

  #nowMs(): number {
    return this.#deps.clock.wallNow().getTime();
  }
}
