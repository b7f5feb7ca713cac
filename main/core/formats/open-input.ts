import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FormatError, at } from './format-error';
import { DEFAULT_INPUT_LIMITS, UnpackGuard, type InputLimits } from './input-limits';
import { joinStreams } from './join-streams';
import { NestedArchiveGuard } from './nested-archive';
import { sniffCompression, type Compression } from './sniff';
import { openZipEntry } from './zip-input';

export { FormatError } from './format-error';

export interface OpenInputOptions {
  /** The name shown in messages; defaults to the path's base name. */
  fileName?: string;
  /** Skip sniffing (the caller already knows); the content still decides everything else. */
  compression?: Compression;
  limits?: Partial<InputLimits>;
}

/**
 * The decompressed content of the file at `path`. Compression is recognised from the first bytes, never
 * the name. Problems with the file (missing, damaged, a zip bomb, several files in one zip) surface as a
 * `FormatError` from the stream, so readers report them like any other problem with the file.
 */
export function openInput(path: string, options: OpenInputOptions = {}): Readable {
  const fileName = options.fileName ?? basename(path);
  const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS, ...options.limits };
  const compression = options.compression ?? sniffCompression(readMagic(path, fileName)).compression;
  if (compression === 'zip') return openZipEntry(path, fileName, limits);
  const file = createReadStream(path);
  // The pass-through is what the reader holds, so file errors reach it translated.
  if (compression === 'none') return joinStreams([file, new PassThrough()], mapFileError(fileName));
  // zlib counts the packed bytes it has actually consumed, which keeps the ratio honest mid-chunk.
  const gunzip = createGunzip();
  return joinStreams(
    [file, gunzip, new UnpackGuard(fileName, limits, () => gunzip.bytesWritten), new NestedArchiveGuard(fileName, null)],
    mapGzipError(fileName),
  );
}

/** The first bytes of a file, read synchronously because `open` callbacks must return a stream at once. */
export function readMagic(path: string, fileName: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw mapFileError(fileName)(error as Error);
  }
  try {
    const head = Buffer.alloc(8);
    const read = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, read);
  } catch (error) {
    throw mapFileError(fileName)(error as Error);
  } finally {
    closeSync(fd);
  }
}

function mapFileError(fileName: string): (error: Error) => Error {
  return (error) => {
    if (error instanceof FormatError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    const why = code === 'ENOENT' ? 'it is no longer there' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : code;
    return new FormatError('FILE_NOT_READABLE', `${at(fileName)} could not be read (${why}); check the file and try again.`, { file: fileName });
  };
}

function mapGzipError(fileName: string): (error: Error) => Error {
  const fileError = mapFileError(fileName);
  return (error) => {
    if (error instanceof FormatError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR') {
      return new FormatError(
        'GZIP_DAMAGED',
        `${at(fileName)} is incomplete: the compressed data ends early (was the copy interrupted?). Copy the file again.`,
        {
          file: fileName,
        },
      );
    }
    if (code === 'Z_DATA_ERROR' || code === 'Z_STREAM_ERROR') {
      return new FormatError('GZIP_DAMAGED', `${at(fileName)} is damaged: its gzip data cannot be unpacked (${error.message}). Ask for a fresh copy.`, {
        file: fileName,
      });
    }
    return fileError(error);
  };
}
