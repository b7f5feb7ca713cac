import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { test, expect } from '../support/fixtures';
import { integrationSeed, postDataValues, summaryOf } from '../dhis2-sim/test-seeds';
import type { MetadataExport } from '../dhis2-sim/metadata';
import type { AppProcess } from '../support/app-process';
import type { Simulator } from '../dhis2-sim/server';

const DATA_SET = 'pBOMPrpg1QX';
const ELEMENTS = ['f7n9E0hX8qk', 'Ix2HsbDMLea', 'eY5ehpbEsB7', 'deDDDDDDDDD'];
const [UNIT_A, UNIT_B, UNIT_C] = ['DiszpKrYNg8', 'BdfsJfj87js', 'j7Hg26FpoIa'];
const PERIODS = ['202312', '202401', '202402', '202403', '202404'];

/**
 * The integration test metadata placed in a hierarchy: Country > North (A, B) and South (C), with
 * the admin user at the country, so the tree has something to open and search.
 */
function hierarchySeed(): MetadataExport {
  const seed = integrationSeed() as Record<string, Array<Record<string, unknown>>>;
  const parentOf: Record<string, string> = { [UNIT_A]: 'DistrictNth', [UNIT_B]: 'DistrictNth', [UNIT_C]: 'DistrictSth' };
  seed['organisationUnits'] = [
    { id: 'CountryRoot', name: 'Country', shortName: 'Country', code: 'OU_COUNTRY', openingDate: '1970-01-01' },
    { id: 'DistrictNth', name: 'District North', shortName: 'North', code: 'OU_NORTH', openingDate: '1970-01-01', parent: { id: 'CountryRoot' } },
    { id: 'DistrictSth', name: 'District South', shortName: 'South', code: 'OU_SOUTH', openingDate: '1970-01-01', parent: { id: 'CountryRoot' } },
    ...seed['organisationUnits']!.map((unit) => ({ ...unit, parent: { id: parentOf[String(unit['id'])] } })),
  ];
  seed['dataSets']![0]!['organisationUnits'] = [UNIT_A, UNIT_B, UNIT_C].map((id) => ({ id }));
  seed['users'] = [{ id: 'M5zQapPyTZI', username: 'admin', organisationUnits: [{ id: 'CountryRoot' }] }];
  return seed as MetadataExport;
}

/** Every element of the data set, for each unit and month, with a value that says where it belongs. */
function allValues(): Array<{ dataElement: string; period: string; orgUnit: string; value: string }> {
  const out = [];
  for (const orgUnit of [UNIT_A, UNIT_B, UNIT_C]) {
    for (const period of PERIODS) {
      for (const [i, dataElement] of ELEMENTS.entries()) {
        out.push({ dataElement, period, orgUnit, value: String(Number(period.slice(4)) * 100 + [UNIT_A, UNIT_B, UNIT_C].indexOf(orgUnit) * 10 + i) });
      }
    }
  }
  return out;
}

async function prepare(app: AppProcess, sim: Simulator): Promise<void> {
  sim.seedMetadata(hierarchySeed(), { replace: true });
  const posted = await postDataValues(sim, JSON.stringify({ dataValues: allValues() }), 'application/json');
  expect(summaryOf(posted).importCount.imported).toBe(allValues().length);
  await app.call('servers.add', { name: 'District', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
  const metadataFile = await app.upload('metadata.json', Buffer.from(JSON.stringify(hierarchySeed())));
  await app.call('metadata.loadFile', { file: metadataFile });
}

function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'dhis2-ie-export-'));
}

test('export data values for org units picked in the tree and by search, queued offline, saved as zipped CSV once online', async ({ app, sim, page }) => {
  await prepare(app, sim);
  const outDir = tempFolder();
  try {
    await page.goto(app.openUrl);
    await expect(page.getByTestId('metadata-status')).toContainText(/as of/i);
    await page.goto(`${app.url}/#/export/data`);
    await expect(page.getByTestId('data-export-page')).toBeVisible();

    // The tree starts at the user's country, opened since it is the only root.
    const tree = page.getByTestId('data-export-org-units');
    const node = (name: string) => tree.locator(`[data-testid="data-export-org-units-node"][data-name="${name}"]`);
    await expect(node('District North')).toBeVisible();
    await expect(node('District South')).toBeVisible();
    await expect(node('OrganisationUnitA')).toHaveCount(0);

    // Search finds B below North; it is chosen there and shown in the tree, which opens North.
    await tree.getByTestId('data-export-org-units-search').locator('input').fill('unitb');
    const result = tree.locator('[data-testid="data-export-org-units-result"][data-id="BdfsJfj87js"]');
    await expect(result).toContainText('Country › District North');
    await result.getByTestId('data-export-org-units-result-check').check();
    await result.getByTestId('data-export-org-units-result-show').click();
    await expect(node('OrganisationUnitB')).toBeVisible();
    await expect(node('OrganisationUnitB').locator('input[type="checkbox"]')).toBeChecked();

    // A is chosen in the opened tree; South is opened and closed again without choosing C.
    await node('OrganisationUnitA').locator('input[type="checkbox"]').check();
    await node('District South').getByRole('button', { name: 'Open District South' }).click();
    await expect(node('OrganisationUnitC')).toBeVisible();
    await node('District South').getByRole('button', { name: 'Close District South' }).click();
    await expect(node('OrganisationUnitC')).toHaveCount(0);
    await expect(tree.getByTestId('data-export-org-units-chip')).toHaveText(['OrganisationUnitB', 'OrganisationUnitA']);
    await expect(page.getByTestId('data-export-include-descendants').locator('input')).toBeChecked();

    // Data set, dates, CSV in a zip.
    const dataSets = page.getByTestId('data-export-data-sets');
    await dataSets.locator('input').fill('DataSet');
    await page.getByRole('option', { name: /DataSetA/ }).click();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('data-export-coverage-warning')).toHaveCount(0);
    await page.getByTestId('data-export-start-date').locator('input').fill('2024-04-01');
    await page.getByTestId('data-export-end-date').locator('input').fill('2024-01-01');
    await expect(page.getByTestId('data-export-end-date')).toContainText('The start date is after the end date.');
    await page.getByTestId('data-export-start-date').locator('input').fill('2024-01-01');
    await page.getByTestId('data-export-end-date').locator('input').fill('2024-03-31');
    await expect(page.getByTestId('data-export-end-date')).not.toContainText('after the end date');
    await page.getByTestId('data-export-format-csv').locator('input').check();
    await page.getByTestId('data-export-compression-zip').locator('input').check();

    // A folder that is not there is reported before anything is queued.
    const folder = page.getByTestId('data-export-folder');
    const missing = join(outDir, 'USB-not-plugged-in');
    await folder.getByTestId('data-export-folder-path').locator('input').fill(missing);
    await expect(folder).toContainText('is not there');
    await page.getByTestId('data-export-start').click();
    await expect(page.getByTestId('data-export-form-errors')).toContainText('is not there');
    expect((await app.call('jobs.list', { types: ['export-data'] })).total).toBe(0);

    // The folder is chosen in the browser-mode folder dialog, by typing its path.
    await folder.getByTestId('data-export-folder-choose').click();
    const dialog = page.getByTestId('data-export-folder-browser-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('data-export-folder-browser-error')).toContainText('is not there');
    await expect(dialog.getByTestId('data-export-folder-browser-place').first()).toContainText('Home folder');
    await dialog.getByTestId('data-export-folder-browser-path-input').locator('input').fill(outDir);
    await dialog.getByTestId('data-export-folder-browser-go').click();
    await expect(dialog.getByTestId('data-export-folder-browser-current')).toHaveText(outDir);
    await dialog.getByTestId('data-export-folder-browser-use').click();
    await expect(folder.getByTestId('data-export-folder-path').locator('input')).toHaveValue(outDir);
    await expect(folder.getByTestId('data-export-folder-status')).toContainText('The app can save here');
    await expect(page.getByTestId('data-export-summary')).toContainText(
      'DataSetA for 2 organisation units and everything below, 2024-01-01 to 2024-03-31, as CSV in a zip file',
    );

    // Offline: the export waits in the queue.
    await app.call('settings.update', { pingIntervalSeconds: 5 });
    sim.setOffline(true);
    await expect(page.getByTestId('connection-indicator')).toContainText('Offline', { timeout: 15_000 });
    await expect(page.getByTestId('data-export-offline')).toContainText('will start when District is reachable');
    await page.getByTestId('data-export-start').click();
    await expect(page.getByTestId('data-export-queued')).toBeVisible();
    await expect(page.getByTestId('data-export-job-state')).toHaveAttribute('data-state', 'waiting-for-connection');
    await expect(page.getByTestId('data-export-waiting')).toContainText('it will start when District is reachable');
    expect(readdirSync(outDir)).toEqual([]);

    // Online: it runs by itself and says where the file is and how big.
    sim.setOffline(false);
    await expect(page.getByTestId('data-export-job-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    const savedPath = (await page.getByTestId('data-export-saved-path').textContent())!.trim();
    expect(savedPath.startsWith(join(outDir, 'dhis2-data-'))).toBe(true);
    expect(savedPath.endsWith('.csv.zip')).toBe(true);
    expect(existsSync(savedPath)).toBe(true);
    expect(readdirSync(outDir)).toEqual([savedPath.slice(outDir.length + 1)]);
    await expect(page.getByTestId('data-export-saved-size')).toHaveText(`${statSync(savedPath).size} bytes`);

    // A real zip holding the CSV with exactly the values of A and B from January to March.
    const zip = await JSZip.loadAsync(readFileSync(savedPath));
    const names = Object.keys(zip.files);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/\.csv$/);
    const [header, ...lines] = (await zip.file(names[0]!)!.async('string')).trim().split('\n');
    expect(header).toBe('dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted');
    const got = lines
      .map((line) =>
        line
          .split(',')
          .slice(0, 6)
          .filter((_, i) => i !== 3 && i !== 4)
          .join('|'),
      )
      .sort();
    const expected = allValues()
      .filter((v) => [UNIT_A, UNIT_B].includes(v.orgUnit) && ['202401', '202402', '202403'].includes(v.period))
      .map((v) => [v.dataElement, v.period, v.orgUnit, v.value].join('|'))
      .sort();
    expect(expected).toHaveLength(24);
    expect(got).toEqual(expected);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

test('recreate fills the form again, names and all', async ({ app, sim, page }) => {
  await prepare(app, sim);
  const outDir = tempFolder();
  try {
    sim.setOffline(true);
    const job = await app.call('jobs.create', {
      type: 'export-data',
      params: {
        orgUnits: ['DistrictSth', 'Nowhere0001'],
        includeDescendants: false,
        dataSets: [DATA_SET],
        startDate: '2023-12-01',
        endDate: '2024-02-29',
        format: 'xml',
        compression: 'gzip',
        includeDeleted: true,
        idScheme: 'CODE',
        outDir,
      },
    });
    await page.goto(app.openUrl);
    await page.goto(`${app.url}/#/export/data?recreate=${job.id}`);
    await expect(page.getByTestId('data-export-recreated')).toContainText(job.id);
    await expect(page.getByTestId('data-export-org-units-chip')).toHaveText(['District South', 'Nowhere0001']);
    await expect(page.getByTestId('data-export-recreate-notice')).toContainText('Nowhere0001');
    await expect(page.getByTestId('data-export-data-sets')).toContainText('DataSetA');
    await expect(page.getByTestId('data-export-start-date').locator('input')).toHaveValue('2023-12-01');
    await expect(page.getByTestId('data-export-end-date').locator('input')).toHaveValue('2024-02-29');
    await expect(page.getByTestId('data-export-format-xml').locator('input')).toBeChecked();
    await expect(page.getByTestId('data-export-compression-gzip').locator('input')).toBeChecked();
    await expect(page.getByTestId('data-export-include-descendants').locator('input')).not.toBeChecked();
    await expect(page.getByTestId('data-export-include-deleted').locator('input')).toBeChecked();
    await expect(page.getByTestId('data-export-id-scheme')).toContainText('Code');
    await expect(page.getByTestId('data-export-folder-path').locator('input')).toHaveValue(outDir);
    await expect(page.getByTestId('data-export-folder-status')).toContainText('The app can save here');

    // DataSetA lies on the units below South, not on South itself: a warning until descendants are included.
    const coverage = page.getByTestId('data-export-coverage-warning');
    await expect(coverage).toHaveText('DataSetA is not assigned to any of the 2 chosen organisation units: the export will hold no values for it.');
    await page.getByTestId('data-export-include-descendants').locator('input').check();
    await expect(coverage).toHaveCount(0);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

test('without offline metadata: org units and data sets by id, and clear messages for what is missing', async ({ app, sim, page }) => {
  await app.call('servers.add', { name: 'District', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
  await page.goto(app.openUrl);
  await page.goto(`${app.url}/#/export/data`);

  const tree = page.getByTestId('data-export-org-units');
  await expect(tree.getByTestId('data-export-org-units-no-metadata')).toContainText('no offline metadata');
  await page.getByTestId('data-export-start').click();
  const errors = page.getByTestId('data-export-form-errors');
  await expect(errors).toContainText('Organisation units: Choose at least one organisation unit.');
  await expect(errors).toContainText('Data sets: Choose at least one data set.');
  await expect(errors).toContainText('Folder: Choose the folder to save the file in.');

  await tree.getByTestId('data-export-org-units-id-input').locator('input').fill('not-an-id');
  await tree.getByTestId('data-export-org-units-id-add').click();
  await expect(tree).toContainText('An organisation unit id has 11 letters and digits');
  await tree.getByTestId('data-export-org-units-id-input').locator('input').fill(UNIT_A);
  await tree.getByTestId('data-export-org-units-id-add').click();
  await expect(tree.getByTestId('data-export-org-units-chip')).toHaveText([UNIT_A]);

  // The list is rebuilt when the (debounced) search answers; a click landing on the old row is lost, as it would be
  // for a person, who clicks again. Do the same until the chip shows.
  const dataSets = page.getByTestId('data-export-data-sets');
  await expect(async () => {
    await dataSets.locator('input').fill(DATA_SET);
    await page.getByRole('option', { name: /Use this data set id/ }).click({ timeout: 2000 });
    await expect(dataSets.locator('.v-chip')).toContainText(DATA_SET, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.keyboard.press('Escape');
  await expect(errors).not.toContainText('Organisation units');
  await expect(errors).not.toContainText('Data sets');
  await expect(errors).toContainText('Folder');
  expect((await app.call('jobs.list', { types: ['export-data'] })).total).toBe(0);
});
