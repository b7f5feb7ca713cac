import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '../support/fixtures';
import { AppProcess } from '../support/app-process';
import { integrationSeed } from '../dhis2-sim/test-seeds';
import { ImportDataResult } from '../../shared/data-import';

const ELEMENTS = ['f7n9E0hX8qk', 'Ix2HsbDMLea', 'eY5ehpbEsB7', 'deDDDDDDDDD'];
const UNITS = ['DiszpKrYNg8', 'BdfsJfj87js'];

function dataFile(fromYear: number, toYear: number): { content: Buffer; count: number } {
  const rows: string[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    for (let month = 1; month <= 12; month++) {
      const pe = `${year}${String(month).padStart(2, '0')}`;
      for (const ou of UNITS) for (const de of ELEMENTS) rows.push(`{"dataElement":"${de}","period":"${pe}","orgUnit":"${ou}","value":"${month}"}`);
    }
  }
  return { content: Buffer.from(`{"dataValues":[\n${rows.join(',\n')}\n]}\n`), count: rows.length };
}

test('a facility queue travels on USB: saved offline, loaded twice at the district, imported once, receipt back shows the result', async ({
  app: facility,
  sim,
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const work = mkdtempSync(join(tmpdir(), 'dhis2-ie-usb-'));
  const usb = join(work, 'USB DRIVE');
  mkdirSync(usb);
  const district = new AppProcess(join(work, 'district-data'));
  await district.start();
  try {
    sim.seedMetadata(integrationSeed(), { replace: true });
    const metadata = Buffer.from(JSON.stringify(integrationSeed()));

    // Facility: no server at all, only the metadata a district officer left on a stick. Two imports wait.
    await facility.call('metadata.loadFile', { file: await facility.upload('metadata.json', metadata) });
    const early = dataFile(2021, 2021);
    const late = dataFile(2022, 2022);
    const jobA = await facility.call('jobs.create', { type: 'import-data', params: {}, files: [await facility.upload('2021.json', early.content)] });
    const jobB = await facility.call('jobs.create', { type: 'import-data', params: {}, files: [await facility.upload('2022.json', late.content)] });
    await expect.poll(async () => (await facility.call('jobs.get', { id: jobA.id })).state).toBe('waiting-for-connection');

    await page.goto(facility.openUrl);
    await page.goto(`${facility.url}/#/utils/job-overview`);
    await page.getByTestId('job-save-usb').click();
    const dialog = page.getByTestId('save-usb-dialog');
    await expect(dialog.getByTestId('save-usb-job')).toHaveCount(2);
    await dialog.getByTestId('save-usb-device').locator('input').fill('Ngelehun CHC');
    await dialog.getByTestId('save-usb-folder-path').locator('input').fill(usb);
    await dialog.getByTestId('save-usb-start').click();
    await expect(dialog.getByTestId('save-usb-done')).toContainText('read it back');
    await expect(dialog.getByTestId('save-usb-done')).toContainText(`${early.count + late.count}`);
    await dialog.getByTestId('save-usb-close').click();
    const bundleName = readdirSync(usb).find((name) => name.endsWith('.zip'))!;
    expect(bundleName).toMatch(/^dhis2-bundle-Ngelehun-CHC-0001-/);
    expect(readdirSync(usb)).toEqual([bundleName]);

    const rowA = page.locator(`[data-testid="job-row"][data-job-id="${jobA.id}"]`);
    await expect(rowA.getByTestId('job-state')).toContainText('Carried on USB');
    await rowA.click();
    await expect(page.getByTestId('job-transport-carried')).toContainText(bundleName);

    // District: the server and its metadata; load the drive.
    await district.call('servers.add', { name: 'District', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
    await district.call('metadata.loadFile', { file: await district.upload('metadata.json', metadata) });
    // Its own browser context: cookies do not tell ports apart, and both apps sign in on 127.0.0.1.
    const districtContext = await browser.newContext();
    const districtPage = await districtContext.newPage();
    await districtPage.goto(district.openUrl);
    await districtPage.goto(`${district.url}/#/utils/load-collected`);
    await districtPage.getByTestId('load-folder-path').locator('input').fill(usb);
    await districtPage.getByTestId('load-scan').click();
    const bundleItem = districtPage.locator('[data-testid="scan-item"][data-kind="bundle"]');
    // This laptop was never enrolled here: the bundle is held until a person compares the fingerprint the laptop shows.
    await expect(bundleItem).toHaveAttribute('data-status', 'held');
    const { fingerprint } = await facility.call('bundles.device', {});
    expect(fingerprint).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){5}$/);
    await expect(bundleItem.getByTestId('scan-item-fingerprint')).toHaveText(fingerprint!);
    await expect(bundleItem.getByTestId('scan-bundle-source')).toContainText('Ngelehun CHC');
    await expect(bundleItem.getByTestId('scan-bundle-job')).toHaveCount(2);
    await expect(bundleItem.getByTestId('scan-bundle-jobs')).toContainText(`${early.count} values`);
    await expect(districtPage.getByTestId('load-start')).toBeDisabled();
    expect((await district.call('jobs.list', {})).total).toBe(0);
    await bundleItem.getByTestId('scan-item-approve').click();
    await expect(districtPage.getByTestId('load-approved')).toContainText('trusted from Ngelehun CHC from now on');
    await expect(districtPage.getByTestId('load-report-loaded')).toContainText('2 job(s) queued from Ngelehun CHC');
    await expect(districtPage.getByTestId('load-report-receipt-written')).toBeVisible();
    // The list now knows the bundle.
    await expect(bundleItem).toHaveAttribute('data-status', 'duplicate');
    await expect(districtPage.getByTestId('load-start')).toBeDisabled();

    // Sent from the district, each value once.
    await expect.poll(async () => (await district.call('jobs.list', {})).jobs.map((job) => job.state).sort(), { timeout: 90_000 }).toEqual(['done', 'done']);
    expect(sim.dataValues()).toHaveLength(early.count + late.count);
    const posts = sim.dataValuePosts().length;
    expect(posts).toBe(2);

    // Loaded again, from the same drive and from a copy in another folder: nothing more is queued or sent.
    const again = await district.call('bundles.load', { folder: usb });
    expect(again.loaded).toEqual([]);
    expect(again.duplicate.map((item) => item.fileName)).toEqual([bundleName]);
    const copy = join(work, 'copied');
    mkdirSync(copy);
    copyFileSync(join(usb, bundleName), join(copy, bundleName));
    await districtPage.getByTestId('load-folder-path').locator('input').fill(copy);
    await districtPage.getByTestId('load-scan').click();
    await expect(districtPage.locator('[data-testid="scan-item"][data-kind="bundle"]')).toHaveAttribute('data-status', 'duplicate');
    await expect(districtPage.getByTestId('load-start')).toBeDisabled();
    expect((await district.call('jobs.list', {})).total).toBe(2);
    expect(sim.dataValues()).toHaveLength(early.count + late.count);
    expect(sim.dataValuePosts()).toHaveLength(posts);
    await districtContext.close();

    // The final receipt is on the drive, written when the last import finished.
    const receiptName = bundleName.replace(/\.zip$/, '.receipt.json');
    await expect.poll(() => (JSON.parse(readFileSync(join(usb, receiptName), 'utf8')) as { stage: string }).stage).toBe('finished');

    // Back at the facility: the receipt is loaded, the jobs are delivered and show what the server did.
    await page.goto(`${facility.url}/#/utils/load-collected`);
    await page.getByTestId('load-folder-path').locator('input').fill(usb);
    await page.getByTestId('load-scan').click();
    await expect(page.locator('[data-testid="scan-item"][data-kind="receipt"]')).toHaveAttribute('data-status', 'new');
    await expect(page.locator('[data-testid="scan-item"][data-kind="bundle"]')).toHaveAttribute('data-status', 'ignored');
    await page.getByTestId('load-start').click();
    await expect(page.getByTestId('load-report-receipt')).toContainText('2 imported by the server');

    await page.goto(`${facility.url}/#/utils/job-overview?job=${jobB.id}`);
    const details = page.getByTestId('job-details');
    await expect(details.getByTestId('job-state')).toContainText('Delivered by USB');
    await expect(page.getByTestId('job-transport-receipt')).toContainText('sent to the server there');
    await expect(details.locator('[data-testid="import-summary"][data-kind="server"]').getByTestId('import-summary-counts')).toContainText(`${late.count}`);
    const deliveredB = await facility.call('jobs.get', { id: jobB.id });
    expect(ImportDataResult.parse(deliveredB.result).server.importCount.imported).toBe(late.count);
    // The facility never reached a server itself.
    expect((await facility.call('servers.list', {})).length).toBe(0);
  } finally {
    await district.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
