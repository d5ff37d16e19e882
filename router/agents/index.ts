/** Public surface of the agent directory: schemas, the service, the repository and the REST routes. */
export {
  AgentConfigItem,
  AgentIdParams,
  AgentList,
  AgentPatch,
  AgentReplace,
  AgentSpec,
  AgentView,
} from './model/agent-schema.js';
export type {
  AgentConfigInput,
  AgentPatchInput,
  AgentReplaceInput,
  AgentSpecInput,
  AgentViewData,
} from './model/agent-schema.js';
export { toAgentConfig, toView } from './model/agent.js';
export type { AgentCredentials, AgentFields, AgentRecord, AgentSource, SkillLevel } from './model/agent.js';
export { AgentConflictError, AgentNotFoundError, AgentSeedError, InvalidAgentError } from './model/errors.js';
export type { AgentConflictCode, AgentIssue } from './model/errors.js';
export { AgentDirectory } from './agent-directory.js';
export type { AgentDirectoryDeps, RegistrarLookups, SeedReport } from './agent-directory.js';
export { createAgentRepository } from './store/agent-repository.js';
export type { AgentRepository } from './store/agent-repository.js';
export { registerAgentRoutes } from './http/agent-routes.js';
export { startAgentDirectory } from './start-directory.js';
export type { StartDirectoryOptions } from './start-directory.js';
