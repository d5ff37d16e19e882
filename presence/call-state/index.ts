/** Public surface of the call state behind busy lamps and on-the-phone (see README.md). */
export { BusCallStateSource } from './bus-call-state.js';
export type { AgentAorDirectory, AgentAors, BusCallStateDeps } from './bus-call-state.js';
export { factOf } from './bus-facts.js';
export { AgentDialogs, DEFAULT_AGENT_DIALOGS } from './model/agent-dialogs.js';
export type { AgentDialogsOptions } from './model/agent-dialogs.js';
export type { CallFact, HungUpBy, OfferOutcome } from './model/call-facts.js';
export { dialogMove } from './model/dialog.js';
export type { AgentDialogState, DialogEnd, DialogMove, DialogMoveResult } from './model/dialog.js';
