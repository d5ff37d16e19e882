/**
 * Source identification: which gateway an inbound request comes from, by its source address.
 * Every gateway's `sources` (addresses or CIDR prefixes, IPv4 and IPv6) go into one binary trie per
 * address family; a lookup walks at most 32 or 128 bits whatever the number of gateways and keeps
 * the deepest match, so the longest prefix wins (10.1.2.3/32 of one gateway beats 10.0.0.0/8 of
 * another). Built once per configuration change; lookups do not allocate.
 */
import { bitAt, formatPrefix, parseCidr, parseIp } from './ip-address.js';
import type { CidrProblem, IpPrefix } from './ip-address.js';

/** The value a lookup returns: the gateway, or "unknown" (a 403 for an INVITE; not an error). */
export type SourceMatch<G> = { readonly gateway: G; readonly prefix: string } | { readonly unknown: true };

/** Something the index could not take, reported (not thrown) so config validation lists them all. */
export type SourceIssue<G> =
  | { kind: 'bad-cidr'; gateway: G; source: string; problem: CidrProblem }
  | { kind: 'duplicate-prefix'; gateway: G; source: string; ownedBy: G };

interface Node<G> {
  zero: Node<G> | undefined;
  one: Node<G> | undefined;
  owner: { gateway: G; prefix: string } | undefined;
}

const newNode = <G>(): Node<G> => ({ zero: undefined, one: undefined, owner: undefined });

export interface SourceIndex<G> {
  /** Longest-prefix match of `address` (text as reported by the transport). */
  identify(address: string): SourceMatch<G>;
  /** Prefixes stored (after duplicates were dropped). */
  readonly size: number;
}

class TrieIndex<G> implements SourceIndex<G> {
  readonly #roots = { 4: newNode<G>(), 6: newNode<G>() };
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Stores `prefix` for `gateway`; returns the earlier owner when the exact prefix is taken. */
  insert(prefix: IpPrefix, gateway: G): G | undefined {
    let node = this.#roots[prefix.family];
    for (let i = 0; i < prefix.length; i++) {
      const side = bitAt(prefix.bytes, i) === 0 ? 'zero' : 'one';
      const next = node[side] ?? newNode<G>();
      node[side] = next;
      node = next;
    }
    if (node.owner) return node.owner.gateway;
    node.owner = { gateway, prefix: formatPrefix(prefix) };
    this.#size += 1;
    return undefined;
  }

  identify(address: string): SourceMatch<G> {
    const ip = parseIp(address);
    if (!ip) return { unknown: true };
    let node: Node<G> | undefined = this.#roots[ip.family];
    let best = node.owner;
    const bits = ip.bytes.length * 8;
    for (let i = 0; i < bits && node; i++) {
      node = bitAt(ip.bytes, i) === 0 ? node.zero : node.one;
      if (node?.owner) best = node.owner;
    }
    return best ? { gateway: best.gateway, prefix: best.prefix } : { unknown: true };
  }
}

/**
 * Builds the index from each gateway's `sources`. A source that does not parse, or a prefix that an
 * earlier gateway already claimed (ambiguous: the first keeps it), is reported in `issues`.
 */
export function buildSourceIndex<G extends { readonly sources: readonly string[] }>(
  gateways: readonly G[],
): { index: SourceIndex<G>; issues: SourceIssue<G>[] } {
  const index = new TrieIndex<G>();
  const issues: SourceIssue<G>[] = [];
  for (const gateway of gateways) {
    for (const source of gateway.sources) {
      const prefix = parseCidr(source);
      if (typeof prefix === 'string') {
        issues.push({ kind: 'bad-cidr', gateway, source, problem: prefix });
        continue;
      }
      const ownedBy = index.insert(prefix, gateway);
      if (ownedBy !== undefined && ownedBy !== gateway)
        issues.push({ kind: 'duplicate-prefix', gateway, source, ownedBy });
    }
  }
  return { index, issues };
}
