/**
 * Building the requests the engine sends: new out-of-dialog requests for an app (spec §2.5 case 4,
 * §2.7 defaults), requests inside a dialog (§2.5 case 2, RFC 3261 §12.2.1.1), CANCEL (§9.1) and
 * the engine's own BYE / refresh. Header order: Via, Max-Forwards, Route, From, To, Call-ID, CSeq,
 * Contact, the app's headers, Content-Type (Content-Length is written on serialisation).
 */
import { SipMessage } from '../message/sip-message.js';
import type { SipHeader } from '../message/types.js';
import type { LocalEndpoint } from '../transport/types.js';
import { newCallId } from '../util/ids.js';
import { newLocalTag } from './ids.js';
import { MAX_FORWARDS } from './constants.js';
import type { Dialog } from './dialog.js';
import type { SortedAppHeaders } from './header-rules.js';
import { withTag } from './sip-fields.js';
import { contactFor, newBranch, viaFor } from './targets.js';

export interface RequestParts {
  sorted: SortedAppHeaders;
  body: Buffer;
  contentType: string | undefined;
  /** Extra headers the engine adds (Reason, Session-Expires…), after the app's. */
  extra?: readonly SipHeader[];
}

const EMPTY_SORTED: SortedAppHeaders = { contact: [], others: [] };

export const engineParts = (
  extra: readonly SipHeader[] = [],
  body?: Buffer,
  contentType?: string,
): RequestParts => ({
  sorted: EMPTY_SORTED,
  body: body ?? Buffer.alloc(0),
  contentType,
  extra,
});

/** §2.7: Contact is added to INVITE, SUBSCRIBE and (in dialog) REFER unless the app gave one. */
export function wantsContact(method: string, inDialog: boolean): boolean {
  return method === 'INVITE' || method === 'SUBSCRIBE' || (inDialog && method === 'REFER');
}

function finish(msg: SipMessage, parts: RequestParts): SipMessage {
  for (const h of parts.sorted.others) msg.headers.push(h);
  for (const h of parts.extra ?? []) msg.headers.push(h);
  if (parts.contentType !== undefined) msg.headers.push({ name: 'Content-Type', value: parts.contentType });
  msg.body = parts.body;
  return msg;
}

/** RFC 3261 §8.1.1.5: an initial CSeq number below 2**31 (kept small and random). */
function initialCSeq(): number {
  return 1 + Math.floor(Math.random() * 30000);
}

/** §2.5 case 4 / §2.7: a new request; the app's Call-ID, CSeq and From tag are honoured (auth retry). */
export function buildNewRequest(
  method: string,
  uri: string,
  ep: LocalEndpoint,
  parts: RequestParts,
): SipMessage {
  const s = parts.sorted;
  const msg = SipMessage.request(method, uri);
  const h = msg.headers;
  h.push({ name: 'Via', value: viaFor(ep, newBranch()) });
  h.push({ name: 'Max-Forwards', value: s.maxForwards ?? String(MAX_FORWARDS) });
  const from = s.from ?? contactFor(ep);
  h.push({ name: 'From', value: withTag(from, newLocalTag()) });
  h.push({ name: 'To', value: s.to ?? `<${uri}>` });
  h.push({ name: 'Call-ID', value: s.callId ?? newCallId() });
  h.push({
    name: 'CSeq',
    value: s.cseq !== undefined ? fixCSeqMethod(s.cseq, method) : `${initialCSeq()} ${method}`,
  });
  const contact = s.contact.length ? s.contact : wantsContact(method, false) ? [contactFor(ep)] : [];
  for (const c of contact) h.push({ name: 'Contact', value: c });
  return finish(msg, parts);
}

function fixCSeqMethod(cseq: string, method: string): string {
  const n = /^\s*(\d+)/.exec(cseq)?.[1];
  return n === undefined ? `${initialCSeq()} ${method}` : `${n} ${method}`;
}

/**
 * RFC 3261 §12.2.1.1: a request inside `d`. `uri` is the app's Request-URI; `sip:placeholder`
 * (srf's stand-in) and any ACK get the dialog's remote target (spec §2.5 case 2).
 */
export function buildInDialogRequest(
  d: Dialog,
  method: string,
  ep: LocalEndpoint,
  parts: RequestParts,
  opts: { uri?: string; cseq?: number } = {},
): SipMessage {
  const routing = d.requestRouting();
  const useTarget = method === 'ACK' || opts.uri === undefined || /^sips?:placeholder\b/i.test(opts.uri);
  const msg = SipMessage.request(method, useTarget ? routing.uri : (opts.uri ?? routing.uri));
  const h = msg.headers;
  h.push({ name: 'Via', value: viaFor(ep, newBranch()) });
  h.push({ name: 'Max-Forwards', value: parts.sorted.maxForwards ?? String(MAX_FORWARDS) });
  for (const r of routing.routes) h.push({ name: 'Route', value: r });
  h.push({ name: 'From', value: d.localParty });
  h.push({ name: 'To', value: d.remoteParty });
  h.push({ name: 'Call-ID', value: d.callId });
  const seq = opts.cseq ?? d.nextCSeq(appSeq(parts.sorted.cseq));
  h.push({ name: 'CSeq', value: `${seq} ${method}` });
  const contact = parts.sorted.contact;
  if (contact.length) {
    d.localContact = contact[0] ?? d.localContact;
    for (const c of contact) h.push({ name: 'Contact', value: c });
  } else if (wantsContact(method, true)) h.push({ name: 'Contact', value: d.localContact });
  return finish(msg, parts);
}

function appSeq(cseq: string | undefined): number | undefined {
  if (cseq === undefined) return undefined;
  const n = /^\s*(\d+)/.exec(cseq)?.[1];
  return n === undefined ? undefined : Number(n);
}

/** RFC 3261 §9.1: CANCEL mirrors the INVITE's Request-URI, top Via, Route, From, To, Call-ID, CSeq number. */
export function buildCancel(invite: SipMessage, parts: RequestParts): SipMessage {
  const uri = invite.startLine.kind === 'request' ? invite.startLine.uri : '';
  const msg = SipMessage.request('CANCEL', uri);
  const h = msg.headers;
  h.push({ name: 'Via', value: invite.get('via') ?? '' });
  h.push({ name: 'Max-Forwards', value: String(MAX_FORWARDS) });
  for (const r of invite.getAll('route')) h.push({ name: 'Route', value: r });
  h.push({ name: 'From', value: invite.get('from') ?? '' });
  h.push({ name: 'To', value: invite.get('to') ?? '' });
  h.push({ name: 'Call-ID', value: invite.get('call-id') ?? '' });
  const seq = /^\s*(\d+)/.exec(invite.get('cseq') ?? '')?.[1] ?? '1';
  h.push({ name: 'CSeq', value: `${seq} CANCEL` });
  return finish(msg, parts);
}
