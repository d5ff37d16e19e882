/** rtpengine adapter (ng protocol over UDP through npm rtpengine-client): see README.md. */
export { RtpenginePool } from './rtpengine-pool.js';
export type { RtpenginePoolOptions } from './rtpengine-pool.js';
export { RtpengineServer, parseHostPort } from './rtpengine-server.js';
export type { QueryResult, RtpengineServerOptions } from './rtpengine-server.js';
export { RtpengineCall } from './rtpengine-call.js';
export { RtpengineError, RTPENGINE_ERROR_CODES } from './rtpengine-error.js';
export type { RtpengineErrorCode } from './rtpengine-error.js';
