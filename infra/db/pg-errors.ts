/**
 * Recognising PostgreSQL constraint violations, the same on `pg` and PGlite (both surface the
 * server's error fields: `code` is the SQLSTATE, `constraint` the violated constraint's name).
 * Repositories turn these into their own named conflicts.
 */

/** SQLSTATE class 23 codes repositories care about. */
export type ConstraintKind = 'unique' | 'foreign-key' | 'check' | 'not-null';

const SQLSTATE: Readonly<Record<string, ConstraintKind>> = {
  '23505': 'unique',
  '23503': 'foreign-key',
  '23514': 'check',
  '23502': 'not-null',
};

export interface ConstraintViolation {
  readonly kind: ConstraintKind;
  /** The constraint's name (e.g. `agent_aors_pkey`), when the server gave it. */
  readonly constraint: string | undefined;
  readonly detail: string | undefined;
}

function field(err: object, name: string): string | undefined {
  const v: unknown = Reflect.get(err, name);
  return typeof v === 'string' ? v : undefined;
}

/** The violation `err` reports, or undefined when it is some other error. */
export function constraintViolation(err: unknown): ConstraintViolation | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = field(err, 'code');
  const kind = code === undefined ? undefined : SQLSTATE[code];
  if (kind === undefined) return undefined;
  return { kind, constraint: field(err, 'constraint'), detail: field(err, 'detail') };
}
