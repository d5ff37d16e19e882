/**
 * The logging surface the core needs: a subset of pino's Logger, so engine.ts can pass a pino
 * logger (or a child per call) and unit tests can pass {@link silentLogger}.
 */
export interface CoreLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): CoreLogger;
}

const noop = (): void => undefined;

export const silentLogger: CoreLogger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
