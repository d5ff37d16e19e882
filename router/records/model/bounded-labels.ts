/**
 * Keeps a metric label's cardinality bounded: the first `max` distinct values (plus any given up
 * front, e.g. the configured queues) are used as they are; later ones are reported as `other`.
 */
export const OTHER_LABEL = 'other';

export class BoundedLabels {
  readonly #known = new Set<string>();
  readonly #max: number;

  constructor(max: number, initial: readonly string[] = []) {
    this.#max = max + initial.length;
    for (const v of initial) this.#known.add(v);
  }

  label(value: string): string {
    if (this.#known.has(value)) return value;
    if (this.#known.size >= this.#max) return OTHER_LABEL;
    this.#known.add(value);
    return value;
  }

  get size(): number {
    return this.#known.size;
  }
}
