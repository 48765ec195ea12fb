import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. What we log is chosen field by field (operation name, codes,
 * timings, request id); never variables, representations or entries, so no patient data
 * reaches a log. The redaction list is a second line of defence.
 */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['variables', 'req.headers.authorization', '*.nhsNumber', '*.body', 'representations'],
      censor: '[redacted]',
    },
  });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
