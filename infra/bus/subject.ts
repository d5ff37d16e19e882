/**
 * NATS subject rules, shared by both buses. Subjects are dot-separated tokens; in patterns `*`
 * matches exactly one token and `>` (last token only) matches one or more remaining tokens.
 */
import { BusError } from './types.js';

const TOKEN = /^[^\s.*>]+$/;

function tokensOf(subject: string): string[] {
  return subject.split('.');
}

/** True if `topic` is a literal subject (no wildcards, no empty tokens, no whitespace). */
export function isValidTopic(topic: string): boolean {
  return topic.length > 0 && tokensOf(topic).every((t) => TOKEN.test(t));
}

export function assertTopic(topic: string): void {
  if (!isValidTopic(topic)) throw new BusError('invalid-topic', `'${topic}' is not a valid topic`);
}

/** Validates a subscription pattern and returns its tokens. */
export function parsePattern(pattern: string): string[] {
  const tokens = tokensOf(pattern);
  const ok =
    pattern.length > 0 &&
    tokens.every((t, i) => t === '*' || (t === '>' && i === tokens.length - 1) || TOKEN.test(t));
  if (!ok) throw new BusError('invalid-topic', `'${pattern}' is not a valid subscription pattern`);
  return tokens;
}

/** Does `topic` match the pattern `tokens` (from parsePattern)? */
export function matchTokens(tokens: readonly string[], topic: string): boolean {
  const parts = tokensOf(topic);
  for (let i = 0; i < tokens.length; i++) {
    const want = tokens[i];
    if (want === '>') return parts.length > i;
    const got = parts[i];
    if (got === undefined) return false;
    if (want !== '*' && want !== got) return false;
  }
  return parts.length === tokens.length;
}

export function matchSubject(pattern: string, topic: string): boolean {
  return matchTokens(parsePattern(pattern), topic);
}
