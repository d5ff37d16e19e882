/**
 * What the router reports about work in progress, for the shutdown's drain phases. The router has
 * no calls or subscriptions yet (inbound routing and presence arrive with later issues), so
 * {@link idleActivity} is what runs today; those issues supply a real implementation.
 */
export interface RouterActivity {
  /** Calls in progress (any leg not yet terminated). */
  activeCalls(): number;
  /** Resolves once no call is in progress (the shutdown stops waiting at its drain deadline). */
  whenCallsIdle(): Promise<void>;
  /**
   * Ends every subscription patchbay serves or holds: RFC 6665 §4.2.2 (notifier ends a subscription
   * with a NOTIFY carrying `Subscription-State: terminated`) and §4.1.2.3 (subscriber unsubscribes
   * with Expires: 0).
   */
  terminateSubscriptions(): Promise<void>;
}

/** No calls, no subscriptions: both drain phases finish at once. */
export const idleActivity: RouterActivity = {
  activeCalls: () => 0,
  whenCallsIdle: () => Promise.resolve(),
  terminateSubscriptions: () => Promise.resolve(),
};
