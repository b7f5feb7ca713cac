import { flattenErrors, shortKlass, type ErrorReport, type ImportReport, type ObjectReport } from '@shared/import-report';
import type { ImportMetadataResult } from '@shared/metadata-import';
import { resultOf } from '@shared/job-kinds';
import { csvRow } from '@shared/csv';

/** Plain words for the metadata error codes people meet most; the message itself always follows. */
const EXPLANATIONS: Record<string, string> = {
  E4000: 'A field DHIS2 requires is empty.',
  E4001: 'A field is longer than DHIS2 allows.',
  E4014: 'The id is not a DHIS2 id (11 letters and digits, starting with a letter).',
  E5000: 'The object already exists, and the strategy only creates new objects.',
  E5001: 'The object does not exist on the server, and the strategy only updates or deletes.',
  E5002: 'The object refers to something that is neither in the file nor on the server.',
  E5003: 'Another object already uses this value, which must be unique.',
  E5004: 'Two objects in the file have the same id; only the first is kept.',
  E5005: 'Two objects in the file share values that must be unique together.',
  E5007: 'The object lists the same reference twice.',
  E3000: 'The DHIS2 user may not create objects of this type.',
  E3001: 'The DHIS2 user may not update this object.',
  E3002: 'The DHIS2 user may not delete this object.',
};

export function explainMetadataError(code: string | undefined): string {
  return (code && EXPLANATIONS[code]) || 'See the message.';
}

/** One row of the error table: the object, where it is in the file, and what is wrong. */
export interface ReportErrorRow {
  key: string;
  type: string;
  uid: string;
  name: string;
  line: number | null;
  index: number | null;
  code: string;
  property: string;
  message: string;
  search: string;
}

export function errorRows(report: ImportReport): ReportErrorRow[] {
  return flattenErrors(report).map(({ type, object, error }, n) => toRow(shortKlass(error.mainKlass ?? object.klass ?? type.klass), object, error, n));
}

function toRow(type: string, object: ObjectReport, error: ErrorReport, n: number): ReportErrorRow {
  const row = {
    key: `${n}`,
    type,
    uid: object.uid ?? error.mainId ?? '',
    name: object.displayName ?? '',
    line: object.line ?? null,
    index: object.index ?? null,
    code: error.errorCode ?? '',
    property: error.errorProperty ?? '',
    message: error.message,
  };
  const search = [row.type, row.uid, row.name, row.code, row.property, row.message, explainMetadataError(row.code), row.line ?? ''].join('\n').toLowerCase();
  return { ...row, search };
}

export interface TypeRow {
  type: string;
  created: number;
  updated: number;
  deleted: number;
  ignored: number;
  total: number;
  errors: number;
}

/** "Details by type", as DHIS2's app shows it: the last part of the class name, with its counts. */
export function typeRows(report: ImportReport): TypeRow[] {
  return report.typeReports.map((type) => ({
    type: shortKlass(type.klass),
    ...type.stats,
    errors: type.objectReports.reduce((sum, object) => sum + object.errorReports.length, 0),
  }));
}

export const REPORT_CSV_COLUMNS = ['type', 'id', 'name', 'line', 'index', 'errorCode', 'property', 'message', 'explanation'] as const;

/** The error rows as CSV, byte order mark first, every cell guarded against spreadsheet formulas. */
export function reportErrorsToCsv(rows: readonly ReportErrorRow[]): string {
  let text = `\uFEFF${csvRow(REPORT_CSV_COLUMNS)}`;
  for (const row of rows) {
    text += csvRow([row.type, row.uid, row.name, row.line ?? '', row.index ?? '', row.code, row.property, row.message, explainMetadataError(row.code)]);
  }
  return text;
}

/** An import-metadata job's result, checked against its shape; anything else stays raw JSON. */
export function parseMetadataJobResult(result: unknown): ImportMetadataResult | null {
  return resultOf({ type: 'import-metadata', result });
}
