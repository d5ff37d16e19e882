/**
 * Overflow's dialer (router/calls/sip/dial-out.ts) for `patchbay start`: a spare number goes out
 * through the gateways' outbound plan (dialThroughGateways: priority and weight, each attempt
 * holding the gateway's concurrency slot, failover on 5xx, 408, timeout and transport errors —
 * RFC 3263 §4.3); a `sip:`/`sips:` target is dialled directly with the same failover rules.
 */
import { dialThroughGateways } from '../gateways/index.js';
import type { GatewayService, OutboundTarget } from '../gateways/index.js';
import type { DialOut } from '../router/calls/sip/dial-out.js';

const SIP_URI = /^sips?:/i;

/** One fixed target, no concurrency slot (a SIP URI is not a gateway). */
function uriPlan(uri: string): OutboundTarget[] {
  return [{ gatewayId: 'uri', uri, acquire: () => ({ gatewayId: 'uri', release: () => undefined }) }];
}

export function overflowDialer(service: GatewayService, timeoutMs: number): DialOut {
  return async (srf, target, o) => {
    const routing = SIP_URI.test(target)
      ? { outbound: () => uriPlan(target), classify: service.classify.bind(service) }
      : service;
    const r = await dialThroughGateways(srf, routing, target, {
      sdp: o.sdp,
      headers: { ...o.headers },
      timeoutMs,
      cbRequest: (req) => o.cbRequest(req),
    });
    if (r.kind === 'answered') {
      const via = r.gatewayId === 'uri' ? {} : { via: r.gatewayId };
      return { kind: 'answered', dialog: r.dialog, ...via, release: () => r.lease.release() };
    }
    // RFC 3261 §21.5.4: no usable gateway, or every one failed over → 503.
    return { kind: 'failed', status: r.kind === 'failed' ? r.status : 503 };
  };
}
