/**
 * A feature's org unit identifier read as DHIS2 2.41 reads it: `feature.getString(path).string()` with
 * dhis2/json-tree 1.8.1 (core@2.41 DefaultGeoJsonService#importGeoData; json-tree JsonVirtualTree#value
 * and JsonString#string). The path is `id`, or `properties.<geoJsonProperty>` whose dots are steps.
 */
export type IdentifierReading =
  /** A JSON string: used as is, "" included (it then matches no org unit). */
  | { kind: 'text'; value: string }
  /** Absent, null, or a step through something that is not an object: E7705. */
  | { kind: 'none' }
  /** Present but a number, boolean, list or object: json-tree throws and the whole request fails (HTTP 500). */
  | { kind: 'fails'; message: string };

/** The json-tree path DHIS2 reads (GeoJsonImportController: `geoJsonId ? "id" : "properties." + geoJsonProperty`). */
export function identifierPath(geoJsonId: boolean, geoJsonProperty: string | undefined): string {
  return geoJsonId ? 'id' : `properties.${geoJsonProperty ?? 'null'}`;
}

const NODE_TYPES: Record<string, string> = { number: 'NUMBER', boolean: 'BOOLEAN', object: 'OBJECT' };

/**
 * `where` is the feature's json-tree path: `$.features[3]`, or `$[0]` for a root Feature (DHIS2 wraps it
 * in a list). The failure message is json-tree's; DHIS2 prints the value as the file writes it, which is
 * rebuilt here from the parsed value (the same for plain numbers and booleans).
 */
export function readIdentifier(feature: unknown, path: string, where: string): IdentifierReading {
  let node: unknown = feature;
  for (const step of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return { kind: 'none' };
    if (!Object.hasOwn(node, step)) return { kind: 'none' };
    node = (node as Record<string, unknown>)[step];
  }
  if (node === null || node === undefined) return { kind: 'none' };
  if (typeof node === 'string') return { kind: 'text', value: node };
  const type = Array.isArray(node) ? 'ARRAY' : (NODE_TYPES[typeof node] ?? 'UNKNOWN');
  return { kind: 'fails', message: `Path \`${where}.${path}\` does not contain an STRING but a(n) ${type}: ${JSON.stringify(node)}` };
}
