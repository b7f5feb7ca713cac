import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { indexFromExport } from '../metadata-import/testing';
import { DISTRICTS_BY_NAME_ANSWER, checkFile, districtIndex, districtUnit, geoFixture } from './testing';

const dir = mkdtempSync(join(tmpdir(), 'geo-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const SQUARE = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}';
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('GeoJSON check against DHIS2 2.41 (core GeoJsonImportControllerTest)', () => {
  const districts = geoFixture('sierra-leone-districts.geojson');

  it('matches by name through a property: 7 imported, E7708 for the 8 without an org unit', async () => {
    const check = await checkFile(districts, { geoJsonId: false, geoJsonProperty: 'name', orgUnitProperty: 'name' }, districtIndex(range(0, 7)));
    expect(check.message).toEqual(DISTRICTS_BY_NAME_ANSWER);
  });

  it('the same with coordinate triplets (the height is dropped, not refused)', async () => {
    const check = await checkFile(
      geoFixture('sierra-leone-districts-triplets.geojson'),
      { geoJsonId: false, geoJsonProperty: 'name', orgUnitProperty: 'NAME' },
      districtIndex(range(0, 7)),
    );
    expect(check.message.response?.importCount).toEqual({ imported: 7, updated: 0, ignored: 8, deleted: 0 });
  });

  it('matches by feature id: E7708 before E7707, unclosed rings are E7707, in first-seen order', async () => {
    const check = await checkFile(districts, {}, districtIndex([1, 3, 5, 7, 9, 11, 13]));
    const response = check.message.response!;
    expect(response.importCount).toEqual({ imported: 4, updated: 0, ignored: 11, deleted: 0 });
    expect(response.conflicts.map((c) => [c.errorCode, c.indexes])).toEqual([
      ['E7708', [0, 2, 4, 6, 8, 10, 12, 14]],
      ['E7707', [9, 11, 13]],
    ]);
    // Each occurrence keeps its feature: file line, id and name.
    expect(check.conflicts.find((c) => c.index === 9)).toMatchObject({ line: 14, identifier: 'Bont5678901', name: 'Bonthe District', errorCode: 'E7707' });
    expect(check.conflicts.find((c) => c.index === 9)?.detail).toMatch(/not closed/);
  });

  it('matches a code property against org unit codes', async () => {
    const check = await checkFile(districts, { geoJsonId: false, geoJsonProperty: 'code', orgUnitProperty: 'code' }, districtIndex(range(3, 14)));
    const response = check.message.response!;
    expect(response.importCount).toEqual({ imported: 6, updated: 0, ignored: 9, deleted: 0 });
    expect(response.conflicts.map((c) => [c.errorCode, c.indexes])).toEqual([
      ['E7708', [0, 1, 2, 14]],
      ['E7707', [8, 9, 11, 12, 13]],
    ]);
  });

  it('into a GEOJSON org unit attribute: the same counts; an existing value counts as updated', async () => {
    const attribute = { id: 'GeoAttr0001', name: 'geo2', valueType: 'GEOJSON', organisationUnitAttribute: true };
    const withValue = districtUnit('Karene District', { attributeValues: [{ attribute: { id: 'GeoAttr0001' }, value: SQUARE }] });
    const index = indexFromExport({
      organisationUnits: [
        withValue,
        ...range(1, 7).map((i) =>
          districtUnit(['Western Area Urban', 'Kono District', 'Koinadugu District', 'Kenema District', 'Kailahun District', 'Bombali District'][i - 1]!),
        ),
      ],
      attributes: [attribute],
    });
    const check = await checkFile(districts, { geoJsonId: false, geoJsonProperty: 'name', orgUnitProperty: 'NAME', attributeId: 'GeoAttr0001' }, index);
    expect(check.message.response?.importCount).toEqual({ imported: 6, updated: 1, ignored: 8, deleted: 0 });
  });

  it('attribute conflicts end the import before the file: E7702, E7703, E7704', async () => {
    const index = indexFromExport({
      organisationUnits: [],
      attributes: [
        { id: 'TextAttr001', name: 'text', valueType: 'TEXT', organisationUnitAttribute: true },
        { id: 'CatGeo00001', name: 'cat geo', valueType: 'GEOJSON', categoryAttribute: true },
      ],
    });
    const notFound = await checkFile(districts, { attributeId: 'Missing0001' }, index);
    expect(notFound.message).toMatchObject({ status: 'ERROR', message: 'Import failed.' });
    expect(notFound.message.response?.conflicts).toEqual([
      { objects: {}, value: 'GeoJSON attribute does not exist: Missing0001', errorCode: 'E7702', property: '' },
    ]);
    const text = await checkFile(districts, { attributeId: 'TextAttr001' }, index);
    expect(text.message.response?.conflicts[0]?.value).toBe('GeoJSON attribute is not of type GEOJSON but: TEXT');
    const category = await checkFile(districts, { attributeId: 'CatGeo00001' }, index);
    expect(category.message.response?.conflicts.map((c) => c.errorCode)).toEqual(['E7704']);
    expect(category.message.response?.importCount).toEqual({ imported: 0, updated: 0, ignored: 0, deleted: 0 });
  });
});

describe('GeoJSON check: one rule each, first failure wins', () => {
  const index = indexFromExport({
    organisationUnits: [
      { id: 'Kare5678901', name: 'Alpha', shortName: 'A', code: 'ALP', openingDate: '2021-01-01' },
      { id: 'Beta5678901', name: 'Alpha', shortName: 'B', code: 'BET', openingDate: '2021-01-01' },
    ],
  });

  it('E7705 names the property DHIS2 read; E7711 for a name two org units share; E7708; E7706; E7707; E7712', async () => {
    const path = file(
      'rules.geojson',
      [
        '{"features":[',
        `{"properties":{},"geometry":${SQUARE}},`,
        `{"properties":{"name":"Alpha"},"geometry":${SQUARE}},`,
        `{"properties":{"name":"Nobody"}},`,
        `{"properties":{"name":"Alpha"}}`,
        ']}',
      ].join('\n'),
    );
    const byName = await checkFile(path, { geoJsonId: false, geoJsonProperty: 'name', orgUnitProperty: 'NAME' }, index);
    expect(byName.message.response?.conflicts.map((c) => [c.errorCode, c.value, c.indexes])).toEqual([
      ['E7705', 'GeoJSON feature lacks identifier property: `properties.name`', [0]],
      ['E7711', 'Organisation unit cannot be uniquely identified by its name', [1, 3]],
      ['E7708', 'GeoJSON target organisation unit does not exist', [2]],
    ]);
    expect(byName.conflicts.map((c) => c.line)).toEqual([2, 3, 4, 5]);

    const geometries = file(
      'geometries.geojson',
      [
        '{"type":"FeatureCollection","features":[',
        '{"id":"Kare5678901"},',
        '{"id":"Kare5678901","geometry":"POLYGON((0 0))"},',
        '{"id":"Kare5678901","geometry":{"type":"Polygon","coordinates":[]}},',
        '{"id":"Kare5678901","geometry":{"type":"Invalid","coordinates":[1,2]}},',
        '{"id":"Kare5678901","geometry":{"type":"Polygon","coordinates":[[[]]]}},',
        '{"id":"Kare5678901","geometry":null},',
        `{"id":"Kare5678901","geometry":${SQUARE}}`,
        ']}',
      ].join('\n'),
    );
    const check = await checkFile(geometries, {}, index);
    expect(check.message.response).toMatchObject({
      importCount: { imported: 1, updated: 0, ignored: 5, deleted: 1 },
      totalConflictOccurrenceCount: 5,
      status: 'WARNING',
    });
    expect(check.message.response?.conflicts.map((c) => [c.errorCode, c.value, c.property, c.indexes])).toEqual([
      ['E7706', 'GeoJSON feature lacks geometry property', 'feature', [0]],
      ['E7707', 'GeoJSON geometry is not valid', 'geometry', [1, 3]],
      ['E7712', 'GeoJSON geometry coordinates must be non empty but was: `[]`', 'coordinates', [2, 4]],
    ]);
  });

  it('a numeric feature id fails the whole request as DHIS2 does (json-tree getString), naming the first', async () => {
    const path = file('numeric.geojson', `{"features":[{"id":"Kare5678901","geometry":${SQUARE}},{"id":42,"geometry":${SQUARE}},{"id":true}]}`);
    const check = await checkFile(path, {}, index);
    expect(check.message).toEqual({
      httpStatus: 'Internal Server Error',
      httpStatusCode: 500,
      status: 'ERROR',
      message: 'Path `$.features[1].id` does not contain an STRING but a(n) NUMBER: 42',
    });
  });

  it('a single Feature as the whole file is feature 0; a list as root has no features (E7701)', async () => {
    const single = file('single.geojson', `{\n"type":"feature","id":"Kare5678901","geometry":${SQUARE}}`);
    const one = await checkFile(single, {}, index);
    expect(one.message).toMatchObject({ status: 'OK', message: 'Import successful.', response: { status: 'SUCCESS', importCount: { imported: 1 } } });
    const list = file('list.geojson', `[{"id":"Kare5678901","geometry":${SQUARE}}]`);
    const none = await checkFile(list, {}, index);
    expect(none.message.response?.conflicts).toEqual([
      { objects: {}, value: 'Input is not a valid GeoJSON document: No list of features found', errorCode: 'E7701', property: '' },
    ]);
    expect(none.message.status).toBe('ERROR');
  });
});

describe('GeoJSON check: warnings DHIS2 does not give', () => {
  it('a bow-tie ring, a point far outside its parent, a boundary 4 times smaller; and "not checked" without the old geometry', async () => {
    const parent = { id: 'Parent00001', name: 'Parent', shortName: 'P', openingDate: '2021-01-01', geometry: JSON.parse(SQUARE) };
    const index = indexFromExport({
      organisationUnits: [
        parent,
        { id: 'Child000001', name: 'Child', shortName: 'C', openingDate: '2021-01-01', parent: { id: 'Parent00001' } },
        { id: 'Big00000001', name: 'Big', shortName: 'B', openingDate: '2021-01-01', geometry: JSON.parse(SQUARE) },
        { id: 'Bare0000001', name: 'Bare', shortName: 'Br', openingDate: '2021-01-01' },
      ],
    });
    const path = file(
      'warnings.geojson',
      [
        '{"features":[',
        '{"id":"Bare0000001","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}},',
        '{"id":"Child000001","geometry":{"type":"Point","coordinates":[8.5,0.5]}},',
        '{"id":"Big00000001","geometry":{"type":"Polygon","coordinates":[[[0,0],[0.5,0],[0.5,0.5],[0,0.5],[0,0]]]}}',
        ']}',
      ].join('\n'),
    );
    const check = await checkFile(path, {}, index);
    expect(check.message.status).toBe('OK');
    expect(check.warnings.map((w) => [w.index, w.line, w.code])).toEqual([
      [0, 2, 'SELF_INTERSECTION'],
      [1, 3, 'POINT_OUTSIDE_PARENT'],
      [2, 4, 'AREA_CHANGE'],
    ]);
    expect(check.message.response?.importCount).toEqual({ imported: 2, updated: 1, ignored: 0, deleted: 0 });
    expect(check.notes.join('\n')).toMatch(/1 boundaries not compared with the current one/);
  });
});
