/**
 * A logger for tests that records every call and emits 'log' for each, so a test can wait for a
 * line with nextEvent(logger.events, 'log', { filter }) instead of sleeping. Structurally a pino
 * logger's info/warn/error/debug slice.
 */
import { EventEmitter } from 'node:events';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

export class CaptureLogger {
  readonly entries: LogEntry[] = [];
  readonly events = new EventEmitter();

  #log(level: LogEntry['level'], obj: object, msg?: string): void {
    const entry = { level, obj, msg };
    this.entries.push(entry);
    this.events.emit('log', entry);
  }

  debug(obj: object, msg?: string): void {
    this.#log('debug', obj, msg);
  }

  info(obj: object, msg?: string): void {
    this.#log('info', obj, msg);
  }

  warn(obj: object, msg?: string): void {
    this.#log('warn', obj, msg);
  }

  error(obj: object, msg?: string): void {
    this.#log('error', obj, msg);
  }

  /** Entries whose message is `msg`. */
  withMsg(msg: string): LogEntry[] {
    return this.entries.filter((e) => e.msg === msg);
  }
}
