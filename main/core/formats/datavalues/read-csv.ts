import type { Readable } from 'node:stream';
import type { DataValueRecord } from '../../datavalues/types';
import { FormatError, at } from '../format-error';
import { POSITIONAL, layoutFromHeader, type ColumnLayout, type ColumnMode, type CsvField } from './csv-columns';
import { csvRows, type CsvRow } from './csv-rows';
import { blankRecord, emptyToNull, parseJavaBoolean } from './record';

export interface CsvLayout {
  columnMode: ColumnMode;
  /** The first row when it was taken as a header (and so not imported), as written. */
  headerRow: string[] | null;
}

/** How the file will be read, from its first non-empty row; reads no further. */
export async function inspectCsv(open: () => Readable, fileName: string, firstRowIsHeader: boolean): Promise<CsvLayout> {
  for await (const row of nonEmptyRows(open(), fileName)) {
    const header = firstRowIsHeader ? row.cells : null;
    return { columnMode: (header && layoutFromHeader(header)?.mode) || 'positional', headerRow: header };
  }
  return { columnMode: 'positional', headerRow: null };
}

/**
 * DHIS2 CSV data values. With a header row whose cells are all names we know, columns are found by name
 * (as 2.43 does); otherwise by position (as 2.41/2.42 do, header names ignored). Cells are trimmed of
 * spaces and tabs as DHIS2's CSV reader (javacsv) does; blank rows are skipped.
 */
export async function* readCsvValues(open: () => Readable, fileName: string, firstRowIsHeader: boolean): AsyncGenerator<DataValueRecord, void, undefined> {
  let layout: ColumnLayout | null = firstRowIsHeader ? null : POSITIONAL;
  let index = 0;
  for await (const row of nonEmptyRows(open(), fileName)) {
    if (layout === null) {
      layout = layoutFromHeader(row.cells) ?? POSITIONAL;
      continue;
    }
    yield toRecord(row, layout, index++, fileName);
  }
}

async function* nonEmptyRows(input: Readable, fileName: string): AsyncGenerator<CsvRow, void, undefined> {
  for await (const batch of csvRows(input, fileName)) {
    for (const row of batch.rows) {
      const cells = row.cells.map(cleanCell);
      if (cells.every((cell) => cell === '')) continue;
      yield { cells, line: row.line };
    }
    if (batch.problem) throw batch.problem;
  }
}

/**
 * javacsv (DHIS2's CSV reader) trims spaces and tabs around cells and allows spaces before an opening
 * quote, as in `"dataelement",    "period"`; papaparse keeps such a cell as written, quotes included.
 * papaparse does not say which cells were quoted, so quoted cells are trimmed too (javacsv keeps their
 * edge spaces, and the writer quotes them for DHIS2), so edge spaces do not survive a read here.
 */
function cleanCell(cell: string): string {
  const trimmed = cell.replace(/^[ \t]+|[ \t]+$/g, '');
  if (trimmed.length >= 2 && trimmed !== cell && /^[ \t]/.test(cell) && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/""/g, '"');
  }
  return trimmed;
}

function toRecord(row: CsvRow, layout: ColumnLayout, index: number, fileName: string): DataValueRecord {
  const cells = row.cells;
  if (cells.length < layout.minCells) throw tooFewColumns(row, layout, fileName);
  // DHIS2 2.43 reads the word null as no value; 2.41's positional reader keeps it as text.
  const nullWord = layout.mode === 'by-name';
  const cell = (field: CsvField): string | null => {
    const at = layout.columns[field];
    const text = at === undefined ? null : emptyToNull(cells[at]);
    return nullWord && text === 'null' ? null : text;
  };
  const record = blankRecord(index, row.line);
  record.dataElement = cell('dataElement');
  record.period = cell('period');
  record.orgUnit = cell('orgUnit');
  record.categoryOptionCombo = cell('categoryOptionCombo');
  record.attributeOptionCombo = cell('attributeOptionCombo');
  record.value = cell('value');
  record.storedBy = cell('storedBy');
  record.created = cell('created');
  record.lastUpdated = cell('lastUpdated');
  record.comment = cell('comment');
  record.followup = parseJavaBoolean(cell('followup'));
  record.deleted = parseJavaBoolean(cell('deleted'));
  return record;
}

function tooFewColumns(row: CsvRow, layout: ColumnLayout, fileName: string): FormatError {
  const count = row.cells.length;
  const columns = `${count} column${count === 1 ? '' : 's'}`;
  if (layout.mode === 'positional') {
    return new FormatError(
      'CSV_TOO_FEW_COLUMNS',
      `${at(fileName, row.line)}: this row has only ${columns}. DHIS2 reads data value columns by position ` +
        '(data element, period, organisation unit, category option combo, attribute option combo, value, …), so the value belongs in column 6. ' +
        'Add the missing columns (they may be empty) or a header row naming each column.',
      { file: fileName, line: row.line, field: 'value' },
    );
  }
  const missing = NEEDED.find((field) => (layout.columns[field] ?? -1) >= count) ?? 'value';
  return new FormatError(
    'CSV_TOO_FEW_COLUMNS',
    `${at(fileName, row.line)}: this row has only ${columns}, but the header puts ${missing} in column ${(layout.columns[missing] ?? 0) + 1}. ` +
      'Add the missing cells (they may be empty) and import the file again.',
    { file: fileName, line: row.line, field: missing },
  );
}

const NEEDED: readonly CsvField[] = ['dataElement', 'period', 'orgUnit', 'value'];
