/**
 * Loggers for the test process. They write through `console`, which vitest intercepts and, with
 * `silent: 'passed-only'` (vitest.config.ts), prints only for a failing test (logs written in a
 * hook: when a test of that suite or file failed). pino's default destination writes to file
 * descriptor 1 directly and would bypass vitest.
 *
 * `TTHC_TEST_LOG_LEVEL` sets the level (default `warn`); `npx vitest run --silent=false` prints
 * every test's logs.
 */
import type { Logger } from 'pino';
import { createLogger, PinoTemporalLogger } from '../../infra/logging.js';

const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function parseTestLogLevel(value: string | undefined): string {
  if (!value) return 'warn';
  if (!levels.includes(value)) {
    throw new Error(`TTHC_TEST_LOG_LEVEL must be one of ${levels.join(', ')}; got "${value}"`);
  }
  return value;
}

export const testLogLevel = parseTestLogLevel(process.env.TTHC_TEST_LOG_LEVEL);

const consoleDestination = {
  write(line: string): void {
    console.error(line.trimEnd());
  },
};

export function testLogger(name: string, level = testLogLevel): Logger {
  return createLogger({ name, level, destination: consoleDestination });
}

/** The same, for the Temporal SDK's logger interface (Runtime, workflow bundler). */
export function testTemporalLogger(name: string): PinoTemporalLogger {
  return new PinoTemporalLogger(testLogger(name));
}
