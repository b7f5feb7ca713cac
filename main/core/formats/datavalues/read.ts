import type { Readable } from 'node:stream';
import { emptyHeader, type DataValueFormat, type DataValueRecord, type DataValueSetHeader } from '../../datavalues/types';
import type { ColumnMode } from './csv-columns';
import { checkAdxRoot, readAdxBatches } from './read-adx';
import { inspectCsv, readCsvBatches } from './read-csv';
import { readJsonBatches, readJsonHeader } from './read-json';
import { readPdfValues } from './read-pdf';
import { readXmlBatches, readXmlHeader } from './read-xml';
import { xmlItems } from './xml-items';

export { FormatError } from '../format-error';
export type { ColumnMode } from './csv-columns';
export type { AdxDataValueRecord } from './read-adx';

export interface DataValueSource {
  header: DataValueSetHeader;
  /** Streams the values from the start each time it is called; throws a FormatError where the file breaks. */
  values(): AsyncIterable<DataValueRecord>;
  /**
   * The same values in the arrays they are read in (about a chunk of the file each): a pass over a million
   * values should take these, since every step of an async iteration costs as much as checking a value.
   */
  batches(): AsyncIterable<readonly DataValueRecord[]>;
  /** CSV only: whether columns were found by their header names or by position. */
  columnMode?: ColumnMode;
  /** CSV only: the first row, when it was taken as a header and therefore not imported. */
  headerRow?: string[] | null;
}

export interface ReadDataValuesOptions {
  format: DataValueFormat;
  /** The name shown to the user in messages. */
  fileName: string;
  /** CSV: the DHIS2 app defaults to false, the DHIS2 server to true; so do we (true). */
  firstRowIsHeader?: boolean;
}

/**
 * Opens a data value file for streaming. `open` is called once per pass (the file is on disk): the set
 * header is read up front, the values on every call of `values()`. Memory stays flat whatever the size.
 */
export async function readDataValues(open: () => Readable, options: ReadDataValuesOptions): Promise<DataValueSource> {
  const { format, fileName } = options;
  switch (format) {
    case 'json':
      return source(await readJsonHeader(open, fileName), () => readJsonBatches(open, fileName));
    case 'xml':
      return source(await readXmlHeader(open, fileName), () => readXmlBatches(open, fileName));
    case 'adx':
      await checkAdxFile(open, fileName);
      return source(emptyHeader(), () => readAdxBatches(open, fileName));
    case 'csv': {
      const firstRowIsHeader = options.firstRowIsHeader ?? true;
      const layout = await inspectCsv(open, fileName, firstRowIsHeader);
      return {
        ...source(emptyHeader(), () => readCsvBatches(open, fileName, firstRowIsHeader)),
        columnMode: layout.columnMode,
        headerRow: layout.headerRow,
      };
    }
    case 'pdf': {
      const records = await readPdfValues(open, fileName);
      return source(emptyHeader(), () => listed(records));
    }
  }
}

function source(header: DataValueSetHeader, batches: () => AsyncIterable<readonly DataValueRecord[]>): DataValueSource {
  return { header, batches, values: () => oneByOne(batches()) };
}

async function* oneByOne(batches: AsyncIterable<readonly DataValueRecord[]>): AsyncGenerator<DataValueRecord, void, undefined> {
  for await (const batch of batches) yield* batch;
}

/** ADX has no set-level fields, but a wrong root (a DXF2 file picked as ADX) is worth saying before any value. */
async function checkAdxFile(open: () => Readable, fileName: string): Promise<void> {
  for await (const _root of xmlItems<true>(open(), fileName, {
    open(tag, line, emit) {
      checkAdxRoot(tag, line, fileName);
      emit(true);
    },
  })) {
    return;
  }
}

async function* listed(records: readonly DataValueRecord[]): AsyncGenerator<DataValueRecord[], void, undefined> {
  yield records.map((record) => ({ ...record }));
}
