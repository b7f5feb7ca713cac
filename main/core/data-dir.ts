import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_DIR_NAME = 'dhis2-ie';

/**
 * Where the database, stored files and logs live. The desktop app, `serve` and the CLI agree on
 * it so that a job queued from one is seen by the others: --data-dir, then DHIS2_IE_DATA_DIR,
 * then the platform's usual place for application data.
 */
export function resolveDataDir(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env.DHIS2_IE_DATA_DIR;
  if (chosen) return resolve(chosen);
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), APP_DIR_NAME);
}

export function ensureDataDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  return dir;
}
