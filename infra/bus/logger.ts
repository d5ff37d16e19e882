/** A logger that discards everything (the default when none is given). */
import type { BusLogger } from './types.js';

const noop = (): void => undefined;

export const silentLogger: BusLogger = { info: noop, warn: noop, error: noop };
