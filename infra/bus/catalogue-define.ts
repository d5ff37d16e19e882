/** `defineEvent`: declares one catalogue entry (kept apart so event groups can live in their own files). */
import type { TSchema } from '@sinclair/typebox';
import { isValidTopic } from './subject.js';
import type { EventType } from './types.js';

/** Declares an event type (the type name must itself be a valid literal topic). */
export function defineEvent<S extends TSchema>(type: string, schema: S): EventType<S> {
  if (!isValidTopic(type)) throw new Error(`event type '${type}' is not a valid topic`);
  return Object.freeze({ type, schema });
}
