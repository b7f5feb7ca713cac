/**
 * What DHIS2 2.41 makes of a feature's `geometry` once the org unit is found (DefaultGeoJsonService#validateGeometry,
 * CoordinatesUtils#coordinatesEmpty, then GeoTools building JTS geometries). Only the outcome is modelled.
 */
export type GeoVerdict =
  | { kind: 'delete' }
  | { kind: 'not-object' }
  | { kind: 'empty'; declaration: string }
  | { kind: 'invalid' }
  | { kind: 'valid'; geometry: Record<string, unknown> };

/** CoordinatesUtils#coordinatesEmpty: missing, null, [] or a single-element chain ending in one of those. */
function coordinatesEmpty(coordinates: unknown): boolean {
  if (coordinates === undefined) return true;
  if (!Array.isArray(coordinates)) return coordinates === null;
  if (coordinates.length === 0) return true;
  if (coordinates.length > 1) return false;
  return coordinatesEmpty(coordinates[0]);
}

/** Position depth of each type GeoTools reads; GeometryCollection has no `coordinates`, so it is E7712 first. */
const DEPTH: Record<string, number> = { Point: 1, MultiPoint: 2, LineString: 2, MultiLineString: 3, Polygon: 3, MultiPolygon: 4 };

function nested(value: unknown, depth: number): boolean {
  if (!Array.isArray(value)) return false;
  if (depth === 1) return value.length >= 2 && value.every((n) => typeof n === 'number' && Number.isFinite(n));
  return value.every((item) => nested(item, depth - 1));
}

/** JTS LineString needs 0 or 2+ positions. */
function lineOk(line: number[][]): boolean {
  return line.length !== 1;
}

/** JTS LinearRing: closed and 0 or 3+ positions. */
function polygonOk(rings: number[][][]): boolean {
  return rings.every((ring) => {
    if (ring.length === 0) return true;
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    return first[0] === last[0] && first[1] === last[1] && ring.length >= 3;
  });
}

function shapeOk(type: string, coordinates: unknown): boolean {
  switch (type) {
    case 'LineString':
      return lineOk(coordinates as number[][]);
    case 'MultiLineString':
      return (coordinates as number[][][]).every(lineOk);
    case 'Polygon':
      return polygonOk(coordinates as number[][][]);
    case 'MultiPolygon':
      return (coordinates as number[][][][]).every(polygonOk);
    default:
      return true;
  }
}

/** The caller reads `geometry` only when the member exists (E7706 otherwise). `null` deletes. */
export function judgeGeometry(geometry: unknown): GeoVerdict {
  if (geometry === null) return { kind: 'delete' };
  if (typeof geometry !== 'object' || Array.isArray(geometry)) return { kind: 'not-object' };
  const object = geometry as Record<string, unknown>;
  const { type, coordinates } = object;
  // DHIS2 quotes the coordinates as the body writes them; rebuilt here without spaces.
  if (coordinatesEmpty(coordinates)) return { kind: 'empty', declaration: coordinates === undefined ? '' : JSON.stringify(coordinates) };
  if (typeof type !== 'string' || !(type in DEPTH)) return { kind: 'invalid' };
  if (!nested(coordinates, DEPTH[type]!) || !shapeOk(type, coordinates)) return { kind: 'invalid' };
  // GeoTools keeps type and coordinates only; other members (crs, bbox) are not stored.
  return { kind: 'valid', geometry: { type, coordinates } };
}
