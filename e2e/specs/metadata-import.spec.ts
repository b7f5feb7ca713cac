import { test, expect } from '../support/fixtures';
import type { AppProcess } from '../support/app-process';
import type { Simulator } from '../dhis2-sim/server';

/** DHIS2's default category objects, with the UIDs every instance has; what the server and the offline copy hold. */
const SERVER_METADATA = {
  categoryOptions: [{ id: 'xYerKDKCefk', name: 'default', shortName: 'default', code: 'default' }],
  categories: [{ id: 'GLevLNI9wkl', name: 'default', shortName: 'default', code: 'default', categoryOptions: [{ id: 'xYerKDKCefk' }] }],
  categoryCombos: [{ id: 'bjDvmb4bfuf', name: 'default', code: 'default', isDefault: true, categories: [{ id: 'GLevLNI9wkl' }] }],
  categoryOptionCombos: [
    { id: 'HllvX50cXC0', name: 'default', code: 'default', categoryCombo: { id: 'bjDvmb4bfuf' }, categoryOptions: [{ id: 'xYerKDKCefk' }] },
  ],
  dataElements: [
    { id: 'DeOnServer1', name: 'Already there', shortName: 'Already there', valueType: 'NUMBER', domainType: 'AGGREGATE', aggregationType: 'SUM' },
  ],
};

const element = (id: string, name: string, combo: string) => ({
  id,
  name,
  shortName: name,
  valueType: 'NUMBER',
  domainType: 'AGGREGATE',
  aggregationType: 'SUM',
  categoryCombo: { id: combo },
});
const file = (combo: string) =>
  Buffer.from(
    JSON.stringify({ dataElements: [element('DeNewAaaaa1', 'Malaria cases', 'bjDvmb4bfuf'), element('DeNewBbbbb2', 'Malaria deaths', combo)] }, null, 2),
  );

async function prepare(app: AppProcess, sim: Simulator): Promise<void> {
  sim.seedMetadata(SERVER_METADATA, { replace: true });
  await app.call('servers.add', { name: 'District', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
  const metadataFile = await app.upload('server-metadata.json', Buffer.from(JSON.stringify(SERVER_METADATA)));
  await app.call('metadata.loadFile', { file: metadataFile });
}

test('a metadata file with an error: shown offline and by the server; fixed, it imports and shows in the Job overview', async ({ app, sim, page }) => {
  await prepare(app, sim);
  await page.goto(app.openUrl);
  await expect(page.getByTestId('metadata-status')).toContainText(/as of/i);
  await page.goto(`${app.url}/#/import/metadata`);
  await expect(page.getByTestId('metadata-import-page')).toBeVisible();

  // The offline check names the bad reference, its object and its line before anything is sent.
  const fileInput = page.getByTestId('metadata-import-file').locator('input[type="file"]');
  await fileInput.setInputFiles({ name: 'malaria.json', mimeType: 'application/json', buffer: file('NoSuchCombo') });
  const inspection = page.getByTestId('metadata-import-inspection');
  await expect(inspection).toHaveAttribute('data-state', 'done');
  const predicted = inspection.locator('[data-testid="import-report"][data-kind="predicted"]');
  await expect(predicted.getByTestId('import-report-status')).toHaveAttribute('data-status', 'ERROR');
  const predictedError = predicted.getByTestId('import-report-error');
  await expect(predictedError).toHaveCount(1);
  await expect(predictedError).toContainText('E5002');
  await expect(predictedError).toContainText('Invalid reference [NoSuchCombo] (CategoryCombo) on object Malaria deaths [DeNewBbbbb2] (DataElement)');
  await expect(predictedError.getByTestId('import-report-error-where')).toHaveText('line 14');
  await expect(predicted.getByTestId('import-report-count-note')).toContainText('The file has 2 objects');
  await expect(inspection.locator('[data-testid="metadata-preview-type"][data-type="dataElements"] [data-count="ignore"]')).toHaveText('2');

  // The server says the same: a dry run of the file as it is.
  await page.getByTestId('metadata-import-dry-run').click();
  await expect(page.getByTestId('metadata-import-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  const serverReport = page.getByTestId('metadata-import-result').locator('[data-testid="import-report"][data-kind="server"]');
  await expect(serverReport.getByTestId('import-report-status')).toHaveAttribute('data-status', 'ERROR');
  await expect(serverReport.getByTestId('import-report-error')).toContainText(
    'Invalid reference [NoSuchCombo] (CategoryCombo) on object Malaria deaths [DeNewBbbbb2]',
  );
  await expect(page.getByTestId('metadata-import-result')).toContainText('Dry run: nothing was saved');
  expect(sim.state.metadata.get('dataElements', 'DeNewAaaaa1')).toBeUndefined();

  // Fixed file: nothing predicted, the import goes through, and a metadata sync follows.
  await fileInput.setInputFiles({ name: 'malaria-fixed.json', mimeType: 'application/json', buffer: file('bjDvmb4bfuf') });
  await expect(predicted.getByTestId('import-report-status')).toHaveAttribute('data-status', 'OK');
  await expect(inspection.locator('[data-testid="metadata-preview-type"][data-type="dataElements"] [data-count="create"]')).toHaveText('2');
  await page.getByTestId('metadata-import-start').click();
  await expect(page.getByTestId('metadata-import-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(serverReport.getByTestId('import-report-status')).toHaveAttribute('data-status', 'OK');
  await expect(serverReport.getByTestId('import-report-counts').locator('[data-count="created"]')).toHaveText('2');
  await expect(page.getByTestId('metadata-import-sync-note')).toContainText('metadata sync was queued');
  expect(sim.state.metadata.get('dataElements', 'DeNewAaaaa1')).toMatchObject({ name: 'Malaria cases' });

  // The Job overview shows both jobs and, for the import, the server's report.
  const jobId = await page.getByTestId('metadata-import-queued').getAttribute('data-job-id');
  await page.getByTestId('metadata-import-job-link').click();
  await expect(page.locator('[data-testid="job-row"]').filter({ hasText: 'malaria' })).toHaveCount(2);
  const details = page.getByTestId('job-details');
  await expect(details).toHaveAttribute('data-job-id', jobId!);
  await expect(details.locator('[data-testid="import-report"][data-kind="server"] [data-testid="import-report-status"]')).toHaveAttribute('data-status', 'OK');
  await expect(details.getByTestId('job-result-metadata-sync')).toBeVisible();
});

test('deleting needs a confirmation, and a dry run of it does not', async ({ app, sim, page }) => {
  await prepare(app, sim);
  await page.goto(app.openUrl);
  await page.goto(`${app.url}/#/import/metadata`);
  const onServer = Buffer.from(JSON.stringify({ dataElements: [{ id: 'DeOnServer1' }] }));
  await page
    .getByTestId('metadata-import-file')
    .locator('input[type="file"]')
    .setInputFiles({ name: 'remove.json', mimeType: 'application/json', buffer: onServer });
  await page.getByTestId('metadata-import-strategy-DELETE').click();
  await expect(page.getByTestId('metadata-import-delete-warning')).toBeVisible();
  await expect(page.locator('[data-testid="metadata-preview-type"][data-type="dataElements"] [data-count="delete"]')).toHaveText('1');

  await page.getByTestId('metadata-import-start').click();
  const confirm = page.getByTestId('metadata-import-confirm-delete');
  await expect(confirm).toBeVisible();
  await expect(page.getByRole('dialog')).toContainText('(1 found in the offline metadata)');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('metadata-import-queued')).toHaveCount(0);

  // A dry run deletes nothing, so it goes without asking.
  await page.getByTestId('metadata-import-dry-run').click();
  await expect(page.getByTestId('metadata-import-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('metadata-import-result')).toContainText('Dry run: nothing was saved');
  expect(sim.state.metadata.get('dataElements', 'DeOnServer1')).toBeDefined();

  await page.getByTestId('metadata-import-start').click();
  await page.getByTestId('metadata-import-confirm-delete').click();
  await expect(page.getByTestId('metadata-import-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('metadata-import-result').getByTestId('import-report-counts').locator('[data-count="deleted"]')).toHaveText('1');
  expect(sim.state.metadata.get('dataElements', 'DeOnServer1')).toBeUndefined();
});
