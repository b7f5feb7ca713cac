import { test, expect } from '../support/fixtures';
import { DEFAULT_ADMIN_PAT } from '../dhis2-sim/users';

test('add a server against the simulator, see it online, then offline when the simulator goes down', async ({ app, sim, page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('connection-indicator')).toContainText('No server');

  await page.goto(`${app.url}/#/servers`);
  await page.getByTestId('add-server').click();
  await page.getByTestId('server-name').locator('input').fill('District simulator');
  await page.getByTestId('server-url').locator('input').fill(`${sim.url}/api/`);
  await page.getByTestId('auth-kind-token').click();
  await page.getByTestId('server-token').locator('input').fill(DEFAULT_ADMIN_PAT);
  await page.getByTestId('test-connection').click();
  await expect(page.getByTestId('test-result')).toContainText('2.41');
  await expect(page.getByTestId('test-result')).toContainText('admin');
  await page.getByTestId('save-server').click();

  const row = page.getByTestId('server-row').filter({ hasText: 'District simulator' });
  await expect(row).toBeVisible();
  await expect(row).toContainText(sim.url);
  await expect(page.getByTestId('connection-indicator')).toContainText('Online');

  // The monitor notices by itself, on its own rhythm (the shortest interval the settings allow).
  await app.call('settings.update', { pingIntervalSeconds: 5 });
  sim.setOffline(true);
  await expect(page.getByTestId('connection-indicator')).toContainText('Offline', { timeout: 15_000 });

  sim.setOffline(false);
  await page.getByTestId('connection-indicator').click();
  await expect(page.getByTestId('connection-indicator')).toContainText('Online');
});

test('a wrong password is reported in words before saving', async ({ app, sim, page }) => {
  await page.goto(app.openUrl);
  await page.goto(`${app.url}/#/servers`);
  await page.getByTestId('add-server').click();
  await page.getByTestId('server-name').locator('input').fill('Wrong password');
  await page.getByTestId('server-url').locator('input').fill(sim.url);
  await page.getByTestId('auth-kind-basic').click();
  await page.getByTestId('server-username').locator('input').fill('admin');
  await page.getByTestId('server-password').locator('input').fill('not-district');
  await page.getByTestId('test-connection').click();
  await expect(page.getByTestId('test-result')).toContainText('refused');
});

test('remove a server after confirming', async ({ app, sim, page }) => {
  await app.call('servers.add', { name: 'Old server', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
  await page.goto(app.openUrl);
  await page.goto(`${app.url}/#/servers`);
  const row = page.getByTestId('server-row').filter({ hasText: 'Old server' });
  await row.getByTestId('server-remove').click();
  await page.getByTestId('confirm-remove').click();
  await expect(row).toHaveCount(0);
  expect(await app.call('servers.list')).toEqual([]);
});
