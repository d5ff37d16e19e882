/**
 * CONTRACT: engine configuration (what drachtio-server's XML config and flags hold).
 * The platform's config schema (config/) embeds this shape; `patchbay engine` flags map onto it.
 */
import type { TransactionTimersConfig } from './transaction/types.js';
import type { TransportLimits } from './transport/types.js';

export interface EngineContact {
  /** e.g. "sip:127.0.0.1:5060;transport=udp,tcp,ws" — one entry may list several transports. */
  uri: string;
  externalIp?: string;
}

export interface EngineTlsConfig {
  keyFile: string;
  certFile: string;
  chainFile?: string;
}

export interface EngineConfig {
  contacts: EngineContact[];
  admin: { address: string; port: number; secret: string; tlsPort?: number };
  tls?: EngineTlsConfig;
  timers: TransactionTimersConfig;
  limits: TransportLimits & {
    /** Max live server+client transactions before new requests get 503 (default 150000). */
    maxPendingTransactions: number;
  };
  /** Session timer default interval in seconds (RFC 4028); 0 disables. Min-SE is 90. */
  sessionTimer: { intervalS: number; minSeS: number; refresher: 'uac' | 'uas' };
  /** Deliver CDRs to apps that route cdr:* (drachtio `<cdrs>true</cdrs>`). */
  cdrs: boolean;
  /** User-Agent string whose OPTIONS are answered 200 automatically; undefined = off. */
  optionsPingUserAgent?: string;
  /** Server / User-Agent header the engine adds, default "patchbay-sip-engine". */
  userAgent: string;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  contacts: [{ uri: 'sip:127.0.0.1:5060;transport=udp,tcp' }],
  admin: { address: '127.0.0.1', port: 9022, secret: 'cymru' },
  timers: { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 },
  limits: {
    maxMessageBytes: 65535,
    maxConnections: 10000,
    idleTimeoutMs: 60000,
    // One PSTN gateway at the 1,600 calls/s target sends INVITE + ACK + BYE = 4,800 requests/s
    // (6,400 with PRACK); 8,000 leaves room for CANCELs and retransmissions and still caps a
    // single flooding address well below what the engine can take from everyone together.
    perSourceRequestsPerSecond: 8000,
    // A call keeps two transactions alive ~64·T1 = 32 s each after it ends (RFC 6026 Timer L for
    // the INVITE, Timer J for the BYE on UDP): 1,600 calls/s ≈ 102,400 live transactions.
    maxPendingTransactions: 150000,
  },
  sessionTimer: { intervalS: 1800, minSeS: 90, refresher: 'uac' },
  cdrs: false,
  userAgent: 'patchbay-sip-engine',
};
