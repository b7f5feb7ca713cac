import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import JSZip from 'jszip';
import type { Page } from '@playwright/test';
import { test, expect } from '../support/fixtures';
import { AppProcess } from '../support/app-process';
import { integrationSeed } from '../dhis2-sim/test-seeds';

const DATA_SET = 'pBOMPrpg1QX';

/** The JSON inside a saved export, whichever way it was compressed. */
async function contentOf(path: string): Promise<Record<string, Array<Record<string, unknown>>>> {
  const bytes = readFileSync(path);
  let text: string;
  if (path.endsWith('.zip')) {
    const zip = await JSZip.loadAsync(bytes);
    expect(Object.keys(zip.files)).toEqual(['metadata.json']);
    text = await zip.file('metadata.json')!.async('string');
  } else if (path.endsWith('.gz')) text = gunzipSync(bytes).toString('utf8');
  else text = bytes.toString('utf8');
  return JSON.parse(text) as Record<string, Array<Record<string, unknown>>>;
}

/** Signs in with the app's address, then opens the page from the side bar, as a user would. */
async function openFromNav(page: Page, openUrl: string, link: string): Promise<void> {
  await page.goto(openUrl);
  await expect(page.getByTestId('home-card').first()).toBeVisible();
  await page.getByRole('link', { name: link, exact: true }).click();
}

async function chooseFolder(page: Page, testId: string, folder: string): Promise<void> {
  const picker = page.getByTestId(testId);
  await picker.getByTestId(`${testId}-path`).locator('input').fill(folder);
  await expect(picker.getByTestId(`${testId}-status`)).toContainText('The app can save here');
}

test('metadata export: chosen types with each compression, checked in the files; the laptop package waits offline, then loads at a facility', async ({
  app,
  sim,
  page,
}) => {
  sim.seedMetadata(integrationSeed(), { replace: true });
  await app.call('servers.add', { name: 'National', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
  const outDir = mkdtempSync(join(tmpdir(), 'dhis2-ie-md-export-'));
  const facility = new AppProcess(mkdtempSync(join(tmpdir(), 'dhis2-ie-facility-')));
  try {
    await openFromNav(page, app.openUrl, 'Export metadata');
    await expect(page.getByTestId('metadata-export-page')).toBeVisible();

    // The server's own list, all checked as in the DHIS2 app; the app's exclusions are not offered.
    await expect(page.getByTestId('metadata-export-types-source')).toContainText('As National lists them');
    await expect(page.getByTestId('metadata-export-type-dataElements').locator('input')).toBeChecked();
    await expect(page.getByTestId('metadata-export-type-sections')).toHaveCount(0);
    const selectedCount = page.getByTestId('metadata-export-selected-count');
    await expect(selectedCount).toHaveText(/^(\d+) of \1 selected\s*$/);

    // None, then three types found by search.
    await page.getByTestId('metadata-export-select-none').click();
    await expect(selectedCount).toHaveText(/^0 of \d+ selected\s*$/);
    await page.getByTestId('metadata-export-start').click();
    await expect(page.getByTestId('metadata-export-form-errors')).toContainText('Choose at least one object type');
    const search = page.getByTestId('metadata-export-search').locator('input');
    await search.fill('data element');
    await expect(page.getByTestId('metadata-export-type-organisationUnits')).toHaveCount(0);
    await page.getByTestId('metadata-export-type-dataElements').locator('input').check();
    await search.fill('organisation unit');
    await page.getByTestId('metadata-export-type-organisationUnits').locator('input').check();
    await search.fill('data set');
    await page.getByTestId('metadata-export-type-dataSets').locator('input').check();
    await search.fill('');
    await expect(selectedCount).toHaveText(/^3 of \d+ selected\s*$/);
    await page.getByTestId('metadata-export-skip-sharing').locator('input').check();
    await chooseFolder(page, 'metadata-export-folder', outDir);
    await expect(page.getByTestId('metadata-export-summary')).toContainText('3 object types as JSON in a zip file, without sharing settings');

    const saved: string[] = [];
    for (const [compression, suffix] of [
      ['zip', '.json.zip'],
      ['gzip', '.json.gz'],
      ['none', '.json'],
    ] as const) {
      await page.getByTestId(`metadata-export-compression-${compression}`).locator('input').check();
      await page.getByTestId('metadata-export-start').click();
      const card = page.getByTestId('metadata-export-queued');
      // Each start queues a new job, which the card follows.
      await expect(card).toHaveAttribute('data-job-id', saved.length === 0 ? /.+/ : new RegExp(`^(?!${saved.at(-1)}$)`));
      const jobId = (await card.getAttribute('data-job-id'))!;
      await expect(page.getByTestId('metadata-export-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
      const path = (await page.getByTestId('metadata-export-saved-path').textContent())!.trim();
      expect(path.startsWith(outDir)).toBe(true);
      expect(path.endsWith(suffix)).toBe(true);
      await expect(page.getByTestId('metadata-export-saved-size')).toContainText('6 dataElements, 3 organisationUnits and 1 dataSets');
      const content = await contentOf(path);
      expect(Object.keys(content).sort()).toEqual(['dataElements', 'dataSets', 'organisationUnits', 'system']);
      expect(content.dataSets!.map((d) => d['id'])).toEqual([DATA_SET]);
      expect(content.dataElements!.some((d) => 'sharing' in d)).toBe(false);
      saved.push(jobId);
    }

    // Offline: the laptop package waits in the queue and says so.
    await app.call('settings.update', { pingIntervalSeconds: 5 });
    sim.setOffline(true);
    await expect(page.getByTestId('metadata-export-offline')).toContainText('cannot be reached', { timeout: 15_000 });
    await page.getByTestId('metadata-export-compression-zip').locator('input').check();
    await page.getByTestId('metadata-export-prepare-offline').click();
    await expect(page.getByTestId('metadata-export-job-state')).toHaveAttribute('data-state', 'waiting-for-connection', { timeout: 15_000 });
    await expect(page.getByTestId('metadata-export-waiting')).toContainText('it will start when National is reachable');
    sim.setOffline(false);
    await expect(page.getByTestId('metadata-export-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    const laptopPath = (await page.getByTestId('metadata-export-saved-path').textContent())!.trim();
    expect(basename(laptopPath)).toMatch(/^dhis2-offline-metadata-.*\.json\.zip$/);
    await expect(page.getByTestId('metadata-export-notes')).toContainText('Load it with Load metadata file');

    // At the facility: a fresh app with no server loads the package from the USB drive.
    await facility.start();
    await page.goto(facility.openUrl);
    await page.getByTestId('metadata-status-button').click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('metadata-load-file').click();
    await (await chooser).setFiles(laptopPath);
    await expect(page.getByTestId('metadata-status-text')).toContainText(/as of/i, { timeout: 15_000 });
    const [status] = await facility.call('metadata.status', { serverId: null });
    expect(status!.snapshot).toMatchObject({ username: 'admin', counts: { dataSets: 1, dataElements: 6, organisationUnits: 3 } });
  } finally {
    await facility.stop();
    rmSync(facility.dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
});

test('metadata dependency export of a data set picked from the offline metadata, loaded into a second app where the data set shows', async ({
  app,
  sim,
  page,
}) => {
  sim.seedMetadata(integrationSeed(), { replace: true });
  await app.call('servers.add', { name: 'National', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
  const seedFile = await app.upload('metadata.json', Buffer.from(JSON.stringify(integrationSeed())));
  await app.call('metadata.loadFile', { file: seedFile });
  const outDir = mkdtempSync(join(tmpdir(), 'dhis2-ie-md-deps-'));
  const second = new AppProcess(mkdtempSync(join(tmpdir(), 'dhis2-ie-second-')));
  try {
    await openFromNav(page, app.openUrl, 'Export metadata dependencies');
    await expect(page.getByTestId('metadata-dependency-export-page')).toBeVisible();
    await expect(page.getByTestId('metadata-dependency-export-org-unit-note')).toContainText("leaves the data set's organisation units out");

    // Data sets come from the offline metadata; the first is preselected, as in the DHIS2 app.
    const picker = page.getByTestId('metadata-dependency-export-object');
    await expect(picker).toContainText('From the offline metadata');
    await expect(picker.locator('.v-autocomplete__selection')).toHaveText('DataSetA');
    await picker.locator('input').fill('data');
    await page.getByRole('option', { name: /DataSetA/ }).click();

    await page.getByTestId('metadata-dependency-export-compression-gzip').locator('input').check();
    await page.getByTestId('metadata-dependency-export-start').click();
    await expect(page.getByTestId('metadata-dependency-export-form-errors')).toContainText('Choose the folder');
    await chooseFolder(page, 'metadata-dependency-export-folder', outDir);
    await page.getByTestId('metadata-dependency-export-start').click();
    await expect(page.getByTestId('metadata-dependency-export-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    await expect(page.getByTestId('metadata-dependency-export-queued')).toContainText('data set "DataSetA"');
    await expect(page.getByTestId('metadata-dependency-export-notes')).toContainText('organisation units out of this export');
    const path = (await page.getByTestId('metadata-dependency-export-saved-path').textContent())!.trim();
    expect(basename(path)).toMatch(new RegExp(`^dhis2-metadata-dataSets-${DATA_SET}-with-dependencies-.*\\.json\\.gz$`));
    const content = await contentOf(path);
    expect(content.dataSets!.map((d) => d['id'])).toEqual([DATA_SET]);
    expect(content.dataElements!.map((d) => d['id']).sort()).toEqual(['Ix2HsbDMLea', 'deDDDDDDDDD', 'eY5ehpbEsB7', 'f7n9E0hX8qk']);
    expect(content.organisationUnits ?? []).toEqual([]);

    // A second app, no server: Load metadata file, then the data set is in its offline metadata and its picker.
    await second.start();
    await page.goto(second.openUrl);
    await page.getByTestId('metadata-status-button').click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('metadata-load-file').click();
    await (await chooser).setFiles(path);
    await expect(page.getByTestId('metadata-status-text')).toContainText(/as of/i, { timeout: 15_000 });
    await page.getByRole('link', { name: 'Export metadata dependencies', exact: true }).click();
    const secondPicker = page.getByTestId('metadata-dependency-export-object');
    await expect(secondPicker).toContainText('From the offline metadata');
    await expect(secondPicker.locator('.v-autocomplete__selection')).toHaveText('DataSetA');
    const listed = await second.call('metadata.list', { type: 'dataSets', serverId: null });
    expect(listed).toEqual([expect.objectContaining({ id: DATA_SET, name: 'DataSetA' })]);
  } finally {
    await second.stop();
    rmSync(second.dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
});

test('recreate from the Job overview fills both metadata export forms again with the options of the old job', async ({ app, sim, page }) => {
  sim.seedMetadata(integrationSeed(), { replace: true });
  await app.call('servers.add', { name: 'National', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
  const seedFile = await app.upload('metadata.json', Buffer.from(JSON.stringify(integrationSeed())));
  await app.call('metadata.loadFile', { file: seedFile });
  const outDir = mkdtempSync(join(tmpdir(), 'dhis2-ie-md-recreate-'));

  /** Opens the job in the Job overview and presses Recreate, which leads back to its form. */
  async function recreateFromOverview(jobId: string): Promise<void> {
    await page.getByRole('link', { name: 'Job overview', exact: true }).click();
    await page.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`).click();
    await page.getByTestId('job-recreate').click();
  }

  try {
    // Metadata export: two types, no sharing, gzip.
    await openFromNav(page, app.openUrl, 'Export metadata');
    await page.getByTestId('metadata-export-select-none').click();
    const search = page.getByTestId('metadata-export-search').locator('input');
    await search.fill('data element');
    await page.getByTestId('metadata-export-type-dataElements').locator('input').check();
    await search.fill('data set');
    await page.getByTestId('metadata-export-type-dataSets').locator('input').check();
    await search.fill('');
    await page.getByTestId('metadata-export-skip-sharing').locator('input').check();
    await page.getByTestId('metadata-export-compression-gzip').locator('input').check();
    await chooseFolder(page, 'metadata-export-folder', outDir);
    await page.getByTestId('metadata-export-start').click();
    await expect(page.getByTestId('metadata-export-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    const exportJob = (await page.getByTestId('metadata-export-queued').getAttribute('data-job-id'))!;

    await recreateFromOverview(exportJob);
    await expect(page.getByTestId('metadata-export-page')).toBeVisible();
    await expect(page.getByTestId('metadata-export-recreated')).toContainText(exportJob);
    await expect(page.getByTestId('metadata-export-selected-count')).toHaveText(/^2 of \d+ selected\s*$/);
    await expect(page.getByTestId('metadata-export-type-dataElements').locator('input')).toBeChecked();
    await expect(page.getByTestId('metadata-export-type-dataSets').locator('input')).toBeChecked();
    await expect(page.getByTestId('metadata-export-type-organisationUnits').locator('input')).not.toBeChecked();
    await expect(page.getByTestId('metadata-export-skip-sharing').locator('input')).toBeChecked();
    await expect(page.getByTestId('metadata-export-compression-gzip').locator('input')).toBeChecked();
    await expect(page.getByTestId('metadata-export-folder-path').locator('input')).toHaveValue(outDir);
    await expect(page.getByTestId('metadata-export-summary')).toContainText('2 object types as JSON compressed with gzip, without sharing settings');

    // Dependency export: the data set, no sharing, uncompressed.
    await page.getByRole('link', { name: 'Export metadata dependencies', exact: true }).click();
    const picker = page.getByTestId('metadata-dependency-export-object');
    await expect(picker.locator('.v-autocomplete__selection')).toHaveText('DataSetA');
    await page.getByTestId('metadata-dependency-export-skip-sharing').locator('input').check();
    await page.getByTestId('metadata-dependency-export-compression-none').locator('input').check();
    await chooseFolder(page, 'metadata-dependency-export-folder', outDir);
    await page.getByTestId('metadata-dependency-export-start').click();
    await expect(page.getByTestId('metadata-dependency-export-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    const depsJob = (await page.getByTestId('metadata-dependency-export-queued').getAttribute('data-job-id'))!;
    expect(depsJob).not.toBe(exportJob);

    await recreateFromOverview(depsJob);
    await expect(page.getByTestId('metadata-dependency-export-page')).toBeVisible();
    await expect(page.getByTestId('metadata-dependency-export-recreated')).toContainText(depsJob);
    await expect(page.getByTestId('metadata-dependency-export-type')).toContainText('Data set');
    await expect(page.getByTestId('metadata-dependency-export-object').locator('.v-autocomplete__selection')).toHaveText('DataSetA');
    await expect(page.getByTestId('metadata-dependency-export-skip-sharing').locator('input')).toBeChecked();
    await expect(page.getByTestId('metadata-dependency-export-compression-none').locator('input')).toBeChecked();
    await expect(page.getByTestId('metadata-dependency-export-folder-path').locator('input')).toHaveValue(outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
