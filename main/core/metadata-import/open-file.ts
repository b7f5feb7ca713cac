import type { Readable } from 'node:stream';
import type { ImportMetadataParams, MetadataFileFormat, MetadataFileInspection, MetadataOfflineCheck } from '../../../shared/metadata-import';
import { ImportMetadataOptions } from '../../../shared/metadata-import';
import { FormatError, at } from '../formats/format-error';
import { openInput } from '../formats/open-input';
import { sniffFile } from '../formats/sniff-file';
import type { Compression } from '../formats/sniff';
import type { MetadataIndex } from '../metadata/index';
import { locateSyntaxError } from '../metadata/export-reader';
import { MetadataChecker } from './check';
import { readMetadataCsv } from './read-csv';
import { readMetadataJson } from './read-json';
import { readMetadataXml } from './read-xml';
import type { MetadataObjectRecord, MetadataReadResult } from './records';

export type CheckParams = Pick<
  ImportMetadataParams,
  'format' | 'classKey' | 'firstRowIsHeader' | 'identifier' | 'importStrategy' | 'atomicMode' | 'skipSharing' | 'skipValidation'
>;

export interface OpenedMetadataFile {
  format: MetadataFileFormat;
  formatReason: string;
  compression: Compression;
  /** The decompressed content, opened afresh for every pass (the file is never held whole). */
  open(): Readable;
  /** Every object of the file, as DHIS2 would build it; `result` fills as it goes. */
  objects(result: MetadataReadResult): AsyncGenerator<MetadataObjectRecord, void, undefined>;
}

/** Format from the content unless chosen; compression (gzip, zip) always from the content, with the shared size and bomb guards. */
export async function openMetadataFile(
  path: string,
  fileName: string,
  params: Pick<CheckParams, 'format' | 'classKey' | 'firstRowIsHeader'>,
): Promise<OpenedMetadataFile> {
  const sniffed = await sniffFile(path, { fileName });
  const open = () => openInput(path, { fileName, compression: sniffed.compression });
  let format: MetadataFileFormat;
  let formatReason: string;
  if (params.format !== 'auto') {
    format = params.format;
    formatReason = `read as ${params.format.toUpperCase()}, as chosen`;
  } else if (sniffed.format === 'pdf') {
    throw new FormatError('NOT_METADATA', `${at(fileName)} is a PDF (a data entry form): import it on the Data import page.`, { file: fileName });
  } else {
    format = sniffed.format === 'adx' ? 'xml' : sniffed.format;
    formatReason = sniffed.reason
      .replace(/DXF2 XML/g, 'DXF2 metadata XML')
      .replace(/which is not <dataValueSet>; read as DXF2 metadata XML/, 'read as DXF2 metadata XML');
  }
  const classKey = params.classKey;
  if (format === 'csv' && !classKey) {
    throw new FormatError(
      'CSV_CLASS_KEY',
      `${at(fileName)} is CSV: choose its class key (which kind of object each row is, for example DATA_ELEMENT or ORGANISATION_UNIT) and check again.`,
      { file: fileName, field: 'classKey' },
    );
  }
  return {
    format,
    formatReason,
    compression: sniffed.compression,
    open,
    objects: (result) => {
      if (format === 'json') return readMetadataJson(open(), fileName, result);
      if (format === 'xml') return readMetadataXml(open(), fileName, result);
      return readMetadataCsv(open(), fileName, classKey!, params.firstRowIsHeader, result);
    },
  };
}

/** Reads the whole file through the checks: DHIS2's predicted ImportReport, the preview and the notes. */
export async function checkMetadataFile(
  opened: OpenedMetadataFile,
  params: CheckParams,
  index: MetadataIndex | null,
  signal?: AbortSignal,
): Promise<MetadataOfflineCheck> {
  const checker = new MetadataChecker({ params, index });
  const result: MetadataReadResult = { header: {}, notes: [] };
  for await (const record of opened.objects(result)) {
    if (signal?.aborted) throw signal.reason;
    checker.add(record);
  }
  return checker.finish(result.notes);
}

/** Where a JSON syntax error is, to the column, by reading the text again line by line. */
async function withColumn(error: FormatError, opened: OpenedMetadataFile | null): Promise<number | null> {
  if (!opened || error.code !== 'JSON_SYNTAX') return null;
  try {
    const found = await locateSyntaxError(opened.open());
    return found && found.line === error.line ? found.column : null;
  } catch {
    return null;
  }
}

export interface InspectMetadataDeps {
  pathOf(sha256: string): string;
  has(sha256: string): boolean;
  indexFor(serverId: string | null | undefined): MetadataIndex | null;
}

/** Everything the Metadata import page shows before anything is queued. A file that cannot be read is an answer, not a failed call. */
export async function inspectMetadataFile(
  deps: InspectMetadataDeps,
  file: { sha256: string; name: string },
  rawParams: Record<string, unknown>,
  serverId: string | null | undefined,
): Promise<MetadataFileInspection> {
  const params = ImportMetadataOptions.parse(rawParams);
  let opened: OpenedMetadataFile | null = null;
  try {
    if (!deps.has(file.sha256)) throw new FormatError('FILE_MISSING', `"${file.name}" is no longer in the app's store; choose it again.`, { file: file.name });
    opened = await openMetadataFile(deps.pathOf(file.sha256), file.name, params);
    const check = await checkMetadataFile(opened, params, deps.indexFor(serverId));
    return { format: opened.format, formatReason: opened.formatReason, check, error: null };
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    const column = await withColumn(error, opened);
    const message = column !== null ? error.message.replace(`${at(file.name, error.line)}:`, `${at(file.name, error.line)}, column ${column}:`) : error.message;
    return {
      format: opened?.format ?? null,
      formatReason: opened?.formatReason ?? '',
      check: null,
      error: { code: error.code, message, line: error.line ?? null, column, field: error.field ?? null },
    };
  }
}
