import type { ImportDataResult } from '@shared/data-import';
import { resultOf } from '@shared/job-kinds';
import type { ImportConflict } from '@shared/import-summary';
import { csvCell } from '@shared/csv';
import { explainConflict } from './conflict-explanations';

/** Group key for conflicts the server sent without an error code. */
export const NO_CODE = '';

export interface ConflictGroup {
  code: string;
  explanation: string;
  conflicts: ImportConflict[];
  /** Values affected across the group, when the server said. */
  values: number;
}

/** How many values a conflict covers: its indexes (or lines); one when the server does not say. */
export function conflictValueCount(conflict: ImportConflict): number {
  return conflict.indexes?.length || conflict.lines?.length || 1;
}

/** File lines worth showing: PDF and other line-less formats report 0. */
export function conflictLines(conflict: ImportConflict): number[] {
  return (conflict.lines ?? []).filter((line) => line > 0);
}

/** Groups by error code, in code order, with uncoded conflicts last. */
export function groupConflicts(conflicts: readonly ImportConflict[]): ConflictGroup[] {
  const byCode = new Map<string, ImportConflict[]>();
  for (const conflict of conflicts) {
    const code = conflict.errorCode ?? NO_CODE;
    const list = byCode.get(code);
    if (list) list.push(conflict);
    else byCode.set(code, [conflict]);
  }
  return [...byCode.entries()]
    .sort(([a], [b]) => (a === NO_CODE ? 1 : b === NO_CODE ? -1 : a.localeCompare(b)))
    .map(([code, list]) => ({
      code,
      explanation: explainConflict(code || null),
      conflicts: list,
      values: list.reduce((sum, conflict) => sum + conflictValueCount(conflict), 0),
    }));
}

/** The object(s) a conflict is about: DHIS2 2.38+ name them in `objects`, older versions in `object`. */
export function conflictObjectText(conflict: ImportConflict): string {
  const objects = conflict.objects ?? {};
  const named = Object.entries(objects).map(([key, value]) => `${key}: ${value}`);
  if (conflict.object && !Object.values(objects).includes(conflict.object)) named.unshift(conflict.object);
  return named.join(', ');
}

/** Everything a search may match: code, explanation, message, object(s), property, lines. */
export function conflictSearchText(conflict: ImportConflict): string {
  return [
    conflict.errorCode ?? '',
    explainConflict(conflict.errorCode),
    conflict.value,
    conflictObjectText(conflict),
    conflict.property ?? '',
    conflictLines(conflict).join(' '),
  ]
    .join('\n')
    .toLowerCase();
}

export const CONFLICT_CSV_COLUMNS = ['errorCode', 'explanation', 'object', 'property', 'message', 'lines', 'indexes'] as const;

/**
 * One row per conflict. Lines and indexes are space-separated inside their cell. Starts with a
 * byte order mark so spreadsheet programs read names with accents correctly; cells that would run
 * as formulas are guarded (values come from hostile files and server answers).
 */
export function conflictsToCsv(conflicts: readonly ImportConflict[]): string {
  const rows = [CONFLICT_CSV_COLUMNS.join(',')];
  for (const conflict of conflicts) {
    rows.push(
      [
        conflict.errorCode ?? '',
        explainConflict(conflict.errorCode),
        conflictObjectText(conflict),
        conflict.property ?? '',
        conflict.value,
        conflictLines(conflict).join(' '),
        (conflict.indexes ?? []).join(' '),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

/** Saves text as a file through the browser's own download (no network, no main process). */
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What an import-data job stores, as its kind declares it (shared/job-kinds.ts). */
export type ImportJobResult = ImportDataResult;

/** An import-data job's result read through its declared schema; null for anything else (shown as raw JSON). */
export function parseImportJobResult(result: unknown): ImportDataResult | null {
  return resultOf({ type: 'import-data', result });
}
