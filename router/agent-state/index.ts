/** Public surface of the agent state service: the single writer, its store and its REST routes. */
export { AgentStateService } from './agent-state-service.js';
export type { AgentStateServiceDeps } from './agent-state-service.js';
export { AgentStateError } from './agent-state-types.js';
export type {
  AgentConfigLookup,
  AgentStateErrorCode,
  AgentStateView,
  Applied,
  PresenceDetail,
  SubmitResult,
  UnknownAgent,
} from './agent-state-types.js';
export { actionEvent, AGENT_ACTIONS } from './agent-actions.js';
export type { AgentAction, AgentActionRequest } from './agent-actions.js';
export { createTransitionStore } from './transition-store.js';
export type { StoredTransition, TransitionRow, TransitionStore } from './transition-store.js';
export { KeyedSerialQueue } from './serial-queue.js';
export { registerAgentStateRoutes, AgentStateAction, AgentStateBody } from './http/agent-state-routes.js';
export { feedDeviceChanges } from './device-feed.js';
