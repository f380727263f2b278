import type { RequestHandler } from 'express';
import { type Logger, type LoggerOptions, pino } from 'pino';
import { pinoHttp } from 'pino-http';

/** Options for the service's root logger. */
export interface LoggerConfig {
  name: string;
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a silent level instead. */
  destination?: NodeJS.WritableStream;
}

/** The root logger of a service; subsystems take `logger.child({ subsystem })`. */
export function createLogger(cfg: LoggerConfig): Logger {
  const opts: LoggerOptions = {
    name: cfg.name,
    level: cfg.level ?? 'info',
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.privateKey'],
      censor: '[redacted]',
    },
  };
  return cfg.destination ? pino(opts, cfg.destination as never) : pino(opts);
}

/** Request logging with the authorization header redacted. */
export function httpLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
    serializers: {
      req: (req: { method: string; url: string; id: unknown }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
    },
  }) as unknown as RequestHandler;
}
