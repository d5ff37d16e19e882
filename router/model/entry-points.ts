/**
 * Dialled number → entry point. Later issues add queues, people and campaigns; an unknown number
 * is an expected outcome (a value), not an error.
 */
export type EntryPoint = { kind: 'queue'; queueId: string } | { kind: 'agent'; agentId: string };

export type EntryPointLookup = (dialled: string) => EntryPoint | undefined;

/** A lookup over a fixed table (from config). */
export function staticEntryPoints(table: ReadonlyMap<string, EntryPoint>): EntryPointLookup {
  return (dialled) => table.get(dialled);
}
