import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import { FormatError, at } from './format-error';

export interface InputLimits {
  /** Most bytes a compressed file may unpack to. */
  maxBytes: number;
  /** Most unpacked bytes per packed byte, checked once `ratioAfterBytes` have come out. */
  maxRatio: number;
  /** Small files may compress very well (a few repeated rows); only large outputs are held to `maxRatio`. */
  ratioAfterBytes: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxBytes: 2 * 1024 ** 3,
  maxRatio: 200,
  ratioAfterBytes: 8 * 1024 * 1024,
};

/** Counts the bytes going through, so the packed side of a ratio can be known while streaming. */
export class ByteCounter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

export interface ExpectedContent {
  size: number;
  crc32: number;
}

/**
 * Passes unpacked bytes through while enforcing `limits`, so a hostile archive fails after a few megabytes
 * instead of filling the disk or memory. With `expected` (a zip entry's central directory record), the
 * size and checksum are verified at the end: a damaged zip must not import half its rows silently.
 */
export class UnpackGuard extends Transform {
  private bytes = 0;
  private crc = 0;

  constructor(
    private readonly fileName: string,
    private readonly limits: InputLimits,
    private readonly packedBytes: () => number,
    private readonly expected: ExpectedContent | null = null,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) return callback(tooLarge(this.fileName, this.limits.maxBytes));
    if (this.bytes > this.limits.ratioAfterBytes && this.bytes / Math.max(1, this.packedBytes()) > this.limits.maxRatio) {
      return callback(compressionBomb(this.fileName, this.limits.maxRatio));
    }
    if (this.expected) this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const expected = this.expected;
    if (expected && (expected.size !== this.bytes || expected.crc32 >>> 0 !== this.crc >>> 0)) {
      return callback(
        new FormatError('ZIP_DAMAGED', `${at(this.fileName)} is damaged: the file inside does not unpack to what the zip says. Ask for a fresh copy.`, {
          file: this.fileName,
        }),
      );
    }
    callback();
  }
}

export function tooLarge(fileName: string, maxBytes: number): FormatError {
  return new FormatError(
    'TOO_LARGE',
    `${at(fileName)} unpacks to more than ${formatBytes(maxBytes)}; split the data into smaller files (for example one per month or per district) and import them one by one.`,
    { file: fileName },
  );
}

export function compressionBomb(fileName: string, maxRatio: number): FormatError {
  return new FormatError(
    'COMPRESSION_BOMB',
    `${at(fileName)} unpacks to far more data than it holds (over ${maxRatio} times its packed size), so it was not opened: it is damaged or built to fill the disk. Ask the sender for a fresh copy.`,
    { file: fileName },
  );
}

/**
 * Most levels a JSON or XML document may nest. DHIS2 metadata nests a handful (collection, object, list of
 * references, reference); a file nested thousands deep is damaged or built to exhaust the reader, and code
 * further on (writing it as JSON to send it) would fail on it halfway. It is refused while it is read, so the
 * offline check and the send see the same file. 1,000 is also the default limit of Jackson (2.15 on), DHIS2's JSON library.
 */
export const MAX_NESTING = 1000;

/** `where` names the place, such as `dataElements[3].description.a.a…`. */
export function tooDeep(fileName: string, line: number, where: string): FormatError {
  return new FormatError(
    'TOO_DEEPLY_NESTED',
    `${at(fileName, line)}: ${where} nests more than ${MAX_NESTING.toLocaleString('en')} levels deep, far deeper than any DHIS2 metadata ` +
      '(objects nest a few levels). The file is damaged or was not made by DHIS2; export it again and import that file.',
    { file: fileName, line, field: where },
  );
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
