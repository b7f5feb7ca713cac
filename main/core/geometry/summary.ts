import { z } from 'zod';

/**
 * What the offline copy keeps of an org unit's geometry: enough to compare a new boundary with the old
 * (area) and to tell a point far from its parent (bounding box), a few numbers instead of a boundary
 * that can run to megabytes per district.
 */
export const GeometrySummary = z.object({
  type: z.string(),
  /** [minLon, minLat, maxLon, maxLat]. */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** Square metres on the WGS84 sphere; 0 for points and lines. */
  area: z.number().nonnegative(),
});
export type GeometrySummary = z.infer<typeof GeometrySummary>;

export type Position = readonly number[];

/** The positions of GeoJSON coordinates of any depth, for a bounding box. */
function* positions(coordinates: unknown): Generator<Position> {
  if (!Array.isArray(coordinates)) return;
  if (coordinates.length >= 2 && typeof coordinates[0] === 'number' && typeof coordinates[1] === 'number') {
    yield coordinates as number[];
    return;
  }
  for (const item of coordinates) yield* positions(item);
}

/** Null for anything that is not a geometry with at least one position. */
export function summariseGeometry(geometry: unknown): GeometrySummary | null {
  if (typeof geometry !== 'object' || geometry === null || Array.isArray(geometry)) return null;
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (typeof type !== 'string') return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of positions(coordinates)) {
    minX = Math.min(minX, x!);
    minY = Math.min(minY, y!);
    maxX = Math.max(maxX, x!);
    maxY = Math.max(maxY, y!);
  }
  if (minX === Infinity) return null;
  return { type, bbox: [minX, minY, maxX, maxY], area: geometryArea(type, coordinates) };
}

const EARTH_RADIUS = 6_378_137;
const RAD = Math.PI / 180;

/** Area of a ring on the sphere (the formula @turf/area uses: Chamberlain and Duquette, JPL 2007). */
function ringArea(ring: readonly Position[]): number {
  const n = ring.length;
  if (n < 3) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const lower = ring[i]!;
    const middle = ring[(i + 1) % n]!;
    const upper = ring[(i + 2) % n]!;
    total += (upper[0]! * RAD - lower[0]! * RAD) * Math.sin(middle[1]! * RAD);
  }
  return Math.abs((total * EARTH_RADIUS * EARTH_RADIUS) / 2);
}

function polygonArea(rings: unknown): number {
  if (!Array.isArray(rings) || rings.length === 0) return 0;
  const [outer, ...holes] = rings as Position[][];
  return Math.max(0, ringArea(outer ?? []) - holes.reduce((sum, hole) => sum + ringArea(hole), 0));
}

export function geometryArea(type: string, coordinates: unknown): number {
  if (type === 'Polygon') return polygonArea(coordinates);
  if (type === 'MultiPolygon' && Array.isArray(coordinates)) return coordinates.reduce((sum: number, polygon) => sum + polygonArea(polygon), 0);
  return 0;
}
