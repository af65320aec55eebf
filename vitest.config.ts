import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Temporal native core must not run in worker threads (sdk-typescript #876).
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-file.ts'],
    // Console output (test loggers write there: test/support/test-logging.ts) is printed for
    // failing tests only; `--silent=false` prints it all.
    silent: 'passed-only',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
