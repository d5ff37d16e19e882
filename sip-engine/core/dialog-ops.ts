/**
 * Opening and ending dialogs in the store, and finding where a dialog's requests go. Ending a
 * dialog clears all its timers, so nothing fires for a dialog that is gone.
 */
import type { LocalEndpoint, RemoteTarget } from '../transport/types.js';
import type { CoreContext } from './context.js';
import type { Dialog } from './dialog.js';
import { remoteTarget, resolveHost } from './targets.js';

export function openDialog(ctx: CoreContext, d: Dialog): void {
  const previous = ctx.dialogs.get(d.id);
  if (previous && previous !== d) endDialog(ctx, previous, 'replaced');
  ctx.dialogs.add(d);
  ctx.metrics.dialogOpened(d.role);
}

/**
 * Terminates and forgets a dialog; a no-op when it already ended. A 2xx still waiting for its ACK
 * stops being retransmitted and its INVITE leg completes (RFC 3261 §15.1.2: a BYE may overtake a
 * lost ACK; nothing of the call may outlive the dialog).
 */
export function endDialog(ctx: CoreContext, d: Dialog, cause: string): void {
  if (d.isTerminated) return;
  const waiting = d.ackWait;
  d.to('terminated');
  d.clearJobs();
  if (waiting) completeAcceptedLeg(ctx, waiting.legTxnId);
  ctx.dialogs.remove(d);
  ctx.metrics.dialogClosed(cause);
}

/** The INVITE leg whose 2xx was acknowledged (or will never be) leaves the pending store. */
export function completeAcceptedLeg(ctx: CoreContext, txnId: string): void {
  const leg = ctx.uas.get(txnId);
  if (leg?.state !== 'accepted') return;
  leg.to('completed');
  ctx.uas.remove(leg);
}

/**
 * RFC 3261 §8.1.2, §12.2.1.1: where a request in this dialog goes. Synchronous once resolved (the
 * usual case: an IP literal); a host name is looked up once and cached on the dialog.
 */
export function dialogTarget(d: Dialog): RemoteTarget | Promise<RemoteTarget | undefined> | undefined {
  if (d.resolved) return d.resolved;
  const hop = d.nextHop();
  if (!hop) return undefined;
  const build = (address: string): RemoteTarget => {
    const t = remoteTarget(hop.protocol, address, hop.port, hop.connectionId);
    d.resolved = t;
    return t;
  };
  const h = hop.host.startsWith('[') ? hop.host.slice(1, -1) : hop.host;
  if (/^[\d.]+$/.test(h) || h.includes(':')) return build(h);
  return resolveHost(h).then(build, () => undefined);
}

/** The local endpoint for a target, or undefined when no transport of that kind is configured. */
export function endpointFor(ctx: CoreContext, target: RemoteTarget): LocalEndpoint | undefined {
  return ctx.transport.selectEndpoint({ protocol: target.protocol, address: target.address });
}
