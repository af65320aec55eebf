/** Runs in each test process before its tests: route Temporal SDK logs through pino at warn level. */
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { createLogger, PinoTemporalLogger } from '../../infra/logging.js';

const logger = createLogger({ name: 'test', level: process.env.TTHC_LOG_LEVEL ?? 'warn' });
try {
  Runtime.install({
    logger: new PinoTemporalLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) },
    },
  });
} catch {
  // Already installed in this process (a second test file in the same fork).
}
