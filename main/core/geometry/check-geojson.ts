import type { GeometryImportParams, GeoJsonWebMessage } from '../../../shared/geometry-import';
import type { MetadataIndex, PlacedOrgUnit } from '../metadata/index';
import type { GeoFeatureRecord, GeoJsonShape } from '../formats/geo/read-geojson';
import { GeoJsonReportBuilder, geoJsonWebMessage, serverErrorMessage, type GeoJsonConflictCode } from './geojson-report';
import { identifierPath, readIdentifier } from './identifier';
import { judgeGeometry } from './validity';
import { geometryWarnings, type GeometryWarning, type WarningTally } from './warnings';
import { summariseGeometry } from './summary';

/** One conflict as it happened, tied to the feature: what DHIS2's report (indexes only) leaves out. */
export interface FeatureConflict {
  index: number;
  line: number;
  errorCode: GeoJsonConflictCode;
  /** The identifier the feature gives (id or property), null when it has none. */
  identifier: string | null;
  /** The feature's `properties.name`, for people. */
  name: string | null;
  /** Why, in plain words, where DHIS2's message says less (which ring is open). */
  detail: string | null;
}

export interface GeoJsonCheck {
  /** What `POST /api/organisationUnits/geometry?dryRun=true` with these options is predicted to answer. */
  message: GeoJsonWebMessage;
  features: number;
  conflicts: FeatureConflict[];
  warnings: GeometryWarning[];
  /** What could not be checked offline, in plain words. */
  notes: string[];
}

/**
 * The offline check of a GeoJSON file, in DHIS2 2.41's order (core@2.41 dxf2/geojson/DefaultGeoJsonService.java):
 * the attribute first (E7702, E7703, E7704: then nothing else is read); per feature, first failure wins:
 * E7705 no identifier, E7711 several org units, E7708 none, (E7710 no sharing access: not known offline),
 * E7706 no `geometry`, E7707 not an object, E7712 empty coordinates, E7707 not a geometry GeoTools builds.
 * A non-text identifier anywhere, or a non-text root `type`, fails the whole request (HTTP 500).
 */
export async function checkGeoJson(
  features: AsyncIterable<GeoFeatureRecord>,
  shape: GeoJsonShape,
  params: GeometryImportParams,
  index: MetadataIndex,
): Promise<GeoJsonCheck> {
  const report = new GeoJsonReportBuilder();
  const conflicts: FeatureConflict[] = [];
  const warnings: GeometryWarning[] = [];
  const notes: string[] = [];
  const attribute = checkAttribute(params.attributeId, index, report, notes);
  if (report.conflictCount > 0) return { message: geoJsonWebMessage(report.report()), features: 0, conflicts, warnings, notes };

  const path = identifierPath(params.geoJsonId, params.geoJsonProperty);
  const orgUnitsHeld = index.holds('organisationUnits');
  const tally: WarningTally = { parentUnknown: 0, previousUnknown: 0 };
  let firstFailure: string | null = null;
  let count = 0;
  let priorUnknown = 0;
  let unchecked = 0;

  for await (const record of features) {
    count++;
    const { feature } = record;
    const where = shape.kind === 'feature' ? '$[0]' : `$.features[${record.index}]`;
    const reading = readIdentifier(feature, path, where);
    const name = featureName(feature);
    const conflict = (code: GeoJsonConflictCode, args: Array<string | null> = [], detail: string | null = null) => {
      report.add(code, record.index, args);
      report.count.ignored++;
      conflicts.push({ index: record.index, line: record.line, errorCode: code, identifier: reading.kind === 'text' ? reading.value : null, name, detail });
    };
    if (reading.kind === 'fails') {
      firstFailure ??= reading.message;
      continue;
    }
    if (reading.kind === 'none') {
      conflict('E7705', [path]);
      continue;
    }
    let target: PlacedOrgUnit | null = null;
    if (orgUnitsHeld) {
      const found = findOrgUnit(index, reading.value, params.orgUnitProperty);
      if (found === 'ambiguous') {
        conflict('E7711');
        continue;
      }
      if (found === null) {
        conflict('E7708');
        continue;
      }
      target = found;
    } else unchecked++;
    const geometry = typeof feature === 'object' && feature !== null && !Array.isArray(feature) ? (feature as Record<string, unknown>).geometry : undefined;
    if (geometry === undefined) {
      conflict('E7706');
      continue;
    }
    const verdict = judgeGeometry(geometry);
    if (verdict.kind === 'not-object') {
      conflict('E7707', [], 'the geometry is not a JSON object');
      continue;
    }
    if (verdict.kind === 'empty') {
      conflict('E7712', [verdict.declaration]);
      continue;
    }
    if (verdict.kind === 'invalid') {
      conflict('E7707', [], verdict.reason);
      continue;
    }
    // Counting as DefaultGeoJsonService#updateGeometryAttribute / #updateGeometryProperty do.
    const previous = target === null ? undefined : previousGeometry(target, attribute);
    if (verdict.kind === 'delete') report.count.deleted++;
    else if (previous === undefined) {
      report.count.imported++;
      priorUnknown++;
    } else if (previous === null) report.count.imported++;
    else report.count.updated++;
    if (verdict.kind === 'valid') {
      const context = { index: record.index, line: record.line, identifier: reading.value, name };
      warnings.push(...geometryWarnings(context, verdict.type, verdict.coordinates, target, previous, index, tally));
    }
  }

  if (shape.rootType !== undefined && shape.rootType !== null && typeof shape.rootType !== 'string') {
    const type = Array.isArray(shape.rootType)
      ? 'ARRAY'
      : typeof shape.rootType === 'object'
        ? 'OBJECT'
        : typeof shape.rootType === 'number'
          ? 'NUMBER'
          : 'BOOLEAN';
    const failure = `Path \`$.type\` does not contain an STRING but a(n) ${type}: ${JSON.stringify(shape.rootType)}`;
    return { message: serverErrorMessage(failure), features: count, conflicts: [], warnings: [], notes };
  }
  if (shape.kind === 'no-features') {
    const empty = new GeoJsonReportBuilder();
    empty.add('E7701', -1, ['No list of features found']);
    return { message: geoJsonWebMessage(empty.report()), features: 0, conflicts: [], warnings: [], notes };
  }
  if (firstFailure !== null) {
    notes.push('An identifier is a number or other non-text value: DHIS2 stops the whole import with an error (write identifiers in quotes).');
    return { message: serverErrorMessage(firstFailure), features: count, conflicts: [], warnings: [], notes };
  }
  notes.push('Sharing (whether your user may edit each org unit, E7710) is not known offline.');
  if (unchecked > 0) notes.push(`The offline metadata holds no org units, so ${unchecked.toLocaleString('en')} features could not be matched to one.`);
  if (priorUnknown > 0) {
    notes.push(
      `${priorUnknown.toLocaleString('en')} counted as imported: the offline metadata does not say whether these org units already have a geometry ` +
        '(DHIS2 counts those as updated).',
    );
  }
  if (tally.parentUnknown > 0)
    notes.push(`${tally.parentUnknown.toLocaleString('en')} points not checked against their parent's boundary: the offline metadata has no boundary for it.`);
  if (tally.previousUnknown > 0)
    notes.push(`${tally.previousUnknown.toLocaleString('en')} boundaries not compared with the current one: the offline metadata does not hold it.`);
  return { message: geoJsonWebMessage(report.report()), features: count, conflicts, warnings, notes };
}

type AttributeInfo = { id: string } | null;

/** DefaultGeoJsonService#validateAttribute: E7702, else E7703, else E7704; a conflict here ends the import. */
function checkAttribute(attributeId: string | undefined, index: MetadataIndex, report: GeoJsonReportBuilder, notes: string[]): AttributeInfo {
  if (attributeId === undefined) return null;
  if (!index.holds('attributes')) {
    notes.push(`The offline metadata holds no attributes, so attribute ${attributeId} was not checked.`);
    return { id: attributeId };
  }
  const attribute = index.attribute(attributeId);
  if (!attribute) {
    report.add('E7702', -1, [attributeId]);
    return null;
  }
  if (attribute.valueType !== 'GEOJSON') {
    report.add('E7703', -1, ['GEOJSON', attribute.valueType]);
    return null;
  }
  if (!attribute.appliesTo.includes('organisationUnits')) report.add('E7704', -1);
  return { id: attributeId };
}

/** Units grouped by the chosen property (OrganisationUnitStore#getByUid/Code/Name): more than one is E7711. */
function findOrgUnit(index: MetadataIndex, identifier: string, property: GeometryImportParams['orgUnitProperty']): PlacedOrgUnit | 'ambiguous' | null {
  if (property === 'ID') return index.orgUnit(identifier) ?? null;
  const resolution = index.resolve('organisationUnits', identifier, property);
  if (resolution.ok) return index.orgUnit(resolution.uid) ?? null;
  return resolution.reason === 'ambiguous' ? 'ambiguous' : null;
}

/**
 * The geometry the import would replace: the attribute's value (held offline with the org unit), or the
 * org unit's own (held only when the offline copy came with geometry). Undefined when not known.
 */
function previousGeometry(target: PlacedOrgUnit, attribute: AttributeInfo): ReturnType<typeof summariseGeometry> | undefined {
  if (attribute) {
    const value = target.attributeValues.find((v) => v.attribute === attribute.id)?.value;
    if (value === undefined) return null;
    try {
      return summariseGeometry(JSON.parse(value)) ?? { type: 'unknown', bbox: [0, 0, 0, 0], area: 0 };
    } catch {
      return { type: 'unknown', bbox: [0, 0, 0, 0], area: 0 };
    }
  }
  return target.geometry;
}

function featureName(feature: unknown): string | null {
  if (typeof feature !== 'object' || feature === null || Array.isArray(feature)) return null;
  const properties = (feature as Record<string, unknown>).properties;
  if (typeof properties !== 'object' || properties === null) return null;
  const name = (properties as Record<string, unknown>).name;
  return typeof name === 'string' ? name : null;
}
