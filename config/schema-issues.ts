/**
 * Turns TypeBox validation errors into config issues: one per problem, each with its JSON-pointer
 * path, a plain message and a hint (allowed keys with a "did you mean", allowed values, ranges).
 */
import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType } from '@sinclair/typebox/errors';
import type { ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import type { ConfigIssue } from './errors.js';

/** Every schema problem in `value`, without the duplicates TypeBox yields for a missing key. */
export function schemaIssues(schema: TSchema, value: unknown): ConfigIssue[] {
  const errors = [...Value.Errors(schema, value)];
  const missing = new Set(
    errors.filter((e) => e.type === ValueErrorType.ObjectRequiredProperty).map((e) => e.path),
  );
  const issues: ConfigIssue[] = [];
  for (const e of errors) {
    if (e.type !== ValueErrorType.ObjectRequiredProperty && missing.has(e.path) && e.value === undefined)
      continue;
    issues.push(toIssue(e));
  }
  return issues;
}

function toIssue(e: ValueError): ConfigIssue {
  const { message, hint } = describe(e);
  const issue: ConfigIssue = { path: e.path, message, source: 'schema' };
  if (hint !== undefined) issue.hint = hint;
  return issue;
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describe(e: ValueError): { message: string; hint: string | undefined } {
  const s = e.schema;
  switch (e.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return unknownKey(lastSegment(e.path), s);
    case ValueErrorType.ObjectRequiredProperty:
      return { message: 'required key is missing', hint: describeSchema(s, `add '${lastSegment(e.path)}:'`) };
    case ValueErrorType.Union:
      return { message: `${show(e.value)} is not an allowed value`, hint: allowedValues(s) };
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return { message: `${show(e.value)} is out of range`, hint: range(s) };
    case ValueErrorType.StringPattern:
      return {
        message: `${show(e.value)} has the wrong format`,
        hint: describeSchema(s, `must match ${String(s['pattern'])}`),
      };
    case ValueErrorType.StringMinLength:
      return {
        message: `too short (at least ${String(s['minLength'])} characters)`,
        hint: describeSchema(s),
      };
    case ValueErrorType.ArrayMinItems:
      return { message: `needs at least ${String(s['minItems'])} item(s)`, hint: describeSchema(s) };
    default:
      return typeProblem(e);
  }
}

function typeProblem(e: ValueError): { message: string; hint: string | undefined } {
  const expected = typeof e.schema['type'] === 'string' ? e.schema['type'] : undefined;
  if (e.value === null && expected !== undefined) {
    return {
      message: `expected ${expected}, got null`,
      hint: 'remove the key (or give it a value) to use the default',
    };
  }
  if (expected !== undefined && /^Expected /.test(e.message)) {
    const got = Array.isArray(e.value) ? 'a list' : typeof e.value;
    return {
      message: `expected ${article(expected)}, got ${got} ${show(e.value)}`,
      hint: describeSchema(e.schema),
    };
  }
  return { message: e.message.toLowerCase(), hint: describeSchema(e.schema) };
}

function article(type: string): string {
  if (type === 'object') return 'a mapping (key: value)';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeSchema(s: TSchema, prefix?: string): string | undefined {
  const d = typeof s['description'] === 'string' ? s['description'] : undefined;
  if (prefix !== undefined && d !== undefined) return `${prefix} (${d})`;
  return prefix ?? d;
}

function range(s: TSchema): string {
  const min: unknown = s['minimum'];
  const max: unknown = s['maximum'];
  const bounds =
    typeof min === 'number' && typeof max === 'number'
      ? `between ${min} and ${max}`
      : typeof min === 'number'
        ? `at least ${min}`
        : `at most ${String(max)}`;
  return describeSchema(s, `must be ${bounds}`) ?? bounds;
}

function allowedValues(s: TSchema): string | undefined {
  const anyOf: unknown = s['anyOf'];
  if (!Array.isArray(anyOf)) return describeSchema(s);
  const values = anyOf.map((v: TSchema): unknown => v['const']).filter((v) => v !== undefined);
  return values.length > 0 ? `one of: ${values.map(String).join(', ')}` : describeSchema(s);
}

function unknownKey(key: string, objectSchema: TSchema): { message: string; hint: string } {
  const props: unknown = objectSchema['properties'];
  const allowed = typeof props === 'object' && props !== null ? Object.keys(props) : [];
  const limit = key.length <= 4 ? 1 : 2;
  const close = allowed.filter((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= limit);
  const suggestion = close.length > 0 ? `did you mean '${close.join("' or '")}'? ` : '';
  return { message: `unknown key '${key}'`, hint: `${suggestion}allowed keys here: ${allowed.join(', ')}` };
}

/** Edit distance counting an adjacent transposition as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}
