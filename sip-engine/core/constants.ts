/** Fixed times of drachtio-server the core reproduces (spec §3.6). */

/** §3.2 step 7: a pending request the app never answers is forgotten, without a SIP response. */
export const PENDING_FORGET_MS = 64_000;
/** §3.5: a BYE the app never answers is cleaned up after 32 s. */
export const ORPHAN_BYE_FORGET_MS = 32_000;
/** §3.4, §3.6 TIMER_D_MSECS: how long the ACK for a 2xx is kept for re-sending on retransmissions. */
export const UAC_ACK_KEEP_MS = 30_000;
/** How long a 2xx to our INVITE waits for the app's ACK before the engine gives up on it. */
export const UAC_ACK_WAIT_MS = 32_000;
/** RFC 4028 §4: the smallest Min-SE. */
export const MIN_SE_FLOOR_S = 90;
/** RFC 3261 §8.1.1.6: Max-Forwards on requests we originate. */
export const MAX_FORWARDS = 70;
