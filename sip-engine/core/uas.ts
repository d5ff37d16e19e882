/**
 * The app's response to a request it received (spec §2.5 case 1, §3.3): found by transaction id
 * (an early UPDATE's response by its `CSeq: n UPDATE`, §2.8), built on the request's Via/From/To/
 * Call-ID/CSeq with the app's headers filtered by §2.7, sent through the server transaction and
 * echoed to the app as sent (`…|txnId|dialogId||Msg sent:|`, §5 items 3–4).
 */
import { sipText } from './sip-text.js';
import { nokReply, responseEchoReply } from '../app/frames.js';
import type { AppConnection, CommandResponder, SipCommand } from '../app/types.js';
import { getTag } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { CoreContext } from './context.js';
import { NokReason } from './errors.js';
import { newLocalTag } from './ids.js';
import { detectContentType, hasOptionTag, sortAppHeaders } from './header-rules.js';
import type { SortedAppHeaders } from './header-rules.js';
import { buildResponse } from './responses.js';
import { cseqOf } from './sip-fields.js';
import { contactFor, endpointHostport } from './targets.js';
import { targetHop } from './frames-out.js';
import { applyResponseEffects, wantsAutoContact } from './uas-effects.js';
import { peerSupports100rel } from './prack.js';
import { responseTargetOf } from './uas-leg.js';
import type { UasLeg } from './uas-leg.js';

function findLeg(ctx: CoreContext, txnId: string, appMsg: SipMessage): UasLeg | undefined {
  const leg = ctx.uas.get(txnId);
  if (!leg) return undefined;
  // §2.8: the app answers an early UPDATE with the INVITE's txn id; its CSeq tells them apart.
  if (leg.method === 'INVITE' && cseqOf(appMsg)?.method === 'UPDATE') return leg.earlyUpdate;
  return leg;
}

/** §2.7 last rule: a tag in the app's To becomes our local tag (first response that carries one). */
function chooseLocalTag(leg: UasLeg, sorted: SortedAppHeaders, status: number): void {
  if (status === 100 || leg.localTag !== undefined) return;
  if (leg.kind !== 'initial') {
    leg.localTag = getTag(leg.inbound.message.get('to') ?? '');
    return;
  }
  leg.localTag = (sorted.to === undefined ? undefined : getTag(sorted.to)) ?? newLocalTag();
}

function build(
  leg: UasLeg,
  appMsg: SipMessage,
  sorted: SortedAppHeaders,
  contentType: string | undefined,
  reliable: boolean,
): SipMessage {
  const status = appMsg.status;
  const creating = status > 100 && status < 300 && (leg.method === 'INVITE' || leg.method === 'SUBSCRIBE');
  const opts: { reason?: string; toTag?: string; recordRoute?: boolean } = { recordRoute: creating };
  if (appMsg.startLine.kind === 'response' && appMsg.startLine.reason) opts.reason = appMsg.startLine.reason;
  if (leg.localTag !== undefined) opts.toTag = leg.localTag;
  const res = buildResponse(leg.inbound.message, status, opts);
  if (sorted.contact.length) for (const c of sorted.contact) res.headers.push({ name: 'Contact', value: c });
  else if (wantsAutoContact(leg, status, reliable)) {
    res.headers.push({ name: 'Contact', value: leg.dialog?.localContact ?? contactFor(leg.inbound.local) });
  }
  for (const h of sorted.others) res.headers.push(h);
  if (contentType !== undefined) res.headers.push({ name: 'Content-Type', value: contentType });
  res.body = appMsg.body;
  return res;
}

/** RFC 3262 §3: a 1xx (not 100) the app marked `Require: 100rel` is sent reliably. */
function isReliable(sorted: SortedAppHeaders, status: number): boolean {
  if (status <= 100 || status >= 200) return false;
  const require: string[] = [];
  for (const h of sorted.others) if (h.name === 'Require') require.push(h.value);
  return hasOptionTag(require, '100rel');
}

/** Handles `sip|<txnId>|` + a response from `conn`. */
export function onAppResponse(
  ctx: CoreContext,
  _conn: AppConnection,
  cmd: SipCommand,
  appMsg: SipMessage,
  responder: CommandResponder,
): void {
  const leg = findLeg(ctx, cmd.txnId, appMsg);
  if (!leg?.open) {
    responder.reply(nokReply(NokReason.unknownTransaction));
    return;
  }
  const status = appMsg.status;
  const sorted = sortAppHeaders(appMsg.headers, 'response', endpointHostport(leg.inbound.local));
  const reliable = isReliable(sorted, status);
  if (reliable && (leg.method !== 'INVITE' || !peerSupports100rel(leg))) {
    responder.reply(nokReply(NokReason.no100rel));
    return;
  }
  chooseLocalTag(leg, sorted, status);
  const ct = detectContentType(appMsg.body, sorted.contentType, 'response');
  const res = build(leg, appMsg, sorted, ct.ok ? ct.contentType : undefined, reliable);
  applyResponseEffects(ctx, leg, res, { reliable, appGaveSe: res.has('session-expires') });
  const target = responseTargetOf(ctx.transactions, leg);
  const text = sipText(res);
  responder.reply(
    responseEchoReply(text, {
      ...targetHop(target, ctx.clock.wallNow()),
      txnId: cmd.txnId,
      dialogId: leg.dialogId,
    }),
  );
  ctx.metrics.response('out', status);
  leg.txn.respond(res).catch(notSent.bind(undefined, ctx, leg.txnId, status));
}

function notSent(ctx: CoreContext, txnId: string, status: number, err: unknown): void {
  ctx.logger.warn({ err, txnId, status }, 'response not sent');
}
