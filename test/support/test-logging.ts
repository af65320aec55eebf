/**
 * Loggers for the test process. They write through `console`, which vitest intercepts and, with
 * `silent: 'passed-only'` (vitest.config.ts), prints only for a failing test (logs written in a
 * hook: when a test of that suite or file failed). pino's default destination writes to file
 * descriptor 1 directly and would bypass vitest.
 *
 * `TTHC_TEST_LOG_LEVEL` sets the level (default `warn`; config/configuration.ts);
 * `npx vitest run --silent=false` prints every test's logs.
 */
import type { Logger } from 'pino';
import { readSetting } from '../../config/configuration.js';
import { createLogger, PinoTemporalLogger } from '../../infra/logging.js';

export const testLogLevel = readSetting('TTHC_TEST_LOG_LEVEL');

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
