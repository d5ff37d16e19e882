/**
 * Named errors of the agent directory. Each has a stable `code`; `http/agent-routes.ts` is the one
 * place mapping them to HTTP (404, 409, 400).
 */

/** One invalid field of an agent, as a JSON pointer into the body (`/aors/1`). */
export interface AgentIssue {
  readonly path: string;
  readonly message: string;
}

export class AgentNotFoundError extends Error {
  override readonly name = 'AgentNotFoundError';
  readonly code = 'agent-not-found';
  readonly agentId: string;

  constructor(agentId: string, options?: { cause?: unknown }) {
    super(`no agent '${agentId}'`, options);
    this.agentId = agentId;
  }
}

export type AgentConflictCode =
  'agent-exists' | 'aor-taken' | 'username-taken' | 'customer-taken' | 'version-conflict';

/**
 * A uniqueness rule would break (the id, an AOR, the digest username or a personal customer), or
 * the agent changed between read and write (`version-conflict`: read it again).
 */
export class AgentConflictError extends Error {
  override readonly name = 'AgentConflictError';
  readonly code: AgentConflictCode;

  constructor(code: AgentConflictCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The agent breaks a rule the schema cannot express (duplicates after canonicalisation, ...). */
export class InvalidAgentError extends Error {
  override readonly name = 'InvalidAgentError';
  readonly code = 'invalid-agent';
  readonly issues: readonly AgentIssue[];

  constructor(issues: readonly AgentIssue[], options?: { cause?: unknown }) {
    super(`invalid agent: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, options);
    this.issues = issues;
  }
}

/** Seeding from the config failed for one agent; `cause` says why. */
export class AgentSeedError extends Error {
  override readonly name = 'AgentSeedError';
  readonly code = 'seed-failed';
  readonly agentId: string;

  constructor(agentId: string, options: { cause: unknown }) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`config agent '${agentId}' could not be stored: ${why}`, options);
    this.agentId = agentId;
  }
}

export type AgentDirectoryError =
  AgentNotFoundError | AgentConflictError | InvalidAgentError | AgentSeedError;
