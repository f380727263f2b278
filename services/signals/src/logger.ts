import { createLogger } from '@stella-ops/service-kit';
import type { Logger } from 'pino';

/** The root logger; subsystems log through {@link subsystemLogger}. */
export function rootLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return createLogger({ name: 'signals', level, ...(destination ? { destination } : {}) });
}

/** Named loggers per subsystem, as in the house style. */
export function subsystemLogger(
  root: Logger,
  subsystem: 'http' | 'callgraphs' | 'facts' | 'feed' | 'signing' | 'gc' | 'tenants',
): Logger {
  return root.child({ subsystem });
}
