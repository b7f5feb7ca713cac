import { z } from 'zod';

/**
 * Options of a data value import: every option of the DHIS2 Import/Export app's Data import
 * page (src/pages/DataImport) plus the chunk size, with DHIS2's defaults. The page form, the CLI
 * flags and "Recreate job" all bind to this one schema.
 */

/** UID, CODE, NAME or ATTRIBUTE:<attribute uid>; case-insensitive as DHIS2's IdScheme.from is. */
export const IdSchemeName = z
  .string()
  .trim()
  .transform((value) => (/^attribute:/i.test(value) ? `ATTRIBUTE:${value.slice(10)}` : value.toUpperCase()))
  .refine((value) => ['UID', 'CODE', 'NAME'].includes(value) || /^ATTRIBUTE:[A-Za-z][A-Za-z0-9]{10}$/.test(value), {
    message: 'must be UID, CODE, NAME or ATTRIBUTE:<attribute id>',
  });

export const DATA_IMPORT_FORMATS = ['auto', 'json', 'csv', 'xml', 'adx', 'pdf'] as const;
export const DATA_IMPORT_STRATEGIES = ['CREATE_AND_UPDATE', 'CREATE', 'UPDATE', 'DELETE'] as const;

/** The DHIS2 app's labels for the strategies, and the legacy names older servers and files use. */
export const STRATEGY_LABELS: Record<(typeof DATA_IMPORT_STRATEGIES)[number], string> = {
  CREATE_AND_UPDATE: 'Merge: import new values and update existing',
  CREATE: 'Append: import new values only',
  UPDATE: 'Update: only update existing values',
  DELETE: 'Delete: remove the values in the file',
};
const LEGACY_STRATEGIES: Record<string, (typeof DATA_IMPORT_STRATEGIES)[number]> = {
  NEW_AND_UPDATES: 'CREATE_AND_UPDATE',
  NEW: 'CREATE',
  UPDATES: 'UPDATE',
  DELETES: 'DELETE',
};

export const ImportStrategy = z.preprocess(
  (value) => (typeof value === 'string' ? (LEGACY_STRATEGIES[value.toUpperCase()] ?? value.toUpperCase()) : value),
  z.enum(DATA_IMPORT_STRATEGIES),
);

export const ImportDataParams = z.object({
  format: z.enum(DATA_IMPORT_FORMATS).default('auto'),
  strategy: ImportStrategy.default('CREATE_AND_UPDATE'),
  dryRun: z.boolean().default(false),
  preheatCache: z.boolean().default(false),
  skipExistingCheck: z.boolean().default(false),
  skipAudit: z.boolean().default(false),
  /** CSV only. DHIS2's own CSV export writes a header, so that is our default (the DHIS2 app's is false). */
  firstRowIsHeader: z.boolean().default(true),
  idScheme: IdSchemeName.default('UID'),
  dataElementIdScheme: IdSchemeName.optional(),
  orgUnitIdScheme: IdSchemeName.optional(),
  categoryOptionComboIdScheme: IdSchemeName.optional(),
  /** Data set the file is for (CSV and PDF carry none); checks element and org unit assignment. */
  dataSet: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{10}$/, 'must be a data set id (11 letters and digits)')
    .optional(),
  /** Values per request to the server. Smaller parts survive bad connections better. */
  chunkSize: z.number().int().min(100).max(200_000).default(10_000),
});
export type ImportDataParams = z.output<typeof ImportDataParams>;
export type ImportDataParamsInput = z.input<typeof ImportDataParams>;
