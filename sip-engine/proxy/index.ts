/**
 * Public surface of the stateful proxy core (RFC 3261 §16; drachtio `proxy` command, protocol spec
 * §3.8). The engine core creates one ProxyCore and calls it as described in ProxyCore's methods.
 */
export { ProxyCore, proxyOptions, type ProxyDeps } from './proxy-core.js';
export type { ProxyLogger, BranchState } from './branch.js';
export type { ProxyState } from './proxy-transaction.js';
export { selectBestResponse, responseRank } from './best-response.js';
export { ProxyError, IllegalTransitionError, type ProxyErrorCode } from './errors.js';
