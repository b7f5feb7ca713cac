import { emptyImportCount, type ImportConflict, type ImportStatus, type ImportSummary } from '../../../shared/import-summary';

const STATUS_RANK: Record<ImportStatus, number> = { SUCCESS: 0, WARNING: 1, ERROR: 2 };

/**
 * One summary for a file sent in chunks, as if it had gone in one request: counts added,
 * conflict and rejected indexes shifted by each chunk's offset, conflicts with the same code and
 * objects merged the way DHIS2 deduplicates them inside one import.
 */
export function mergeSummaries(parts: ReadonlyArray<{ offset: number; summary: ImportSummary }>): ImportSummary {
  const importCount = emptyImportCount();
  const conflicts = new Map<string, ImportConflict>();
  const rejected: number[] = [];
  let status: ImportStatus = 'SUCCESS';
  let dataSetComplete: string | undefined;
  const descriptions = new Set<string>();

  for (const { offset, summary } of parts) {
    importCount.imported += summary.importCount.imported;
    importCount.updated += summary.importCount.updated;
    importCount.ignored += summary.importCount.ignored;
    importCount.deleted += summary.importCount.deleted;
    if (STATUS_RANK[summary.status] > STATUS_RANK[status]) status = summary.status;
    if (summary.description) descriptions.add(summary.description);
    if (summary.dataSetComplete && summary.dataSetComplete !== 'false') dataSetComplete = summary.dataSetComplete;
    for (const index of summary.rejectedIndexes ?? []) rejected.push(index + offset);
    for (const conflict of summary.conflicts) {
      const shifted = conflict.indexes?.map((index) => index + offset);
      const key = conflictKey(conflict);
      const existing = conflicts.get(key);
      if (existing) {
        if (shifted) existing.indexes = [...(existing.indexes ?? []), ...shifted];
      } else {
        conflicts.set(key, shifted ? { ...conflict, indexes: shifted } : { ...conflict });
      }
    }
  }

  const merged: ImportSummary = {
    responseType: 'ImportSummary',
    status,
    description: descriptions.size === 1 ? [...descriptions][0] : status === 'ERROR' ? 'Import process was aborted' : 'Import process completed successfully',
    importCount,
    conflicts: [...conflicts.values()],
    rejectedIndexes: rejected,
    dataSetComplete: dataSetComplete ?? 'false',
  };
  return merged;
}

/** DHIS2 merges conflicts by error code and the identifiers involved; legacy ones by object and message. */
export function conflictKey(conflict: ImportConflict): string {
  if (conflict.errorCode) return `${conflict.errorCode}|${JSON.stringify(conflict.objects ?? { object: conflict.object ?? '' })}`;
  return `legacy|${conflict.object ?? ''}|${conflict.value}`;
}
