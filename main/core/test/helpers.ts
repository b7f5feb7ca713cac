import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createCore, type Core, type CoreOptions } from '../core';

export interface TempDir {
  path: string;
  remove(): void;
}

/** A fresh data folder per test, removed afterwards. */
export function tempDir(prefix = 'dhis2-ie-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function testCore(dataDir: string, extra: Partial<CoreOptions> = {}): Core {
  return createCore({ dataDir, mode: 'browser', appVersion: 'test', enableSelfTestJobs: true, ...extra });
}

/** A core on `<dir>/data` in a fresh temp folder, which leaves room beside it for the files a test reads; `close` ends both. */
export function coreInTempDir(): { dir: TempDir; core: Core; close(): Promise<void> } {
  const dir = tempDir();
  const core = testCore(join(dir.path, 'data'));
  return {
    dir,
    core,
    async close() {
      await core.close();
      dir.remove();
    },
  };
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

/** Teardown a test registers as it sets things up; run newest first after each test of the suite. */
export type Cleanups = (() => unknown)[];

export function cleanupsAfterEach(): Cleanups {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}

/**
 * A server that takes connections and never answers, so a server check stays in flight until the
 * test hangs up (`sockets`); closed after the test.
 */
export async function silentServer(cleanups: Cleanups): Promise<{ url: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, sockets };
}

/** The unhandled rejections raised from now until the test ends: closing must leave none behind. */
export function unhandledRejections(cleanups: Cleanups): unknown[] {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  cleanups.push(() => process.off('unhandledRejection', onUnhandled));
  return unhandled;
}
