/**
 * Which apps registered for which verb (spec §2.3 `route`/`remove_route`, §3.9), with a
 * round-robin cursor per verb. Verbs are SIP methods in lower case or `cdr:attempt|start|stop`.
 *
 * Closed or unauthenticated members are pruned lazily when a pick meets them (§3.9: "Disconnected
 * clients are pruned lazily"); the server also drops a connection eagerly when it closes.
 */

export interface Routable {
  readonly open: boolean;
  readonly authenticated: boolean;
}

interface VerbEntry<C> {
  members: C[];
  /** Index of the member the next pick starts from. */
  next: number;
}

export class RouteRegistry<C extends Routable> {
  readonly #byVerb = new Map<string, VerbEntry<C>>();

  /** §2.3 `route|<verb>`: adds `conn` once, at the end of the rotation. */
  add(verb: string, conn: C): void {
    const key = verb.toLowerCase();
    let entry = this.#byVerb.get(key);
    if (!entry) {
      entry = { members: [], next: 0 };
      this.#byVerb.set(key, entry);
    }
    if (!entry.members.includes(conn)) entry.members.push(conn);
  }

  /**
   * §2.3 `remove_route|<verb>` quirk: the server removes EVERY verb of that client, whatever verb
   * was named. Also used when a connection closes. Returns the verbs that were removed.
   */
  removeAll(conn: C): string[] {
    const removed: string[] = [];
    for (const [verb, entry] of this.#byVerb) {
      if (this.#removeAt(verb, entry, entry.members.indexOf(conn))) removed.push(verb);
    }
    return removed;
  }

  /** Verbs `conn` is registered for. */
  verbsOf(conn: C): string[] {
    return [...this.#byVerb].filter(([, e]) => e.members.includes(conn)).map(([verb]) => verb);
  }

  /** Number of members (open or not) registered for `verb`. */
  count(verb: string): number {
    return this.#byVerb.get(verb.toLowerCase())?.members.length ?? 0;
  }

  /** §3.9: round robin among open, authenticated members; prunes the others it meets. */
  pick(verb: string): C | undefined {
    const key = verb.toLowerCase();
    const entry = this.#byVerb.get(key);
    while (entry && entry.members.length > 0) {
      const index = entry.next % entry.members.length;
      const conn = entry.members[index];
      if (conn?.open && conn.authenticated) {
        entry.next = index + 1;
        return conn;
      }
      this.#removeAt(key, entry, index);
    }
    return undefined;
  }

  #removeAt(verb: string, entry: VerbEntry<C>, index: number): boolean {
    if (index < 0) return false;
    entry.members.splice(index, 1);
    if (index < entry.next) entry.next--;
    if (entry.members.length === 0) this.#byVerb.delete(verb);
    return true;
  }
}
