import { Readable } from 'node:stream';
import type { ImportDataParams, OfflineValidation } from '../../../shared/data-import';
import type { FileRef } from '../../../shared/jobs';
import { safeName, type FileStore } from '../files/file-store';
import { FormatError, at } from '../formats/format-error';
import { sniffCompression, sniffFormat } from '../formats/sniff';
import { SNIFF_BYTES } from '../formats/sniff-file';
import { readCsvBatches } from '../formats/datavalues/read-csv';
import type { DataValueSource } from '../formats/datavalues/read';
import type { MetadataIndex } from '../metadata/index';
import type { CheckedFile } from '../jobs/import-data';
import { abortOf, toOfflineValidation } from './check-file';
import { openDataFile } from './open-data-file';
import { emptyHeader, type DataValueFormat, type DataValueSetHeader } from './types';
import { validateDataValues } from './validation';

export interface StoredDataFile {
  ref: FileRef;
  /** The offline check of the stored bytes; null without metadata to check against, or when the file cannot be read. */
  validation: OfflineValidation | null;
  abort: CheckedFile['abort'];
  /**
   * Why the file must not be queued (where and what), as `dhis2-ie validate` would say it: it cannot be read to its
   * end (damaged, hostile, not a data file), or it holds no data values and so would send nothing. Without metadata the
   * file is still read to its end for this.
   */
  problem: FormatError | null;
  /** True when the file was read while it was being stored; false when the stored copy was read afterwards. */
  onePass: boolean;
}

type Checked = Pick<StoredDataFile, 'validation' | 'abort' | 'problem'>;

/**
 * Keeps a copy of a data value file and checks it offline (without metadata: reads it to its end). Plain CSV (the
 * common large file, and one without set-level fields) is read from the bytes as they are copied, so the file is read
 * once; other files are read from the stored copy once it is complete (a DXF2 file's set-level fields may come after
 * its values, a zip's directory is at its end). Either way this returns after the copy is fsynced and renamed, and the
 * check is of exactly the bytes stored under `ref.sha256`: queue the job only after this returns, and only when
 * `problem` is null.
 */
export async function storeAndCheckDataFile(
  files: Pick<FileStore, 'putFromPathReading' | 'pathOf'>,
  path: string,
  name: string,
  params: ImportDataParams,
  index: MetadataIndex | null,
): Promise<StoredDataFile> {
  const { ref, result } = await files.putFromPathReading(path, name, (content) => checkWhileStored(content, safeName(name), params, index));
  if (result) return { ref, ...result, onePass: true };
  return { ref, ...(await checkStored(files.pathOf(ref.sha256), ref.name, params, index)), onePass: false };
}

/**
 * Why a file that reads to its end must still not be queued: it holds no data values (an empty, header-only or
 * blank file) and no completion date, so its job would send nothing. DHIS2 itself would answer such a file with
 * SUCCESS and nothing imported, and an import that did nothing would look like one that worked.
 */
export function nothingToSend(values: number, header: Pick<DataValueSetHeader, 'completeDate'>, fileName: string, format: DataValueFormat): FormatError | null {
  if (values > 0 || header.completeDate) return null;
  const hint =
    format === 'csv'
      ? 'A CSV file needs a row per value after its header row (data element, period, organisation unit, category option combo, attribute option combo, value).'
      : 'Check that this is the file you meant to import.';
  return new FormatError('NO_DATA_VALUES', `${at(fileName)} holds no data values, so importing it would send nothing to DHIS2. ${hint}`, { file: fileName });
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
async function checkWhileStored(content: Readable, fileName: string, params: ImportDataParams, index: MetadataIndex | null): Promise<Checked | null> {
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
  return checkSource(source, fileName, params, index, 'csv');
}

async function checkStored(path: string, fileName: string, params: ImportDataParams, index: MetadataIndex | null): Promise<Checked> {
  try {
    const opened = await openDataFile(path, fileName, params);
    return await checkSource(opened.source, fileName, params, index, opened.format);
  } catch (error) {
    if (error instanceof FormatError) return { validation: null, abort: null, problem: error };
    throw error;
  }
}

/** The offline check of `source` (with metadata) or a read to its end (without), then whether it sends anything. */
async function checkSource(
  source: Pick<DataValueSource, 'header' | 'batches'>,
  fileName: string,
  params: ImportDataParams,
  index: MetadataIndex | null,
  format: DataValueFormat,
): Promise<Checked> {
  try {
    if (!index) return { validation: null, abort: null, problem: nothingToSend(await countValues(source), source.header, fileName, format) };
    const result = await validateDataValues(source, { index, header: source.header, params, fileName, format });
    const validation = toOfflineValidation(result, index);
    const abort = abortOf(result);
    // An aborted check stops counting at the refusal: it says why nothing would be imported already.
    return { validation, abort, problem: abort ? null : nothingToSend(validation.checked, source.header, fileName, format) };
  } catch (error) {
    if (error instanceof FormatError) return { validation: null, abort: null, problem: error };
    throw error;
  }
}

/** Reads every value, as the job would to send them: a file that breaks anywhere fails here, not once queued. */
export async function countValues(source: Pick<DataValueSource, 'batches'>): Promise<number> {
  let count = 0;
  for await (const batch of source.batches()) count += batch.length;
  return count;
}
