/**
 * Timer durations of RFC 3261 §17 (Table 4, §A) and RFC 6026 (timers L and M), from the configured
 * T1/T2/T4 and whether the transport is reliable. A value of 0 means "fires at once": the state
 * machines then take the timer's transition synchronously instead of arming a timer.
 */
import type { TransactionTimersConfig } from './types.js';

/** RFC 3261 §17.1.1.1: the transaction timeout is 64·T1 (timers B, F, H, and J on UDP). */
export const timeout64 = (cfg: TransactionTimersConfig): number => 64 * cfg.t1Ms;

/** RFC 3261 §17.1.1.2: Timer A starts at T1 and doubles on every retransmission, without a cap. */
export const timerAInitial = (cfg: TransactionTimersConfig): number => cfg.t1Ms;
export const timerANext = (currentMs: number): number => 2 * currentMs;

/** RFC 3261 §17.1.1.2: Timer D is at least 32 s on unreliable transports, 0 on reliable ones. */
export const timerD = (cfg: TransactionTimersConfig, reliable: boolean): number =>
  reliable ? 0 : Math.max(32000, timeout64(cfg));

/** RFC 3261 §17.1.2.2: Timer E starts at T1, doubles up to T2; in Proceeding it is re-armed with T2. */
export const timerEInitial = (cfg: TransactionTimersConfig): number => cfg.t1Ms;
export const timerENext = (cfg: TransactionTimersConfig, currentMs: number): number =>
  Math.min(2 * currentMs, cfg.t2Ms);

/** RFC 3261 §17.1.2.2: Timer K is T4 on unreliable transports, 0 on reliable ones. */
export const timerK = (cfg: TransactionTimersConfig, reliable: boolean): number => (reliable ? 0 : cfg.t4Ms);

/** RFC 3261 §17.2.1: Timer G starts at T1 and doubles up to T2 (unreliable transports only). */
export const timerGInitial = (cfg: TransactionTimersConfig): number => cfg.t1Ms;
export const timerGNext = (cfg: TransactionTimersConfig, currentMs: number): number =>
  Math.min(2 * currentMs, cfg.t2Ms);

/** RFC 3261 §17.2.1: Timer I is T4 on unreliable transports, 0 on reliable ones. */
export const timerI = (cfg: TransactionTimersConfig, reliable: boolean): number => (reliable ? 0 : cfg.t4Ms);

/** RFC 3261 §17.2.2: Timer J is 64·T1 on unreliable transports, 0 on reliable ones. */
export const timerJ = (cfg: TransactionTimersConfig, reliable: boolean): number =>
  reliable ? 0 : timeout64(cfg);

/** RFC 6026 §8.7 (Timer L) and §7.2 (Timer M): 64·T1 on every transport. */
export const timerL = (cfg: TransactionTimersConfig): number => timeout64(cfg);
export const timerM = (cfg: TransactionTimersConfig): number => timeout64(cfg);
