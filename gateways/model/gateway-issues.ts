/**
 * Problems in a list of schema-valid gateways that the schema cannot express, all reported at once
 * (the config loader shows every one): sources that are not addresses/CIDRs, a prefix claimed by two
 * gateways, duplicate ids or digest usernames, a gateway nothing can identify or reach, timer and
 * numbering relations. Paths are JSON pointers relative to the gateway list (`/2/sources/0`).
 */
import type { GatewaySettings as Gateway } from './gateway.js';
import { buildSourceIndex } from './source-index.js';

export interface GatewayIssue {
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

const CIDR_HINTS = {
  'not-an-address': 'write an IPv4/IPv6 address or prefix, e.g. 192.0.2.10 or 2001:db8::/32',
  'bad-length': 'the prefix length is 0-32 for IPv4 and 0-128 for IPv6',
  'host-bits-set': 'the bits after the prefix length must be zero, e.g. 10.1.0.0/16',
} as const;

function sourceIssues(gateways: readonly Gateway[]): GatewayIssue[] {
  const position = new Map(gateways.map((g, i) => [g, i]));
  const { issues } = buildSourceIndex(gateways);
  return issues.map((issue) => {
    const i = position.get(issue.gateway) ?? -1;
    const path = `/${i}/sources/${issue.gateway.sources.indexOf(issue.source)}`;
    if (issue.kind === 'bad-cidr')
      return {
        path,
        message: `'${issue.source}' is not a usable source (${issue.problem})`,
        hint: CIDR_HINTS[issue.problem],
      };
    return {
      path,
      message: `'${issue.source}' is already a source of gateway '${issue.ownedBy.id}'`,
      hint: 'a prefix may belong to one gateway only; use a longer prefix or digest credentials',
    };
  });
}

function duplicates(
  gateways: readonly Gateway[],
  key: (g: Gateway) => string | undefined,
  what: string,
  field: string,
): GatewayIssue[] {
  const seen = new Map<string, number>();
  const out: GatewayIssue[] = [];
  gateways.forEach((g, i) => {
    const k = key(g);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else out.push({ path: `/${i}/${field}`, message: `${what} '${k}' is also used by gateway #${first}` });
  });
  return out;
}

function ownIssues(g: Gateway, i: number): GatewayIssue[] {
  const out: GatewayIssue[] = [];
  if (g.sources.length === 0 && g.auth === undefined && g.host === undefined) {
    out.push({
      path: `/${i}`,
      message: `gateway '${g.id}' has no sources, no credentials and no host`,
      hint: 'add sources (inbound by address), auth (inbound by digest) or host (outbound)',
    });
  }
  if (g.health.enabled && g.host !== undefined && g.health.timeoutMs >= g.health.intervalMs) {
    out.push({ path: `/${i}/health/timeoutMs`, message: 'timeoutMs must be shorter than intervalMs' });
  }
  const n = g.numbering;
  if (n) {
    // The international prefix is matched first, so a national prefix starting with it is never seen.
    if (n.nationalPrefix.startsWith(n.internationalPrefix)) {
      out.push({
        path: `/${i}/numbering/nationalPrefix`,
        message: `national prefix '${n.nationalPrefix}' starts with the international prefix '${n.internationalPrefix}'`,
      });
    }
    if (n.nationalDigits && n.nationalDigits.min > n.nationalDigits.max) {
      out.push({ path: `/${i}/numbering/nationalDigits`, message: 'min is larger than max' });
    }
  }
  return out;
}

/** Every problem found, in list order; empty when the gateways can be used. */
export function gatewayIssues(gateways: readonly Gateway[]): GatewayIssue[] {
  return [
    ...duplicates(gateways, (g) => g.id, 'id', 'id'),
    ...duplicates(gateways, (g) => g.auth?.username, 'digest username', 'auth/username'),
    ...gateways.flatMap(ownIssues),
    ...sourceIssues(gateways),
  ];
}
