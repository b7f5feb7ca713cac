import { z } from 'zod';
import { ImportSummary } from './import-summary';

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

/** What the page shows of the first values of a file, before anything is queued. */
export const PreviewRow = z.object({
  line: z.number().int(),
  dataElement: z.string().nullable(),
  period: z.string().nullable(),
  orgUnit: z.string().nullable(),
  categoryOptionCombo: z.string().nullable(),
  attributeOptionCombo: z.string().nullable(),
  value: z.string().nullable(),
  comment: z.string().nullable(),
});
export type PreviewRow = z.infer<typeof PreviewRow>;

export const DataFileFormat = z.enum(['json', 'csv', 'xml', 'adx', 'pdf']);

/** The offline check of a data file against the server's offline metadata: DHIS2's ImportSummary shape plus lines. */
export const OfflineValidation = z.object({
  summary: ImportSummary,
  /** Values checked. */
  checked: z.number().int().nonnegative(),
  /** Checks that could not be done offline, and why. */
  unchecked: z.array(z.string()),
  /** Values given more than once in the file (DHIS2 keeps the last): a few examples with their lines. */
  duplicates: z.object({ count: z.number().int().nonnegative(), examples: z.array(z.object({ key: z.string(), lines: z.array(z.number().int()) })) }),
  /** "metadata as of …, from …" of the snapshot used. */
  metadataLabel: z.string(),
});
export type OfflineValidation = z.infer<typeof OfflineValidation>;

export const DataFileInspection = z.object({
  format: DataFileFormat,
  formatReason: z.string(),
  columnMode: z.enum(['by-name', 'positional']).nullable(),
  headerRow: z.array(z.string()).nullable(),
  /** Set-level fields found in the file (data set, period, org unit, complete date, id schemes). */
  header: z.record(z.string(), z.unknown()),
  preview: z.array(PreviewRow),
  /** Null when there is no offline metadata for the server: the file can still be queued, unchecked. */
  validation: OfflineValidation.nullable(),
  /** The file could not be read: where and why. Nothing else is filled then. */
  error: z.object({ code: z.string(), message: z.string(), line: z.number().int().nullable(), field: z.string().nullable() }).nullable(),
});
export type DataFileInspection = z.infer<typeof DataFileInspection>;

/**
 * Why a part of a data import went to the server a second time. `interrupted`: the app or the
 * connection stopped while it was on its way; `answer-lost`: the server's answer was cut off;
 * `task-lost`: the server forgot its import job (a restart); `server-stopped`: the server's import of
 * it ended partway (status ERROR, or its job failed without a summary).
 */
export const ResendReason = z.enum(['interrupted', 'answer-lost', 'task-lost', 'server-stopped']);
export type ResendReason = z.infer<typeof ResendReason>;

/** A part confirmed after being sent more than once: its `ignored` count includes values the earlier send stored. */
export const ResentPart = z.object({
  part: z.number().int().positive(),
  /** 1-based positions of its first and last value among the file's values. */
  firstValue: z.number().int().positive(),
  lastValue: z.number().int().positive(),
  reason: ResendReason,
  /** Values the server counted as ignored in the confirmed send of this part. */
  ignored: z.number().int().nonnegative(),
});
export type ResentPart = z.infer<typeof ResentPart>;

const REASON_TEXT: Record<ResendReason, string> = {
  interrupted: 'the app or the connection stopped while it was being sent',
  'answer-lost': "the server's answer was cut off",
  'task-lost': 'the server forgot its import job (it restarted)',
  'server-stopped': 'the server stopped its import partway',
};

/** One sentence on a part sent twice, true whatever the first send stored. */
export function describeResent(part: ResentPart): string {
  const head = `Part ${part.part} (values ${part.firstValue.toLocaleString('en')}–${part.lastValue.toLocaleString('en')}) was sent again because ${REASON_TEXT[part.reason]}`;
  if (part.ignored === 0) return `${head}; none of its values were counted as ignored.`;
  return `${head}; ${part.ignored.toLocaleString('en')} of its values were counted as ignored, which includes any the first send had already stored (DHIS2 counts an unchanged value as ignored).`;
}

/** What an import-data job stores as its result. */
export const ImportDataResult = z.object({
  /** The server's summary of every part, merged as if the file had gone in one request, with file lines. */
  server: ImportSummary,
  /** The offline check made before sending; null without metadata. A malformed one must not hide the server's summary. */
  validation: OfflineValidation.nullable().catch(null),
  /** Requests the values went in; null when another app sent them (a job delivered by USB: the district's receipt has no such count). */
  chunks: z.number().int().nonnegative().nullable().default(null),
  /** How many parts went to the server more than once (results stored before `resent` only have this). */
  resentChunks: z.number().int().nonnegative().default(0),
  /** Each part sent more than once, why, and how many of its values the server counted as ignored. */
  resent: z.array(ResentPart).default([]),
  dryRun: z.boolean(),
  /** Set on a job carried on USB: the district office whose app sent it, as its receipt says. */
  deliveredBy: z.string().optional(),
});
export type ImportDataResult = z.output<typeof ImportDataResult>;
