import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Core } from '../core/core';
import { createIpcRouter } from './ipc-router';
import { tempDir, testCore } from '../core/test/helpers';

const appPage = { frameUrl: 'app://dhis2-ie/index.html', isMainFrame: true };

describe('IPC router', () => {
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  beforeEach(() => {
    dir = tempDir();
    core = testCore(dir.path);
  });
  afterEach(async () => {
    await core.close();
    dir.remove();
  });

  it('calls contract methods for the app page and validates input', async () => {
    const router = createIpcRouter(core);
    expect(await router.call(appPage, 'jobs.counts', {})).toEqual({
      ok: true,
      result: { active: 0, waiting: 0, needsAttention: 0, failed: 0, done: 0, total: 0 },
    });
    const bad = await router.call(appPage, 'servers.add', { name: '', url: 'ftp://x', auth: { kind: 'token', token: '' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(bad)).toMatch(/Give the server a name/);
    expect(JSON.stringify(bad)).toMatch(/must start with https:\/\/ or http:\/\//);
    expect(await router.call(appPage, 'nope.nothing', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses calls from any other frame or origin', async () => {
    const router = createIpcRouter(core);
    for (const sender of [
      { frameUrl: 'https://evil.example/', isMainFrame: true },
      { frameUrl: 'app://dhis2-ie/index.html', isMainFrame: false },
    ]) {
      expect(await router.call(sender, 'servers.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await router.upload(sender, { op: 'begin', name: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });

  it('streams an upload in chunks into the file store', async () => {
    const router = createIpcRouter(core);
    const begin = await router.upload(appPage, { op: 'begin', name: 'data.csv' });
    if (!begin.ok) throw new Error('begin failed');
    const id = begin.result as string;
    const parts = [Buffer.from('a,b,c\n'), Buffer.from('1,2,3\n')];
    for (const bytes of parts) expect(await router.upload(appPage, { op: 'chunk', id, bytes })).toEqual({ ok: true, result: true });
    const end = await router.upload(appPage, { op: 'end', id });
    expect(end).toEqual({ ok: true, result: { sha256: createHash('sha256').update(Buffer.concat(parts)).digest('hex'), name: 'data.csv', size: 12 } });
    expect(await router.upload(appPage, { op: 'chunk', id, bytes: new Uint8Array(1) })).toMatchObject({ ok: false, error: { code: 'UPLOAD_UNKNOWN' } });
  });

  it('drops an aborted upload without storing anything', async () => {
    const router = createIpcRouter(core);
    const begin = await router.upload(appPage, { op: 'begin', name: 'x.csv' });
    const id = (begin as { result: string }).result;
    await router.upload(appPage, { op: 'chunk', id, bytes: Buffer.from('partial') });
    expect(await router.upload(appPage, { op: 'abort', id })).toEqual({ ok: true, result: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(core.db.prepare('SELECT COUNT(*) AS n FROM files').get()).toEqual({ n: 0 });
  });
});
