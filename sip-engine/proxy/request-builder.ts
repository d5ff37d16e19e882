/**
 * Building what a stateful proxy sends (RFC 3261 §16.6 "Request Forwarding"): the per-branch copy
 * of the request, the CANCEL for a branch (§9.1), and the responses the proxy generates itself
 * (§8.2.6, §16.7 step 6, §16.8, §16.9).
 */
import { splitHeaderList } from '../message/headers.js';
import { SipMessage } from '../message/sip-message.js';
import type { SipHeader } from '../message/types.js';
import type { LocalEndpoint } from '../transport/types.js';
import { newTag } from '../util/ids.js';
import { applyAppHeaders } from './app-headers.js';
import { routeEntries, setRouteEntries, stripOwnRoutes } from './routes.js';
import { advertisedHostPort } from './target.js';
import { ourVia } from './via.js';

export interface BranchRequestInput {
  /** The request as received from upstream (never mutated). */
  original: SipMessage;
  /** Request-URI for this branch, or undefined to keep the original (tel: URIs, spec §3.8). */
  requestUri: string | undefined;
  appHeaders: readonly SipHeader[];
  /** Record-Route (or Path for REGISTER) so the proxy stays on the path (remainInDialog). */
  recordRoute: boolean;
  /** Where the request arrived (for a second Record-Route when it differs, RFC 5658). */
  inbound: LocalEndpoint;
  /** The endpoint the branch leaves from. */
  outbound: LocalEndpoint;
  branch: string;
  isLocal: (host: string, port: number | undefined) => boolean;
}

/** `<sip:host:port[;transport=x];lr>` for an endpoint (RFC 3261 §16.6 step 4). */
export function recordRouteValue(local: LocalEndpoint): string {
  const transport = local.protocol === 'udp' ? '' : `;transport=${local.protocol}`;
  return `<sip:${advertisedHostPort(local)}${transport};lr>`;
}

/** RFC 3261 §16.6 step 3: decrement Max-Forwards, or add it with 70. */
function decrementMaxForwards(m: SipMessage): void {
  const n = Number.parseInt(m.get('max-forwards') ?? '', 10);
  m.set('Max-Forwards', String(Number.isFinite(n) && n > 0 ? n - 1 : 70));
}

function addRequireTag(m: SipMessage, tag: string): void {
  const tags = m.getAll('require').flatMap((v) => splitHeaderList(v));
  if (tags.some((t) => t.toLowerCase() === tag)) return;
  m.set('Require', [...tags, tag].join(', '));
}

/** RFC 3261 §16.6 step 4 (Record-Route) or RFC 3327 §5.2 (Path for REGISTER). */
function addRecordRoute(m: SipMessage, input: BranchRequestInput): void {
  const out = recordRouteValue(input.outbound);
  const inb = recordRouteValue(input.inbound);
  const header = m.method === 'REGISTER' ? 'Path' : 'Record-Route';
  // RFC 5658 §4: entering and leaving on different interfaces or transports needs two entries;
  // the topmost one faces the next hop.
  if (inb !== out) m.prepend(header, inb);
  m.prepend(header, out);
  if (header === 'Path') addRequireTag(m, 'path');
}

/** The copy of the upstream request sent on one branch (RFC 3261 §16.6 steps 1-8). */
export function buildBranchRequest(input: BranchRequestInput): SipMessage {
  const m = input.original.clone(); // step 1
  if (input.requestUri !== undefined && m.startLine.kind === 'request') m.startLine.uri = input.requestUri; // step 2
  decrementMaxForwards(m); // step 3
  // The app's headers (spec §2.7) before Record-Route/Path so `Require: path` merges with the app's Require.
  applyAppHeaders(m, input.appHeaders, advertisedHostPort(input.outbound));
  if (input.recordRoute) addRecordRoute(m, input); // step 4
  // RFC 3261 §16.4: a Route naming this proxy (a preloaded route to us) is removed.
  setRouteEntries(m, stripOwnRoutes(routeEntries(m), input.isLocal));
  m.prepend('Via', ourVia(input.outbound, input.branch)); // step 8
  return m;
}

/**
 * RFC 3261 §9.1: a CANCEL has the Request-URI, Call-ID, To, From, CSeq number and the single top
 * Via (same branch) of the request it cancels, and the same Route headers.
 */
export function buildCancel(request: SipMessage, reason?: string): SipMessage {
  const uri = request.startLine.kind === 'request' ? request.startLine.uri : '';
  const cancel = SipMessage.request('CANCEL', uri);
  const via = request.get('via');
  if (via !== undefined) cancel.append('Via', via);
  for (const route of request.getAll('route')) cancel.append('Route', route);
  cancel.append('Max-Forwards', '70');
  for (const name of ['From', 'To', 'Call-ID']) {
    const v = request.get(name);
    if (v !== undefined) cancel.append(name, v);
  }
  const seq = (request.get('cseq') ?? '').trim().split(/\s+/)[0] ?? '1';
  cancel.append('CSeq', `${seq} CANCEL`);
  if (reason !== undefined) cancel.append('Reason', reason); // RFC 3326
  return cancel;
}

const REASONS: Readonly<Record<number, string>> = {
  408: 'Request Timeout',
  483: 'Too Many Hops',
  487: 'Request Terminated',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Unknown';
}

/**
 * A response the proxy generates itself to the upstream request (RFC 3261 §8.2.6.2): Via, From,
 * To (with a tag added for a final response), Call-ID and CSeq copied from the request.
 */
export function buildLocalResponse(
  request: SipMessage,
  status: number,
  reason = reasonPhrase(status),
  server?: string,
): SipMessage {
  const res = SipMessage.response(status, reason);
  for (const via of request.getAll('via')) res.append('Via', via);
  const from = request.get('from');
  if (from !== undefined) res.append('From', from);
  const to = request.get('to');
  if (to !== undefined)
    res.append('To', status > 100 && !/;\s*tag=/i.test(to) ? `${to};tag=${newTag()}` : to);
  for (const name of ['Call-ID', 'CSeq']) {
    const v = request.get(name);
    if (v !== undefined) res.append(name, v);
  }
  if (server !== undefined) res.append('Server', server);
  return res;
}
