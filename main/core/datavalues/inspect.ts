import type { DataFileInspection, ImportDataParams, PreviewRow } from '../../../shared/data-import';
import { FormatError } from '../formats/format-error';
import { openDataFile, type OpenedDataFile } from './open-data-file';

export const PREVIEW_ROWS = 50;

/** The first values of a file, as the page's preview shows them. */
export async function previewRows(opened: OpenedDataFile, limit = PREVIEW_ROWS): Promise<PreviewRow[]> {
  const rows: PreviewRow[] = [];
  for await (const v of opened.source.values()) {
    rows.push({
      line: v.line,
      dataElement: v.dataElement,
      period: v.period,
      orgUnit: v.orgUnit,
      categoryOptionCombo: v.categoryOptionCombo,
      attributeOptionCombo: v.attributeOptionCombo,
      value: v.value,
      comment: v.comment,
    });
    if (rows.length >= limit) break;
  }
  return rows;
}

/** A file that cannot be read is an answer for the page (where and why), not a failed call. */
export function unreadable(error: unknown): DataFileInspection {
  if (!(error instanceof FormatError)) throw error;
  return {
    format: 'json',
    formatReason: '',
    columnMode: null,
    headerRow: null,
    header: {},
    preview: [],
    validation: null,
    error: { code: error.code, message: error.message, line: error.line ?? null, field: error.field ?? null },
  };
}

export interface InspectDeps {
  pathOf(sha256: string): string;
  has(sha256: string): boolean;
  /** The offline validation, given the opened file; null when there is no metadata to check against. */
  validate(opened: OpenedDataFile, params: ImportDataParams): Promise<DataFileInspection['validation']>;
}

/** Everything the Data import page shows before anything is queued. */
export async function inspectDataFile(deps: InspectDeps, file: { sha256: string; name: string }, params: ImportDataParams): Promise<DataFileInspection> {
  if (!deps.has(file.sha256)) {
    return unreadable(new FormatError('FILE_MISSING', `"${file.name}" is no longer in the app's store; choose it again.`, { file: file.name }));
  }
  try {
    const opened = await openDataFile(deps.pathOf(file.sha256), file.name, params);
    const preview = await previewRows(opened);
    const validation = await deps.validate(opened, params);
    const { header } = opened.source;
    return {
      format: opened.format,
      formatReason: opened.formatReason,
      columnMode: opened.source.columnMode ?? null,
      headerRow: opened.source.headerRow ?? null,
      header: Object.fromEntries(
        Object.entries(header).filter(([, value]) => value !== null && !(typeof value === 'object' && Object.keys(value).length === 0)),
      ),
      preview,
      validation,
      error: null,
    };
  } catch (error) {
    return unreadable(error);
  }
}
