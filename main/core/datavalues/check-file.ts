import type { ImportDataParams, OfflineValidation } from '../../../shared/data-import';
import type { MetadataIndex } from '../metadata/index';
import type { CheckedFile } from '../jobs/import-data';
import type { OpenedDataFile } from './open-data-file';
import type { RememberedCheck } from './check-memo';
import { translateDataValues, validateDataValues, type ValidationResult } from './validation';

/** "metadata as of …, from …" for the page and the job log. */
export function metadataLabel(index: MetadataIndex): string {
  const snapshot = index.snapshot;
  if (!snapshot) return 'offline metadata';
  return `metadata as of ${snapshot.takenAt.slice(0, 16).replace('T', ' ')}, from ${snapshot.label}`;
}

export function toOfflineValidation(result: ValidationResult, index: MetadataIndex): OfflineValidation {
  return {
    summary: result.summary,
    checked: result.checked,
    unchecked: [
      ...result.unchecked,
      ...result.notices.map((n) => `${n.message}${n.lines.length ? ` (lines ${n.lines.slice(0, 10).join(', ')}${n.count > 10 ? ', …' : ''})` : ''}`),
      result.countAssumption,
    ],
    duplicates: {
      count: result.duplicates.count,
      examples: result.duplicates.examples.map((d) => ({
        key: `${d.dataElement} ${d.period} ${d.orgUnit} ${d.categoryOptionCombo} ${d.attributeOptionCombo}`,
        lines: [...d.lines],
      })),
    },
    metadataLabel: metadataLabel(index),
  };
}

/**
 * The offline check and the translated values, as the import job and the page use them. With `remembered` (the same
 * check made when the file was queued, see check-memo.ts) the file is not checked again, only translated as it is sent.
 */
export async function checkDataFile(
  opened: OpenedDataFile,
  params: ImportDataParams,
  index: MetadataIndex,
  fileName: string,
  remembered?: RememberedCheck | null,
): Promise<CheckedFile> {
  const context = { index, header: opened.source.header, params, fileName, format: opened.format };
  if (remembered) return { ...remembered, remembered: true, translated: () => translateDataValues(opened.source, context) };
  const result = await validateDataValues(opened.source, context);
  return { validation: toOfflineValidation(result, index), abort: abortOf(result), translated: () => translateDataValues(opened.source, context) };
}

/** Why nothing of the file would be imported, when DHIS2 would refuse it whole. */
export function abortOf(result: ValidationResult): CheckedFile['abort'] {
  if (!result.aborted) return null;
  const first = result.summary.conflicts[0];
  return {
    code: first?.errorCode ?? 'IMPORT_ABORTED',
    message: `DHIS2 would refuse the whole file: ${first?.value ?? result.summary.description ?? 'import aborted'}`,
  };
}
