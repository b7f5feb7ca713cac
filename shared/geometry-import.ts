import { z } from 'zod';
import { ImportCount, ImportStatus } from './import-summary';

/**
 * Org unit geometry import: the options of DHIS2's "Organisation unit geometry import" page and of
 * `POST /api/organisationUnits/geometry` (core@2.41 GeoJsonImportController.java), and the
 * GeoJsonImportReport the server answers with (core@2.41 dxf2/geojson/GeoJsonImportReport.java).
 */

/** How a feature names its org unit; the API's `orgUnitProperty`, upper-cased into IdentifiableProperty. */
export const GEOMETRY_ORG_UNIT_PROPERTIES = ['ID', 'CODE', 'NAME'] as const;
export const GeometryOrgUnitProperty = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toUpperCase() : value),
  z.enum(GEOMETRY_ORG_UNIT_PROPERTIES),
);
export type GeometryOrgUnitProperty = z.infer<typeof GeometryOrgUnitProperty>;

const UID = /^[A-Za-z][A-Za-z0-9]{10}$/;

export const GeometryImportOptions = z.object({
  /** GeoJSON goes to /api/organisationUnits/geometry; GML to /api/metadata/gml (UPDATE only, 4 decimals). */
  format: z.enum(['auto', 'geojson', 'gml']).default('auto'),
  /** `geoJsonId`: the feature's `id` names the org unit. False means `geoJsonProperty` does. */
  geoJsonId: z.boolean().default(true),
  /** `geoJsonProperty`: the feature property read when `geoJsonId` is false (`properties.<name>`). */
  geoJsonProperty: z.string().trim().min(1).optional(),
  /** `orgUnitProperty`: what that identifier is matched against. */
  orgUnitProperty: GeometryOrgUnitProperty.default('ID'),
  /** `attributeId`: store the geometry in this org unit attribute of value type GEOJSON instead of `geometry`. */
  attributeId: z.string().trim().regex(UID, 'An attribute id is 11 letters and digits, starting with a letter.').optional(),
  /** `dryRun`: the server checks and counts, and changes nothing. */
  dryRun: z.boolean().default(false),
});

export const GeometryImportParams = GeometryImportOptions.superRefine((params, ctx) => {
  // DHIS2 reads `properties.null` when the property is missing, so every feature would fail (E7705).
  if (!params.geoJsonId && !params.geoJsonProperty) {
    ctx.addIssue({ code: 'custom', path: ['geoJsonProperty'], message: 'Name the GeoJSON property that holds the org unit identifier.' });
  }
});
export type GeometryImportParams = z.output<typeof GeometryImportParams>;
export type GeometryImportParamsInput = z.input<typeof GeometryImportParams>;

/** One grouped conflict: DHIS2 groups by error code (GeoJSON conflicts name no objects), first message kept. */
export const GeoJsonConflict = z.object({
  objects: z.record(z.string(), z.string()),
  value: z.string(),
  errorCode: z.string(),
  property: z.string(),
  /** Feature indexes, from 0; absent on conflicts about the whole request. */
  indexes: z.array(z.number().int().nonnegative()).optional(),
});
export type GeoJsonConflict = z.infer<typeof GeoJsonConflict>;

export const GeoJsonImportReport = z.object({
  responseType: z.literal('GeoJsonImportReport'),
  importCount: ImportCount,
  totalConflictOccurrenceCount: z.number().int().nonnegative(),
  status: ImportStatus,
  conflicts: z.array(GeoJsonConflict),
});
export type GeoJsonImportReport = z.infer<typeof GeoJsonImportReport>;

/** The WebMessage around it: always HTTP 200, `status` from the report (GeoJsonImportController#toWebMessage). */
export const GeoJsonWebMessage = z.object({
  httpStatus: z.string(),
  httpStatusCode: z.number().int(),
  status: z.enum(['OK', 'WARNING', 'ERROR']),
  message: z.string(),
  response: GeoJsonImportReport.optional(),
});
export type GeoJsonWebMessage = z.infer<typeof GeoJsonWebMessage>;

/** What the offline check predicted, kept with the result so the answer can be read against it. */
export const GeometryOfflineCheck = z.object({
  /** The predicted WebMessage status (`ERROR` when DHIS2 would refuse the whole request). */
  status: z.enum(['OK', 'WARNING', 'ERROR']),
  features: z.number().int().nonnegative(),
  conflicts: z.number().int().nonnegative(),
  warnings: z.number().int().nonnegative(),
  notes: z.array(z.string()),
});
export type GeometryOfflineCheck = z.infer<typeof GeometryOfflineCheck>;

/** What a finished geometry import stores: the server's answer, and the prediction (null without offline metadata). */
export const GeometryImportResult = z.object({
  server: GeoJsonWebMessage,
  check: GeometryOfflineCheck.nullable(),
  dryRun: z.boolean(),
});
export type GeometryImportResult = z.infer<typeof GeometryImportResult>;
