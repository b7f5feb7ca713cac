import type { MetadataIndex, PlacedOrgUnit } from '../metadata/index';
import { ringCrossing, ringsOf } from './self-intersection';
import { geometryArea, type GeometrySummary } from './summary';

/** Things DHIS2 accepts without a word that are usually mistakes; they never change the predicted report. */
export interface GeometryWarning {
  index: number;
  line: number;
  identifier: string;
  name: string | null;
  code: 'SELF_INTERSECTION' | 'POINT_OUTSIDE_PARENT' | 'AREA_CHANGE' | 'TYPE_NOT_DRAWN';
  message: string;
}

/** How many features a warning could not be checked for, for one note each. */
export interface WarningTally {
  parentUnknown: number;
  previousUnknown: number;
}

/** How much larger or smaller a boundary may get before it is worth a look (a redrawn district rarely doubles). */
export const AREA_FACTOR = 3;
/** A point this far outside its parent's bounding box (as a share of the box's larger side, at least ~5 km) is "far". */
const PARENT_MARGIN = 0.25;
const MIN_MARGIN_DEGREES = 0.05;

const DRAWN = new Set(['Point', 'Polygon', 'MultiPolygon']);

export function geometryWarnings(
  feature: { index: number; line: number; identifier: string; name: string | null },
  type: string,
  coordinates: unknown,
  target: PlacedOrgUnit | null,
  /** The geometry replaced: null when there is none, undefined when the offline copy does not know. */
  previous: GeometrySummary | null | undefined,
  index: MetadataIndex,
  tally: WarningTally,
): GeometryWarning[] {
  const out: GeometryWarning[] = [];
  const warn = (code: GeometryWarning['code'], message: string) => out.push({ ...feature, code, message });
  if (!DRAWN.has(type)) warn('TYPE_NOT_DRAWN', `a ${type}: DHIS2 stores it, but its maps and pages use only Point, Polygon and MultiPolygon.`);
  for (const ring of ringsOf(type, coordinates)) {
    const at = ringCrossing(ring);
    if (at) {
      warn('SELF_INTERSECTION', `the boundary crosses itself near ${at[0]!.toFixed(5)}, ${at[1]!.toFixed(5)}; DHIS2 accepts it, but maps and areas go wrong.`);
      break;
    }
  }
  if (target === null) return out;
  if (type === 'Point') {
    const parent = target.parent ? index.orgUnit(target.parent) : undefined;
    if (!parent?.geometry || parent.geometry.area === 0) tally.parentUnknown++;
    else {
      const [x, y] = coordinates as number[];
      const [minX, minY, maxX, maxY] = parent.geometry.bbox;
      const margin = Math.max(MIN_MARGIN_DEGREES, PARENT_MARGIN * Math.max(maxX - minX, maxY - minY));
      if (x! < minX - margin || x! > maxX + margin || y! < minY - margin || y! > maxY + margin) {
        warn('POINT_OUTSIDE_PARENT', `the point ${x}, ${y} lies far outside ${parent.name ?? parent.id}, its parent (were longitude and latitude swapped?).`);
      }
    }
  }
  if (type === 'Polygon' || type === 'MultiPolygon') {
    if (previous === undefined) tally.previousUnknown++;
    else if (previous !== null && previous.area > 0) {
      const area = geometryArea(type, coordinates);
      const ratio = area / previous.area;
      if (area > 0 && (ratio >= AREA_FACTOR || ratio <= 1 / AREA_FACTOR)) {
        warn(
          'AREA_CHANGE',
          `the new boundary covers ${km2(area)} km², the current one ${km2(previous.area)} km² (${ratio >= 1 ? `${ratio.toFixed(1)} times larger` : `${(1 / ratio).toFixed(1)} times smaller`}).`,
        );
      }
    }
  }
  return out;
}

function km2(squareMetres: number): string {
  const value = squareMetres / 1e6;
  return value >= 10 ? Math.round(value).toLocaleString('en') : value.toPrecision(2);
}
