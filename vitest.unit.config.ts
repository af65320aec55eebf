import { defineConfig } from 'vitest/config';

/** Fast pure-logic tests only: no servers are started. `npm run test:unit`. */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    pool: 'forks',
    silent: 'passed-only',
  },
});
