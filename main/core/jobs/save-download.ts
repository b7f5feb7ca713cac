import { createHash } from 'node:crypto';
import { closeSync, createWriteStream, type WriteStream, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { JobFailure, type JobContext } from './plugin';
import { checkFolder as inspectFolder } from '../files/folders';

export interface SavedFile {
  file: string;
  bytes: number;
  sha256: string;
}

export type SavedCompression = 'zip' | 'gzip' | 'none';

export interface SaveDownloadOptions {
  /** The server's answer, already started. */
  body: Readable;
  finalPath: string;
  /** Compresses on the way to the file (when the server cannot); it must end the stream it is given. */
  wrapOutput?: (file: Writable) => Writable;
  /** Transforms between the server and the file (before wrapOutput). */
  through?: Transform[];
  /** Throws when the written file is not what was asked for; runs before the rename. */
  check(partPath: string): void | Promise<void>;
  /** Progress text for the bytes received so far. */
  progressText?: (bytes: number) => string;
}

/**
 * Streams a download into `<name>.part` next to where it belongs, fsyncs it, checks it, then renames
 * it: a half-written export (a pulled USB drive, a cut connection) never looks like a finished one.
 * Progress counts the bytes received from the server; the hash is of the saved file.
 */
export async function saveDownload<P>(ctx: JobContext<P>, options: SaveDownloadOptions): Promise<SavedFile> {
  const { finalPath } = options;
  const dir = join(finalPath, '..');
  const partPath = `${finalPath}.part`;
  let received = 0;
  const describe = options.progressText ?? ((bytes: number) => `${formatMegabytes(bytes, 1)} received`);
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      ctx.progress(received, null, describe(received));
      callback(null, chunk);
    },
  });
  const hash = createHash('sha256');
  let written = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      written += chunk.length;
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  let file: WriteStream | null = null;
  try {
    file = createWriteStream(partPath, { flags: 'w' });
    const closed = new Promise<void>((resolve, reject) => {
      let failure: Error | null = null;
      file!.on('error', (error) => (failure = error));
      file!.on('close', () => (failure ? reject(failure) : resolve()));
    });
    closed.catch(() => undefined);
    if (options.wrapOutput) {
      // The compressor writes through the hasher into the file; a disk error must reach the compressor.
      hasher.pipe(file);
      file.on('error', (error) => hasher.destroy(error));
      await pipeline([options.body, meter, ...(options.through ?? []), options.wrapOutput(hasher)], { signal: ctx.signal });
    } else {
      await pipeline([options.body, meter, ...(options.through ?? []), hasher, file], { signal: ctx.signal });
    }
    await closed;
    fsyncFile(partPath);
    await options.check(partPath);
    renameSync(partPath, finalPath);
  } catch (error) {
    file?.destroy();
    rmSync(partPath, { force: true });
    throw cutError(error, received) ?? driveError(error, dir);
  }
  return { file: finalPath, bytes: written, sha256: hash.digest('hex') };
}

/** Never overwrite: a second export of the same selection gets " (2)". */
export function freeName(dir: string, name: string): string {
  if (!existsSync(join(dir, name))) return join(dir, name);
  const dot = name.indexOf('.');
  const cut = dot === -1 ? name.length : dot;
  for (let n = 2; ; n++) {
    const candidate = `${name.slice(0, cut)} (${n})${name.slice(cut)}`;
    if (!existsSync(join(dir, candidate))) return join(dir, candidate);
  }
}

/**
 * Checked before the server is asked: missing, a file, read-only (a USB stick's lock switch) or full
 * is said now, in the folder picker's words, not after a long download.
 */
export function checkFolder(dir: string): void {
  const check = inspectFolder(dir);
  if (check.severity !== 'error') return;
  throw new JobFailure(
    'fix',
    check.exists ? 'FOLDER_NOT_WRITABLE' : 'FOLDER_MISSING',
    `${check.message ?? `The app cannot save in "${dir}".`} Then retry the job.`,
  );
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The first bytes of a file (fewer when it is shorter). */
export function readHead(path: string, length: number): Buffer {
  const head = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    const read = readSync(fd, head, 0, length, 0);
    return head.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * The server answered 200 but with what? A proxy's HTML page must not be saved as the export.
 * Compressed files must start with their magic bytes; JSON with `{`.
 */
export function checkMagic(path: string, compression: SavedCompression, json: boolean): void {
  const bytes = readHead(path, 8);
  const ok =
    compression === 'zip'
      ? bytes[0] === 0x50 && bytes[1] === 0x4b
      : compression === 'gzip'
        ? bytes[0] === 0x1f && bytes[1] === 0x8b
        : bytes.length === 0 ||
          (json
            ? bytes
                .toString('utf8')
                .replace(/^\uFEFF/, '')
                .trimStart()
                .startsWith('{')
            : true);
  if (!ok)
    throw new JobFailure('retry', 'BAD_EXPORT', 'The server sent something that is not the requested export (a proxy error page?). The app will try again.');
}

const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'Z_BUF_ERROR', 'Z_DATA_ERROR']);

/** The server's stream broke off (a dropped connection, a proxy cutting a long answer): worth another try. */
function cutError(error: unknown, received: number): JobFailure | null {
  if (!(error instanceof Error) || error instanceof JobFailure || error.name === 'AbortError') return null;
  const code = (error as NodeJS.ErrnoException).code;
  if (!(code && NETWORK_CODES.has(code)) && error.message !== 'aborted') return null;
  return new JobFailure(
    'retry',
    'DOWNLOAD_CUT',
    `The connection broke off after ${formatMegabytes(received, 1)} of the export had arrived; nothing was saved. The app will try again.`,
  );
}

/** Disk errors in words: which folder, and what to do. */
export function driveError(error: unknown, dir: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC') return new JobFailure('fix', 'DRIVE_FULL', `The drive of "${dir}" is full. Free some space or choose another folder, then retry.`);
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return new JobFailure('fix', 'FOLDER_READ_ONLY', `The app may not write to "${dir}". Choose another folder.`);
  if (code === 'ENOENT')
    return new JobFailure('fix', 'FOLDER_MISSING', `The folder "${dir}" went away while saving (was the USB drive removed?). Plug it in and retry.`);
  return error;
}

export function formatMegabytes(bytes: number, digits: number): string {
  return `${(bytes / 1024 / 1024).toFixed(digits)} MB`;
}
