/**
 * The lookups inbound identification needs, built once per configuration: gateways by id, by
 * source prefix (longest match, source-index.ts) and by digest username.
 */
import type { GatewaySettings } from './gateway.js';
import { buildSourceIndex } from './source-index.js';
import type { SourceIndex, SourceIssue } from './source-index.js';

export type DirectoryGateway = Pick<GatewaySettings, 'id' | 'sources' | 'auth'>;

export interface GatewayDirectory<G extends DirectoryGateway> {
  readonly byId: ReadonlyMap<string, G>;
  readonly sources: SourceIndex<G>;
  readonly byUsername: ReadonlyMap<string, G>;
  /** Sources that could not be indexed (see gateway-issues.ts for the config messages). */
  readonly issues: readonly SourceIssue<G>[];
}

export function buildGatewayDirectory<G extends DirectoryGateway>(
  gateways: readonly G[],
): GatewayDirectory<G> {
  const { index, issues } = buildSourceIndex(gateways);
  const byUsername = new Map<string, G>();
  for (const g of gateways)
    if (g.auth && !byUsername.has(g.auth.username)) byUsername.set(g.auth.username, g);
  return { byId: new Map(gateways.map((g) => [g.id, g])), sources: index, byUsername, issues };
}
