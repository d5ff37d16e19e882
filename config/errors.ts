/** Config error catalogue: one problem is a `ConfigIssue` value; a load that fails throws/returns them all. */

/** Where an issue was found. */
export type IssueSource = 'file' | 'yaml' | 'env' | 'schema' | 'semantics';

export interface ConfigIssue {
  /** JSON pointer into the config (`/http/port`); `''` for the document as a whole. */
  path: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  hint?: string;
  source: IssueSource;
  /** 1-based position in the YAML file, when the value came from it. */
  line?: number;
  column?: number;
  /** The environment variable the value came from, when it did. */
  envVar?: string;
}

/** Thrown by `requireConfig` when a configuration is invalid; carries every issue. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config-invalid';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super(`invalid configuration: ${issues.length} problem${issues.length === 1 ? '' : 's'}`, options);
    this.issues = issues;
  }
}

/** One line per issue: `/http/port (line 3, column 9): must be <= 65535 — hint`. */
export function formatIssue(issue: ConfigIssue): string {
  const where: string[] = [];
  if (issue.line !== undefined) where.push(`line ${issue.line}, column ${issue.column ?? 1}`);
  if (issue.envVar !== undefined) where.push(`from ${issue.envVar}`);
  const path = issue.path === '' ? '(document)' : issue.path;
  const at = where.length > 0 ? ` (${where.join('; ')})` : '';
  const hint = issue.hint !== undefined ? ` — ${issue.hint}` : '';
  return `${path}${at}: ${issue.message}${hint}`;
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map(formatIssue).join('\n');
}
