import { z } from 'zod';

/**
 * DHIS2's metadata ImportReport (core: dxf2/metadata/feedback/ImportReport.java and
 * feedback/{TypeReport,ObjectReport,ErrorReport,Stats}.java), as the server returns it and as the
 * offline check predicts it. Our additions are optional and named so they cannot clash with
 * DHIS2's: `line` on an object report (where the object starts in the file) and `typeLabel`.
 */
export const ReportStatus = z.enum(['OK', 'WARNING', 'ERROR']);
export type ReportStatus = z.infer<typeof ReportStatus>;

export const Stats = z.object({
  created: z.number().int().nonnegative().default(0),
  updated: z.number().int().nonnegative().default(0),
  deleted: z.number().int().nonnegative().default(0),
  ignored: z.number().int().nonnegative().default(0),
  total: z.number().int().nonnegative().default(0),
});
export type Stats = z.infer<typeof Stats>;

export const ErrorReport = z.looseObject({
  message: z.string(),
  mainKlass: z.string().optional(),
  mainId: z.string().optional(),
  errorKlass: z.string().optional(),
  errorProperty: z.string().optional(),
  errorProperties: z.array(z.unknown()).optional(),
  value: z.unknown().optional(),
  errorCode: z.string().optional(),
  args: z.array(z.unknown()).optional(),
});
export type ErrorReport = z.infer<typeof ErrorReport>;

export const ObjectReport = z.looseObject({
  klass: z.string().optional(),
  index: z.number().int().optional(),
  uid: z.string().optional(),
  displayName: z.string().optional(),
  errorReports: z.array(ErrorReport).default([]),
  /** Ours: the 1-based line of the file where the object starts (JSON, XML) or its row (CSV). */
  line: z.number().int().optional(),
});
export type ObjectReport = z.infer<typeof ObjectReport>;

export const TypeReport = z.looseObject({
  klass: z.string(),
  stats: Stats.default({ created: 0, updated: 0, deleted: 0, ignored: 0, total: 0 }),
  objectReports: z.array(ObjectReport).default([]),
});
export type TypeReport = z.infer<typeof TypeReport>;

/** DHIS2 writes typeReports as a list; some versions (and the DHIS2 app's parser) allow a map by class. */
const TypeReports = z.preprocess(
  (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.values(value) : value),
  z.array(TypeReport),
);

export const ImportReport = z.looseObject({
  responseType: z.literal('ImportReport').optional(),
  status: ReportStatus,
  stats: Stats.default({ created: 0, updated: 0, deleted: 0, ignored: 0, total: 0 }),
  typeReports: TypeReports.default([]),
  importParams: z.record(z.string(), z.unknown()).optional(),
});
export type ImportReport = z.infer<typeof ImportReport>;

export function emptyStats(): Stats {
  return { created: 0, updated: 0, deleted: 0, ignored: 0, total: 0 };
}

/** `org.hisp.dhis.dataelement.DataElement` → `DataElement`, as the DHIS2 app shows types. */
export function shortKlass(klass: string | undefined | null): string {
  if (!klass) return '';
  return klass.slice(klass.lastIndexOf('.') + 1);
}

/** Every error report with the object report it belongs to, in report order. */
export function flattenErrors(report: ImportReport): Array<{ type: TypeReport; object: ObjectReport; error: ErrorReport }> {
  const out: Array<{ type: TypeReport; object: ObjectReport; error: ErrorReport }> = [];
  for (const type of report.typeReports) for (const object of type.objectReports) for (const error of object.errorReports) out.push({ type, object, error });
  return out;
}
