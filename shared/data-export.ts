import { z } from 'zod';
import { IdSchemeName } from './data-import';

/**
 * Options of a data value export: the DHIS2 Import/Export app's Data export page
 * (src/pages/DataExport) with DHIS2's defaults, plus the folder the file goes to.
 */
const Uid = z.string().regex(/^[A-Za-z][A-Za-z0-9]{10}$/, 'must be an id (11 letters and digits)');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2024-01-31');

export const DATA_EXPORT_FORMATS = ['json', 'csv', 'xml', 'adx'] as const;
export const EXPORT_COMPRESSIONS = ['zip', 'gzip', 'none'] as const;

export const ExportDataParams = z
  .object({
    orgUnits: z.array(Uid).min(1, 'choose at least one organisation unit'),
    includeDescendants: z.boolean().default(true),
    dataSets: z.array(Uid).min(1, 'choose at least one data set'),
    startDate: IsoDate,
    endDate: IsoDate,
    format: z.enum(DATA_EXPORT_FORMATS).default('json'),
    compression: z.enum(EXPORT_COMPRESSIONS).default('zip'),
    includeDeleted: z.boolean().default(false),
    idScheme: IdSchemeName.default('UID'),
    dataElementIdScheme: IdSchemeName.optional(),
    orgUnitIdScheme: IdSchemeName.optional(),
    /** Folder to write to (a USB drive, say); the file name is made from the options. */
    outDir: z.string().min(1, 'choose a folder to save to'),
  })
  .refine((p) => p.startDate <= p.endDate, { message: 'the start date must not be after the end date', path: ['endDate'] });
export type ExportDataParams = z.output<typeof ExportDataParams>;
export type ExportDataParamsInput = z.input<typeof ExportDataParams>;

/** What DHIS2 answers for each format, and the file extension we give it. */
export const EXPORT_FORMAT_INFO: Record<(typeof DATA_EXPORT_FORMATS)[number], { accept: string; extension: string }> = {
  json: { accept: 'application/json', extension: 'json' },
  csv: { accept: 'application/csv', extension: 'csv' },
  xml: { accept: 'application/xml', extension: 'xml' },
  adx: { accept: 'application/adx+xml', extension: 'adx.xml' },
};

/** What a data export job stores as its result: the saved file. */
export const SavedFileResult = z.object({
  file: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
});
export type SavedFileResult = z.infer<typeof SavedFileResult>;
