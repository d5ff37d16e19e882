/**
 * Requests an app starts outside any dialog (spec §2.5 cases 3–4, §3.4): new requests (with the
 * optional outbound-proxy route URI) and CANCEL of an INVITE the app sent. The app is answered
 * with the request exactly as sent (`OK|application|…|txnId|Msg sent:|`, §5 item 3) before it
 * goes on the wire, so the echo always precedes the responses.
 */
import { sipText } from './sip-text.js';
import { nokReply, requestEchoReply } from '../app/frames.js';
import type { AppConnection, CommandResponder, SipCommand } from '../app/types.js';
import type { SipMessage } from '../message/sip-message.js';
import { parseUri } from '../message/uri.js';
import type { LocalEndpoint, RemoteTarget } from '../transport/types.js';
import { cdrAttempt } from './cdr.js';
import type { CoreContext } from './context.js';
import { NokReason } from './errors.js';
import { detectContentType, sortAppHeaders } from './header-rules.js';
import { makeDialogId, newTxnId } from './ids.js';
import { buildCancel, buildNewRequest } from './request-builder.js';
import type { RequestParts } from './request-builder.js';
import { fromTagOf } from './sip-fields.js';
import { advertisedHost, endpointHostport, remoteTarget, resolveHost, uriHop } from './targets.js';
import { UacLeg } from './uac-leg.js';

/** §2.4(a): request echo meta: the local transport for UDP, the peer for a connection. */
export function echoHop(ctx: CoreContext, ep: LocalEndpoint, target: RemoteTarget) {
  const at = ctx.clock.wallNow();
  return target.protocol === 'udp'
    ? { protocol: ep.protocol, address: advertisedHost(ep), port: ep.port, at }
    : { protocol: target.protocol, address: target.address, port: target.port, at };
}

/** §2.7: a bare user or host becomes a sip: URI; anything unparseable is refused. */
function normaliseUri(uri: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(uri)
    ? uri
    : /^[+\d*#]+$/.test(uri)
      ? `sip:${uri}@localhost`
      : `sip:${uri}`;
  try {
    parseUri(withScheme);
    return withScheme;
  } catch {
    return undefined;
  }
}

/** §2.7: requests to one of our own addresses are refused. */
function isMyself(ctx: CoreContext, host: string, port: number): boolean {
  return ctx.transport.isLocal(host, port);
}

function sendNew(
  ctx: CoreContext,
  conn: AppConnection,
  appMsg: SipMessage,
  uri: string,
  target: RemoteTarget,
  responder: CommandResponder,
): void {
  if (isMyself(ctx, target.address, target.port)) return responder.reply(nokReply(NokReason.toMyself));
  const ep = ctx.transport.selectEndpoint({ protocol: target.protocol, address: target.address });
  if (!ep) return responder.reply(nokReply(NokReason.noTransport));
  const sorted = sortAppHeaders(appMsg.headers, 'request', endpointHostport(ep));
  const ct = detectContentType(appMsg.body, sorted.contentType, 'request');
  if (!ct.ok) return responder.reply(nokReply(ct.reason));
  const parts: RequestParts = { sorted, body: appMsg.body, contentType: ct.contentType };
  if (!sorted.others.some((h) => h.name === 'User-Agent'))
    parts.extra = [{ name: 'User-Agent', value: ctx.config.userAgent }];
  const method = appMsg.method;
  const req = buildNewRequest(method, uri, ep, parts);
  const creates = method === 'INVITE' || method === 'SUBSCRIBE';
  const leg = new UacLeg({
    txnId: newTxnId(),
    request: req,
    target,
    kind: 'initial',
    app: conn,
    dialogId: creates ? makeDialogId(req.get('call-id') ?? '', fromTagOf(req) ?? '') : '',
    events: ctx.uacEvents,
  });
  ctx.uac.add(leg);
  responder.reply(requestEchoReply(sipText(req), { ...echoHop(ctx, ep, target), txnId: leg.txnId }));
  ctx.metrics.request('out', method);
  leg.txn = ctx.transactions.sendRequest(req, target, leg);
  if (method === 'INVITE') cdrAttempt(ctx, 'application', req);
}

/** §2.5 case 4: `sip||` or `sip|||<outboundProxyUri>`. */
export function onAppNewRequest(
  ctx: CoreContext,
  conn: AppConnection,
  cmd: SipCommand,
  appMsg: SipMessage,
  responder: CommandResponder,
): void {
  const rawUri = appMsg.startLine.kind === 'request' ? appMsg.startLine.uri : '';
  const uri = normaliseUri(rawUri);
  if (uri === undefined) return responder.reply(nokReply(NokReason.invalidRequestUri(rawUri)));
  appMsg.startLine = { kind: 'request', method: appMsg.method, uri };
  const hopUri = cmd.routeUri ? (normaliseUri(cmd.routeUri) ?? cmd.routeUri) : uri;
  const hop = uriHop(hopUri);
  if (!hop) return responder.reply(nokReply(NokReason.invalidRequestUri(hopUri)));
  if (isMyself(ctx, hop.host, hop.port)) return responder.reply(nokReply(NokReason.toMyself));
  const host = hop.host.startsWith('[') ? hop.host.slice(1, -1) : hop.host;
  if (/^[\d.]+$/.test(host) || host.includes(':')) {
    return sendNew(ctx, conn, appMsg, uri, remoteTarget(hop.protocol, host, hop.port), responder);
  }
  resolveHost(host).then(
    (address) => sendNew(ctx, conn, appMsg, uri, remoteTarget(hop.protocol, address, hop.port), responder),
    () => responder.reply(nokReply(NokReason.invalidRequestUri(hopUri))),
  );
}

/**
 * §2.5 case 3: CANCEL of the app's INVITE (RFC 3261 §9.1). Held until a provisional arrives; after
 * a 2xx it turns into the ACK/BYE race (§3.4). The echo carries a fresh txn id srf never tracks.
 */
export function onAppCancel(
  ctx: CoreContext,
  cmd: SipCommand,
  appMsg: SipMessage,
  responder: CommandResponder,
): void {
  const leg = ctx.uac.get(cmd.txnId);
  if (leg?.method !== 'INVITE' || leg.kind === 'engine') {
    return responder.reply(nokReply(NokReason.unknownProxyTransaction(cmd.txnId)));
  }
  const ep = ctx.transport.selectEndpoint({ protocol: leg.target.protocol, address: leg.target.address });
  const sorted = sortAppHeaders(appMsg.headers, 'cancel', ep ? endpointHostport(ep) : 'localhost');
  const cancel = buildCancel(leg.request, { sorted, body: Buffer.alloc(0), contentType: undefined });
  const hop = ep ? echoHop(ctx, ep, leg.target) : { ...leg.target, at: ctx.clock.wallNow() };
  responder.reply(requestEchoReply(sipText(cancel), { ...hop, txnId: newTxnId() }));
  if (leg.cancel !== 'none') return;
  switch (leg.state) {
    case 'calling':
      leg.cancel = 'held';
      leg.heldCancel = cancel;
      return;
    case 'proceeding':
      sendCancel(ctx, leg, cancel);
      return;
    case 'accepted':
      // §3.4: the 2xx won the race: BYE as soon as the app ACKs.
      leg.cancel = 'sent';
      if (leg.dialog) leg.dialog.ackBye = true;
      return;
    default:
      return;
  }
}

export function sendCancel(ctx: CoreContext, leg: UacLeg, cancel: SipMessage): void {
  leg.cancel = 'sent';
  leg.heldCancel = undefined;
  const cancelLeg = new UacLeg({
    txnId: newTxnId(),
    request: cancel,
    target: leg.txn?.target ?? leg.target,
    kind: 'engine',
    app: undefined,
    dialogId: '',
    events: ctx.uacEvents,
  });
  ctx.metrics.request('out', 'CANCEL');
  cancelLeg.txn = ctx.transactions.sendRequest(cancel, cancelLeg.target, cancelLeg);
}
