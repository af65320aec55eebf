/** Runs in each test process before its tests: route Temporal SDK logs to the test logger. */
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { testLogLevel, testTemporalLogger } from './test-logging.js';

/** Temporal core (Rust) logs: errors only, unless debug logs were asked for. */
const coreLevel = testLogLevel === 'debug' || testLogLevel === 'trace' ? 'DEBUG' : 'ERROR';

try {
  Runtime.install({
    logger: testTemporalLogger('temporal-sdk'),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: coreLevel, other: 'ERROR' }) },
    },
  });
} catch {
  // Already installed in this process (a second test file in the same fork).
}
