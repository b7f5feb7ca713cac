import type { DataFileInspection, ImportDataParams, PreviewRow } from '../../../shared/data-import';
import { FormatError } from '../formats/format-error';
import { openDataFile, type OpenedDataFile } from './open-data-file';
import { countValues, nothingToSend } from './store-and-check';

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
    error: errorOf(error),
  };
}

function errorOf(error: FormatError): NonNullable<DataFileInspection['error']> {
  return { code: error.code, message: error.message, line: error.line ?? null, field: error.field ?? null };
}

export interface InspectDeps {
  pathOf(sha256: string): string;
  has(sha256: string): boolean;
  /** The offline validation, given the opened file; null when there is no metadata to check against. */
  validate(opened: OpenedDataFile, params: ImportDataParams): Promise<DataFileInspection['validation']>;
  /** Hears whether the file, read to its end, may be queued (see DataFileDoor). */
  remember?(problem: FormatError | null): void;
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
    // Without metadata nothing above read past the preview: read on to the end, so the page refuses what `import data`
    // refuses (a break, a bomb or a wrong byte far into the file). An aborted check (status ERROR) stops counting early.
    const values = validation ? validation.checked : await countValues(opened.source);
    const problem = validation?.summary.status === 'ERROR' ? null : nothingToSend(values, opened.source.header, file.name, opened.format);
    deps.remember?.(problem);
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
      error: problem && errorOf(problem),
    };
  } catch (error) {
    // A file that could not be opened at all (gone, no permission) may be readable later: only its content is remembered.
    if (error instanceof FormatError && error.code !== 'FILE_NOT_READABLE') deps.remember?.(error);
    return unreadable(error);
  }
}
