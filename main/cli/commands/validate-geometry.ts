import { basename } from 'node:path';
import { UsageError } from '../args';
import { inline, printJson, type Output } from '../output';
import { GeometryImportParams } from '../../../shared/geometry-import';
import { FormatError } from '../../core/formats/format-error';
import { openInput } from '../../core/formats/open-input';
import { readGeoJson, type GeoJsonShape } from '../../core/formats/geo/read-geojson';
import type { GeoFormat } from '../../core/formats/geo/sniff-geo';
import { checkGeoJson, type GeoJsonCheck } from '../../core/geometry/check-geojson';
import { checkGml } from '../../core/geometry/check-gml';
import { readGml } from '../../core/formats/geo/read-gml';
import type { MetadataIndex } from '../../core/metadata/index';

/** The flags of `validate` for geometry files, named after the API's parameters. */
export const GEOMETRY_OPTIONS = {
  'geojson-property': { type: 'string' },
  'org-unit-property': { type: 'string' },
  'attribute-id': { type: 'string' },
} as const;

export const GEOMETRY_OPTIONS_HELP = `  Org unit geometry (GeoJSON, GML), told from the content:
    --geojson-property NAME         match this feature property instead of the feature id (geoJsonProperty)
    --org-unit-property ID|CODE|NAME  what the identifier is matched against (orgUnitProperty; default ID)
    --attribute-id UID              import into this GEOJSON org unit attribute (attributeId)
    With --json a GeoJSON file prints the WebMessage of POST /api/organisationUnits/geometry?dryRun=true,
    a GML file that of POST /api/metadata/gml (matched by uid, then code, then name).`;

type Values = { 'geojson-property'?: string; 'org-unit-property'?: string; 'attribute-id'?: string; json?: boolean };

export function geometryParamsFromFlags(values: Values, format: GeoFormat): GeometryImportParams {
  const parsed = GeometryImportParams.safeParse({
    format,
    geoJsonId: values['geojson-property'] === undefined,
    geoJsonProperty: values['geojson-property'],
    orgUnitProperty: values['org-unit-property'],
    attributeId: values['attribute-id'],
    dryRun: true,
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const flag = { orgUnitProperty: '--org-unit-property', attributeId: '--attribute-id', geoJsonProperty: '--geojson-property' }[String(issue.path[0])];
  const message = issue.path[0] === 'orgUnitProperty' ? 'takes ID, CODE or NAME' : issue.message;
  throw new UsageError(`${flag ?? 'geometry options'}: ${message}`);
}

/** `validate` on a geometry file: the predicted answer, exit 0 only when DHIS2 would import everything. */
export async function validateGeometry(path: string, format: GeoFormat, values: Values, index: MetadataIndex, output: Output): Promise<number> {
  const fileName = basename(path);
  const params = geometryParamsFromFlags(values, format);
  let check: GeoJsonCheck;
  try {
    if (format === 'gml') return await validateGml(path, fileName, values, index, output);
    const shape: GeoJsonShape = { kind: 'no-features', rootType: undefined };
    check = await checkGeoJson(readGeoJson(openInput(path, { fileName }), fileName, shape), shape, params, index);
  } catch (error) {
    if (error instanceof FormatError) {
      output.err(`dhis2-ie: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const { message } = check;
  if (values.json) return (printJson(output, message), message.status === 'OK' ? 0 : 1);
  const count = message.response?.importCount;
  output.out(`${fileName}: ${message.status} (${message.message}) — ${check.features.toLocaleString('en')} features`);
  if (count) output.out(`  predicted ${count.imported} imported, ${count.updated} updated, ${count.ignored} ignored, ${count.deleted} deleted`);
  for (const conflict of message.response?.conflicts ?? []) if (!conflict.indexes) output.out(`  ${conflict.errorCode}  ${inline(conflict.value)}`);
  for (const conflict of check.conflicts.slice(0, 50)) {
    const who = [conflict.identifier === null ? null : `"${inline(conflict.identifier)}"`, conflict.name === null ? null : inline(conflict.name)]
      .filter(Boolean)
      .join(' ');
    const value = message.response?.conflicts.find((c) => c.errorCode === conflict.errorCode)?.value ?? '';
    output.out(
      `  ${conflict.errorCode}  feature ${conflict.index} (line ${conflict.line})${who ? ` ${who}` : ''}: ${inline(value)}${conflict.detail ? ` (${conflict.detail})` : ''}`,
    );
  }
  if (check.conflicts.length > 50) output.out(`  … and ${(check.conflicts.length - 50).toLocaleString('en')} more`);
  for (const warning of check.warnings.slice(0, 50)) {
    output.out(`  warning  feature ${warning.index} (line ${warning.line}) "${inline(warning.identifier)}": ${inline(warning.message)}`);
  }
  for (const note of check.notes) output.out(`  note: ${note}`);
  return message.status === 'OK' ? 0 : 1;
}

/** GML: the ImportReport of POST /api/metadata/gml, and which org unit each feature updates. */
async function validateGml(path: string, fileName: string, values: Values, index: MetadataIndex, output: Output): Promise<number> {
  if (values['geojson-property'] !== undefined || values['org-unit-property'] !== undefined || values['attribute-id'] !== undefined) {
    throw new UsageError(
      'GML is matched by uid, then code, then name, as DHIS2 does: --geojson-property, --org-unit-property and --attribute-id are for GeoJSON.',
    );
  }
  const check = await checkGml(readGml(openInput(path, { fileName }), fileName), index);
  const { message } = check;
  if (values.json) return (printJson(output, message), message.status === 'OK' ? 0 : 1);
  const stats = message.response.stats;
  output.out(`${fileName}: ${message.response.status} — ${check.features.length.toLocaleString('en')} features`);
  output.out(`  predicted ${stats.updated} updated, ${stats.ignored} ignored`);
  for (const feature of check.features.slice(0, 50)) {
    const by = feature.match ? `${feature.match.by} "${inline(feature.match.value)}"` : 'no uid, code or name';
    output.out(`  feature ${feature.index} (line ${feature.line}) ${by}: ${feature.orgUnit ? `updates ${feature.orgUnit}` : 'matches no org unit'}`);
  }
  for (const type of message.response.typeReports) {
    for (const report of type.objectReports)
      for (const error of report.errorReports) output.out(`  ${error.errorCode ?? 'error'}  feature ${report.index ?? '?'}: ${inline(error.message)}`);
  }
  for (const note of check.notes) output.out(`  note: ${note}`);
  return message.status === 'OK' ? 0 : 1;
}
