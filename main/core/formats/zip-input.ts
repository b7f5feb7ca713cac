import { PassThrough, type Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { FormatError, at } from './format-error';
import { ByteCounter, UnpackGuard, compressionBomb, tooLarge, type InputLimits } from './input-limits';
import { joinStreams } from './join-streams';
import { NestedArchiveGuard } from './nested-archive';

/** A zip with more entries than this is not an export of data values; listing them all would only cost memory. */
const MAX_ENTRIES = 100_000;
const NAMES_SHOWN = 10;

/**
 * The content of the one data file inside a zip, as a stream that is returned at once (the caller's
 * `open` is synchronous) and fed once the central directory has been checked.
 */
export function openZipEntry(path: string, fileName: string, limits: InputLimits): Readable {
  const out = new PassThrough();
  let zip: ZipFile | null = null;
  let closed = false;
  out.once('close', () => {
    closed = true;
    zip?.close();
  });
  const start = async () => {
    zip = await openZip(path);
    if (closed) return zip.close();
    const entry = await theDataEntry(zip, fileName);
    checkDeclaredSize(entry, fileName, limits);
    const raw = await openRaw(zip, entry);
    if (closed) return raw.destroy();
    const expected = { size: entry.uncompressedSize, crc32: entry.crc32 };
    const nested = new NestedArchiveGuard(fileName, entry.fileName);
    let content: Readable;
    if (entry.compressionMethod === 8) {
      const inflate = createInflateRaw();
      content = joinStreams([raw, inflate, new UnpackGuard(fileName, limits, () => inflate.bytesWritten, expected), nested], mapZipError(fileName));
    } else {
      const stored = new ByteCounter();
      content = joinStreams([raw, stored, new UnpackGuard(fileName, limits, () => stored.bytes, expected), nested], mapZipError(fileName));
    }
    content.on('error', (error) => out.destroy(error));
    out.once('close', () => content.destroy());
    content.pipe(out);
  };
  start().catch((error: unknown) => out.destroy(mapZipError(fileName)(error instanceof Error ? error : new Error(String(error)))));
  return out;
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    );
  });
}

function openRaw(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, { decodeFileData: false }, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

/** Operating systems add folders, `__MACOSX/` resource forks and dot-files; none of them is the user's data. */
function isDataEntry(name: string): boolean {
  if (name.endsWith('/')) return false;
  const parts = name.split('/');
  if (parts.includes('__MACOSX')) return false;
  return !parts[parts.length - 1]!.startsWith('.');
}

async function theDataEntry(zip: ZipFile, fileName: string): Promise<Entry> {
  const found: Entry[] = [];
  let count = 0;
  let workbook = false;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      if (++count > MAX_ENTRIES) {
        zip.close();
        return reject(
          new FormatError('ZIP_SEVERAL_DATA_FILES', `${at(fileName)} holds more than ${MAX_ENTRIES} files; put one data file per zip.`, { file: fileName }),
        );
      }
      if (entry.fileName === '[Content_Types].xml') workbook = true;
      if (isDataEntry(entry.fileName)) found.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve());
    zip.once('error', reject);
    zip.readEntry();
  });
  if (workbook) {
    throw new FormatError(
      'EXCEL_WORKBOOK',
      `${at(fileName)} is an Excel workbook, not a data file. Open it in Excel, save the sheet as "CSV UTF-8", and import the CSV file.`,
      { file: fileName },
    );
  }
  const only = found[0];
  if (only === undefined) {
    throw new FormatError('ZIP_NO_DATA_FILE', `${at(fileName)} holds no data file (only folders or system files); zip the data file itself.`, {
      file: fileName,
    });
  }
  if (found.length > 1) {
    const names = found.slice(0, NAMES_SHOWN).map((entry) => entry.fileName);
    const list = names.join(', ') + (found.length > NAMES_SHOWN ? ', …' : '');
    throw new FormatError('ZIP_SEVERAL_DATA_FILES', `${at(fileName)} holds ${found.length} data files (${list}); put one file per zip.`, { file: fileName });
  }
  if (only.isEncrypted()) {
    throw new FormatError('ZIP_ENCRYPTED', `${at(fileName)} is protected with a password; zip the file again without a password.`, { file: fileName });
  }
  if (only.compressionMethod !== 0 && only.compressionMethod !== 8) {
    throw new FormatError(
      'ZIP_UNSUPPORTED_METHOD',
      `${at(fileName)} uses a compression method DHIS2 does not read (method ${only.compressionMethod}); zip the file again with the standard "Deflate" setting.`,
      { file: fileName },
    );
  }
  return only;
}

/** Refuse before reading a byte when the zip itself admits to being too big or a bomb; the guard catches the liars. */
function checkDeclaredSize(entry: Entry, fileName: string, limits: InputLimits): void {
  if (entry.uncompressedSize > limits.maxBytes) throw tooLarge(fileName, limits.maxBytes);
  if (entry.uncompressedSize > limits.ratioAfterBytes && entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio) {
    throw compressionBomb(fileName, limits.maxRatio);
  }
}

function mapZipError(fileName: string): (error: Error) => Error {
  return (error) => {
    if (error instanceof FormatError) return error;
    const message = error.message;
    const unsafe = /^(invalid relative path|absolute path|invalid characters in fileName): (.*)$/.exec(message);
    if (unsafe) {
      return new FormatError(
        'ZIP_UNSAFE_NAME',
        `${at(fileName)} holds an entry with an unsafe name ("${unsafe[2]}") that points outside the zip; it was not opened. Zip the data file again on its own.`,
        { file: fileName },
      );
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EACCES') {
      return new FormatError(
        'FILE_NOT_READABLE',
        `${at(fileName)} could not be opened (${(error as NodeJS.ErrnoException).code}); check that the file is still there.`,
        {
          file: fileName,
        },
      );
    }
    return new FormatError('ZIP_DAMAGED', `${at(fileName)} is not a complete zip file (${message}); ask for a fresh copy or zip the data file again.`, {
      file: fileName,
    });
  };
}
