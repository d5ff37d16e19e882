/**
 * The agent directory's domain values and their pure rules: canonical fields (AORs in canonical
 * form, no duplicate skills), PATCH merging, the API view (never HA1 or password), and the
 * settings the agent state machine runs with. No I/O.
 */
import { canonicalAor } from '../../../presence/registrar/model/aor.js';
import type { AgentConfig } from '../../model/agent-types.js';
import type { AgentPatchInput, AgentReplaceInput, AgentViewData } from './agent-schema.js';
import type { AgentIssue } from './errors.js';

export interface SkillLevel {
  readonly skill: string;
  readonly level: number;
}

/** Everything about an agent an operator edits, except its id and credentials. */
export interface AgentFields {
  readonly name: string;
  /** Canonical `sip:user@domain`, in the operator's order. */
  readonly aors: readonly string[];
  readonly presenceUri?: string;
  readonly skills: readonly SkillLevel[];
  readonly teams: readonly string[];
  readonly channels: { readonly voice: number; readonly chat: number };
  readonly personalCustomers: readonly string[];
  readonly wrapUpSeconds: number;
  readonly maxConsecutiveNoAnswers: number;
}

/** HA1 = H(username:realm:password) per algorithm (RFC 7616 §3.4.2), lowercase hex. */
export interface AgentCredentials {
  readonly username: string;
  readonly realm: string;
  readonly ha1: { readonly md5: string; readonly sha256: string };
}

export type AgentSource = 'config' | 'api';

export interface AgentRecord extends AgentFields {
  readonly id: string;
  readonly credentials?: AgentCredentials;
  readonly source: AgentSource;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: AgentIssue[] };

function canonicalAors(aors: readonly string[], issues: AgentIssue[]): string[] {
  const out: string[] = [];
  aors.forEach((uri, i) => {
    const aor = canonicalAor(uri);
    if (aor === undefined)
      issues.push({ path: `/aors/${i}`, message: 'not a sip: or sips: URI with a user part' });
    else if (out.includes(aor)) issues.push({ path: `/aors/${i}`, message: `duplicate of ${aor}` });
    else out.push(aor);
  });
  return out;
}

function uniqueSkills(skills: readonly SkillLevel[], issues: AgentIssue[]): SkillLevel[] {
  const seen = new Set<string>();
  skills.forEach((s, i) => {
    if (seen.has(s.skill))
      issues.push({ path: `/skills/${i}/skill`, message: `skill '${s.skill}' listed twice` });
    seen.add(s.skill);
  });
  return skills.map((s) => ({ skill: s.skill, level: s.level }));
}

/** Schema-valid input → canonical fields, or every rule it breaks. */
export function checkFields(input: AgentReplaceInput): Checked<AgentFields> {
  const issues: AgentIssue[] = [];
  const name = input.name.trim();
  if (name === '') issues.push({ path: '/name', message: 'must not be blank' });
  const value: AgentFields = {
    name,
    aors: canonicalAors(input.aors, issues),
    ...(input.presenceUri !== undefined ? { presenceUri: input.presenceUri } : {}),
    skills: uniqueSkills(input.skills, issues),
    teams: [...new Set(input.teams)],
    channels: { voice: input.channels.voice, chat: input.channels.chat },
    personalCustomers: [...new Set(input.personalCustomers)],
    wrapUpSeconds: input.wrapUpSeconds,
    maxConsecutiveNoAnswers: input.maxConsecutiveNoAnswers,
  };
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}

/** The stored fields with a PATCH applied (fields present replace; null clears presenceUri). */
export function patchedInput(current: AgentFields, patch: AgentPatchInput): AgentReplaceInput {
  const presenceUri =
    patch.presenceUri === undefined ? current.presenceUri : (patch.presenceUri ?? undefined);
  return {
    name: patch.name ?? current.name,
    aors: [...(patch.aors ?? current.aors)],
    ...(presenceUri !== undefined ? { presenceUri } : {}),
    skills: (patch.skills ?? current.skills).map((s) => ({ ...s })),
    teams: [...(patch.teams ?? current.teams)],
    channels: { ...current.channels, ...patch.channels },
    personalCustomers: [...(patch.personalCustomers ?? current.personalCustomers)],
    wrapUpSeconds: patch.wrapUpSeconds ?? current.wrapUpSeconds,
    maxConsecutiveNoAnswers: patch.maxConsecutiveNoAnswers ?? current.maxConsecutiveNoAnswers,
  };
}

const sameList = <T>(
  a: readonly T[],
  b: readonly T[],
  eq: (x: T, y: T) => boolean = (x, y) => x === y,
): boolean => a.length === b.length && a.every((x, i) => eq(x, b[i] as T));

/** True when two agents' editable fields are equal (the seeding's "nothing to do"). */
export function sameFields(a: AgentFields, b: AgentFields): boolean {
  return (
    a.name === b.name &&
    sameList(a.aors, b.aors) &&
    a.presenceUri === b.presenceUri &&
    sameList(a.skills, b.skills, (x, y) => x.skill === y.skill && x.level === y.level) &&
    sameList(a.teams, b.teams) &&
    a.channels.voice === b.channels.voice &&
    a.channels.chat === b.channels.chat &&
    sameList(a.personalCustomers, b.personalCustomers) &&
    a.wrapUpSeconds === b.wrapUpSeconds &&
    a.maxConsecutiveNoAnswers === b.maxConsecutiveNoAnswers
  );
}

export function sameCredentials(a: AgentCredentials | undefined, b: AgentCredentials | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.username === b.username &&
    a.realm === b.realm &&
    a.ha1.md5 === b.ha1.md5 &&
    a.ha1.sha256 === b.ha1.sha256
  );
}

/** What the API shows: no HA1, no password. */
export function toView(r: AgentRecord): AgentViewData {
  return {
    id: r.id,
    name: r.name,
    aors: [...r.aors],
    ...(r.presenceUri !== undefined ? { presenceUri: r.presenceUri } : {}),
    skills: r.skills.map((s) => ({ skill: s.skill, level: s.level })),
    teams: [...r.teams],
    channels: { voice: r.channels.voice, chat: r.channels.chat },
    personalCustomers: [...r.personalCustomers],
    wrapUpSeconds: r.wrapUpSeconds,
    maxConsecutiveNoAnswers: r.maxConsecutiveNoAnswers,
    ...(r.credentials
      ? {
          auth: {
            username: r.credentials.username,
            realm: r.credentials.realm,
            algorithms: ['SHA-256', 'MD5'],
          },
        }
      : {}),
    source: r.source,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Longest wrap-up an agent may extend to, when the directory does not say (5 minutes). */
export const DEFAULT_MAX_WRAP_UP_MS = 300_000;

/** The settings the agent state machine (router/model) runs this agent with. */
export function toAgentConfig(f: AgentFields): AgentConfig {
  const wrapUpMs = f.wrapUpSeconds * 1000;
  return {
    capacity: { voice: f.channels.voice, chat: f.channels.chat },
    wrapUpMs,
    maxWrapUpMs: Math.max(DEFAULT_MAX_WRAP_UP_MS, wrapUpMs),
    maxConsecutiveNoAnswers: f.maxConsecutiveNoAnswers,
  };
}
