/**
 * Options of the embedded presence server, validated (every problem listed) then frozen.
 * Defaults: RFC 3856 §6.4 and RFC 4235 §3.5 suggest 3600 s subscriptions; RFC 3903 §4.1 leaves the
 * publication default to the ESC (3600 s here as well).
 */
import { PresenceServerError } from './errors.js';

export interface ExpiresLimits {
  /** Below this a request gets 423 Interval Too Brief with Min-Expires. */
  readonly minExpiresS: number;
  /** Longer requests are shortened to this. */
  readonly maxExpiresS: number;
  /** Used when the request has no Expires header. */
  readonly defaultExpiresS: number;
}

export interface PresenceServerConfig {
  /** Domains whose agents are presentities here (Request-URI host, lower-case). */
  readonly domains: readonly string[];
  readonly publication: ExpiresLimits & {
    /** Publications kept per presentity; the oldest is dropped beyond this. */
    readonly maxPerPresentity: number;
  };
  readonly subscription: ExpiresLimits & {
    /** Subscriptions accepted per presentity (503 with Retry-After beyond). */
    readonly maxPerPresentity: number;
  };
  /** Largest PUBLISH body accepted, in bytes (413 beyond). */
  readonly maxBodyBytes: number;
}

export type PresenceServerOptions = Partial<Omit<PresenceServerConfig, 'publication' | 'subscription'>> & {
  readonly domains: readonly string[];
  readonly publication?: Partial<PresenceServerConfig['publication']>;
  readonly subscription?: Partial<PresenceServerConfig['subscription']>;
};

export const DEFAULT_PUBLICATION = Object.freeze({
  minExpiresS: 60,
  maxExpiresS: 7200,
  defaultExpiresS: 3600,
  maxPerPresentity: 16,
});

export const DEFAULT_SUBSCRIPTION = Object.freeze({
  minExpiresS: 60,
  maxExpiresS: 7200,
  defaultExpiresS: 3600,
  maxPerPresentity: 256,
});

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

function limitProblems(name: string, l: ExpiresLimits & { maxPerPresentity: number }): string[] {
  const out: string[] = [];
  const whole = (v: number): boolean => Number.isInteger(v) && v >= 0;
  for (const k of ['minExpiresS', 'maxExpiresS', 'defaultExpiresS', 'maxPerPresentity'] as const) {
    if (!whole(l[k])) out.push(`${name}.${k} must be a whole number ≥ 0 (got ${l[k]})`);
  }
  if (l.minExpiresS < 1) out.push(`${name}.minExpiresS must be at least 1`);
  if (l.maxExpiresS < l.minExpiresS) out.push(`${name}.maxExpiresS is below minExpiresS`);
  if (l.defaultExpiresS < l.minExpiresS || l.defaultExpiresS > l.maxExpiresS) {
    out.push(`${name}.defaultExpiresS must lie within [minExpiresS, maxExpiresS]`);
  }
  if (l.maxPerPresentity < 1) out.push(`${name}.maxPerPresentity must be at least 1`);
  return out;
}

/** Fills defaults, checks every option, and returns a frozen config; throws listing every problem. */
export function presenceServerConfig(options: PresenceServerOptions): PresenceServerConfig {
  const config: PresenceServerConfig = {
    domains: Object.freeze(options.domains.map((d) => d.trim().toLowerCase())),
    publication: Object.freeze({ ...DEFAULT_PUBLICATION, ...options.publication }),
    subscription: Object.freeze({ ...DEFAULT_SUBSCRIPTION, ...options.subscription }),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
  const problems = [
    ...(config.domains.length === 0 || config.domains.some((d) => d === '')
      ? ['domains must be non-empty']
      : []),
    ...limitProblems('publication', config.publication),
    ...limitProblems('subscription', config.subscription),
    ...(Number.isInteger(config.maxBodyBytes) && config.maxBodyBytes > 0 ? [] : ['maxBodyBytes must be > 0']),
  ];
  if (problems.length > 0) {
    throw new PresenceServerError(
      'invalid-server-config',
      `invalid presence server config: ${problems.join('; ')}`,
    );
  }
  return Object.freeze(config);
}
