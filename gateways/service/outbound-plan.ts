/**
 * An outbound call's failover plan as SIP request URIs: gateways in priority order, weighted random
 * inside a priority (policy/outbound-selection.ts), each taking its concurrency slot only when it is
 * actually tried, so a plan does not hold slots it may never use.
 */
import type { AcquireResult } from '../model/concurrency-limiter.js';
import { planOutbound } from '../policy/outbound-selection.js';
import type { LiveGateway } from './live-gateway.js';

export interface OutboundLease {
  readonly gatewayId: string;
  /** Gives the slot back; call when the attempt failed or the call ended (later calls are no-ops). */
  release(): void;
}

export interface OutboundTarget {
  readonly gatewayId: string;
  /** `sip:<number>@<host>[:<port>][;transport=<t>]` (RFC 3261 §19.1.1). */
  readonly uri: string;
  /** A concurrency slot for this attempt; undefined when the gateway filled up meanwhile. */
  acquire(): OutboundLease | undefined;
}

export interface SlotSource {
  acquire(gatewayId: string): AcquireResult;
  released(gatewayId: string): void;
}

/** RFC 3261 §19.1.1: the transport parameter only when it is not the default UDP. */
export function gatewayUri(number: string, g: Pick<LiveGateway, 'host' | 'port' | 'transport'>): string {
  const port = g.port !== undefined ? `:${g.port}` : '';
  const transport = g.transport === 'udp' ? '' : `;transport=${g.transport}`;
  return `sip:${encodeUser(number)}@${g.host ?? ''}${port}${transport}`;
}

/** RFC 3261 §25.1 user part: unreserved, escaped, and the user-unreserved marks (+ is one). */
function encodeUser(number: string): string {
  return number.replace(
    /[^A-Za-z0-9\-_.!~*'()&=+$,;?/]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function outboundTargets(
  number: string,
  gateways: readonly LiveGateway[],
  usable: (g: LiveGateway) => boolean,
  random: () => number,
  slots: SlotSource,
): OutboundTarget[] {
  return planOutbound(gateways, usable, random).map((g) => ({
    gatewayId: g.id,
    uri: gatewayUri(number, g),
    acquire: () => {
      const slot = slots.acquire(g.id);
      if (!slot.ok) return undefined;
      return {
        gatewayId: g.id,
        release: () => {
          if (slot.lease.release()) slots.released(g.id);
        },
      };
    },
  }));
}
