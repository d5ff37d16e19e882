/**
 * XML Schema `dateTime` values as used by PIDF timestamps (RFC 3863 §4.1.7), RPID `last-input`,
 * `from`/`until` (RFC 4480 §3.1) and timed status (RFC 4481 §3).
 */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Milliseconds since the epoch, or undefined when `s` is not a dateTime. No zone means UTC. */
export function parseDateTime(s: string): number | undefined {
  const m = DATE_TIME.exec(s.trim());
  if (!m) return undefined;
  const ms = Date.parse(m[1] === undefined ? `${s.trim()}Z` : s.trim());
  return Number.isFinite(ms) ? ms : undefined;
}

export function isDateTime(s: string): boolean {
  return parseDateTime(s) !== undefined;
}

export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString();
}
