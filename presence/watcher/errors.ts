/**
 * Named errors of the presence watcher. Expected outcomes (a refused SUBSCRIBE, a terminated
 * subscription, a bad NOTIFY body) are values and status events, never these; these mark
 * programming errors and misuse.
 */
export type WatcherErrorCode =
  | 'illegal-subscription-transition' // the state machine was asked for a move it does not allow
  | 'missing-state-timer' // a transient state was entered without its timer
  | 'watcher-stopped' // watch() after stop()
  | 'invalid-watcher-option'; // an option outside its range

export class WatcherError extends Error {
  override readonly name = 'WatcherError';
  readonly code: WatcherErrorCode;

  constructor(code: WatcherErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
