import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openDatabase, type Db } from '../db/database';
import { FileStore, safeName } from './file-store';
import { FOREIGN_ABANDONED_AFTER_MS } from './temp-files';
import { tempDir } from '../test/helpers';

describe('FileStore', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir.path, 'db.sqlite'));
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('stores a stream under its sha256 and records it', async () => {
    const store = new FileStore(dir.path, db);
    const content = Buffer.from('dataelement,period,orgunit\nabc,202401,xyz\n');
    const ref = await store.put(Readable.from([content.subarray(0, 10), content.subarray(10)]), 'values.csv');
    expect(ref.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(ref.size).toBe(content.length);
    expect(ref.name).toBe('values.csv');
    expect(readFileSync(store.pathOf(ref.sha256))).toEqual(content);
    expect(store.has(ref.sha256)).toBe(true);
    expect(await store.verify(ref.sha256)).toBe(true);
    if (process.platform !== 'win32') expect(statSync(store.pathOf(ref.sha256)).mode & 0o777).toBe(0o600);
  });

  it('keeps one copy of identical content handed over twice', async () => {
    const store = new FileStore(dir.path, db);
    const a = await store.put(Readable.from([Buffer.from('same')]), 'a.json');
    const b = await store.put(Readable.from([Buffer.from('same')]), 'b.json');
    expect(a.sha256).toBe(b.sha256);
    expect(db.prepare('SELECT COUNT(*) AS n FROM files').get()).toEqual({ n: 1 });
  });

  it('refuses a file over the size limit and leaves no trace of it', async () => {
    const store = new FileStore(dir.path, db, 16);
    await expect(store.put(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), 'big.csv')).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringContaining('big.csv'),
    });
    expect(readdirSync(join(dir.path, 'files', 'tmp'))).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM files').get()).toEqual({ n: 0 });
  });

  it('refuses a first piece over the limit before its temp file is even open, and leaves no trace once that open completes', async () => {
    const store = new FileStore(dir.path, db, 16);
    for (let i = 0; i < 20; i++) {
      await expect(store.put(Readable.from([Buffer.alloc(20)]), 'big.csv')).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
      // The open of the temp file runs on its own; give it the time it takes to land, were it still under way.
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(readdirSync(join(dir.path, 'files', 'tmp'))).toEqual([]);
    }
  });

  it('stores a file from disk that spans many read chunks byte for byte, and refuses one over the limit without a trace', async () => {
    // 5.5 MB of varied bytes: more chunks than the copy's rotating buffers, and a short last one.
    const content = Buffer.alloc(5.5 * 1024 * 1024);
    for (let i = 0; i < content.length; i++) content[i] = (i * 31 + (i >>> 13)) & 0xff;
    const source = join(dir.path, 'values.json');
    writeFileSync(source, content);
    const store = new FileStore(dir.path, db);
    const ref = await store.putFromPath(source, 'values.json');
    expect(ref).toEqual({ sha256: createHash('sha256').update(content).digest('hex'), name: 'values.json', size: content.length });
    expect(readFileSync(store.pathOf(ref.sha256)).equals(content)).toBe(true);
    expect(await store.verify(ref.sha256)).toBe(true);
    if (process.platform !== 'win32') expect(statSync(store.pathOf(ref.sha256)).mode & 0o777).toBe(0o600);

    const small = new FileStore(dir.path, db, 3 * 1024 * 1024);
    await expect(small.putFromPath(source, 'values.json')).rejects.toMatchObject({ code: 'FILE_TOO_LARGE', message: expect.stringContaining('values.json') });
    expect(readdirSync(join(dir.path, 'files', 'tmp'))).toEqual([]);
    await expect(store.putFromPath(join(dir.path, 'gone.csv'), 'gone.csv')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(join(dir.path, 'files', 'tmp'))).toEqual([]);
  });

  it('removes a stream that failed half way, keeping earlier files intact', async () => {
    const store = new FileStore(dir.path, db);
    const kept = await store.put(Readable.from([Buffer.from('kept')]), 'kept.txt');
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('USB drive removed'));
      },
    });
    await expect(store.put(failing, 'x.csv')).rejects.toThrow('USB drive removed');
    expect(readdirSync(join(dir.path, 'files', 'tmp'))).toEqual([]);
    expect(await store.verify(kept.sha256)).toBe(true);
  });

  it('clears temp files left by a crash when it opens', () => {
    new FileStore(dir.path, db);
    const leftover = join(dir.path, 'files', 'tmp', 'leftover');
    writeFileSync(leftover, 'half an upload');
    // Only a temp file idle for long is taken as left by a crash (another process may be writing a fresh one).
    const longAgo = new Date(Date.now() - 2 * FOREIGN_ABANDONED_AFTER_MS);
    utimesSync(leftover, longAgo, longAgo);
    new FileStore(dir.path, db);
    expect(readdirSync(join(dir.path, 'files', 'tmp'))).toEqual([]);
  });

  it('detects a stored file whose bytes changed on disk', async () => {
    const store = new FileStore(dir.path, db);
    const ref = await store.put(Readable.from([Buffer.from('original')]), 'a.txt');
    writeFileSync(store.pathOf(ref.sha256), 'tampered');
    expect(await store.verify(ref.sha256)).toBe(false);
  });

  it('never collects a file a job refers to, and collects an orphan after its grace period', async () => {
    const store = new FileStore(dir.path, db);
    const used = await store.put(Readable.from([Buffer.from('used')]), 'used.csv');
    const orphan = await store.put(Readable.from([Buffer.from('orphan')]), 'orphan.csv');
    db.prepare(
      "INSERT INTO jobs (id, type, title, state, params, max_attempts, created_at, updated_at) VALUES ('j', 'self-test', 't', 'done', '{}', 1, 'x', 'x')",
    ).run();
    db.prepare("INSERT INTO job_files (job_id, position, sha256, name) VALUES ('j', 0, ?, 'used.csv')").run(used.sha256);
    expect(store.collectGarbage(60_000)).toBe(0);
    expect(store.collectGarbage(-1)).toBe(1);
    expect(existsSync(store.pathOf(used.sha256))).toBe(true);
    expect(existsSync(store.pathOf(orphan.sha256))).toBe(false);
    expect(store.referenceCount(used.sha256)).toBe(1);
  });

  it('rejects ids that are not sha256 so a path cannot be smuggled in', () => {
    const store = new FileStore(dir.path, db);
    expect(() => store.pathOf('../../etc/passwd')).toThrow(/not a file id/);
  });
});

describe('FileStore.putFromPathReading', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir.path, 'db.sqlite'));
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  /** Five megabytes (or `megabytes`) that are not all alike, so a piece read twice or out of order changes the hash. */
  function bigFile(megabytes = 5): { path: string; content: Buffer } {
    const content = Buffer.alloc(megabytes * 1024 * 1024 + 123);
    for (let i = 0; i < content.length; i++) content[i] = (i * 31 + (i >> 10)) & 0xff;
    const path = join(dir.path, 'big.bin');
    writeFileSync(path, content);
    return { path, content };
  }

  it('hands the reader exactly the bytes it stores, in pieces of at most 64 KB', async () => {
    const { path, content } = bigFile();
    const store = new FileStore(join(dir.path, 'store'), db);
    const { ref, result } = await store.putFromPathReading(path, 'big.bin', async (stream) => {
      const pieces: Buffer[] = [];
      for await (const piece of stream as AsyncIterable<Buffer>) pieces.push(Buffer.from(piece));
      return pieces;
    });
    expect(Buffer.concat(result).equals(content)).toBe(true);
    expect(Math.max(...result.map((piece) => piece.length))).toBeLessThanOrEqual(64 * 1024);
    expect(ref.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(readFileSync(store.pathOf(ref.sha256)).equals(content)).toBe(true);
  });

  it('stores a file flushed to disk in parts as it is copied (over 16 MB) exactly, and the reader gets it all', async () => {
    const { path, content } = bigFile(35);
    const store = new FileStore(join(dir.path, 'store'), db);
    const { ref, result } = await store.putFromPathReading(path, 'huge.bin', async (stream) => {
      const hash = createHash('sha256');
      for await (const piece of stream as AsyncIterable<Buffer>) hash.update(piece);
      return hash.digest('hex');
    });
    expect(result).toBe(createHash('sha256').update(content).digest('hex'));
    expect(ref.sha256).toBe(result);
    expect(readFileSync(store.pathOf(ref.sha256)).equals(content)).toBe(true);
    expect(readdirSync(join(dir.path, 'store', 'files', 'tmp'))).toEqual([]);
  });

  it('finishes the copy when the reader stops early or never reads', async () => {
    const { path, content } = bigFile();
    const store = new FileStore(join(dir.path, 'store'), db);
    const early = await store.putFromPathReading(path, 'big.bin', async (stream) => {
      for await (const piece of stream as AsyncIterable<Buffer>) return piece.length;
      return 0;
    });
    expect(early.result).toBe(64 * 1024);
    expect(readFileSync(store.pathOf(early.ref.sha256)).equals(content)).toBe(true);
    const never = await store.putFromPathReading(path, 'big.bin', async () => 'done');
    expect(never.result).toBe('done');
    expect(never.ref.sha256).toBe(early.ref.sha256);
  });

  it("passes the reader's failure on, after the copy is complete", async () => {
    const { path } = bigFile();
    const store = new FileStore(join(dir.path, 'store'), db);
    await expect(
      store.putFromPathReading(path, 'big.bin', async (stream) => {
        for await (const _piece of stream) throw new Error('reader broke');
      }),
    ).rejects.toThrow('reader broke');
    expect(readdirSync(join(dir.path, 'store', 'files', 'tmp'))).toEqual([]);
  });

  it('ends the reader in the error and keeps nothing when the copy fails', async () => {
    const { path } = bigFile();
    const store = new FileStore(join(dir.path, 'store'), db, 2 * 1024 * 1024);
    let seen: unknown = null;
    await expect(
      store.putFromPathReading(path, 'big.bin', async (stream) => {
        try {
          for await (const _piece of stream);
        } catch (error) {
          seen = error;
        }
      }),
    ).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(seen).toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(readdirSync(join(dir.path, 'store', 'files', 'tmp'))).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n).toBe(0);
  });
});

describe('safeName', () => {
  it('keeps the base name and drops path parts and control characters', () => {
    expect(safeName('C:\\Users\\nurse\\Desktop\\ANC.csv')).toBe('ANC.csv');
    expect(safeName('../../secret')).toBe('secret');
    expect(safeName('a\u0000b\n.csv')).toBe('ab.csv');
    expect(safeName('..')).toBe('file');
    expect(safeName('')).toBe('file');
  });
});
