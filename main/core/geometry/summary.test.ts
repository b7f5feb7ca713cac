import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OrgUnitSchema } from '../metadata/model';
import { summariseGeometry } from './summary';
import { geoFixture } from './testing';

describe('geometry summary kept in the offline copy', () => {
  it('an org unit read with its geometry keeps type, box and area; one without has no geometry key', () => {
    const brasil: unknown = JSON.parse(readFileSync(geoFixture('brasilMultiPolygon.json'), 'utf8'));
    const unit = OrgUnitSchema.parse({ id: 'Brasil00001', name: 'Brasil', geometry: brasil });
    expect(unit.geometry?.type).toBe('MultiPolygon');
    expect(unit.geometry?.bbox.every(Number.isFinite)).toBe(true);
    expect(unit.geometry!.area).toBeGreaterThan(0);
    expect('geometry' in OrgUnitSchema.parse({ id: 'Plain000001', name: 'Plain' })).toBe(false);
  });

  it('area on the sphere: one degree square at the equator is about 12,300 km²', () => {
    const square = summariseGeometry({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    });
    expect(square!.area / 1e6).toBeGreaterThan(12_000);
    expect(square!.area / 1e6).toBeLessThan(12_500);
    const oslo: unknown = JSON.parse(readFileSync(geoFixture('downtownOslo.json'), 'utf8'));
    expect(summariseGeometry(oslo)!.bbox[1]).toBeGreaterThan(59);
  });
});
