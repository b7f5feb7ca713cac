import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database';
import { tempDir, waitFor } from '../test/helpers';
import { FileStore } from './file-store';
import { ABANDONED_AFTER_MS, FOREIGN_ABANDONED_AFTER_MS, sweepAbandonedTemp, tempFileName } from './temp-files';

const HOUR = 3600 * 1000;

/** Makes a file look untouched for `ms`. */
function age(path: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  utimesSync(path, then, then);
}

/** A pid that belonged to a process which has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('temp files of the file store', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let tmp: string;
  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir.path, 'db.sqlite'));
    tmp = join(dir.path, 'files', 'tmp');
    mkdirSync(tmp, { recursive: true });
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('a store opened on the folder while another copies a file leaves that copy alone, however long it has been idle', async () => {
    const writer = new FileStore(dir.path, db);
    const source = new PassThrough();
    const stored = writer.put(source, 'values.csv');
    source.write('dataelement,period,orgunit,value\n');
    const [inProgress] = await waitFor(() => (readdirSync(tmp).length === 1 ? readdirSync(tmp) : null), 'the temp file');
    age(join(tmp, inProgress!), 2 * HOUR);

    // What every other command does on the same data folder: open the store.
    new FileStore(dir.path, db);
    expect(readdirSync(tmp)).toEqual([inProgress]);

    source.end('abc,202401,xyz,1\n');
    const ref = await stored;
    expect(writer.has(ref.sha256)).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('leaves the temp file of another live process alone and removes it once that process has ended', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await new Promise((resolve) => other.on('spawn', resolve));
      const name = tempFileName(other.pid!);
      writeFileSync(join(tmp, name), 'half a copy');
      age(join(tmp, name), 2 * HOUR);
      expect(sweepAbandonedTemp(tmp)).toEqual([]);
      other.kill();
      await new Promise((resolve) => other.on('exit', resolve));
      expect(sweepAbandonedTemp(tmp)).toEqual([name]);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      other.kill();
    }
  });

  it('removes what a crash left only once it has been idle for a safe while', async () => {
    const crashed = tempFileName(await deadPid());
    writeFileSync(join(tmp, crashed), 'half an upload');
    age(join(tmp, crashed), ABANDONED_AFTER_MS - 60_000);
    expect(sweepAbandonedTemp(tmp)).toEqual([]);
    age(join(tmp, crashed), ABANDONED_AFTER_MS + 60_000);
    expect(sweepAbandonedTemp(tmp)).toEqual([crashed]);
  });

  it('gives a temp file it cannot ask about (older name, another computer) a day', () => {
    const names = ['leftover', '123-0123456789ab-00000000-0000-4000-8000-000000000000'];
    for (const name of names) {
      writeFileSync(join(tmp, name), 'half an upload');
      age(join(tmp, name), FOREIGN_ABANDONED_AFTER_MS - HOUR);
    }
    expect(sweepAbandonedTemp(tmp)).toEqual([]);
    for (const name of names) age(join(tmp, name), FOREIGN_ABANDONED_AFTER_MS + HOUR);
    expect(sweepAbandonedTemp(tmp).sort()).toEqual([...names].sort());
  });

  it('a sweep of a folder it cannot read does nothing rather than fail', () => {
    expect(sweepAbandonedTemp(join(dir.path, 'nowhere'))).toEqual([]);
  });
});
