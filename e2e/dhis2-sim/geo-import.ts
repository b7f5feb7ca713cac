import { attributeValue, refId, type MetadataObject, type MetadataStore } from './metadata';
import { GeoReportBuilder, geoServerError, geoWebMessage, type GeoWebMessage } from './geo-report';
import { judgeGeometry } from './geo-validity';

/**
 * The GeoJSON import of DHIS2 2.41 (core@2.41 dxf2/geojson/DefaultGeoJsonService#importGeoData) over the
 * simulator's metadata store. Order: the attribute (E7702, E7703, E7704 end the import unread); then per
 * feature, first failure wins: E7705 no identifier, E7711 several org units, E7708 none, (E7710 sharing: the
 * simulator lets every user edit), E7706 no `geometry`, E7707 not an object, E7712 empty coordinates,
 * E7707 not a geometry GeoTools builds.
 */

export interface GeoImportParams {
  geoJsonId: boolean;
  geoJsonProperty: string | undefined;
  orgUnitProperty: 'ID' | 'CODE' | 'NAME';
  attributeId: string | undefined;
  dryRun: boolean;
}

/** A feature's identifier as json-tree reads `feature.getString(path).string()`. */
type Reading = { kind: 'text'; value: string } | { kind: 'none' } | { kind: 'fails'; message: string };

const NODE_TYPES: Record<string, string> = { number: 'NUMBER', boolean: 'BOOLEAN', object: 'OBJECT' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `where` is the feature's json-tree path ($.features[3], or $[0] for a root Feature DHIS2 wraps in a list). */
function readIdentifier(feature: unknown, path: string, where: string): Reading {
  let node: unknown = feature;
  for (const step of path.split('.')) {
    if (!isObject(node) || !Object.hasOwn(node, step)) return { kind: 'none' };
    node = node[step];
  }
  if (node === null || node === undefined) return { kind: 'none' };
  if (typeof node === 'string') return { kind: 'text', value: node };
  // json-tree throws on a non-text node, which fails the whole request (HTTP 500).
  const type = Array.isArray(node) ? 'ARRAY' : (NODE_TYPES[typeof node] ?? 'UNKNOWN');
  return { kind: 'fails', message: `Path \`${where}.${path}\` does not contain an STRING but a(n) ${type}: ${JSON.stringify(node)}` };
}

/** OrganisationUnitStore#getByUid/Code/Name; more than one match is E7711 (only CODE and NAME can). */
function findUnits(store: MetadataStore, identifier: string, property: GeoImportParams['orgUnitProperty']): MetadataObject[] {
  if (property === 'ID') {
    const unit = store.get('organisationUnits', identifier);
    return unit ? [unit] : [];
  }
  const key = property === 'CODE' ? 'code' : 'name';
  return store.list('organisationUnits').filter((unit) => unit[key] === identifier);
}

/** The features DHIS2 reads: a root Feature as a list of one, else `features`; null when neither (E7701). */
function featuresOf(root: unknown): { features: unknown[]; single: boolean } | null {
  if (isObject(root) && root['type'] === 'Feature') return { features: [root], single: true };
  if (isObject(root) && Array.isArray(root['features'])) return { features: root['features'], single: false };
  return null;
}

/** The org unit with the new geometry in place: its own `geometry`, or the GEOJSON attribute's value. */
function withGeometry(unit: MetadataObject, geometry: Record<string, unknown> | null, attributeId: string | undefined): MetadataObject {
  if (attributeId === undefined) {
    const { geometry: _old, ...rest } = unit;
    return geometry === null ? rest : { ...rest, geometry };
  }
  const values = (Array.isArray(unit['attributeValues']) ? unit['attributeValues'] : []).filter(
    (entry) => !(isObject(entry) && refId(entry['attribute']) === attributeId),
  );
  if (geometry !== null) values.push({ attribute: { id: attributeId }, value: JSON.stringify(geometry) });
  return { ...unit, attributeValues: values };
}

function hadGeometry(unit: MetadataObject, attributeId: string | undefined): boolean {
  return attributeId === undefined ? isObject(unit['geometry']) : attributeValue(unit, attributeId) !== null;
}

/** DefaultGeoJsonService#validateAttribute: a conflict here ends the import before any feature is read. */
function checkAttribute(store: MetadataStore, attributeId: string | undefined, report: GeoReportBuilder): void {
  if (attributeId === undefined) return;
  const attribute = store.get('attributes', attributeId);
  if (!attribute) return report.add('E7702', -1, [attributeId]);
  const valueType = typeof attribute['valueType'] === 'string' ? attribute['valueType'] : 'null';
  if (valueType !== 'GEOJSON') return report.add('E7703', -1, ['GEOJSON', valueType]);
  if (attribute['organisationUnitAttribute'] !== true) report.add('E7704', -1);
}

/** Runs the import on a parsed body; stores the changes unless dryRun. */
export function importGeoJson(store: MetadataStore, root: unknown, params: GeoImportParams): GeoWebMessage {
  const report = new GeoReportBuilder();
  checkAttribute(store, params.attributeId, report);
  if (report.hasConflicts) return geoWebMessage(report.report());
  if (isObject(root) && root['type'] !== undefined && root['type'] !== null && typeof root['type'] !== 'string') {
    const type = Array.isArray(root['type']) ? 'ARRAY' : (NODE_TYPES[typeof root['type']] ?? 'UNKNOWN');
    return geoServerError(`Path \`$.type\` does not contain an STRING but a(n) ${type}: ${JSON.stringify(root['type'])}`);
  }
  const found = featuresOf(root);
  if (!found) {
    report.add('E7701', -1, ['No list of features found']);
    return geoWebMessage(report.report());
  }
  const path = params.geoJsonId ? 'id' : `properties.${params.geoJsonProperty ?? 'null'}`;
  const changed = new Map<string, MetadataObject>();
  for (const [index, feature] of found.features.entries()) {
    const conflict = (code: 'E7705' | 'E7706' | 'E7707' | 'E7708' | 'E7711' | 'E7712', args: string[] = []) => {
      report.add(code, index, args);
      report.count.ignored++;
    };
    const reading = readIdentifier(feature, path, found.single ? '$[0]' : `$.features[${index}]`);
    if (reading.kind === 'fails') return geoServerError(reading.message);
    if (reading.kind === 'none') {
      conflict('E7705', [path]);
      continue;
    }
    const units = findUnits(store, reading.value, params.orgUnitProperty);
    if (units.length > 1) {
      conflict('E7711');
      continue;
    }
    const unit = units[0];
    if (!unit) {
      conflict('E7708');
      continue;
    }
    if (!isObject(feature) || !Object.hasOwn(feature, 'geometry')) {
      conflict('E7706');
      continue;
    }
    const verdict = judgeGeometry(feature['geometry']);
    if (verdict.kind === 'not-object' || verdict.kind === 'invalid') {
      conflict('E7707');
      continue;
    }
    if (verdict.kind === 'empty') {
      conflict('E7712', [verdict.declaration]);
      continue;
    }
    const id = String(unit['id']);
    // A unit named twice in one file sees the first feature's change, as it would in the same transaction.
    const current = changed.get(id) ?? unit;
    if (verdict.kind === 'delete') report.count.deleted++;
    else if (hadGeometry(current, params.attributeId)) report.count.updated++;
    else report.count.imported++;
    changed.set(id, withGeometry(current, verdict.kind === 'delete' ? null : verdict.geometry, params.attributeId));
  }
  if (!params.dryRun && changed.size > 0) store.add('organisationUnits', [...changed.values()]);
  return geoWebMessage(report.report());
}
