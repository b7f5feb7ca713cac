import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createReadStream } from 'node:fs';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as yauzl from 'yauzl';
import { MetadataFileError } from './file-error';
import { openRegularFile } from '../files/regular-file';

export type Compression = 'none' | 'gzip' | 'zip';

/** Guards against a small archive that expands without end (a "zip bomb"). */
export interface ExpansionLimits {
  maxUncompressedBytes: number;
  /** Uncompressed / compressed; checked only past `ratioFloorBytes`, since tiny files compress absurdly well. */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_LIMITS: ExpansionLimits = {
  maxUncompressedBytes: 4 * 1024 ** 3,
  // Metadata JSON repeats its keys endlessly; real exports compress 10 to 40 times.
  maxRatio: 200,
  ratioFloorBytes: 64 * 1024 ** 2,
};

export interface OpenedSource {
  compression: Compression;
  /** The name inside a zip, else null. */
  entryName: string | null;
  /** The JSON text, decompressed. Call again (`reopen`) to read it a second time. */
  stream: Readable;
}

/** Compression is read from the first bytes, never trusted from the file name. A named pipe or a device is refused here. */
export async function sniffCompression(path: string, name = basename(path)): Promise<Compression> {
  const handle = await openRegularFile(path, name);
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    // An empty zip has only its end record.
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x06054b50) return 'zip';
    return 'none';
  } finally {
    await handle.close();
  }
}

export async function openSource(path: string, name: string, limits: ExpansionLimits = DEFAULT_LIMITS): Promise<OpenedSource> {
  const compression = await sniffCompression(path, name);
  if (compression === 'none') return { compression, entryName: null, stream: chain(createReadStream(path), stripBom()) };
  if (compression === 'gzip') {
    const { size } = await stat(path);
    return { compression, entryName: null, stream: chain(createReadStream(path), createGunzip(), expansionGuard(name, size, limits), stripBom()) };
  }
  return openZipEntry(path, name, limits);
}

/** Pipes the streams and returns the last; an error anywhere destroys them all, so the reader sees it. */
function chain(first: Readable, ...rest: Transform[]): Readable {
  return pipeline([first, ...rest], () => undefined) as unknown as Readable;
}

/** Windows editors start UTF-8 files with a byte order mark, which is not JSON. */
function stripBom(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (first) {
        first = false;
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) return callback(null, chunk.subarray(3));
      }
      callback(null, chunk);
    },
  });
}

/** A DHIS2 .json.zip holds one entry, metadata.json; anything else is refused before a byte is inflated. */
async function openZipEntry(path: string, name: string, limits: ExpansionLimits): Promise<OpenedSource> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, zipfile) => (error ? reject(zipError(name, error)) : resolve(zipfile)));
  });
  try {
    const entries = await new Promise<yauzl.Entry[]>((resolve, reject) => {
      const found: yauzl.Entry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        found.push(entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve(found));
      zip.on('error', (error: Error) => reject(zipError(name, error)));
      zip.readEntry();
    });
    // Folders and the resource forks macOS adds when zipping are not content.
    const files = entries.filter((entry) => !entry.fileName.endsWith('/') && !entry.fileName.startsWith('__MACOSX/'));
    for (const entry of files) {
      if (unsafeEntryName(entry.fileName)) throw new MetadataFileError(name, `the zip contains an unsafe path ("${entry.fileName}"); it was not opened.`);
    }
    if (files.length !== 1) {
      throw new MetadataFileError(
        name,
        files.length === 0
          ? 'the zip is empty. A metadata zip holds exactly one .json file.'
          : `the zip holds ${files.length} files (${files
              .slice(0, 3)
              .map((entry) => entry.fileName)
              .join(', ')}${files.length > 3 ? ', …' : ''}). A metadata zip holds exactly one .json file.`,
      );
    }
    const entry = files[0]!;
    if (!entry.fileName.toLowerCase().endsWith('.json')) {
      throw new MetadataFileError(name, `the zip holds "${entry.fileName}", not a .json file. Export the metadata from DHIS2 as JSON.`);
    }
    checkDeclaredSize(name, entry.uncompressedSize, entry.compressedSize, limits);
    const raw = await new Promise<Readable>((resolve, reject) =>
      zip.openReadStream(entry, (error, stream) => (error ? reject(zipError(name, error)) : resolve(stream))),
    );
    const stream = chain(raw, expansionGuard(name, Math.max(1, entry.compressedSize), limits), stripBom());
    stream.on('close', () => zip.close());
    return { compression: 'zip', entryName: entry.fileName, stream };
  } catch (error) {
    zip.close();
    throw error;
  }
}

function unsafeEntryName(fileName: string): boolean {
  return fileName.includes('\\') || fileName.startsWith('/') || /^[a-zA-Z]:/.test(fileName) || fileName.split('/').includes('..');
}

function checkDeclaredSize(name: string, uncompressed: number, compressed: number, limits: ExpansionLimits): void {
  if (uncompressed > limits.maxUncompressedBytes) throw tooBig(name, limits);
  if (uncompressed > limits.ratioFloorBytes && uncompressed / Math.max(1, compressed) > limits.maxRatio) throw bomb(name, limits);
}

/** Counts what comes out of the decompressor and stops at the limits, whatever the archive claimed. */
function expansionGuard(name: string, compressedBytes: number, limits: ExpansionLimits): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > limits.maxUncompressedBytes) return callback(tooBig(name, limits));
      if (total > limits.ratioFloorBytes && total / compressedBytes > limits.maxRatio) return callback(bomb(name, limits));
      callback(null, chunk);
    },
  });
}

function tooBig(name: string, limits: ExpansionLimits): MetadataFileError {
  return new MetadataFileError(
    name,
    `it expands to more than ${Math.round(limits.maxUncompressedBytes / 1024 ** 2)} MB, more than any metadata export should.`,
  );
}

function bomb(name: string, limits: ExpansionLimits): MetadataFileError {
  return new MetadataFileError(name, `it expands more than ${limits.maxRatio} times its compressed size; that is not a metadata export (a "zip bomb"?).`);
}

function zipError(name: string, error: Error): MetadataFileError {
  if (error instanceof MetadataFileError) return error;
  const message = error.message;
  if (/absolute path|invalid relative path|invalid characters in fileName/.test(message)) {
    return new MetadataFileError(name, `the zip contains an unsafe path (${message}); it was not opened.`);
  }
  if (/encrypted/i.test(message)) return new MetadataFileError(name, 'the zip is password-protected; zip the export without a password.');
  return new MetadataFileError(name, `the zip file is damaged or incomplete (${message}).`);
}

/** gzip and zlib failures in words: most often a copy that stopped before the end. */
export function describeDecompressionError(name: string, error: Error): MetadataFileError {
  if (error instanceof MetadataFileError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(error.message)) {
    return new MetadataFileError(name, 'the compressed file is cut off before its end (the copy may be incomplete).');
  }
  if (code?.startsWith('Z_') || code?.startsWith('ERR_ZLIB')) return new MetadataFileError(name, `the compressed data is damaged (${error.message}).`);
  return new MetadataFileError(name, error.message);
}
