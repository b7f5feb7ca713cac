import { Readable } from 'node:stream';
import type { ImportDataParams, OfflineValidation } from '../../../shared/data-import';
import type { FileRef } from '../../../shared/jobs';
import { safeName, type FileStore } from '../files/file-store';
import { FormatError } from '../formats/format-error';
import { sniffCompression, sniffFormat } from '../formats/sniff';
import { SNIFF_BYTES } from '../formats/sniff-file';
import { readCsvBatches } from '../formats/datavalues/read-csv';
import type { MetadataIndex } from '../metadata/index';
import type { CheckedFile } from '../jobs/import-data';
import { abortOf, checkDataFile, toOfflineValidation } from './check-file';
import { openDataFile } from './open-data-file';
import { emptyHeader } from './types';
import { validateDataValues } from './validation';

export interface StoredDataFile {
  ref: FileRef;
  /** The offline check of the stored bytes; null without metadata to check against, or when the file cannot be read. */
  validation: OfflineValidation | null;
  abort: CheckedFile['abort'];
  /** Why the file cannot be read (where and what), as the check would say it later. */
  problem: FormatError | null;
  /** True when the check read the bytes while they were being stored; false when it read the stored copy afterwards. */
  onePass: boolean;
}

type Checked = Pick<StoredDataFile, 'validation' | 'abort' | 'problem'>;

/**
 * Keeps a copy of a data value file and checks it offline. Plain CSV (the common large file, and one without
 * set-level fields) is checked from the bytes as they are copied, so the file is read once; other files are
 * checked from the stored copy once it is complete (a DXF2 file's set-level fields may come after its values, a
 * zip's directory is at its end). Either way this returns after the copy is fsynced and renamed, and the check
 * is of exactly the bytes stored under `ref.sha256`: queue the job only after this returns.
 */
export async function storeAndCheckDataFile(
  files: Pick<FileStore, 'putFromPath' | 'putFromPathReading' | 'pathOf'>,
  path: string,
  name: string,
  params: ImportDataParams,
  index: MetadataIndex | null,
): Promise<StoredDataFile> {
  if (!index) return { ref: await files.putFromPath(path, name), validation: null, abort: null, problem: null, onePass: false };
  const { ref, result } = await files.putFromPathReading(path, name, (content) => checkWhileStored(content, safeName(name), params, index));
  if (result) return { ref, ...result, onePass: true };
  return { ref, ...(await checkStored(files.pathOf(ref.sha256), ref.name, params, index)), onePass: false };
}

/**
 * What the offline check of a stored file predicts, in one sentence (no final stop); null when it was not checked.
 * `conflictsHint` goes after the number of conflicts, to say where they are listed.
 */
export function checkSummary(stored: Pick<StoredDataFile, 'validation' | 'abort'>, conflictsHint?: string): string | null {
  const validation = stored.validation;
  if (!validation) return null;
  const c = validation.summary.importCount;
  const conflicts = validation.summary.conflicts.length;
  return (
    `Offline check (${validation.metadataLabel}): ${validation.checked.toLocaleString('en')} values; predicted ${validation.summary.status}, ` +
    `${c.imported} imported, ${c.updated} updated, ${c.ignored} ignored, ${c.deleted} deleted` +
    (conflicts ? `; ${conflicts} conflict${conflicts === 1 ? '' : 's'}${conflictsHint ? ` (${conflictsHint})` : ''}` : '') +
    (stored.abort ? `. ${stored.abort.message}` : '')
  );
}

/** The check of the bytes as they come, or null when this file has to be read from its stored copy instead. */
async function checkWhileStored(content: Readable, fileName: string, params: ImportDataParams, index: MetadataIndex): Promise<Checked | null> {
  const pieces = content[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < SNIFF_BYTES) {
    const next = await pieces.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  const start = Buffer.concat(head).subarray(0, SNIFF_BYTES);
  const format = params.format === 'auto' ? sniffFormat(start).format : params.format;
  if (sniffCompression(start).compression !== 'none' || format !== 'csv') {
    await pieces.return?.();
    return null;
  }
  async function* all(): AsyncGenerator<Buffer, void, undefined> {
    try {
      yield* head;
      while (!ended) {
        const next = await pieces.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await pieces.return?.();
    }
  }
  let read = false;
  const once = () => {
    // The bytes go by once; a second pass would silently see nothing.
    if (read) throw new Error('a file checked while it is stored can be read only once');
    read = true;
    return Readable.from(all());
  };
  const source = { header: emptyHeader(), batches: () => readCsvBatches(once, fileName, params.firstRowIsHeader) };
  try {
    const result = await validateDataValues(source, { index, header: source.header, params, fileName, format: 'csv' });
    return { validation: toOfflineValidation(result, index), abort: abortOf(result), problem: null };
  } catch (error) {
    if (error instanceof FormatError) return { validation: null, abort: null, problem: error };
    throw error;
  }
}

async function checkStored(path: string, fileName: string, params: ImportDataParams, index: MetadataIndex): Promise<Checked> {
  try {
    const checked = await checkDataFile(await openDataFile(path, fileName, params), params, index, fileName);
    return { validation: checked.validation, abort: checked.abort, problem: null };
  } catch (error) {
    if (error instanceof FormatError) return { validation: null, abort: null, problem: error };
    throw error;
  }
}
