import { _electron as electron } from 'playwright';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';

const ROOT = join(__dirname, '..', '..');

/** The Electron binary, if this machine has it; electron's own index.js would try to download it. */
function electronBinary(): string | null {
  const pathFile = join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(ROOT, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (!binary) console.log('Electron smoke test NOT RUN: the Electron runtime is not installed on this machine (it cannot be downloaded here).');

test('the desktop app starts with a locked-down window and answers over IPC', async () => {
  test.skip(!binary, 'the Electron runtime is not installed here, so the desktop shell cannot be launched');
  const dataDir = mkdtempSync(join(tmpdir(), 'dhis2-ie-electron-'));
  const app = await electron.launch({
    executablePath: binary!,
    args: [join(ROOT, 'dist', 'main', 'electron.cjs')],
    env: { ...process.env, DHIS2_IE_DATA_DIR: dataDir },
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('connection-indicator')).toContainText('No server');
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const web = BrowserWindow.getAllWindows()[0]!.webContents;
      return { url: web.getURL() };
    });
    expect(prefs.url).toMatch(/^app:\/\/dhis2-ie\//);
    expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => typeof (window as unknown as { dhis2ie?: unknown }).dhis2ie)).toBe('object');
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
