import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core, type CoreOptions } from '../core';

/** A fresh data folder per test, removed afterwards. */
export function tempDir(prefix = 'dhis2-ie-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function testCore(dataDir: string, extra: Partial<CoreOptions> = {}): Core {
  return createCore({ dataDir, mode: 'browser', appVersion: 'test', enableSelfTestJobs: true, ...extra });
}

/** Resolves when `predicate` holds, polling; rejects with `what` after the timeout. */
export async function waitFor<T>(predicate: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
