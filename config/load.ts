/**
 * The config loader: YAML file → environment overrides → defaults → schema validation → semantic
 * checks → deep freeze. Every problem is collected (not just the first), each with its path, a
 * message, a hint, and where it came from (file line/column or environment variable).
 */
import { readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { Value } from '@sinclair/typebox/value';
import { applyEnvOverrides } from './env.js';
import { ConfigError } from './errors.js';
import type { ConfigIssue } from './errors.js';
import { schemaIssues } from './schema-issues.js';
import { ConfigSchema } from './schema.js';
import type { ConfigData, PatchbayConfig } from './schema.js';
import { semanticIssues } from './semantics.js';
import { parseYaml } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ParseOptions {
  /** YAML text; absent = no file (defaults + environment only). */
  text?: string;
  env: Env;
  /** Default for node.id (defaults to the OS host name). */
  hostname?: string;
}

export interface LoadOptions {
  /** Path of the YAML file; absent = no file. */
  file?: string;
  env: Env;
  hostname?: string;
}

export type ConfigResult = { ok: true; config: PatchbayConfig } | { ok: false; issues: ConfigIssue[] };

/** Reads and validates a config file (plus environment). Never throws for bad input: returns the issues. */
export async function loadConfig(opts: LoadOptions): Promise<ConfigResult> {
  let text: string | undefined;
  if (opts.file !== undefined) {
    try {
      text = await readFile(opts.file, 'utf8');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return {
        ok: false,
        issues: [
          { path: '', source: 'file', message: `cannot read ${opts.file}: ${why}`, hint: 'check the path' },
        ],
      };
    }
  }
  return parseConfig({ env: opts.env, ...(text !== undefined ? { text } : {}), ...host(opts) });
}

/** Like loadConfig, but throws a ConfigError carrying every issue. */
export async function requireConfig(opts: LoadOptions): Promise<PatchbayConfig> {
  const r = await loadConfig(opts);
  if (!r.ok) throw new ConfigError(r.issues);
  return r.config;
}

function host(opts: { hostname?: string }): { hostname?: string } {
  return opts.hostname !== undefined ? { hostname: opts.hostname } : {};
}

/** Validates YAML text (or nothing) plus environment; pure apart from reading the host name. */
export function parseConfig(opts: ParseOptions): ConfigResult {
  const yaml: YamlSource =
    opts.text !== undefined ? parseYaml(opts.text) : { value: {}, issues: [], positionOf: () => undefined };
  if (yaml.issues.length > 0) return { ok: false, issues: yaml.issues };
  if (typeof yaml.value !== 'object' || yaml.value === null || Array.isArray(yaml.value)) {
    const issue = {
      path: '',
      source: 'schema' as const,
      message: 'the file must be a mapping of sections (node:, sip:, http:, ...)',
    };
    return { ok: false, issues: [issue] };
  }
  const data = structuredClone(yaml.value) as Record<string, unknown>;
  const env = applyEnvOverrides(data, opts.env, ConfigSchema);
  defaultNodeId(data, opts.hostname ?? osHostname());
  const defaulted: unknown = Value.Default(ConfigSchema, data);
  let issues = [...env.issues, ...schemaIssues(ConfigSchema, defaulted)];
  if (issues.length === 0) issues = semanticIssues(defaulted as ConfigData);
  if (issues.length > 0) return { ok: false, issues: issues.map((i) => locate(i, yaml, env.origins)) };
  return { ok: true, config: deepFreeze(defaulted as ConfigData) };
}

/** node.id defaults to the host name, made into a valid id. */
function defaultNodeId(data: Record<string, unknown>, hostname: string): void {
  const node = data['node'] ?? {};
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const n = node as Record<string, unknown>;
  if (n['id'] !== undefined) return;
  const id = hostname
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  data['node'] = { ...n, id: id === '' ? 'patchbay' : id };
}

/** Adds where the offending value came from: the environment variable, else the file position. */
function locate(issue: ConfigIssue, yaml: YamlSource, origins: Map<string, string>): ConfigIssue {
  if (issue.envVar !== undefined || issue.line !== undefined) return issue;
  for (let p = issue.path; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
    const envVar = origins.get(p);
    if (envVar !== undefined) return { ...issue, envVar };
  }
  const pos = yaml.positionOf(issue.path);
  return pos ? { ...issue, line: pos.line, column: pos.column } : issue;
}

/** Freezes a value and everything reachable from it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
