/** A copy of the configuration that is safe to log: every secret replaced by `[redacted]`. */
import type { ConfigData, PatchbayConfig } from './schema.js';

export const REDACTED = '[redacted]';

/**
 * Replaces the password (or a bare token) in the userinfo of URLs: `postgres://u:pw@h` →
 * `postgres://u:[redacted]@h`, `nats://token@h` → `nats://[redacted]@h`, `sip:u:pw@h` → `sip:u:[redacted]@h`.
 * Works on comma-separated lists of URLs (NATS).
 */
export function redactUrl(url: string): string {
  return url.replace(
    /((?:[a-z][a-z0-9+.-]*:\/\/)|(?:sips?:))([^@/,\s]*)@/gi,
    (_all, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      const redacted =
        colon >= 0 ? `${userinfo.slice(0, colon)}:${REDACTED}` : scheme.endsWith('//') ? REDACTED : userinfo;
      return `${scheme}${redacted}@`;
    },
  );
}

export function redactConfig(cfg: PatchbayConfig): PatchbayConfig {
  const c = structuredClone(cfg) as ConfigData;
  c.sip.engine.admin.secret = REDACTED;
  for (const s of c.sip.servers) s.secret = REDACTED;
  for (const t of c.http.tokens) t.token = REDACTED;
  for (const a of c.agents) if (a.auth) a.auth.password = REDACTED;
  for (const g of c.gateways) if (g.auth) g.auth.password = REDACTED;
  if (c.database.url !== undefined) c.database.url = redactUrl(c.database.url);
  if (c.bus.url !== undefined) c.bus.url = redactUrl(c.bus.url);
  if (c.presence.server !== undefined) c.presence.server = redactUrl(c.presence.server);
  return c;
}
