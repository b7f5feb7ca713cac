import { test, expect } from '../support/fixtures';

test('job overview lists every job, filters by type, shows details and log, cancels, retries and recreates', async ({ app, page }) => {
  const done = await app.call('jobs.create', { type: 'self-test', params: { steps: 2, stepMs: 10 } });
  await expect.poll(async () => (await app.call('jobs.get', { id: done.id })).state).toBe('done');
  const slow = await app.call('jobs.create', { type: 'self-test', params: { steps: 500, stepMs: 1000 }, title: 'Slow self-test' });

  await page.goto(app.openUrl);
  await expect(page.getByTestId('job-summary-bar')).toContainText('1 running');
  await page.goto(`${app.url}/#/utils/job-overview`);
  await expect(page.getByTestId('job-row')).toHaveCount(2);

  // Filter: switching the self-test chip off hides both; on again shows them.
  const chip = page.locator('[data-testid="job-filter-chip"][data-job-type="self-test"]');
  await chip.click();
  await expect(page.getByTestId('job-row')).toHaveCount(0);
  await chip.click();
  await expect(page.getByTestId('job-row')).toHaveCount(2);

  // Details and live log of the running job, then cancel it.
  await page.locator(`[data-testid="job-row"][data-job-id="${slow.id}"]`).click();
  const details = page.getByTestId('job-details');
  await expect(details).toContainText('Slow self-test');
  await expect(page.getByTestId('job-log')).toContainText('Step 1 of 500 done.');
  await expect(page.getByTestId('job-params')).toContainText('500');
  await page.getByTestId('job-cancel').click();
  await expect(details.getByTestId('job-state')).toContainText('Cancelled');
  await expect.poll(async () => (await app.call('jobs.get', { id: slow.id })).state).toBe('cancelled');

  // Retry continues from the checkpoint; cancel again so the test stays short.
  await page.getByTestId('job-retry').click();
  await expect(page.getByTestId('job-log')).toContainText('Retry requested');
  await expect.poll(async () => (await app.call('jobs.get', { id: slow.id })).state).toBe('running');
  await page.getByTestId('job-cancel').click();
  await expect(details.getByTestId('job-state')).toContainText('Cancelled');

  // Recreate the finished one: a new job with the same parameters, linked to the old one.
  await page.locator(`[data-testid="job-row"][data-job-id="${done.id}"]`).click();
  await page.getByTestId('job-recreate').click();
  await page.getByTestId('confirm-recreate').click();
  await expect(page.getByTestId('job-row')).toHaveCount(3);
  const all = await app.call('jobs.list', {});
  const copy = all.jobs.find((job) => job.recreatedFrom === done.id);
  expect(copy?.params).toEqual({ steps: 2, stepMs: 10, needsServer: false, failTimes: 0 });
  await expect.poll(async () => (await app.call('jobs.get', { id: copy!.id })).state).toBe('done');

  // Jobs outlive the process: after a restart the same three are listed.
  await app.stop();
  await app.start();
  await page.goto(app.openUrl);
  await page.goto(`${app.url}/#/utils/job-overview`);
  await expect(page.getByTestId('job-row')).toHaveCount(3);
});

test('pages that are not built yet say so plainly', async ({ app, page }) => {
  await page.goto(app.openUrl);
  for (const path of ['/import/event', '/import/tei', '/export/event', '/export/tei']) {
    await page.goto(`${app.url}/#${path}`);
    await expect(page.getByTestId('not-built-yet')).toContainText('not available in this version yet');
  }
});

test('settings are saved and shown after a reload', async ({ app, page }) => {
  await page.goto(app.openUrl);
  await page.goto(`${app.url}/#/settings`);
  const retries = page.locator('[data-setting="maxAttempts"] input');
  await retries.fill('7');
  await page.getByTestId('save-settings').click();
  await expect.poll(async () => (await app.call('settings.get')).maxAttempts).toBe(7);
  await page.reload();
  await expect(page.locator('[data-setting="maxAttempts"] input')).toHaveValue('7');
  await expect(page.getByTestId('about-mode')).toContainText(/browser/i);
});
