/**
 * DHIS2 2.41's GeoJSON import report (core@2.41 dxf2/geojson/GeoJsonImportReport.java, ImportConflict.java,
 * feedback/ErrorCode.java). Kept here rather than imported from main/ so the simulator stays self-contained.
 */

/** Message template and the `property` each conflict carries (GeoJsonImportConflict.java). */
export const GEO_CONFLICTS = {
  E7700: { template: 'Error reading JSON input: {0}', property: '' },
  E7701: { template: 'Input is not a valid GeoJSON document: {0}', property: '' },
  E7702: { template: 'GeoJSON attribute does not exist: {0}', property: '' },
  E7703: { template: 'GeoJSON attribute is not of type {0} but: {1}', property: '' },
  E7704: { template: 'GeoJSON attribute is not applicable to organisation units', property: '' },
  E7705: { template: 'GeoJSON feature lacks identifier property: `{0}`', property: 'feature' },
  E7706: { template: 'GeoJSON feature lacks geometry property', property: 'feature' },
  E7707: { template: 'GeoJSON geometry is not valid', property: 'geometry' },
  E7708: { template: 'GeoJSON target organisation unit does not exist', property: '' },
  E7710: { template: 'User is not allowed to update the target organisation unit', property: '' },
  E7711: { template: 'Organisation unit cannot be uniquely identified by its name', property: '' },
  E7712: { template: 'GeoJSON geometry coordinates must be non empty but was: `{0}`', property: 'coordinates' },
} as const;
export type GeoConflictCode = keyof typeof GEO_CONFLICTS;

export interface GeoConflict {
  objects: Record<string, never>;
  value: string;
  errorCode: GeoConflictCode;
  property: string;
  indexes?: number[];
}

export interface GeoImportCount {
  imported: number;
  updated: number;
  ignored: number;
  deleted: number;
}

export interface GeoImportReport {
  responseType: 'GeoJsonImportReport';
  importCount: GeoImportCount;
  totalConflictOccurrenceCount: number;
  status: 'SUCCESS' | 'WARNING' | 'ERROR';
  conflicts: GeoConflict[];
}

/** java.text.MessageFormat for these templates: a missing argument prints as `null`. */
function format(code: GeoConflictCode, args: ReadonlyArray<string>): string {
  return GEO_CONFLICTS[code].template.replace(/\{(\d)\}/g, (_, n: string) => args[Number(n)] ?? 'null');
}

/**
 * GeoJSON conflicts name no objects, so ImportConflict groups them by error code alone: one conflict per code,
 * in order of first use, with the first occurrence's message and every occurrence's feature index.
 */
export class GeoReportBuilder {
  readonly count: GeoImportCount = { imported: 0, updated: 0, ignored: 0, deleted: 0 };
  private total = 0;
  private readonly conflicts = new Map<GeoConflictCode, GeoConflict>();

  /** `index` -1 is a conflict about the whole request (the attribute, the document), which has no indexes. */
  add(code: GeoConflictCode, index: number, args: ReadonlyArray<string> = []): void {
    this.total++;
    const existing = this.conflicts.get(code);
    if (existing) {
      if (index >= 0) (existing.indexes ??= []).push(index);
      return;
    }
    const conflict: GeoConflict = { objects: {}, value: format(code, args), errorCode: code, property: GEO_CONFLICTS[code].property };
    if (index >= 0) conflict.indexes = [index];
    this.conflicts.set(code, conflict);
  }

  get hasConflicts(): boolean {
    return this.total > 0;
  }

  report(): GeoImportReport {
    const { imported, updated, ignored } = this.count;
    // GeoJsonImportReport#getStatus: SUCCESS when nothing was ignored or conflicted, ERROR when nothing went in.
    const status = ignored === 0 && this.total === 0 ? 'SUCCESS' : imported + updated === 0 ? 'ERROR' : 'WARNING';
    return {
      responseType: 'GeoJsonImportReport',
      importCount: { ...this.count },
      totalConflictOccurrenceCount: this.total,
      status,
      conflicts: [...this.conflicts.values()],
    };
  }
}

export interface GeoWebMessage {
  httpStatus: string;
  httpStatusCode: number;
  status: 'OK' | 'WARNING' | 'ERROR';
  message: string;
  response?: GeoImportReport;
}

/** GeoJsonImportController#toWebMessage: always HTTP 200; status and message follow the report. */
export function geoWebMessage(report: GeoImportReport): GeoWebMessage {
  if (report.status === 'ERROR') return { httpStatus: 'OK', httpStatusCode: 200, status: 'ERROR', message: 'Import failed.', response: report };
  if (report.importCount.ignored > 0)
    return { httpStatus: 'OK', httpStatusCode: 200, status: 'WARNING', message: 'Import partially successful.', response: report };
  return { httpStatus: 'OK', httpStatusCode: 200, status: 'OK', message: 'Import successful.', response: report };
}

/** CrudControllerAdvice's answer when the import throws (json-tree on a non-text identifier): HTTP 500, no report. */
export function geoServerError(message: string): GeoWebMessage {
  return { httpStatus: 'Internal Server Error', httpStatusCode: 500, status: 'ERROR', message };
}
