/**
 * What a REGISTER does to an AOR's bindings, decided without I/O (RFC 3261 §10.3 steps 6-8). The
 * caller reads the AOR's live bindings under a lock, calls {@link planRegister}, and either answers
 * the rejection or writes the plan atomically (§10.3 step 7: all updates or none).
 */
import { transition } from '../model/binding.js';
import type { Binding, BindingEvent, BindingState } from '../model/binding.js';
import type { ContactEntry, ContactsField } from '../model/contacts.js';
import { RegistrarError } from '../errors.js';

export interface RegisterLimits {
  /** Shorter non-zero expirations are answered 423 (RFC 3261 §10.3 step 7). Must be < 3600. */
  readonly minExpiresS: number;
  /** Longer ones are shortened to this (§10.3 step 7: the registrar MAY shorten). */
  readonly maxExpiresS: number;
  /** When neither the Contact nor the request says (§10.2.1.1 leaves it to the registrar). */
  readonly defaultExpiresS: number;
  /** Devices per AOR; beyond it the REGISTER is refused 403. */
  readonly maxBindingsPerAor: number;
}

export const DEFAULT_LIMITS: RegisterLimits = Object.freeze({
  minExpiresS: 60,
  maxExpiresS: 3600,
  defaultExpiresS: 3600,
  maxBindingsPerAor: 10,
});

export interface PlanInput {
  readonly aor: string;
  readonly agentId: string;
  readonly contacts: Exclude<ContactsField, { kind: 'invalid' }>;
  /** The Expires header field (§20.19), when present. */
  readonly expires: number | undefined;
  readonly callId: string;
  readonly cseq: number;
  readonly nowMs: number;
  /** The AOR's bindings that have not lapsed at `nowMs`. */
  readonly existing: readonly Binding[];
  readonly source: Binding['source'];
  readonly userAgent: string | undefined;
  readonly path: readonly string[];
  readonly limits: RegisterLimits;
}

export interface Rejection {
  readonly kind: 'reject';
  readonly status: 400 | 403 | 423 | 500;
  readonly reason: string;
  /** With 423: the Min-Expires header field (RFC 3261 §20.23). */
  readonly minExpiresS?: number;
}

export interface ApplyPlan {
  readonly kind: 'apply';
  /** Bindings to insert or overwrite (new and refreshed). */
  readonly writes: readonly Binding[];
  /** Bindings the request removes (expires 0 or Contact: *). */
  readonly removals: readonly Binding[];
  /** The subset of `writes` that did not exist before (a device registered). */
  readonly added: readonly Binding[];
  /** Every binding of the AOR once the plan is written (§10.3 step 8 lists them). */
  readonly result: readonly Binding[];
}

export type RegisterPlan = Rejection | ApplyPlan;

const reject = (status: Rejection['status'], reason: string, minExpiresS?: number): Rejection => ({
  kind: 'reject',
  status,
  reason,
  ...(minExpiresS !== undefined ? { minExpiresS } : {}),
});

/** §10.3 step 7: a binding last written by the same Call-ID with a CSeq not lower is newer. */
function outOfOrder(b: Binding, input: PlanInput): boolean {
  return b.callId === input.callId && input.cseq <= b.cseq;
}

function step(from: BindingState, event: BindingEvent): void {
  const r = transition(from, event);
  if (!r.ok) throw new RegistrarError('illegal-transition', `a binding cannot ${event} from ${from}`);
}

/** §10.3 step 6: Contact: * with Expires: 0 removes every binding (unless a newer request wrote it). */
function planWildcard(input: PlanInput): RegisterPlan {
  if (input.expires !== 0) return reject(400, 'Contact: * requires Expires: 0');
  if (input.existing.some((b) => outOfOrder(b, input))) return reject(500, 'Out Of Order Request');
  input.existing.forEach(() => step('active', 'unregister'));
  return { kind: 'apply', writes: [], removals: input.existing, added: [], result: [] };
}

/** §10.3 step 7: the expiration of one Contact, or a rejection when it is too brief. */
function expiresOf(c: ContactEntry, input: PlanInput): number | Rejection {
  const { limits } = input;
  const requested = c.expires ?? input.expires ?? limits.defaultExpiresS;
  if (requested > 0 && requested < 3600 && requested < limits.minExpiresS) {
    return reject(423, 'Interval Too Brief', limits.minExpiresS);
  }
  return Math.min(requested, limits.maxExpiresS);
}

function written(
  c: ContactEntry,
  input: PlanInput,
  expiresS: number,
  previous: Binding | undefined,
): Binding {
  return {
    aor: input.aor,
    key: c.key,
    agentId: input.agentId,
    contact: c.uri,
    ...(c.instanceId !== undefined ? { instanceId: c.instanceId } : {}),
    ...(c.regId !== undefined ? { regId: c.regId } : {}),
    ...(c.qMilli !== undefined ? { qMilli: c.qMilli } : {}),
    callId: input.callId,
    cseq: input.cseq,
    expiresAtMs: input.nowMs + expiresS * 1000,
    registeredAtMs: previous?.registeredAtMs ?? input.nowMs,
    updatedAtMs: input.nowMs,
    source: input.source,
    ...(input.userAgent !== undefined ? { userAgent: input.userAgent } : {}),
    path: input.path,
  };
}

function planList(input: PlanInput, contacts: readonly ContactEntry[]): RegisterPlan {
  const current = new Map(input.existing.map((b) => [b.key, b]));
  const writes = new Map<string, Binding>();
  const removals: Binding[] = [];
  for (const c of contacts) {
    const expiresS = expiresOf(c, input);
    if (typeof expiresS !== 'number') return expiresS;
    const existing = current.get(c.key);
    if (existing && outOfOrder(existing, input)) return reject(500, 'Out Of Order Request');
    if (expiresS === 0) {
      if (existing) {
        step('active', 'unregister');
        removals.push(existing);
        current.delete(c.key);
      }
      writes.delete(c.key);
      continue;
    }
    step(existing ? 'active' : 'absent', existing ? 'refresh' : 'register');
    writes.set(c.key, written(c, input, expiresS, existing));
  }
  const result = [...[...current.values()].filter((b) => !writes.has(b.key)), ...writes.values()];
  if (result.length > input.limits.maxBindingsPerAor && writes.size > 0) {
    return reject(403, `Too Many Registrations (at most ${input.limits.maxBindingsPerAor})`);
  }
  const added = [...writes.values()].filter((b) => !current.has(b.key));
  return { kind: 'apply', writes: [...writes.values()], removals, added, result };
}

export function planRegister(input: PlanInput): RegisterPlan {
  switch (input.contacts.kind) {
    case 'none':
      // §10.3 step 8: no Contact is a query; answer the current bindings.
      return { kind: 'apply', writes: [], removals: [], added: [], result: input.existing };
    case 'wildcard':
      return planWildcard(input);
    case 'list':
      return planList(input, input.contacts.contacts);
  }
}
