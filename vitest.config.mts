import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Renderer modules import the contract as @shared and their own modules as @, as vite resolves them for the page.
  resolve: {
    alias: {
      '@shared': fileURLToPath(new URL('./shared', import.meta.url)),
      '@': fileURLToPath(new URL('./renderer/src', import.meta.url)),
    },
  },
  // Renderer component tests mount .vue files; main and the simulator have none, so this changes nothing for them.
  plugins: [vue()],
  test: {
    include: ['main/**/*.test.ts', 'shared/**/*.test.ts', 'e2e/dhis2-sim/**/*.test.ts', 'build/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    // Component tests opt into a DOM with `// @vitest-environment happy-dom`; everything else runs in plain Node.
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // better-sqlite3 and real sockets: processes isolate native handles better than threads on 2 cores.
    pool: 'forks',
    // Vuetify ships ESM that imports its CSS; vite's pipeline (not Node) has to load it.
    server: { deps: { inline: ['vuetify'] } },
  },
});
