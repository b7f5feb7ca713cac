import type { GeoJsonConflict, GeoJsonImportReport, GeoJsonWebMessage } from '../../../shared/geometry-import';
import type { ImportCount } from '../../../shared/import-summary';

/**
 * DHIS2 2.41's GeoJSON import conflicts: code, message template (core@2.41 feedback/ErrorCode.java) and the
 * `property` each carries (core@2.41 dxf2/geojson/GeoJsonImportConflict.java).
 */
export const GEOJSON_CONFLICTS = {
  E7700: { template: 'Error reading JSON input: {0}', property: '' },
  E7701: { template: 'Input is not a valid GeoJSON document: {0}', property: '' },
  E7702: { template: 'GeoJSON attribute does not exist: {0}', property: '' },
  E7703: { template: 'GeoJSON attribute is not of type {0} but: {1}', property: '' },
  E7704: { template: 'GeoJSON attribute is not applicable to organisation units', property: '' },
  E7705: { template: 'GeoJSON feature lacks identifier property: `{0}`', property: 'feature' },
  E7706: { template: 'GeoJSON feature lacks geometry property', property: 'feature' },
  E7707: { template: 'GeoJSON geometry is not valid', property: 'geometry' },
  E7708: { template: 'GeoJSON target organisation unit does not exist', property: '' },
  E7709: { template: 'Organisation unit could not be updated with new GeoJSON geometry', property: 'geometry' },
  E7710: { template: 'User is not allowed to update the target organisation unit', property: '' },
  E7711: { template: 'Organisation unit cannot be uniquely identified by its name', property: '' },
  E7712: { template: 'GeoJSON geometry coordinates must be non empty but was: `{0}`', property: 'coordinates' },
} as const;
export type GeoJsonConflictCode = keyof typeof GEOJSON_CONFLICTS;

/** java.text.MessageFormat for these templates: `{n}` by argument, `null` for a missing one. */
export function geoJsonMessage(code: GeoJsonConflictCode, args: ReadonlyArray<string | null>): string {
  return GEOJSON_CONFLICTS[code].template.replace(/\{(\d)\}/g, (_, n: string) => args[Number(n)] ?? 'null');
}

/**
 * The report as DHIS2 builds it (core@2.41 GeoJsonImportReport.java, importsummary/ImportConflict.java):
 * GeoJSON conflicts name no objects, so their grouping key is the error code alone. Every E7708 becomes one
 * conflict with all its indexes and the first one's message; the order is that of each code's first use.
 */
export class GeoJsonReportBuilder {
  readonly count: ImportCount = { imported: 0, updated: 0, ignored: 0, deleted: 0 };
  private total = 0;
  private readonly conflicts = new Map<GeoJsonConflictCode, GeoJsonConflict>();

  /** `index` -1 is a conflict about the whole request, which carries no indexes. */
  add(code: GeoJsonConflictCode, index: number, args: ReadonlyArray<string | null> = []): void {
    this.total++;
    const existing = this.conflicts.get(code);
    if (existing) {
      if (index >= 0) (existing.indexes ??= []).push(index);
      return;
    }
    const conflict: GeoJsonConflict = { objects: {}, value: geoJsonMessage(code, args), errorCode: code, property: GEOJSON_CONFLICTS[code].property };
    if (index >= 0) conflict.indexes = [index];
    this.conflicts.set(code, conflict);
  }

  get conflictCount(): number {
    return this.conflicts.size;
  }

  report(): GeoJsonImportReport {
    const { imported, updated, ignored } = this.count;
    // GeoJsonImportReport#getStatus: SUCCESS with nothing ignored and no conflict; ERROR when nothing went in.
    const status = ignored === 0 && this.total === 0 ? 'SUCCESS' : imported + updated === 0 ? 'ERROR' : 'WARNING';
    return {
      responseType: 'GeoJsonImportReport',
      importCount: { ...this.count },
      totalConflictOccurrenceCount: this.total,
      status,
      conflicts: [...this.conflicts.values()].map((conflict) => ({ ...conflict, ...(conflict.indexes ? { indexes: [...conflict.indexes] } : {}) })),
    };
  }
}

/** GeoJsonImportController#toWebMessage: always 200 OK; the status and message follow the report. */
export function geoJsonWebMessage(report: GeoJsonImportReport): GeoJsonWebMessage {
  let status: GeoJsonWebMessage['status'] = 'OK';
  let message = 'Import successful.';
  if (report.status === 'ERROR') {
    status = 'ERROR';
    message = 'Import failed.';
  } else if (report.importCount.ignored > 0) {
    status = 'WARNING';
    message = 'Import partially successful.';
  }
  return { httpStatus: 'OK', httpStatusCode: 200, status, message, response: report };
}

/** What CrudControllerAdvice#defaultExceptionHandler answers when the import throws (HTTP 500, no report). */
export function serverErrorMessage(message: string): GeoJsonWebMessage {
  return { httpStatus: 'Internal Server Error', httpStatusCode: 500, status: 'ERROR', message };
}
