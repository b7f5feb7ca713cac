import type { ImportDataParams } from '../../../shared/data-import';
import { FormatError } from '../formats/format-error';
import { openDataFile } from './open-data-file';
import { countValues, nothingToSend } from './store-and-check';

/** Enough for the files a page session inspects; the oldest answer is forgotten first. */
const REMEMBERED = 200;

/**
 * Whether a stored data file may be queued for import, asked where a job is made from a file already stored (the
 * Data import page's "Import", a recreated job): the same refusals as `dhis2-ie import data` makes as it stores one
 * (`storeAndCheckDataFile`), in the same words. A file's answer depends only on its bytes (named by their hash) and
 * on how it is read (format, header row), so an answer the page's inspection already reached is not read again.
 */
export class DataFileDoor {
  private readonly known = new Map<string, FormatError | null>();

  /** Notes what reading the file to its end found (the inspection does that). */
  remember(sha256: string, params: Pick<ImportDataParams, 'format' | 'firstRowIsHeader'>, problem: FormatError | null): void {
    const key = keyOf(sha256, params);
    this.known.delete(key);
    this.known.set(key, problem);
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value!);
  }

  /** Why the stored file at `path` must not be queued, or null. */
  async problem(
    path: string,
    file: { sha256: string; name: string },
    params: Pick<ImportDataParams, 'format' | 'firstRowIsHeader'>,
  ): Promise<FormatError | null> {
    const key = keyOf(file.sha256, params);
    if (this.known.has(key)) return this.known.get(key)!;
    const problem = await readProblem(path, file.name, params);
    this.remember(file.sha256, params, problem);
    return problem;
  }
}

/** Reads the file to its end as the import would, without metadata: why it cannot be read, or holds nothing to send. */
export async function readProblem(path: string, fileName: string, params: Pick<ImportDataParams, 'format' | 'firstRowIsHeader'>): Promise<FormatError | null> {
  try {
    const opened = await openDataFile(path, fileName, params);
    return nothingToSend(await countValues(opened.source), opened.source.header, fileName, opened.format);
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
}

function keyOf(sha256: string, params: Pick<ImportDataParams, 'format' | 'firstRowIsHeader'>): string {
  return `${sha256} ${params.format} ${params.firstRowIsHeader}`;
}
