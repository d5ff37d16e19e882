/**
 * Topic patterns a WebSocket client may subscribe to, following the bus's subject rules
 * (infra/bus/subject.ts): dot-separated non-empty tokens without whitespace, `.`, `*` or `>`, where
 * a `*` token matches one token and a final `>` matches the rest (`agent.>`, `queue.*`,
 * `agent.state.a17`). Several patterns are comma-separated, so tokens here also exclude `,`.
 */
const TOKEN = '(?:[^\\s.*>,]+|\\*)';
const PATTERN = `(?:>|${TOKEN}(?:\\.${TOKEN})*(?:\\.>)?)`;

/** JSON-schema pattern of the `topics` query parameter (one or more comma-separated patterns). */
export const TOPICS_PATTERN = `^${PATTERN}(?:,${PATTERN})*$`;

export const MAX_PATTERNS = 32;

/** Splits a validated `topics` parameter into distinct patterns. */
export function splitTopics(topics: string): string[] {
  return [...new Set(topics.split(','))];
}
