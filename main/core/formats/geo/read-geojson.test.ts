import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readGeoJson, type GeoFeatureRecord, type GeoJsonShape } from './read-geojson';
import { sniffGeo } from './sniff-geo';

async function read(text: string): Promise<{ features: GeoFeatureRecord[]; shape: GeoJsonShape }> {
  const shape: GeoJsonShape = { kind: 'no-features', rootType: undefined };
  const features: GeoFeatureRecord[] = [];
  // Small pieces, so features and lines cross chunk borders as in a big file.
  const pieces = text.match(/[\s\S]{1,7}/g) ?? [];
  for await (const feature of readGeoJson(Readable.from(pieces.map((p) => Buffer.from(p))), 'f.geojson', shape)) features.push(feature);
  return { features, shape };
}

describe('readGeoJson', () => {
  it('hands features over one by one with index and start line; other root members are skipped', async () => {
    const { features, shape } = await read(
      '{"name":"x","crs":{"a":[1,2]},\n"features":[\n{"id":"A"},\n"odd",\n\n{"id":5,"properties":{"n":[1]}}\n],"type":"FeatureCollection"}',
    );
    expect(shape).toEqual({ kind: 'collection', rootType: 'FeatureCollection' });
    expect(features.map((f) => [f.index, f.line, f.feature])).toEqual([
      [0, 3, { id: 'A' }],
      [1, 4, 'odd'],
      [2, 6, { id: 5, properties: { n: [1] } }],
    ]);
  });

  it('a root Feature (any case) is feature 0 on the line it starts; its own "features" are not features', async () => {
    const { features, shape } = await read('\n{"type":"FEATURE","features":[{"id":"no"}],"id":"A","geometry":null}');
    expect(shape.kind).toBe('feature');
    expect(features).toEqual([{ index: 0, line: 2, feature: { type: 'FEATURE', id: 'A', geometry: null } }]);
  });

  it('only the first "features" list counts; a root list, a number or an empty file have no features', async () => {
    expect((await read('{"features":[{"id":"A"}],"features":[{"id":"B"}]}')).features.map((f) => f.feature)).toEqual([{ id: 'A' }]);
    for (const text of ['[{"id":"A"}]', '42', '', '{"features":{"id":"A"}}']) expect((await read(text)).shape.kind, text).toBe('no-features');
  });

  it('refuses what cannot be read: broken JSON at its line, a cut-off file, "Feature" declared after the list, absurd nesting', async () => {
    await expect(read('{"features":[\n{"id":"A",}\n]}')).rejects.toMatchObject({ code: 'JSON_SYNTAX', line: 2 });
    await expect(read('{"features":[{"id":"A"}')).rejects.toMatchObject({ code: 'JSON_SYNTAX' });
    await expect(read('{"features":[{"id":"A"}],"type":"Feature"}')).rejects.toMatchObject({ code: 'GEOJSON_AMBIGUOUS' });
    await expect(read(`{"features":[{"geometry":${'['.repeat(2000)}${']'.repeat(2000)}}]}`)).rejects.toMatchObject({ code: 'TOO_DEEPLY_NESTED' });
  });
});

describe('sniffGeo', () => {
  it('tells GeoJSON and GML from data value and metadata files', () => {
    expect(sniffGeo('\uFEFF {"type": "FeatureCollection", "features": []}')).toBe('geojson');
    expect(sniffGeo('{"features":[')).toBe('geojson');
    expect(sniffGeo('<?xml version="1.0"?><ogr:FeatureCollection xmlns:gml="http://www.opengis.net/gml">')).toBe('gml');
    expect(sniffGeo('{"dataValues":[]}')).toBeNull();
    expect(sniffGeo('{"organisationUnits":[{"geometry":{"type":"Point"}}]}')).toBeNull();
    expect(sniffGeo('<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0">')).toBeNull();
    expect(sniffGeo('dataelement,period,orgunit')).toBeNull();
  });
});
