/**
 * What DHIS2 2.41 makes of a feature's `geometry` value once the org unit is found (core@2.41
 * dxf2/geojson/DefaultGeoJsonService#validateGeometry and CoordinatesUtils#coordinatesEmpty, then
 * GeoTools' GeometryJSON#read building JTS geometries). Only the outcome is modelled, not GeoTools.
 */

export type GeometryVerdict =
  | { kind: 'delete' }
  | { kind: 'not-object' }
  | { kind: 'empty'; declaration: string }
  | { kind: 'invalid'; reason: string }
  | { kind: 'valid'; type: string; coordinates: unknown };

/** CoordinatesUtils#coordinatesEmpty: missing, null, [] or a single-element chain ending in one of those. */
export function coordinatesEmpty(coordinates: unknown): boolean {
  if (coordinates === undefined) return true;
  if (!Array.isArray(coordinates)) return coordinates === null;
  if (coordinates.length === 0) return true;
  if (coordinates.length > 1) return false;
  return coordinatesEmpty(coordinates[0]);
}

/**
 * `geometry` is read by the caller only when the member exists (E7706 otherwise). The E7712 argument is
 * the coordinates as written: DHIS2 quotes the file's own text, which is rebuilt here without its spaces.
 */
export function judgeGeometry(geometry: unknown): GeometryVerdict {
  if (geometry === null) return { kind: 'delete' };
  if (typeof geometry !== 'object' || Array.isArray(geometry)) return { kind: 'not-object' };
  const { type, coordinates } = geometry as Record<string, unknown>;
  if (coordinatesEmpty(coordinates)) return { kind: 'empty', declaration: coordinates === undefined ? '' : JSON.stringify(coordinates) };
  const reason = shapeProblem(type, coordinates);
  return reason === null ? { kind: 'valid', type: type as string, coordinates } : { kind: 'invalid', reason };
}

/** Position depth of each type GeoTools reads (GeometryCollection has `geometries`, so it is always E7712 first). */
const DEPTH: Record<string, number> = { Point: 1, MultiPoint: 2, LineString: 2, MultiLineString: 3, Polygon: 3, MultiPolygon: 4 };

function shapeProblem(type: unknown, coordinates: unknown): string | null {
  if (typeof type !== 'string' || !(type in DEPTH)) return `"${String(type)}" is not a GeoJSON geometry type`;
  const depth = DEPTH[type]!;
  const shape = checkDepth(coordinates, depth);
  if (shape) return shape;
  switch (type) {
    case 'LineString':
      return lineProblem(coordinates as number[][], 'line');
    case 'MultiLineString':
      return firstProblem((coordinates as number[][][]).map((line, i) => prefix(`line ${i + 1}`, lineProblem(line, 'line'))));
    case 'Polygon':
      return polygonProblem(coordinates as number[][][]);
    case 'MultiPolygon':
      return firstProblem((coordinates as number[][][][]).map((polygon, i) => prefix(`polygon ${i + 1}`, polygonProblem(polygon))));
    default:
      return null;
  }
}

/** Arrays nested `depth` deep, ending in positions of at least two numbers (a third, the height, is dropped). */
function checkDepth(value: unknown, depth: number): string | null {
  if (!Array.isArray(value)) return 'the coordinates are not nested as the type needs';
  if (depth === 1) {
    if (value.length < 2) return 'a position has fewer than two numbers';
    if (!value.every((n) => typeof n === 'number' && Number.isFinite(n))) return 'a position holds something other than numbers';
    return null;
  }
  for (const item of value) {
    const problem = checkDepth(item, depth - 1);
    if (problem) return problem;
  }
  return null;
}

function same(a: readonly number[], b: readonly number[]): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** JTS LineString: 0 or at least 2 positions. */
function lineProblem(line: number[][], what: string): string | null {
  return line.length === 1 ? `the ${what} has a single position` : null;
}

/** JTS LinearRing: closed (first position repeated last), and 0 or at least 3 positions (JTS 1.17+). */
function polygonProblem(rings: number[][][]): string | null {
  for (let i = 0; i < rings.length; i++) {
    const ring = rings[i]!;
    if (ring.length === 0) continue;
    const name = i === 0 ? 'the outer ring' : `inner ring ${i}`;
    if (!same(ring[0]!, ring[ring.length - 1]!)) return `${name} is not closed (its last position is not its first)`;
    if (ring.length < 3) return `${name} has fewer than 3 positions`;
  }
  return null;
}

function prefix(where: string, problem: string | null): string | null {
  return problem === null ? null : `${where}: ${problem}`;
}

function firstProblem(problems: Array<string | null>): string | null {
  return problems.find((problem) => problem !== null) ?? null;
}
