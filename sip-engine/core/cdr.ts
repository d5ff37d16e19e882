/**
 * Call detail records (spec §2.4(c), §3.9), sent only when the engine config has `cdrs: true`, to
 * one app (round robin) that did `route|cdr:<kind>`.
 *   attempt: `<source>|<time>` + the INVITE;  start: `…|<role>` + the 2xx;  stop: `…|<reason>` + the
 *   message that ended the call.
 */
import { sipText } from './sip-text.js';
import type { SipMessage } from '../message/sip-message.js';
import { cdrTokens } from '../app/frames.js';
import type { CoreContext } from './context.js';

export type CdrSource = 'network' | 'application';
export type CdrRole = 'uac' | 'uas' | 'proxy-uac' | 'proxy-uas';
export type CdrStopReason =
  'call-rejected' | 'call-canceled' | 'normal-release' | 'session-expired' | 'system-initiated-termination';

export function cdrAttempt(ctx: CoreContext, source: CdrSource, msg: SipMessage): void {
  if (!ctx.config.cdrs) return;
  ctx.app.sendCdr('cdr:attempt', cdrTokens(source, ctx.clock.wallNow()), sipText(msg));
}

export function cdrStart(ctx: CoreContext, source: CdrSource, role: CdrRole, msg: SipMessage): void {
  if (!ctx.config.cdrs) return;
  ctx.app.sendCdr('cdr:start', cdrTokens(source, ctx.clock.wallNow(), role), sipText(msg));
}

export function cdrStop(ctx: CoreContext, source: CdrSource, reason: CdrStopReason, msg: SipMessage): void {
  if (!ctx.config.cdrs) return;
  ctx.app.sendCdr('cdr:stop', cdrTokens(source, ctx.clock.wallNow(), reason), sipText(msg));
}
