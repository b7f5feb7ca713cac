import type { Readable } from 'node:stream';
import type { DataValueRecord } from '../../datavalues/types';
import { FormatError, at } from '../format-error';
import { POSITIONAL, layoutFromHeader, type ColumnLayout, type ColumnMode, type CsvField } from './csv-columns';
import { CsvTokenizer, csvText } from './csv-rows';
import { ValueRecord, parseJavaBoolean } from './record';

export interface CsvLayout {
  columnMode: ColumnMode;
  /** The first row when it was taken as a header (and so not imported), as written. */
  headerRow: string[] | null;
}

/** How the file will be read, from its first non-empty row; reads no further. */
export async function inspectCsv(open: () => Readable, fileName: string, firstRowIsHeader: boolean): Promise<CsvLayout> {
  const tokenizer = new CsvTokenizer(fileName);
  let first: string[] | null = null;
  const sink = (cells: string[], from: number) => {
    if (first === null && cleanRow(cells, from)) first = cells.slice(from);
  };
  const input = open();
  let problem: FormatError | null = null;
  try {
    for await (const text of csvText(input, fileName, tokenizer)) {
      problem = tokenizer.feedViews(text, sink);
      if (first !== null || problem) break;
    }
    if (first === null && problem === null) problem = tokenizer.endViews(sink);
  } finally {
    input.destroy();
  }
  if (first === null && problem) throw problem;
  if (first === null) return { columnMode: 'positional', headerRow: null };
  const header = firstRowIsHeader ? first : null;
  return { columnMode: (header && layoutFromHeader(header)?.mode) || 'positional', headerRow: header };
}

/**
 * DHIS2 CSV data values, in batches (a chunk of the file each). With a header row whose cells are all names
 * we know, columns are found by name (as 2.43 does); otherwise by position (as 2.41/2.42 do, header names
 * ignored). Cells are trimmed of spaces and tabs as DHIS2's CSV reader (javacsv) does; blank rows are skipped.
 */
export async function* readCsvBatches(open: () => Readable, fileName: string, firstRowIsHeader: boolean): AsyncGenerator<DataValueRecord[], void, undefined> {
  let reader: RecordMaker | null = firstRowIsHeader ? null : new RecordMaker(POSITIONAL, fileName);
  let index = 0;
  let batch: DataValueRecord[] = [];
  let failure: unknown = null;
  const sink = (cells: string[], from: number, line: number, spaced: boolean) => {
    if (failure !== null || !(spaced ? cleanRow(cells, from) : anyText(cells, from))) return;
    if (reader === null) {
      reader = new RecordMaker(layoutFromHeader(cells.slice(from)) ?? POSITIONAL, fileName);
      return;
    }
    try {
      batch.push(reader.make(cells, from, line, index++));
    } catch (error) {
      failure = error;
    }
  };
  const tokenizer = new CsvTokenizer(fileName);
  const input = open();
  try {
    for await (const text of csvText(input, fileName, tokenizer)) {
      const problem = tokenizer.feedViews(text, sink);
      if (batch.length > 0) yield batch;
      batch = [];
      if (failure !== null) throw failure;
      if (problem) throw problem;
    }
    const problem = tokenizer.endViews(sink);
    if (batch.length > 0) yield batch;
    if (failure !== null) throw failure;
    if (problem) throw problem;
  } finally {
    input.destroy();
  }
}

/** Cleans the cells from `from` on in place (see cleanCell); false when the row is blank. */
function cleanRow(cells: string[], from: number): boolean {
  let blank = true;
  for (let i = from; i < cells.length; i++) {
    const cell = cleanCell(cells[i]!);
    cells[i] = cell;
    if (cell !== '') blank = false;
  }
  return blank === false;
}

/** A row with no space or tab needs no trimming; it is blank only when every cell is empty. */
function anyText(cells: string[], from: number): boolean {
  for (let i = from; i < cells.length; i++) if (cells[i] !== '') return true;
  return false;
}

const SPACE = 32;
const TAB = 9;

/**
 * javacsv (DHIS2's CSV reader) trims spaces and tabs around cells and allows spaces before an opening
 * quote, as in `"dataelement",    "period"`; the tokenizer keeps such a cell as written, quotes included.
 * The tokenizer does not say which cells were quoted, so quoted cells are trimmed too (javacsv keeps their
 * edge spaces, and the writer quotes them for DHIS2), so edge spaces do not survive a read here.
 */
function cleanCell(cell: string): string {
  const length = cell.length;
  if (length === 0) return cell;
  const first = cell.charCodeAt(0);
  const last = cell.charCodeAt(length - 1);
  if (first !== SPACE && first !== TAB && last !== SPACE && last !== TAB) return cell;
  const trimmed = cell.replace(/^[ \t]+|[ \t]+$/g, '');
  if (trimmed.length >= 2 && (first === SPACE || first === TAB) && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/""/g, '"');
  }
  return trimmed;
}

/** Turns rows into records under one column layout; the column of each field is looked up once. */
class RecordMaker {
  private readonly at: Record<CsvField, number>;
  // DHIS2 2.43 reads the word null as no value; 2.41's positional reader keeps it as text.
  private readonly nullWord: boolean;

  constructor(
    private readonly layout: ColumnLayout,
    private readonly fileName: string,
  ) {
    const column = (field: CsvField) => layout.columns[field] ?? -1;
    this.at = {
      dataElement: column('dataElement'),
      period: column('period'),
      orgUnit: column('orgUnit'),
      categoryOptionCombo: column('categoryOptionCombo'),
      attributeOptionCombo: column('attributeOptionCombo'),
      value: column('value'),
      storedBy: column('storedBy'),
      created: column('created'),
      lastUpdated: column('lastUpdated'),
      comment: column('comment'),
      followup: column('followup'),
      deleted: column('deleted'),
    };
    this.nullWord = layout.mode === 'by-name';
  }

  /** The record of the row in `cells` from `from` on. */
  make(cells: string[], from: number, line: number, index: number): DataValueRecord {
    const count = cells.length - from;
    if (count < this.layout.minCells) throw tooFewColumns(count, line, this.layout, this.fileName);
    const at = this.at;
    return new ValueRecord(
      index,
      line,
      this.cell(cells, from, at.dataElement),
      this.cell(cells, from, at.period),
      this.cell(cells, from, at.orgUnit),
      this.cell(cells, from, at.categoryOptionCombo),
      this.cell(cells, from, at.attributeOptionCombo),
      this.cell(cells, from, at.value),
      this.cell(cells, from, at.storedBy),
      this.cell(cells, from, at.created),
      this.cell(cells, from, at.lastUpdated),
      this.cell(cells, from, at.comment),
      parseJavaBoolean(this.cell(cells, from, at.followup)),
      parseJavaBoolean(this.cell(cells, from, at.deleted)),
    );
  }

  private cell(cells: string[], from: number, column: number): string | null {
    if (column < 0 || from + column >= cells.length) return null;
    const text = cells[from + column]!;
    if (text === '') return null;
    return this.nullWord && text === 'null' ? null : text;
  }
}

function tooFewColumns(count: number, line: number, layout: ColumnLayout, fileName: string): FormatError {
  const columns = `${count} column${count === 1 ? '' : 's'}`;
  if (layout.mode === 'positional') {
    return new FormatError(
      'CSV_TOO_FEW_COLUMNS',
      `${at(fileName, line)}: this row has only ${columns}. DHIS2 reads data value columns by position ` +
        '(data element, period, organisation unit, category option combo, attribute option combo, value, …), so the value belongs in column 6. ' +
        'Add the missing columns (they may be empty) or a header row naming each column.',
      { file: fileName, line, field: 'value' },
    );
  }
  const missing = NEEDED.find((field) => (layout.columns[field] ?? -1) >= count) ?? 'value';
  return new FormatError(
    'CSV_TOO_FEW_COLUMNS',
    `${at(fileName, line)}: this row has only ${columns}, but the header puts ${missing} in column ${(layout.columns[missing] ?? 0) + 1}. ` +
      'Add the missing cells (they may be empty) and import the file again.',
    { file: fileName, line, field: missing },
  );
}

const NEEDED: readonly CsvField[] = ['dataElement', 'period', 'orgUnit', 'value'];
