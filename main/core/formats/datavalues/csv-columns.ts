export type ColumnMode = 'by-name' | 'positional';

export type CsvField =
  | 'dataElement'
  | 'period'
  | 'orgUnit'
  | 'categoryOptionCombo'
  | 'attributeOptionCombo'
  | 'value'
  | 'storedBy'
  | 'created'
  | 'lastUpdated'
  | 'comment'
  | 'followup'
  | 'deleted';

export interface ColumnLayout {
  mode: ColumnMode;
  columns: Partial<Record<CsvField, number>>;
  /** A data row with fewer cells than this is missing something DHIS2 needs. */
  minCells: number;
}

/** DHIS2 2.41's CsvDataValueSetReader: columns by position, header names ignored. */
export const POSITIONAL: ColumnLayout = {
  mode: 'positional',
  columns: {
    dataElement: 0,
    period: 1,
    orgUnit: 2,
    categoryOptionCombo: 3,
    attributeOptionCombo: 4,
    value: 5,
    storedBy: 6,
    lastUpdated: 7,
    comment: 8,
    followup: 9,
    deleted: 10,
  },
  minCells: 6,
};

/** Header names, lower-cased: 2.43's names, the export header's, and the abbreviations in DHIS2's docs. */
const NAMES: Record<string, CsvField> = {
  dataelement: 'dataElement',
  period: 'period',
  orgunit: 'orgUnit',
  categoryoptioncombo: 'categoryOptionCombo',
  catoptcombo: 'categoryOptionCombo',
  attributeoptioncombo: 'attributeOptionCombo',
  attroptcombo: 'attributeOptionCombo',
  value: 'value',
  storedby: 'storedBy',
  strby: 'storedBy',
  created: 'created',
  lastupdated: 'lastUpdated',
  timestamp: 'lastUpdated',
  lstupd: 'lastUpdated',
  comment: 'comment',
  cmt: 'comment',
  followup: 'followup',
  deleted: 'deleted',
};

const NEEDED: readonly CsvField[] = ['dataElement', 'period', 'orgUnit', 'value'];

/**
 * Columns by name when every (non-empty) header cell is a name we know and the essential ones are there;
 * otherwise null, and the file is read by position as DHIS2 ≤2.42 does. A misspelt header therefore
 * falls back to positions, which is also what the server will do with it.
 */
export function layoutFromHeader(header: readonly string[]): ColumnLayout | null {
  const columns: Partial<Record<CsvField, number>> = {};
  for (let i = 0; i < header.length; i++) {
    const name = header[i]!.trim().toLowerCase();
    if (name === '') continue;
    const field = NAMES[name];
    if (field === undefined || columns[field] !== undefined) return null;
    columns[field] = i;
  }
  if (columns.dataElement === undefined || columns.period === undefined || columns.orgUnit === undefined) return null;
  const minCells = 1 + Math.max(...NEEDED.map((field) => columns[field] ?? -1));
  return { mode: 'by-name', columns, minCells };
}
