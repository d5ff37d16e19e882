/**
 * "What patchbay knows" from the call state: an agent with a confirmed dialog is on the phone
 * (RFC 4480 §3.2 activity `on-the-phone`; RFC 4235 §3.7.1 state `confirmed`). Early dialogs (an
 * offer ringing) do not count: the agent is not talking yet.
 */
import type { CallStateSource, PresenceOverlay, PresenceOverlaySource } from '../ports.js';

const ON_THE_PHONE: PresenceOverlay = Object.freeze({ activities: Object.freeze(['on-the-phone' as const]) });

export function overlayFromCalls(calls: CallStateSource): PresenceOverlaySource {
  return {
    overlayFor: (presentity) =>
      calls.dialogsOf(presentity).some((d) => d.state === 'confirmed') ? ON_THE_PHONE : undefined,
    onChange: (listener) => calls.onChange(listener),
  };
}
