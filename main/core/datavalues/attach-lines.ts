import type { ImportSummary } from '../../../shared/import-summary';
import type { DataValueRecord } from './types';

/**
 * The server names values by their position in what it received; people need file lines.
 * One pass over the file maps the conflict indexes back (we send every value, in file order, so
 * position and record index agree).
 */
export async function attachLines(summary: ImportSummary, records: () => AsyncIterable<DataValueRecord>): Promise<ImportSummary> {
  const wanted = new Set<number>();
  for (const conflict of summary.conflicts) for (const index of conflict.indexes ?? []) wanted.add(index);
  if (wanted.size === 0) return summary;
  const lineOf = new Map<number, number>();
  for await (const record of records()) {
    if (wanted.has(record.index)) {
      lineOf.set(record.index, record.line);
      if (lineOf.size === wanted.size) break;
    }
  }
  return {
    ...summary,
    conflicts: summary.conflicts.map((conflict) =>
      conflict.indexes
        ? { ...conflict, lines: conflict.indexes.map((index) => lineOf.get(index)).filter((line): line is number => line !== undefined) }
        : conflict,
    ),
  };
}
