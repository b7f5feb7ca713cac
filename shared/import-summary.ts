import { z } from 'zod';

/**
 * DHIS2's ImportSummary for data values (core: dxf2/importsummary/ImportSummary.java), as the
 * server returns it and as our offline validation predicts it. Our one addition is `lines` on a
 * conflict: the file lines of the values in `indexes`, so people can find them in their file.
 */
export const ImportStatus = z.enum(['SUCCESS', 'WARNING', 'ERROR']);
export type ImportStatus = z.infer<typeof ImportStatus>;

export const ImportCount = z.object({
  imported: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  ignored: z.number().int().nonnegative(),
  deleted: z.number().int().nonnegative(),
});
export type ImportCount = z.infer<typeof ImportCount>;

export const ImportConflict = z.looseObject({
  object: z.string().optional(),
  /** DHIS2 names a missing id as null (a value without a data element: `{"dataElement": null}`). */
  objects: z.record(z.string(), z.string().nullable()).optional(),
  /** The message (DHIS2 kept the name `value` for backwards compatibility). */
  value: z.string(),
  errorCode: z.string().optional(),
  property: z.string().optional(),
  indexes: z.array(z.number().int()).optional(),
  lines: z.array(z.number().int()).optional(),
});
export type ImportConflict = z.infer<typeof ImportConflict>;

export const ImportSummary = z.looseObject({
  responseType: z.literal('ImportSummary').optional(),
  status: ImportStatus,
  description: z.string().optional(),
  importCount: ImportCount,
  conflicts: z.array(ImportConflict).default([]),
  rejectedIndexes: z.array(z.number().int()).optional(),
  dataSetComplete: z.string().optional(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

export function emptyImportCount(): ImportCount {
  return { imported: 0, updated: 0, ignored: 0, deleted: 0 };
}
