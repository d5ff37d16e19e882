/**
 * Stateless pre-processing of a request outside any dialog (drachtio `processMessageStatelessly`,
 * spec §3.2 steps 6–9), then hand-off to an app as a pending request (§2.4(b), §2.8).
 */
import { parseSessionExpires } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { ServerTransaction } from '../transaction/types.js';
import type { InboundMessage } from '../transport/types.js';
import { cdrAttempt } from './cdr.js';
import { PENDING_FORGET_MS } from './constants.js';
import type { CoreContext } from './context.js';
import { deliver } from './context.js';
import { endDialog } from './dialog-ops.js';
import { respondFromEngine } from './engine-responses.js';
import { newRequestFrame } from './frames-out.js';
import { makeDialogId, newTxnId } from './ids.js';
import type { RejectReason } from './metrics-port.js';
import { contactUri, cseqOf, fromTagOf, listValues } from './sip-fields.js';
import { UasLeg } from './uas-leg.js';

interface Rejection {
  status: number;
  reason: RejectReason;
  headers?: { name: string; value: string }[];
}

/** RFC 3261 §8.2, spec §3.5: an INVITE needs a From tag and a Contact with a host. */
function checkInvite(ctx: CoreContext, msg: SipMessage, fromTag: string | undefined): Rejection | undefined {
  if (!fromTag || !contactUri(msg)) return { status: 400, reason: 'bad-request' };
  const se = msg.get('session-expires');
  if (se === undefined) return undefined;
  let delta: number;
  try {
    delta = parseSessionExpires(se).deltaSeconds;
  } catch {
    return { status: 400, reason: 'bad-request' };
  }
  // RFC 4028 §8.1: an interval below our Min-SE gets 422 with Min-SE.
  const minSe = ctx.config.sessionTimer.minSeS;
  if (delta < minSe) {
    return { status: 422, reason: 'session-interval', headers: [{ name: 'Min-SE', value: String(minSe) }] };
  }
  return undefined;
}

/** Spec §3.2 step 6 / RFC 3261 §10.3: a Contact without a scheme, or `*` with a non-zero Expires. */
function checkRegister(msg: SipMessage): Rejection | undefined {
  for (const c of listValues(msg, 'contact')) {
    if (c === '*') {
      if ((msg.get('expires') ?? '').trim() !== '0') return { status: 400, reason: 'bad-request' };
      continue;
    }
    if (!/^[^<]*<?[a-z][a-z0-9+.-]*:/i.test(c)) return { status: 400, reason: 'bad-request' };
  }
  return undefined;
}

function check(
  ctx: CoreContext,
  msg: SipMessage,
  method: string,
  fromTag: string | undefined,
  callId: string,
): Rejection | undefined {
  // §3.2 step 9, RFC 3261 §12.2.2: BYE/UPDATE/PRACK without a To tag belong to no dialog.
  if (method === 'BYE' || method === 'UPDATE' || method === 'PRACK')
    return { status: 481, reason: 'no-dialog' };
  if (method === 'INVITE') {
    const bad = checkInvite(ctx, msg, fromTag);
    if (bad) return bad;
    // §3.3: a forked copy of an INVITE whose dialog is already answered gets 480.
    if (ctx.dialogs.get(makeDialogId(callId, fromTag ?? ''))?.role === 'uas')
      return { status: 480, reason: 'bad-request' };
  }
  if (method === 'REGISTER') return checkRegister(msg);
  return undefined;
}

function overloaded(ctx: CoreContext): boolean {
  const size = ctx.transactions.size;
  return size.server + size.client > ctx.config.limits.maxPendingTransactions;
}

/** §3.2 steps 6–9 for a request with no To tag. */
export function onOutOfDialogRequest(
  ctx: CoreContext,
  inbound: InboundMessage,
  txn: ServerTransaction,
): void {
  const msg = inbound.message;
  const method = msg.method;
  // §3.2 step 7, RFC 3261 §17.2.1: 100 Trying at once, before any app is involved.
  if (method === 'INVITE') respondFromEngine(ctx, txn, 100);
  const fromTag = fromTagOf(msg);
  const callId = msg.get('call-id') ?? '';
  const bad = check(ctx, msg, method, fromTag, callId);
  if (bad) return reject(ctx, txn, bad);
  // §3.2 step 7: OPTIONS pings from a configured User-Agent are answered here.
  const ua = ctx.config.optionsPingUserAgent;
  if (method === 'OPTIONS' && ua !== undefined && msg.get('user-agent') === ua) {
    respondFromEngine(ctx, txn, 200);
    return;
  }
  if (overloaded(ctx)) return reject(ctx, txn, { status: 503, reason: 'overload' });
  const app = ctx.app.pickAppFor(method.toLowerCase());
  if (!app) return reject(ctx, txn, { status: 503, reason: 'no-app' });
  const leg = new UasLeg({
    txnId: newTxnId(),
    inbound,
    txn,
    kind: 'initial',
    callId,
    fromTag: fromTag ?? '',
    cseq: cseqOf(msg)?.seq ?? 0,
    app,
  });
  ctx.uas.add(leg);
  leg.forget = ctx.clock.setTimer(forgetLeg.bind(undefined, ctx, leg), PENDING_FORGET_MS);
  if (!deliver(ctx, app, newRequestFrame(inbound, leg.txnId))) {
    ctx.uas.remove(leg);
    return reject(ctx, txn, { status: 503, reason: 'no-app' });
  }
  if (method === 'INVITE') cdrAttempt(ctx, 'network', msg);
}

function reject(ctx: CoreContext, txn: ServerTransaction, r: Rejection): void {
  ctx.metrics.rejected(r.reason);
  respondFromEngine(ctx, txn, r.status, r.headers ? { headers: r.headers } : {});
}

/**
 * Spec §3.2: a request the app never answers is forgotten after 64 s. drachtio sends nothing; we
 * answer 408 so the server transaction ends (RFC 3261 §17.2 has no timer that would end it).
 */
export function forgetLeg(ctx: CoreContext, leg: UasLeg): void {
  if (!leg.open) return;
  leg.to('forgotten');
  ctx.uas.remove(leg);
  if (leg.dialog?.state === 'early') endDialog(ctx, leg.dialog, 'forgotten');
  ctx.logger.info({ txnId: leg.txnId, method: leg.method }, 'request never answered by the app: forgotten');
  respondFromEngine(
    ctx,
    leg.txn,
    leg.method === 'BYE' ? 200 : 408,
    leg.localTag ? { toTag: leg.localTag } : {},
  );
}
