/**
 * What the core counts. metrics.ts implements this with prom-client; {@link noMetrics} discards.
 * Labels are low-cardinality: a method from a fixed list (else "other"), a status class, a reason.
 */
export type RejectReason =
  'malformed' | 'no-app' | 'overload' | 'no-dialog' | 'session-interval' | 'bad-request' | 'request-pending';

export type RetransmissionKind = '2xx' | 'reliable-1xx' | 'ack';

export interface CoreMetrics {
  /** A request received from the network (after transaction matching) or sent for an app. */
  request(direction: 'in' | 'out', method: string): void;
  /** A response the engine sent (direction out) or passed to an app (direction in). */
  response(direction: 'in' | 'out', status: number): void;
  dialogOpened(role: 'uas' | 'uac'): void;
  dialogClosed(cause: string): void;
  retransmission(kind: RetransmissionKind): void;
  rejected(reason: RejectReason): void;
}

const nothing = (): void => undefined;

export const noMetrics: CoreMetrics = {
  request: nothing,
  response: nothing,
  dialogOpened: nothing,
  dialogClosed: nothing,
  retransmission: nothing,
  rejected: nothing,
};
