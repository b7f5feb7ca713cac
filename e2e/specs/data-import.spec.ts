import { test, expect } from '../support/fixtures';
import { integrationSeed } from '../dhis2-sim/test-seeds';
import type { AppProcess } from '../support/app-process';
import type { Simulator } from '../dhis2-sim/server';
import { ImportDataResult } from '../../shared/data-import';

const ELEMENTS = ['f7n9E0hX8qk', 'Ix2HsbDMLea', 'eY5ehpbEsB7', 'deDDDDDDDDD'];
const UNITS = ['DiszpKrYNg8', 'BdfsJfj87js'];

function values(fromYear: number, toYear: number): string[] {
  const out: string[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    for (let month = 1; month <= 12; month++) {
      const pe = `${year}${String(month).padStart(2, '0')}`;
      for (const ou of UNITS) for (const de of ELEMENTS) out.push(`{"dataElement":"${de}","period":"${pe}","orgUnit":"${ou}","value":"${month}"}`);
    }
  }
  return out;
}
const asFile = (rows: string[]) => Buffer.from(`{"dataValues":[\n${rows.join(',\n')}\n]}\n`);

/** The same metadata on the simulated server and, loaded from a file, in the app. */
async function prepare(app: AppProcess, sim: Simulator): Promise<void> {
  sim.seedMetadata(integrationSeed(), { replace: true });
  await app.call('servers.add', { name: 'District', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
  const metadataFile = await app.upload('metadata.json', Buffer.from(JSON.stringify(integrationSeed())));
  await app.call('metadata.loadFile', { file: metadataFile });
}

test('validate a file with conflicts, fix it, import while offline, and see the server summary once online', async ({ app, sim, page }) => {
  await prepare(app, sim);
  await page.goto(app.openUrl);
  await expect(page.getByTestId('metadata-status')).toContainText(/as of/i);
  await page.goto(`${app.url}/#/import/data`);

  const good = values(2021, 2022);
  const withError = [...good, '{"dataElement":"f7n9E0hX8qk","period":"202001","orgUnit":"DiszpKrYNg8","value":"twelve"}'];
  const fileInput = page.getByTestId('data-import-file').locator('input[type="file"]');
  await fileInput.setInputFiles({ name: 'january.json', mimeType: 'application/json', buffer: asFile(withError) });
  const validation = page.getByTestId('data-import-validation');
  await expect(validation).toContainText('E7619');
  await expect(validation).toContainText(String(withError.length + 1));

  // Fixed file: no conflicts predicted.
  await page.getByTestId('data-import-file-clear').click();
  await fileInput.setInputFiles({ name: 'january-fixed.json', mimeType: 'application/json', buffer: asFile(good) });
  await expect(page.getByTestId('data-import-file-name')).toContainText('january-fixed.json');
  await expect(validation).not.toContainText('E7619');
  await expect(page.getByTestId('data-import-preview')).toContainText('f7n9E0hX8qk');

  // Offline: the job waits for the connection.
  await app.call('settings.update', { pingIntervalSeconds: 5 });
  sim.setOffline(true);
  await expect(page.getByTestId('connection-indicator')).toContainText('Offline', { timeout: 15_000 });
  await page.getByTestId('data-import-start').click();
  await expect(page.getByTestId('data-import-queued')).toBeVisible();
  await expect(page.getByTestId('data-import-job-state')).toHaveAttribute('data-state', 'waiting-for-connection');
  expect(sim.dataValues()).toHaveLength(0);

  // Back online: it flushes by itself and the server's summary appears.
  sim.setOffline(false);
  await expect(page.getByTestId('data-import-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('data-import-result')).toContainText(String(good.length));
  expect(sim.dataValues()).toHaveLength(good.length);
});

test('killing the app mid-flush of a large file loses nothing and stores every value exactly once', async ({ app, sim }) => {
  await prepare(app, sim);
  const rows = values(1850, 2020);
  const file = await app.upload('national.json', asFile(rows));
  sim.setLatency(150);
  const job = await app.call('jobs.create', { type: 'import-data', params: { chunkSize: 500 }, files: [file] });
  await expect.poll(async () => (await app.call('jobs.get', { id: job.id })).progress?.done ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(2000);
  await app.kill();
  const storedAtKill = sim.dataValues().length;
  expect(storedAtKill).toBeLessThan(rows.length);

  await app.start();
  await expect.poll(async () => (await app.call('jobs.get', { id: job.id })).state, { timeout: 120_000 }).toBe('done');
  expect(sim.dataValues()).toHaveLength(rows.length);
  const done = await app.call('jobs.get', { id: job.id });
  const counts = ImportDataResult.parse(done.result).server.importCount;
  // Every value is accounted for once: imported, or ignored when a resent part found it already there.
  expect(counts.imported + counts.ignored + counts.updated).toBe(rows.length);
});
