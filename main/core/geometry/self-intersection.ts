/**
 * Whether a polygon ring crosses itself (a "bow tie"). DHIS2 stores such boundaries without a word, and
 * @turf/boolean-valid accepts them too, but maps draw them with holes in the wrong places and area
 * analytics go wrong. A sweep over segments sorted by their left end keeps it near n log n for real
 * boundaries (segments are short and few overlap in x).
 */
type Point = readonly number[];

interface Segment {
  i: number;
  minX: number;
  maxX: number;
  a: Point;
  b: Point;
}

/** The first crossing found, as a position; null when the ring is simple. */
export function ringCrossing(ring: readonly Point[]): Point | null {
  const n = ring.length - 1; // segments; the ring is closed
  if (n < 4) return null;
  const segments: Segment[] = [];
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    segments.push({ i, minX: Math.min(a[0]!, b[0]!), maxX: Math.max(a[0]!, b[0]!), a, b });
  }
  segments.sort((s, t) => s.minX - t.minX);
  const active: Segment[] = [];
  for (const segment of segments) {
    for (let k = active.length - 1; k >= 0; k--) if (active[k]!.maxX < segment.minX) active.splice(k, 1);
    for (const other of active) {
      if (adjacent(segment.i, other.i, n)) continue;
      const at = crossing(segment.a, segment.b, other.a, other.b);
      if (at) return at;
    }
    active.push(segment);
  }
  return null;
}

function adjacent(i: number, j: number, n: number): boolean {
  const d = Math.abs(i - j);
  return d <= 1 || d === n - 1;
}

function orient(p: Point, q: Point, r: Point): number {
  const v = (q[0]! - p[0]!) * (r[1]! - p[1]!) - (q[1]! - p[1]!) * (r[0]! - p[0]!);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(p: Point, q: Point, r: Point): boolean {
  return Math.min(p[0]!, r[0]!) <= q[0]! && q[0]! <= Math.max(p[0]!, r[0]!) && Math.min(p[1]!, r[1]!) <= q[1]! && q[1]! <= Math.max(p[1]!, r[1]!);
}

/** Where segments ab and cd meet (touching counts: a ring that touches itself is not simple either). */
function crossing(a: Point, b: Point, c: Point, d: Point): Point | null {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) {
    const denominator = (a[0]! - b[0]!) * (c[1]! - d[1]!) - (a[1]! - b[1]!) * (c[0]! - d[0]!);
    if (denominator === 0) return c;
    const t = ((a[0]! - c[0]!) * (c[1]! - d[1]!) - (a[1]! - c[1]!) * (c[0]! - d[0]!)) / denominator;
    return [a[0]! + t * (b[0]! - a[0]!), a[1]! + t * (b[1]! - a[1]!)];
  }
  if (o1 === 0 && onSegment(a, c, b)) return c;
  if (o2 === 0 && onSegment(a, d, b)) return d;
  if (o3 === 0 && onSegment(c, a, d)) return a;
  if (o4 === 0 && onSegment(c, b, d)) return b;
  return null;
}

/** The rings of a Polygon or MultiPolygon's coordinates (already checked to be well-shaped). */
export function ringsOf(type: string, coordinates: unknown): Point[][] {
  if (type === 'Polygon') return coordinates as Point[][];
  if (type === 'MultiPolygon') return (coordinates as Point[][][]).flat();
  return [];
}
