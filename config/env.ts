/**
 * Environment overrides. The rule:
 *
 *   PATCHBAY_<SECTION>__<KEY>[__<KEY>...]=value
 *
 * - Path segments are separated by a double underscore `__`; a variable without `__` is not a config
 *   override (e.g. PATCHBAY_FROM_SOURCE) and is ignored.
 * - Inside a segment, case and single underscores are ignored when matching keys:
 *   `SESSION_TIMER` matches `sessionTimer`, `HTTP` matches `http`.
 * - A numeric segment indexes a list (`PATCHBAY_HTTP__TOKENS__0__TOKEN`); it may append one item.
 * - The value is converted to what the schema expects at that path: numbers and booleans
 *   (`true`/`false`) are parsed, strings are taken verbatim (no quoting needed), lists and objects are
 *   YAML/JSON flow text (`[a, b]`, `{token: x, role: admin}`); a list of plain values may also be
 *   written comma-separated (`PATCHBAY_RTPENGINE__SERVERS=10.0.0.1:22222,10.0.0.2:22222`).
 * - Overrides are applied after the file and before defaults; unknown paths are errors.
 */
import type { TSchema } from '@sinclair/typebox';
import { parse as parseYamlValue } from 'yaml';
import type { ConfigIssue } from './errors.js';

export const ENV_PREFIX = 'PATCHBAY_';

export interface EnvResult {
  issues: ConfigIssue[];
  /** JSON pointer of each overridden value → the variable that set it. */
  origins: Map<string, string>;
}

type Container = Record<string, unknown> | unknown[];

const normalize = (s: string): string => s.replace(/_/g, '').toLowerCase();
const escapeKey = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function schemaType(schema: TSchema): string | undefined {
  const t: unknown = schema['type'];
  return typeof t === 'string' ? t : undefined;
}

/** Applies every PATCHBAY_*__* variable to `data` (mutated), in a stable order (shallow paths first). */
export function applyEnvOverrides(
  data: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  schema: TSchema,
): EnvResult {
  const result: EnvResult = { issues: [], origins: new Map() };
  const vars = Object.entries(env)
    .filter(
      (e): e is [string, string] => e[0].startsWith(ENV_PREFIX) && e[0].includes('__') && e[1] !== undefined,
    )
    .map(([name, value]) => ({ name, value, segments: name.slice(ENV_PREFIX.length).split('__') }))
    .sort((a, b) => a.segments.length - b.segments.length || a.name.localeCompare(b.name));
  for (const v of vars) applyOne(data, schema, v, result);
  return result;
}

interface EnvVar {
  name: string;
  value: string;
  segments: string[];
}

function applyOne(data: Record<string, unknown>, root: TSchema, v: EnvVar, result: EnvResult): void {
  let schema = root;
  let container: Container = data;
  let path = '';
  for (let i = 0; i < v.segments.length; i++) {
    const seg = v.segments[i] ?? '';
    const step = resolveStep(schema, container, seg);
    if (typeof step === 'string') {
      const hint = keysHint(schema);
      const issue: ConfigIssue = {
        path: `${path}/${seg.toLowerCase()}`,
        message: step,
        source: 'env',
        envVar: v.name,
      };
      result.issues.push(hint !== undefined ? { ...issue, hint } : issue);
      return;
    }
    path += `/${escapeKey(String(step.key))}`;
    if (i === v.segments.length - 1) {
      const converted = convert(v.value, step.schema);
      if (!converted.ok) {
        result.issues.push({ path, message: converted.message, source: 'env', envVar: v.name });
        return;
      }
      setIn(container, step.key, converted.value);
      result.origins.set(path, v.name);
      return;
    }
    const t = schemaType(step.schema);
    if (t !== 'object' && t !== 'array') {
      const issue: ConfigIssue = {
        path,
        message: `'${seg}' is a value, not a section`,
        source: 'env',
        envVar: v.name,
      };
      result.issues.push({ ...issue, hint: 'remove the extra __ segments after it' });
      return;
    }
    container = childContainer(container, step.key, step.schema);
    schema = step.schema;
  }
}

/** Finds the key and sub-schema a segment names, or returns why it cannot. */
function resolveStep(
  schema: TSchema,
  container: Container,
  seg: string,
): { key: string | number; schema: TSchema } | string {
  const type = schemaType(schema);
  if (type === 'object' && isRecord(schema['properties'])) {
    const props = schema['properties'] as Record<string, TSchema>;
    const key = Object.keys(props).find((k) => normalize(k) === normalize(seg));
    const sub = key === undefined ? undefined : props[key];
    return key !== undefined && sub ? { key, schema: sub } : `unknown key '${seg}' in environment override`;
  }
  if (type === 'array' && schema['items'] !== undefined) {
    if (!/^[0-9]+$/.test(seg)) return `'${seg}' is not a list index`;
    const index = Number(seg);
    const length = Array.isArray(container) ? container.length : 0;
    if (index > length) return `list index ${index} skips items (the list has ${length})`;
    return { key: index, schema: schema['items'] as TSchema };
  }
  return `cannot descend into '${seg}': the value here is not an object or a list`;
}

function keysHint(schema: TSchema): string | undefined {
  const props: unknown = schema['properties'];
  return isRecord(props) ? `keys here: ${Object.keys(props).join(', ')}` : undefined;
}

function setIn(container: Container, key: string | number, value: unknown): void {
  if (Array.isArray(container)) container[Number(key)] = value;
  else container[String(key)] = value;
}

/** The object or list at `key`, created (or replaced, when not a container) as the schema says. */
function childContainer(container: Container, key: string | number, schema: TSchema): Container {
  const current: unknown = Array.isArray(container) ? container[Number(key)] : container[String(key)];
  const wantArray = schemaType(schema) === 'array';
  if (wantArray && Array.isArray(current)) return current as unknown[];
  if (!wantArray && isRecord(current)) return current;
  const fresh: Container = wantArray ? [] : {};
  setIn(container, key, fresh);
  return fresh;
}

type Converted = { ok: true; value: unknown } | { ok: false; message: string };

/** Converts the raw variable text to the type the schema expects. */
export function convert(raw: string, schema: TSchema): Converted {
  const type = schemaType(schema);
  if (type === 'integer' || type === 'number') {
    const n = Number(raw.trim());
    return raw.trim() !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: true, value: raw };
  }
  if (type === 'boolean') {
    const t = raw.trim().toLowerCase();
    return t === 'true' || t === 'false' ? { ok: true, value: t === 'true' } : { ok: true, value: raw };
  }
  if (type === 'array' || type === 'object') return convertStructured(raw, schema, type);
  return { ok: true, value: raw };
}

function convertStructured(raw: string, schema: TSchema, type: 'array' | 'object'): Converted {
  const trimmed = raw.trim();
  const items = schema['items'] as TSchema | undefined;
  const plainItems = items !== undefined && schemaType(items) !== 'object' && schemaType(items) !== 'array';
  if (type === 'array' && plainItems && !trimmed.startsWith('[')) {
    const parts = trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
    const values = parts.map((p) => {
      const c = convert(p, items);
      return c.ok ? c.value : p;
    });
    return { ok: true, value: values };
  }
  try {
    return { ok: true, value: parseYamlValue(trimmed) as unknown };
  } catch (err) {
    const why = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    return { ok: false, message: `cannot parse the value as YAML/JSON ${type}: ${why}` };
  }
}
