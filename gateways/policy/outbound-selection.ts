/**
 * The failover plan for an outbound call: gateways that can take it, grouped by priority (lower
 * first), and inside a group in weighted random order — the first pick is gateway i with probability
 * weight_i / Σ weights, the next among the rest likewise (sampling without replacement, as
 * RFC 2782's SRV selection does). `random` is injected (returns [0, 1)); tests seed it.
 */

export interface OutboundCandidate {
  readonly id: string;
  readonly priority: number;
  /** > 0 */
  readonly weight: number;
}

function weightedOrder<G extends OutboundCandidate>(group: G[], random: () => number): G[] {
  const rest = [...group];
  const out: G[] = [];
  let total = rest.reduce((sum, g) => sum + g.weight, 0);
  while (rest.length > 0) {
    let r = random() * total;
    let pick = rest.length - 1; // guards against rounding at the top end
    for (let i = 0; i < rest.length; i++) {
      r -= rest[i]?.weight ?? 0;
      if (r < 0) {
        pick = i;
        break;
      }
    }
    const [chosen] = rest.splice(pick, 1);
    if (chosen === undefined) break;
    total -= chosen.weight;
    out.push(chosen);
  }
  return out;
}

/**
 * Orders `candidates` for failover. `usable` filters out what must not be tried now (disabled, down
 * per the health checks, at its concurrent-call limit); it is asked once per candidate.
 */
export function planOutbound<G extends OutboundCandidate>(
  candidates: readonly G[],
  usable: (g: G) => boolean,
  random: () => number,
): G[] {
  const groups = new Map<number, G[]>();
  for (const g of candidates) {
    if (!usable(g)) continue;
    const group = groups.get(g.priority) ?? [];
    group.push(g);
    groups.set(g.priority, group);
  }
  return [...groups.keys()].sort((a, b) => a - b).flatMap((p) => weightedOrder(groups.get(p) ?? [], random));
}
