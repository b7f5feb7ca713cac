import type { Readable } from 'node:stream';
import type { ImportMetadataParams, MetadataFileFormat, MetadataFileInspection, MetadataOfflineCheck } from '../../../shared/metadata-import';
import { ImportMetadataOptions } from '../../../shared/metadata-import';
import { FormatError, at } from '../formats/format-error';
import { openInput } from '../formats/open-input';
import { sniffFile } from '../formats/sniff-file';
import type { Compression } from '../formats/sniff';
import type { MetadataIndex } from '../metadata/index';
import Parser from 'stream-json/Parser';
import { textChunks } from '../formats/text-chunks';
import { MetadataChecker } from './check';
import { readMetadataCsv } from '../formats/metadata/read-csv';
import { readMetadataJson } from '../formats/metadata/read-json';
import { readMetadataXml } from '../formats/metadata/read-xml';
import type { MetadataObjectRecord, MetadataReadResult } from '../formats/metadata/records';

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

/** Lines up to this long are fed one character at a time to find the column; longer (minified) lines in pieces. */
const EXACT_COLUMN_LINE = 20_000;
const PIECE = 256;

/**
 * The column of a JSON syntax error on a known line: the text is read again, everything before the line
 * fed to a fresh parser in big pieces, then the line itself in small ones until the parser stops.
 */
async function withColumn(error: FormatError, opened: OpenedMetadataFile | null): Promise<number | null> {
  if (!opened || error.code !== 'JSON_SYNTAX' || error.line === undefined) return null;
  const parser = new ColumnProbe({ packValues: true, streamValues: false });
  let failed = false;
  const feed = (text: string) => {
    parser._transform(text, 'utf8', (problem?: Error | null) => {
      if (problem) failed = true;
    });
  };
  let line = 1;
  let column = 0;
  const stream = opened.open();
  try {
    for await (const text of textChunks(stream, 'probe')) {
      let from = 0;
      while (from < text.length) {
        if (line < error.line) {
          const newline = text.indexOf('\n', from);
          const to = newline === -1 ? text.length : newline + 1;
          feed(text.slice(from, to));
          if (failed) return null;
          if (newline !== -1) line++;
          from = to;
          continue;
        }
        const newline = text.indexOf('\n', from);
        const lineEnd = newline === -1 ? text.length : newline;
        const step = lineEnd - from > EXACT_COLUMN_LINE ? PIECE : 1;
        while (from < lineEnd) {
          const piece = text.slice(from, Math.min(lineEnd, from + step));
          feed(piece);
          if (failed) return column + 1;
          column += piece.length;
          from += piece.length;
        }
        if (newline !== -1) return null;
      }
    }
    return null;
  } catch {
    return null;
  } finally {
    stream.destroy();
  }
}

/** A parser that throws its tokens away: only where the text stops being JSON matters. */
class ColumnProbe extends Parser {
  override push(): boolean {
    return true;
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
