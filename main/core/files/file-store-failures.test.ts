import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { openDatabase, type Db } from '../db/database';
import { FileStore } from './file-store';
import { tempDir } from '../test/helpers';

/**
 * What goes wrong under the copy: its output file's writes fail after `writesBefore` good ones, or its flushes fail;
 * reads of the file being copied take `readDelay` ms (so the copy is waiting on a read when a write fails).
 */
const broken = vi.hoisted(() => ({ write: null as Error | null, writesBefore: 0, datasync: null as Error | null, readDelay: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (...args: Parameters<typeof real.open>) => {
    const handle = await real.open(...args);
    // The store's temp file is opened 'wx'; the file being copied, 'r'.
    const output = args[1] === 'wx';
    let writes = 0;
    return new Proxy(handle, {
      get(target, property) {
        if (!output && property === 'read' && broken.readDelay > 0) {
          return async (...readArgs: Parameters<typeof target.read>) => {
            await delay(broken.readDelay);
            return target.read(...readArgs);
          };
        }
        if (output && property === 'write' && broken.write) {
          const failure = broken.write;
          return async (...writeArgs: Parameters<typeof target.write>) => {
            if (++writes <= broken.writesBefore) return target.write(...writeArgs);
            // The disk answers a little later, while the copy waits for its next read.
            await delay(20);
            throw failure;
          };
        }
        if (output && property === 'datasync' && broken.datasync) {
          const failure = broken.datasync;
          return async () => {
            await delay(20);
            throw failure;
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return { ...real, open, default: { ...real, open } };
});

describe('FileStore.putFromPathReading when the disk fails under it', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  const unhandled: unknown[] = [];
  const listen = (reason: unknown) => void unhandled.push(reason);
  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir.path, 'db.sqlite'));
    unhandled.length = 0;
    process.on('unhandledRejection', listen);
  });
  afterEach(() => {
    process.off('unhandledRejection', listen);
    broken.write = null;
    broken.datasync = null;
    broken.writesBefore = 0;
    broken.readDelay = 0;
    db.close();
    dir.remove();
  });

  function file(megabytes: number): string {
    const path = join(dir.path, 'values.bin');
    writeFileSync(path, Buffer.alloc(megabytes * 1024 * 1024, 7));
    return path;
  }

  /** A reader slow enough that the copy waits on it while the disk's answer comes. */
  async function slowReader(stream: NodeJS.ReadableStream): Promise<string> {
    for await (const _piece of stream) await delay(1);
    return 'read';
  }

  it('fails the store with the disk error, keeps nothing, and leaves no failure unheard (a write)', async () => {
    broken.write = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    broken.writesBefore = 2;
    broken.readDelay = 60;
    const store = new FileStore(join(dir.path, 'store'), db);
    await expect(store.putFromPathReading(file(6), 'values.bin', slowReader)).rejects.toMatchObject({ code: 'ENOSPC' });
    await delay(50);
    expect(unhandled).toEqual([]);
    expect(readdirSync(join(dir.path, 'store', 'files', 'tmp'))).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n).toBe(0);
  });

  it('fails the store with the disk error, keeps nothing, and leaves no failure unheard (a flush while copying)', async () => {
    broken.datasync = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const store = new FileStore(join(dir.path, 'store'), db);
    await expect(store.putFromPathReading(file(20), 'values.bin', slowReader)).rejects.toMatchObject({ code: 'EIO' });
    await delay(50);
    expect(unhandled).toEqual([]);
    expect(readdirSync(join(dir.path, 'store', 'files', 'tmp'))).toEqual([]);
  });
});
