import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Renderer modules import the contract as @shared, as vite resolves it for the page.
  resolve: { alias: { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) } },
  test: {
    include: ['main/**/*.test.ts', 'shared/**/*.test.ts', 'e2e/dhis2-sim/**/*.test.ts', 'build/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // better-sqlite3 and real sockets: processes isolate native handles better than threads on 2 cores.
    pool: 'forks',
  },
});
