/** Maps the `sip.engine` section onto the engine's own configuration type (sip-engine/config.ts). */
import type { EngineConfig } from '../sip-engine/config.js';
import type { PatchbayConfig } from './schema.js';

/** The embedded engine's configuration (meaningful when `sip.mode` is `embedded`). */
export function toEngineConfig(cfg: PatchbayConfig): EngineConfig {
  const e = cfg.sip.engine;
  return {
    contacts: e.contacts.map((c) => ({ ...c })),
    admin: { ...e.admin },
    ...(e.tls !== undefined ? { tls: { ...e.tls } } : {}),
    timers: { ...e.timers },
    limits: { ...e.limits },
    sessionTimer: { ...e.sessionTimer },
    cdrs: e.cdrs,
    ...(e.optionsPingUserAgent !== undefined ? { optionsPingUserAgent: e.optionsPingUserAgent } : {}),
    userAgent: e.userAgent,
  };
}
