import { test as base, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../dhis2-sim/server';
import { AppProcess } from './app-process';

interface Fixtures {
  sim: Simulator;
  dataDir: string;
  app: AppProcess;
}

/** Each test gets its own simulator, data folder and app process, and a page signed in to it. */
export const test = base.extend<Fixtures>({
  sim: async ({}, use) => {
    const sim = await startSimulator({ port: 0 });
    await use(sim);
    await sim.close();
  },
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'dhis2-ie-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  app: async ({ dataDir }, use) => {
    const app = new AppProcess(dataDir);
    await app.start();
    await use(app);
    await app.stop();
  },
});

export { expect };
