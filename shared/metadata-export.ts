import { z } from 'zod';
import { EXPORT_COMPRESSIONS } from './data-export';

/**
 * Options of the DHIS2 Import/Export app's Metadata export and Metadata dependency export pages
 * (src/pages/MetadataExport, src/pages/MetadataDependencyExport) with its defaults, plus the folder
 * the file goes to. DHIS2 exports metadata as JSON only since CSV and XML were removed
 * (DHIS2-13730, DHIS2-13697), so JSON is the one format offered.
 */
export const METADATA_EXPORT_FORMATS = ['json'] as const;

/** Schema plurals as /api/schemas names them ("dataElements"); anything else is refused before it reaches a URL. */
export const SchemaPlural = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,99}$/, 'must be an object type name such as dataElements');

/**
 * `offline-laptop`: the package `dhis2-ie metadata load` and the Load metadata file button read at a
 * facility: the types and fields the offline checks use, and the exporting user. Its types are fixed.
 */
export const METADATA_EXPORT_PRESETS = ['offline-laptop'] as const;
export type MetadataExportPreset = (typeof METADATA_EXPORT_PRESETS)[number];

const outDir = z.string({ error: 'choose a folder to save to' }).min(1, 'choose a folder to save to');

export const ExportMetadataParams = z
  .object({
    preset: z.enum(METADATA_EXPORT_PRESETS).optional(),
    types: z.array(SchemaPlural).max(500).default([]),
    format: z.enum(METADATA_EXPORT_FORMATS).default('json'),
    compression: z.enum(EXPORT_COMPRESSIONS).default('zip'),
    skipSharing: z.boolean().default(false),
    outDir,
  })
  .refine((p) => p.preset !== undefined || p.types.length > 0, { message: 'choose at least one object type', path: ['types'] });
export type ExportMetadataParams = z.output<typeof ExportMetadataParams>;
export type ExportMetadataParamsInput = z.input<typeof ExportMetadataParams>;

/** The types with a `/api/{type}/{uid}/metadata` endpoint in DHIS2 2.41, in the DHIS2 app's order. */
export const DEPENDENCY_OBJECT_TYPES = ['dataSets', 'programs', 'categoryCombos', 'dashboards', 'dataElementGroups', 'optionSets'] as const;
export type DependencyObjectType = (typeof DEPENDENCY_OBJECT_TYPES)[number];

export const DEPENDENCY_TYPE_LABELS: Record<DependencyObjectType, { one: string; many: string }> = {
  dataSets: { one: 'data set', many: 'Data sets' },
  programs: { one: 'program', many: 'Programs' },
  categoryCombos: { one: 'category combination', many: 'Category combinations' },
  dashboards: { one: 'dashboard', many: 'Dashboards' },
  dataElementGroups: { one: 'data element group', many: 'Data element groups' },
  optionSets: { one: 'option set', many: 'Option sets' },
};

/** DHIS2 leaves a data set's organisation units out of its dependency export (DefaultMetadataExportService#handleDataSet). */
export const DATA_SET_ORG_UNIT_NOTE =
  "DHIS2 leaves the data set's organisation units out of this export: the file does not assign the data set to any organisation unit. Export the organisation units separately (Metadata export) if the receiving server needs them.";

export const ExportMetadataDependenciesParams = z.object({
  objectType: z.enum(DEPENDENCY_OBJECT_TYPES).default('dataSets'),
  objectId: z.string().regex(/^[A-Za-z][A-Za-z0-9]{10}$/, 'must be an id (11 letters and digits)'),
  /** The name shown when it was chosen, for the job title; the id is what counts. */
  objectName: z.string().max(300).optional(),
  format: z.enum(METADATA_EXPORT_FORMATS).default('json'),
  compression: z.enum(EXPORT_COMPRESSIONS).default('zip'),
  skipSharing: z.boolean().default(false),
  outDir,
});
export type ExportMetadataDependenciesParams = z.output<typeof ExportMetadataDependenciesParams>;
export type ExportMetadataDependenciesParamsInput = z.input<typeof ExportMetadataDependenciesParams>;

/** What an export job returns: the saved file and what is in it. */
export const MetadataExportResult = z.object({
  file: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  /** Objects per collection in the file (the `system` block is not counted). */
  counts: z.record(z.string(), z.number().int().nonnegative()),
  notes: z.array(z.string()).default([]),
});
export type MetadataExportResult = z.output<typeof MetadataExportResult>;

/** One object type of the Metadata export checklist. */
export const MetadataExportType = z.object({
  plural: z.string(),
  displayName: z.string(),
  /** The DHIS2 app groups the list by the Java package of the type; types alone in theirs go to "Other". */
  group: z.string(),
});
export type MetadataExportType = z.infer<typeof MetadataExportType>;

export const MetadataExportTypeList = z.object({
  /** server: asked just now; cache: the server's last answer; built-in: DHIS2 2.41's list, never having asked. */
  source: z.enum(['server', 'cache', 'built-in']),
  /** When the server's list was taken (server and cache). */
  fetchedAt: z.string().nullable(),
  types: z.array(MetadataExportType),
  /** Why the list is not fresh from the server, in words. */
  note: z.string().nullable(),
});
export type MetadataExportTypeList = z.infer<typeof MetadataExportTypeList>;

export const PickableObject = z.object({ id: z.string(), name: z.string().nullable(), code: z.string().nullable(), detail: z.string().nullable() });
export type PickableObject = z.infer<typeof PickableObject>;

export const PickableObjectList = z.object({
  /** offline-metadata: the server's metadata snapshot; server: asked just now; cache: the server's last list; none: nothing to offer. */
  source: z.enum(['offline-metadata', 'server', 'cache', 'none']),
  fetchedAt: z.string().nullable(),
  objects: z.array(PickableObject),
  note: z.string().nullable(),
});
export type PickableObjectList = z.infer<typeof PickableObjectList>;
