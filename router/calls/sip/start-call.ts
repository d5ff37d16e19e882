/**
 * The INVITE handler's call-control step (thin): builds the call's B2BUA ({@link InboundCall}) on
 * the srf that received the INVITE and hands the call to the coordinator.
 */
import { randomUUID } from 'node:crypto';
import type { Srf } from '../../../infra/drachtio/srf-connection.js';
import type { StartCall } from '../../sip/invite-handler.js';
import type { CallLog } from '../call-ports.js';
import type { CallCoordinator } from '../call-coordinator.js';
import type { DialOut } from './dial-out.js';
import type { ForkTarget } from './fork.js';
import { InboundCall } from './inbound-call.js';
import type { InboundCallDeps } from './inbound-call.js';

export interface StartCallDeps {
  readonly coordinator: CallCoordinator;
  readonly devicesOf: (agentId: string) => Promise<ForkTarget[]>;
  readonly dialOut: DialOut;
  readonly log: CallLog;
  /** rtpengine configured: what each call's hold program needs (else ringback). */
  readonly holdOf?: (callId: string) => NonNullable<InboundCallDeps['hold']>;
  /** RFC 4028 session interval of every leg (config `calls.sessionExpiresS`). */
  readonly sessionExpiresS?: number;
}

export function createStartCall(deps: StartCallDeps): StartCall {
  return (req, res, admitted, entry) => {
    const callId = randomUUID();
    const control = new InboundCall({
      srf: req.srf as Srf,
      req,
      res,
      callId,
      caller: admitted.caller,
      sink: deps.coordinator,
      log: deps.log,
      devicesOf: deps.devicesOf,
      ...(deps.holdOf ? { hold: deps.holdOf(callId) } : {}),
      dialOut: deps.dialOut,
      ...(deps.sessionExpiresS !== undefined ? { sessionExpiresS: deps.sessionExpiresS } : {}),
    });
    const info = {
      callId,
      sipCallId: req.get('Call-ID'),
      ...(admitted.gatewayId !== undefined ? { gatewayId: admitted.gatewayId } : {}),
      caller: admitted.caller,
      callerRestricted: admitted.callerRestricted,
      dialled: admitted.dialled,
      entry:
        entry.kind === 'queue'
          ? { kind: 'queue' as const, queueId: entry.queueId }
          : { kind: 'agent' as const, agentId: entry.agentId },
    };
    deps.coordinator
      .arrive(info, control, () => admitted.release())
      .then(
        (r) => {
          if (!r.accepted) {
            admitted.release();
            control.reject(r.status);
          }
        },
        (err: unknown) => {
          deps.log.error({ callId, err }, 'call control failed');
          admitted.release();
          control.reject(500);
        },
      );
  };
}

/** Registrar bindings → INVITE targets: the Contact, sent to where the device registered from (NAT). */
export function bindingTargets(
  bindings: readonly { contact: string; source: { address: string; port: number; transport: string } }[],
): ForkTarget[] {
  return bindings.map((b) => {
    const t = b.source.transport.toLowerCase();
    const host = b.source.address.includes(':') ? `[${b.source.address}]` : b.source.address;
    return ['udp', 'tcp', 'tls'].includes(t)
      ? { uri: b.contact, proxy: `sip:${host}:${b.source.port};transport=${t}` }
      : { uri: b.contact };
  });
}
