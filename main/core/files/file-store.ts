import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../db/database';
import type { FileRef } from '../../../shared/jobs';
import { AppError } from '../errors';
import { nowIso } from '../time';
import { claimTempPath, sweepAbandonedTemp } from './temp-files';
import { openRegularFile } from './regular-file';

/** Large enough for a national yearly data export; anything bigger is almost surely a mistake. */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 ** 3;

/**
 * Content-addressed store for every file the user hands over. Bytes go to a temp file, are
 * fsynced, then renamed to their sha256: a crash leaves either nothing or a whole file, never
 * half of one under a real name. A row in `files` is written only after the rename.
 */
export class FileStore {
  private readonly root: string;
  private readonly tmp: string;

  constructor(
    dataDir: string,
    private readonly db: Db,
    private readonly maxBytes = DEFAULT_MAX_FILE_BYTES,
  ) {
    this.root = join(dataDir, 'files');
    this.tmp = join(this.root, 'tmp');
    mkdirSync(this.tmp, { recursive: true });
    // Temp files are uploads that never finished (no record points at them), or copies other processes are making right now.
    sweepAbandonedTemp(this.tmp);
  }

  async put(source: Readable, name: string): Promise<FileRef> {
    const temp = claimTempPath(this.tmp);
    const tmpPath = temp.path;
    const hash = createHash('sha256');
    let size = 0;
    const maxBytes = this.maxBytes;
    const tooLarge = (name: string) => this.tooLarge(name);
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) {
          callback(tooLarge(name));
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    const sink = createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(source, meter, sink);
      fsyncPath(tmpPath);
      return this.keep(tmpPath, hash.digest('hex'), size, name);
    } catch (error) {
      // A failure before the temp file was even opened: its open still completes (and creates it) after this; remove it after.
      if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
      rmSync(tmpPath, { force: true });
      throw error;
    } finally {
      temp.done();
    }
  }

  /**
   * A file on disk: read once in large chunks, each hashed while the one before is being written and the
   * next read (files of hundreds of megabytes are common, and the user waits for this before anything else).
   */
  async putFromPath(path: string, name: string): Promise<FileRef> {
    return (await this.copyIn(path, name, null)).ref;
  }

  /**
   * Stores the file at `path` while `consume` reads the very bytes being stored (one read of the file instead of a
   * store and then a second read of the copy: checking a large data file right after choosing it is the common case).
   * Returns only once the copy is fsynced and renamed and `consume` is done, so whatever the caller queues refers to a
   * durable file whose hash is that of the bytes `consume` saw. `consume` may stop reading early (the copy carries on);
   * when the copy fails, its stream ends in the error and nothing is kept. The stream gives Buffers of up to 64 KB.
   */
  async putFromPathReading<T>(path: string, name: string, consume: (content: Readable) => Promise<T>): Promise<{ ref: FileRef; result: T }> {
    // Pieces go through one by one (a byte stream's reader would get everything buffered glued together: megabytes of text at once).
    // The copy may run up to 8 MB ahead of the reader, so that a slow disk seldom holds the reader up.
    const content = new PassThrough({ objectMode: true, highWaterMark: (8 * COPY_CHUNK) / TAP_PIECE });
    // The reader hears a failed copy through its reads; an error nobody listens to must not take the process down.
    content.on('error', () => undefined);
    const consumed = consume(content).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    // A reader that is done (or gave up) without reading to the end must not hold the copy up.
    void consumed.then(() => {
      if (!content.readableEnded) content.destroy();
    });
    let ref: FileRef;
    try {
      ref = (await this.copyIn(path, name, content)).ref;
    } catch (error) {
      content.destroy(error as Error);
      await consumed;
      throw error;
    }
    const outcome = await consumed;
    if (!outcome.ok) throw outcome.error;
    return { ref, result: outcome.value };
  }

  private async copyIn(path: string, name: string, tap: PassThrough | null): Promise<{ ref: FileRef }> {
    const hash = createHash('sha256');
    let size = 0;
    // A named pipe would hold the copy up forever, and a device never ends.
    const input = await openRegularFile(path, name);
    const temp = claimTempPath(this.tmp);
    const tmpPath = temp.path;
    try {
      const output = await open(tmpPath, 'wx', 0o600);
      // While a reader is fed, every chunk gets a buffer of its own (the reader may still hold it when the next one is
      // read); once it has stopped (or without one), three buffers take turns.
      const buffers = [Buffer.allocUnsafe(COPY_CHUNK), Buffer.allocUnsafe(COPY_CHUNK), Buffer.allocUnsafe(COPY_CHUNK)];
      const bufferFor = (i: number) => (tap && !tap.destroyed ? Buffer.allocUnsafeSlow(COPY_CHUNK) : buffers[i % 3]!);
      let written: Promise<void> = Promise.resolve();
      // Large files are flushed to disk as they are copied, so that the fsync at the end has little left to wait for.
      let flushed: Promise<void> = Promise.resolve();
      let unflushed = 0;
      let reading = heardLater(input.read(bufferFor(0), 0, COPY_CHUNK, null));
      try {
        for (let i = 0; ; i++) {
          const { bytesRead, buffer } = await reading;
          if (bytesRead === 0) break;
          size += bytesRead;
          if (size > this.maxBytes) throw this.tooLarge(name);
          // Three buffers: one being read, one hashed, one written; the write two chunks back is done before its buffer is read into again.
          reading = heardLater(input.read(bufferFor(i + 1), 0, COPY_CHUNK, null));
          const bytes = buffer.subarray(0, bytesRead);
          hash.update(bytes);
          await written;
          written = heardLater(writeAll(output, bytes));
          unflushed += bytesRead;
          if (unflushed >= FLUSH_EVERY) {
            unflushed = 0;
            const chunkWritten = written;
            flushed = heardLater(flushed.then(() => chunkWritten).then(() => output.datasync()));
          }
          if (tap && !tap.destroyed) await feed(tap, bytes);
        }
        // The reader has every byte: it finishes while the copy is flushed to disk, instead of waiting for the fsync.
        if (tap && !tap.destroyed) tap.end();
        await written;
        await flushed;
        await output.sync();
      } finally {
        // Nothing may be left in flight (or rejecting unheard) once this returns.
        await Promise.allSettled([reading, written, flushed]);
        await output.close();
      }
      return { ref: this.keep(tmpPath, hash.digest('hex'), size, name) };
    } catch (error) {
      rmSync(tmpPath, { force: true });
      throw error;
    } finally {
      temp.done();
      await input.close();
    }
  }

  /** A complete, fsynced temp file becomes the stored file of its hash. */
  private keep(tmpPath: string, sha256: string, size: number, name: string): FileRef {
    const finalPath = this.pathOf(sha256);
    mkdirSync(join(this.root, sha256.slice(0, 2)), { recursive: true });
    if (existsSync(finalPath) && statSync(finalPath).size === size) {
      rmSync(tmpPath, { force: true });
    } else {
      renameSync(tmpPath, finalPath);
      fsyncPath(join(this.root, sha256.slice(0, 2)));
    }
    this.db.prepare('INSERT OR IGNORE INTO files (sha256, size, created_at) VALUES (?, ?, ?)').run(sha256, size, nowIso());
    return { sha256, name: safeName(name), size };
  }

  private tooLarge(name: string): AppError {
    return new AppError('FILE_TOO_LARGE', `"${name}" is larger than ${Math.round(this.maxBytes / 1024 ** 2)} MB, the most the app accepts in one file.`);
  }

  has(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM files WHERE sha256 = ?').get(sha256) !== undefined && existsSync(this.pathOf(sha256));
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('BAD_FILE_ID', `"${sha256}" is not a file id.`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  read(sha256: string): Readable {
    return createReadStream(this.pathOf(sha256));
  }

  /** Re-hashes a stored file: true when the bytes on disk are still the ones that were handed over. */
  async verify(sha256: string): Promise<boolean> {
    if (!existsSync(this.pathOf(sha256))) return false;
    const hash = createHash('sha256');
    await pipeline(this.read(sha256), hash);
    return hash.digest('hex') === sha256;
  }

  referenceCount(sha256: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM job_files WHERE sha256 = ?').get(sha256) as { n: number }).n;
  }

  /**
   * Deletes a file that was stored for a job and then refused before the job was made (a file that cannot be
   * read), so it does not wait out the garbage collector's grace. Only when no job refers to it and it was first
   * stored at or after `storedSince`: a copy that was already here (an upload the page has yet to queue) stays.
   */
  release(sha256: string, storedSince: string): boolean {
    const deleted = this.db
      .prepare('DELETE FROM files WHERE sha256 = ? AND created_at >= ? AND NOT EXISTS (SELECT 1 FROM job_files j WHERE j.sha256 = ?)')
      .run(sha256, storedSince, sha256);
    if (deleted.changes === 0) return false;
    rmSync(this.pathOf(sha256), { force: true });
    return true;
  }

  /**
   * Deletes stored files that no job refers to and that are older than `graceMs` (an upload the
   * user has not yet turned into a job keeps its grace period). Referenced files are never touched.
   */
  collectGarbage(graceMs: number): number {
    const cutoff = new Date(Date.now() - graceMs).toISOString();
    const orphans = this.db
      .prepare('SELECT sha256 FROM files f WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM job_files j WHERE j.sha256 = f.sha256)')
      .all(cutoff) as { sha256: string }[];
    for (const { sha256 } of orphans) {
      this.db.prepare('DELETE FROM files WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM job_files j WHERE j.sha256 = ?)').run(sha256, sha256);
      rmSync(this.pathOf(sha256), { force: true });
    }
    return orphans.length;
  }
}

const COPY_CHUNK = 1024 * 1024;

/** How much of a copy is written between flushes to disk (see copyIn). */
const FLUSH_EVERY = 16 * COPY_CHUNK;

/** Readers get the text in pieces of the size a file stream gives (64 KB), so what they make of one piece dies young. */
const TAP_PIECE = 64 * 1024;

/** Hands `bytes` to the reader, waiting while it is behind; a reader that stops (destroys its stream) is simply no longer fed. */
async function feed(tap: PassThrough, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length && !tap.destroyed; at += TAP_PIECE) {
    if (tap.write(bytes.subarray(at, at + TAP_PIECE))) continue;
    await new Promise<void>((resolve) => {
      const done = () => {
        tap.off('drain', done);
        tap.off('close', done);
        resolve();
      };
      tap.on('drain', done);
      tap.on('close', done);
    });
  }
}

/**
 * A promise the copy awaits later, after other awaits: until then its failure must not count as unhandled (Node would
 * end the process on it). It is still heard, with its error, where it is awaited.
 */
function heardLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function writeAll(output: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length;) offset += (await output.write(bytes, offset, bytes.length - offset)).bytesWritten;
}

function fsyncPath(path: string): void {
  // Directories cannot be fsynced on Windows; the rename is durable enough there.
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (error) {
    if (process.platform !== 'win32') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Keeps the name the user knows, minus anything that could act as a path. */
export function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const controls = /[\u0000-\u001f]/g;
  const cleaned = base.replace(controls, '').trim().slice(0, 255);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}
