/** Values of the agent state service: results of a submitted event and the read view of an agent. */
import type {
  Agent,
  AgentConfig,
  AgentStatus,
  Channel,
  ChannelAvailability,
  IllegalTransition,
} from '../model/agent.js';

/** Finds an agent's settings in the directory; undefined when no such agent exists. */
export type AgentConfigLookup = (agentId: string) => Promise<AgentConfig | undefined>;

/** The presence document's gist (PIDF basic status, RFC 3863 §4.1.4; RPID activities, RFC 4480 §5.1). */
export interface PresenceDetail {
  readonly basic: 'open' | 'closed';
  readonly activities: readonly string[];
}

export interface UnknownAgent {
  readonly ok: false;
  readonly code: 'unknown-agent';
  readonly agentId: string;
  readonly message: string;
}

export interface Applied {
  readonly ok: true;
  readonly agent: Agent;
}

/** What `submit` resolves to: applied, refused by the machine, or no such agent. */
export type SubmitResult = Applied | IllegalTransition | UnknownAgent;

export interface AgentStateView {
  readonly id: string;
  readonly state: AgentStatus;
  readonly mode: Agent['mode'];
  readonly reason?: string;
  readonly version: number;
  /** Whether the agent can take a voice offer now (design §4 flow 2). */
  readonly availability: ChannelAvailability;
  readonly channels: Readonly<Record<Channel, ChannelAvailability>>;
  readonly presence?: PresenceDetail;
  readonly devices: number;
}

export type AgentStateErrorCode = 'persist-failed' | 'closed';

/** The service could not do its job (not a refused transition: those are values). */
export class AgentStateError extends Error {
  override readonly name = 'AgentStateError';
  readonly code: AgentStateErrorCode;

  constructor(code: AgentStateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
