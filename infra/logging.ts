/**
 * Structured logs with pino. Personal data (ID numbers, tax codes, phone numbers, addresses,
 * e-mail, dates of birth) is redacted wherever it appears in a logged object.
 */
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { type Logger, pino } from 'pino';

const personalFields = ['idNumber', 'taxCode', 'phone', 'address', 'email', 'dateOfBirth', 'secret'];

/** pino redaction paths: the field at the top level and up to three levels deep. */
export const redactPaths = personalFields.flatMap((field) => [
  field,
  `*.${field}`,
  `*.*.${field}`,
  `*.*.*.${field}`,
]);

/**
 * Text an outside system sent back (a portal's refusal, a mail server's error) may quote a value:
 * anything that looks like an e-mail address, a phone or an ID number is masked before it is kept
 * or logged.
 */
export function maskContacts(text: string, max = 500): string {
  return text
    .replace(/[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/g, '[…]')
    .replace(/\+?\d{9,}/g, '[…]')
    .slice(0, max);
}

/** Logs for commands whose standard output is their result (CLI, simulate, bench). */
export function stderrDestination(): pino.DestinationStream {
  return pino.destination(2);
}

export function createLogger(
  options: { name?: string; level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const config = {
    name: options.name ?? 'tthc',
    level: options.level ?? process.env.TTHC_LOG_LEVEL ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** Adapts pino to the Temporal SDK's logger interface (for Runtime.install). */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(meta ?? {})) fields[key] = value;
    const method = level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
    this.logger[method](fields, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
