import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'shared/**/*.test.ts', 'e2e/dhis2-sim/**/*.test.ts', 'build/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // better-sqlite3 and real sockets: processes isolate native handles better than threads on 2 cores.
    pool: 'forks',
  },
});
