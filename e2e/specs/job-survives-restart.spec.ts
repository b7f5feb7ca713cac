import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from '../support/fixtures';

test('a job killed mid-run resumes after restart and completes exactly once, its file intact', async ({ app, page, dataDir }) => {
  const content = Buffer.from('dataelement,period,orgunit,value\nFTRrcoaog83,202401,DiszpKrYNg8,12\n');
  const file = await app.upload('facility-january.csv', content);
  const steps = 40;
  const job = await app.call('jobs.create', { type: 'self-test', params: { steps, stepMs: 150 }, files: [file] });

  await expect.poll(async () => (await app.call('jobs.get', { id: job.id })).progress?.done ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
  await app.kill();

  await app.start();
  await page.goto(app.openUrl);
  await page.goto(`${app.url}/#/utils/job-overview`);
  await expect.poll(async () => (await app.call('jobs.get', { id: job.id })).state, { timeout: 30_000 }).toBe('done');

  const log = (await app.call('jobs.log', { id: job.id })).map((entry) => entry.message);
  for (let step = 1; step <= steps; step++) expect(log.filter((m) => m === `Step ${step} of ${steps} done.`)).toHaveLength(1);
  expect(log.some((m) => m.startsWith('The app stopped while this job was running; resuming from the last checkpoint.'))).toBe(true);
  expect(log.filter((m) => m === 'Completed.')).toHaveLength(1);

  const stored = join(dataDir, 'files', file.sha256.slice(0, 2), file.sha256);
  expect(createHash('sha256').update(readFileSync(stored)).digest('hex')).toBe(file.sha256);
  expect((await app.call('jobs.get', { id: job.id })).files[0]?.sha256).toBe(file.sha256);

  // The page shows it too, live.
  await expect(page.getByTestId('job-row').filter({ hasText: 'Queue self-test' }).first()).toContainText('Completed');
});
