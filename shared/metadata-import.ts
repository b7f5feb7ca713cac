import { z } from 'zod';
import { ImportStrategy } from './data-import';
import { ImportReport } from './import-report';

/**
 * Options of a metadata import: every option of the DHIS2 Import/Export app's Metadata import page
 * (src/pages/MetadataImport) and the parameters DHIS2 reads (DefaultMetadataImportService
 * #getParamsFromMap), with DHIS2's defaults. The page form, the CLI flags and "Recreate job" all bind
 * to this one schema. GML is not here: it is organisation unit geometry and goes to that page.
 */

export const METADATA_IMPORT_FORMATS = ['auto', 'json', 'csv', 'xml'] as const;
export type MetadataImportFormat = (typeof METADATA_IMPORT_FORMATS)[number];

/** DHIS2's CsvImportClass enum (GET /api/metadata/csvImportClasses), in its order. */
export const CSV_IMPORT_CLASSES = [
  'ORGANISATION_UNIT_GROUP_MEMBERSHIP',
  'DATA_ELEMENT_GROUP_MEMBERSHIP',
  'INDICATOR_GROUP_MEMBERSHIP',
  'DATA_ELEMENT',
  'DATA_ELEMENT_GROUP',
  'CATEGORY_OPTION',
  'CATEGORY',
  'CATEGORY_COMBO',
  'CATEGORY_OPTION_GROUP',
  'ORGANISATION_UNIT',
  'ORGANISATION_UNIT_GROUP',
  'VALIDATION_RULE',
  'OPTION_SET',
  'OPTION_GROUP',
  'OPTION_GROUP_SET',
  'OPTION_GROUP_SET_MEMBERSHIP',
  'INDICATOR',
] as const;
export type CsvImportClass = (typeof CSV_IMPORT_CLASSES)[number];

/** What each class's columns are, in order, as DHIS2's DefaultCsvImportService reads them. */
export const CSV_IMPORT_CLASS_LABELS: Record<CsvImportClass, { title: string; columns: string }> = {
  ORGANISATION_UNIT_GROUP_MEMBERSHIP: { title: 'Organisation unit group membership', columns: 'group id, org unit id' },
  DATA_ELEMENT_GROUP_MEMBERSHIP: { title: 'Data element group membership', columns: 'group id, data element id' },
  INDICATOR_GROUP_MEMBERSHIP: { title: 'Indicator group membership', columns: 'group id, indicator id' },
  DATA_ELEMENT: {
    title: 'Data element',
    columns:
      'name, id, code, short name, description, form name, domain type, value type, aggregation type, category combo id, url, zero is significant, option set id, comment option set id',
  },
  DATA_ELEMENT_GROUP: { title: 'Data element group', columns: 'name, id, code, short name' },
  CATEGORY_OPTION: { title: 'Category option', columns: 'name, id, code, short name' },
  CATEGORY: { title: 'Category', columns: 'name, id, code, description, data dimension type, data dimension' },
  CATEGORY_COMBO: { title: 'Category combination', columns: 'name, id, code, data dimension type, skip total' },
  CATEGORY_OPTION_GROUP: { title: 'Category option group', columns: 'name, id, code, short name, data dimension type' },
  ORGANISATION_UNIT: {
    title: 'Organisation unit',
    columns:
      'name, id, code, parent id, short name, description, opening date, closed date, comment, feature type, coordinates, url, contact person, address, email, phone number',
  },
  ORGANISATION_UNIT_GROUP: { title: 'Organisation unit group', columns: 'name, id, code, short name' },
  VALIDATION_RULE: {
    title: 'Validation rule',
    columns:
      'name, id, code, description, instruction, importance, (unused), operator, period type, left side expression, left side description, left side missing value strategy, right side expression, right side description, right side missing value strategy',
  },
  OPTION_SET: { title: 'Option set', columns: 'option set name, option set id, option set code, option name, option id, option code (one row per option)' },
  OPTION_GROUP: { title: 'Option group', columns: 'group name, group id, group code, group short name, option set id, option id, option code' },
  OPTION_GROUP_SET: { title: 'Option group set', columns: 'name, id, code, data dimension, description, option set id, option set code' },
  OPTION_GROUP_SET_MEMBERSHIP: { title: 'Option group set membership', columns: 'option group set id, option group id' },
  INDICATOR: {
    title: 'Indicator',
    columns:
      'name, id, code, description, short name, denominator, denominator description, numerator, numerator description, annualized, decimals, indicator type id',
  },
};

export const METADATA_IDENTIFIERS = ['UID', 'CODE', 'AUTO'] as const;
export const IMPORT_REPORT_MODES = ['ERRORS', 'FULL', 'ERRORS_NOT_OWNER', 'DEBUG'] as const;
export const PREHEAT_MODES = ['REFERENCE', 'ALL', 'NONE'] as const;
export const ATOMIC_MODES = ['ALL', 'NONE'] as const;
export const MERGE_MODES = ['REPLACE', 'MERGE'] as const;
export const FLUSH_MODES = ['AUTO', 'OBJECT'] as const;
export const INCLUSION_STRATEGIES = ['NON_NULL', 'ALWAYS', 'NON_EMPTY'] as const;

function upperEnum<T extends readonly [string, ...string[]]>(values: T, aliases: Record<string, T[number]> = {}) {
  return z.preprocess((value) => (typeof value === 'string' ? (aliases[value.trim().toUpperCase()] ?? value.trim().toUpperCase()) : value), z.enum(values));
}

/** The options without the cross-field rule, for partial use (inspection takes whatever the form has so far). */
export const ImportMetadataOptions = z.object({
  /** Detected from the content unless set; the DHIS2 app asks (default JSON). */
  format: z.enum(METADATA_IMPORT_FORMATS).default('auto'),
  /** CSV only, and required for CSV: which kind of object the rows are. */
  classKey: upperEnum(CSV_IMPORT_CLASSES).optional(),
  /** CSV only. DHIS2's default (the DHIS2 app's checkbox starts unticked, which silently imports the header row as an object). */
  firstRowIsHeader: z.boolean().default(true),
  /** How references are matched. AUTO existed up to DHIS2 2.35; newer servers treat it as UID. */
  identifier: upperEnum(METADATA_IDENTIFIERS).default('UID'),
  importReportMode: upperEnum(IMPORT_REPORT_MODES).default('ERRORS'),
  preheatMode: upperEnum(PREHEAT_MODES).default('REFERENCE'),
  importStrategy: ImportStrategy.default('CREATE_AND_UPDATE'),
  // The DHIS2 app once offered "OBJECT", which servers do not know and silently turn into ALL.
  atomicMode: upperEnum(ATOMIC_MODES, { OBJECT: 'NONE' }).default('ALL'),
  /** Read by DHIS2 2.40 and older only; the DHIS2 app always sends REPLACE. */
  mergeMode: upperEnum(MERGE_MODES).default('REPLACE'),
  flushMode: upperEnum(FLUSH_MODES).default('AUTO'),
  skipSharing: z.boolean().default(false),
  skipTranslation: z.boolean().default(false),
  skipValidation: z.boolean().default(false),
  /** The server runs the import as a job followed with /api/system/tasks; survives slow links and restarts. */
  async: z.boolean().default(true),
  /** Sent as the DHIS2 app sends it; it only affects how the server writes objects, not what it imports. */
  inclusionStrategy: upperEnum(INCLUSION_STRATEGIES).default('NON_NULL'),
  /** importMode=VALIDATE: the server checks everything and saves nothing. */
  dryRun: z.boolean().default(false),
  /** DELETE removes objects from the server: the page's dialog or the CLI's --yes must confirm it. Not sent. */
  deleteConfirmed: z.boolean().default(false),
});

export const ImportMetadataParams = ImportMetadataOptions.superRefine((params, ctx) => {
  if (params.format === 'csv' && !params.classKey) {
    ctx.addIssue({ code: 'custom', path: ['classKey'], message: 'A class key must be selected for a CSV file (what kind of object each row is).' });
  }
  if (params.importStrategy === 'DELETE' && !params.dryRun && !params.deleteConfirmed) {
    ctx.addIssue({
      code: 'custom',
      path: ['deleteConfirmed'],
      message: 'Deleting objects from the server must be confirmed (start a dry run first to see what would go).',
    });
  }
});
export type ImportMetadataParams = z.output<typeof ImportMetadataParams>;
export type ImportMetadataParamsInput = z.input<typeof ImportMetadataParams>;

/** The fields the form shows as DHIS2's app labels them. */
export const METADATA_STRATEGY_LABELS: Record<ImportMetadataParams['importStrategy'], string> = {
  CREATE_AND_UPDATE: 'New and updates: create new objects and update existing ones',
  CREATE: 'New only: create new objects, refuse existing ones',
  UPDATE: 'Updates only: update existing objects, refuse new ones',
  DELETE: 'Delete: remove the objects in the file from the server',
};

export const MetadataFileFormat = z.enum(['json', 'csv', 'xml']);
export type MetadataFileFormat = z.infer<typeof MetadataFileFormat>;

/** What the import would do to one object, compared with the offline metadata. */
export const PREVIEW_ACTIONS = ['create', 'update', 'delete', 'ignore', 'create-or-update', 'skip'] as const;
export const PreviewAction = z.enum(PREVIEW_ACTIONS);
export type PreviewAction = z.infer<typeof PreviewAction>;

export const PreviewItem = z.object({
  type: z.string(),
  id: z.string().nullable(),
  code: z.string().nullable(),
  name: z.string().nullable(),
  action: PreviewAction,
  line: z.number().int().nullable(),
});
export type PreviewItem = z.infer<typeof PreviewItem>;

export const PreviewType = z.object({
  /** The collection name in the file (`dataElements`). */
  type: z.string(),
  klass: z.string(),
  label: z.string(),
  total: z.number().int().nonnegative(),
  create: z.number().int().nonnegative(),
  update: z.number().int().nonnegative(),
  delete: z.number().int().nonnegative(),
  ignore: z.number().int().nonnegative(),
  /** Objects whose type the offline metadata does not hold: new or existing cannot be told here. */
  unknown: z.number().int().nonnegative(),
  /** Whether this type exists on the server offline copy, so create/update could be told. */
  checkedOffline: z.boolean(),
});
export type PreviewType = z.infer<typeof PreviewType>;

export const MetadataPreview = z.object({
  types: z.array(PreviewType),
  items: z.array(PreviewItem),
  /** Items listed per type at most; the counts above cover every object. */
  itemsPerType: z.number().int().positive(),
});
export type MetadataPreview = z.infer<typeof MetadataPreview>;

/** The offline check of a metadata file: DHIS2's ImportReport as the server is expected to give it, plus a preview. */
export const MetadataOfflineCheck = z.object({
  report: ImportReport,
  preview: MetadataPreview,
  objects: z.number().int().nonnegative(),
  /**
   * References and objects the offline copy could not judge (kinds it does not hold): when above 0 the
   * report's status speaks only for the rest, and an OK is not the server's OK.
   */
  unchecked: z.number().int().nonnegative().default(0),
  /** Checks that could not be done offline, and other things worth knowing, in plain words. */
  notes: z.array(z.string()),
  /** "metadata as of …, from …" of the snapshot used; null when there was none (only checks within the file were made). */
  metadataLabel: z.string().nullable(),
});
export type MetadataOfflineCheck = z.infer<typeof MetadataOfflineCheck>;

export const MetadataFileInspection = z.object({
  format: MetadataFileFormat.nullable(),
  formatReason: z.string(),
  check: MetadataOfflineCheck.nullable(),
  /** The file could not be read: where and why. */
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      line: z.number().int().nullable(),
      column: z.number().int().nullable(),
      field: z.string().nullable(),
    })
    .nullable(),
});
export type MetadataFileInspection = z.infer<typeof MetadataFileInspection>;

/** What an import-metadata job stores as its result. */
export const ImportMetadataResult = z.object({
  server: ImportReport,
  check: MetadataOfflineCheck.nullable(),
  dryRun: z.boolean(),
  /** Set when the server lost the task (restart) and the app re-checked instead of trusting a second send. */
  recovered: z.string().nullable().default(null),
  /** After a real import that changed something: the offline metadata no longer matches the server. */
  metadataSync: z.enum(['queued', 'suggested', 'not-needed']).default('not-needed'),
});
export type ImportMetadataResult = z.infer<typeof ImportMetadataResult>;
