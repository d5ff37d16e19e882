/**
 * Who may watch a queue: `public` (anyone), `authenticated` (a digest user of the presence
 * domain; the SIP layer challenges) or an allowlist of domains (`example.com`, `*.example.com` for
 * its subdomains) and URIs (`sip:alice@example.com`), matched on the watcher's From URI. RFC 5025
 * §3.2.1 (sub-handling): a refused watcher is blocked (403) or politely blocked (the subscription
 * is accepted, stays pending, then ends with reason=rejected, RFC 6665 §4.2.2).
 */
import { aorOf } from '../../server/policy/presentity.js';
import type { DeepReadonly } from '../../../config/schema.js';
import type { QueuePresenceAccessData } from '../config-schema.js';

export type AccessVerdict = 'allowed' | 'needs-authentication' | 'denied';

/** `user@host` and host of a From AOR (`sip:user@host`, lower-cased host), as given by the SIP layer. */
export interface WatcherIdentity {
  readonly aor: string | undefined;
}

function hostOf(aor: string): string {
  return aor.slice(aor.lastIndexOf('@') + 1).toLowerCase();
}

function matches(entry: string, aor: string): boolean {
  const e = entry.trim();
  if (/^sips?:/i.test(e)) return aorOf(e) === aorOf(aor);
  const host = e.toLowerCase();
  return host.startsWith('*.') ? hostOf(aor).endsWith(host.slice(1)) : hostOf(aor) === host;
}

export function accessVerdict(
  access: DeepReadonly<QueuePresenceAccessData>,
  watcher: WatcherIdentity,
): AccessVerdict {
  if (access === 'public') return 'allowed';
  if (access === 'authenticated') return 'needs-authentication';
  const aor = watcher.aor;
  if (aor === undefined) return 'denied';
  return access.allow.some((entry) => matches(entry, aor)) ? 'allowed' : 'denied';
}
