import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, getJson } from './test-support';

const DISTRICTS_FILE = join(__dirname, '../fixtures/geo/sierra-leone-districts.geojson');
const DISTRICTS_JSON = readFileSync(DISTRICTS_FILE, 'utf8');

/** The districts of the fixture, in file order (core@2.41 GeoJsonImportControllerTest#NAMES). */
const DISTRICTS = [
  'Karene District',
  'Western Area Urban',
  'Kono District',
  'Koinadugu District',
  'Kenema District',
  'Kailahun District',
  'Bombali District',
  'Bo District',
  'Kambia District',
  'Bonthe District',
  'Tonkolili District',
  'Pujehun District',
  'Eastern Area Rural',
  'Port Loko District',
  'Moyamba District',
];

/** As GeoJsonImportControllerTest#postNewOrganisationUnit makes them: id from the name, code its first 3 letters. */
function district(name: string): Record<string, unknown> {
  return { id: `${name.replace(/\s/g, '').slice(0, 4)}5678901`, name, shortName: name, code: name.slice(0, 3).toUpperCase(), openingDate: '2021-01-01' };
}

/**
 * What DHIS2 2.41 answers for the fixture matched by name with the first seven districts present; the same
 * constant as DISTRICTS_BY_NAME_ANSWER in main/core/geometry/testing.ts (copied: the simulator imports nothing from main/).
 */
const DISTRICTS_BY_NAME_ANSWER = {
  httpStatus: 'OK',
  httpStatusCode: 200,
  status: 'WARNING',
  message: 'Import partially successful.',
  response: {
    responseType: 'GeoJsonImportReport',
    importCount: { imported: 7, updated: 0, ignored: 8, deleted: 0 },
    totalConflictOccurrenceCount: 8,
    status: 'WARNING',
    conflicts: [
      { objects: {}, value: 'GeoJSON target organisation unit does not exist', errorCode: 'E7708', property: '', indexes: [7, 8, 9, 10, 11, 12, 13, 14] },
    ],
  },
};

const GEO_ATTRIBUTE = { id: 'GeoAttr0001', name: 'Boundary', valueType: 'GEOJSON', organisationUnitAttribute: true };

let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator();
  sim.seedMetadata({
    organisationUnits: DISTRICTS.slice(0, 7).map(district),
    attributes: [GEO_ATTRIBUTE, { id: 'TextAttr001', name: 'Note', valueType: 'TEXT', organisationUnitAttribute: true }],
  });
});
afterEach(async () => {
  await sim.close();
});

async function post(query: string, body: string | Buffer, contentType = 'application/json'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.url}/api/organisationUnits/geometry${query}`, {
    method: 'POST',
    headers: { Authorization: ADMIN_BASIC, 'Content-Type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function unit(id: string, fields = 'id,geometry,attributeValues'): Promise<Record<string, unknown>> {
  const { status, body } = await getJson(`${sim.url}/api/organisationUnits/${id}?fields=${fields}`);
  expect(status).toBe(200);
  return body as Record<string, unknown>;
}

describe('POST /api/organisationUnits/geometry', () => {
  it('answers the districts by name exactly as DHIS2 2.41 and stores the geometry', async () => {
    const answer = await post('?geoJsonId=false&geoJsonProperty=name&orgUnitProperty=NAME', DISTRICTS_JSON);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(DISTRICTS_BY_NAME_ANSWER);
    const karene = await unit('Kare5678901');
    expect(karene['geometry']).toMatchObject({ type: 'MultiPolygon' });
    const exported = await getJson(`${sim.url}/api/metadata?organisationUnits=true&fields=id,geometry`);
    const units = (exported.body as { organisationUnits: Array<Record<string, unknown>> }).organisationUnits;
    expect(units.filter((u) => u['geometry'] !== undefined)).toHaveLength(7);
  });

  // The fixture's id for Kenema is Kena5678901 while its org unit is Kene5678901 (as in dhis2-core): by id, 6 match.
  it('matches by id (the default), then counts a second import by code as updated, gzip-compressed', async () => {
    const byId = await post('', DISTRICTS_JSON);
    expect(byId.body['response']).toMatchObject({
      importCount: { imported: 6, updated: 0, ignored: 9, deleted: 0 },
      conflicts: [{ errorCode: 'E7708', indexes: [4, 7, 8, 9, 10, 11, 12, 13, 14] }],
    });
    const again = await post('?geoJsonId=false&geoJsonProperty=code&orgUnitProperty=CODE', gzipSync(DISTRICTS_JSON));
    expect(again.body['response']).toMatchObject({ importCount: { imported: 1, updated: 6, ignored: 8, deleted: 0 } });
  });

  it('leaves org units alone on dryRun', async () => {
    const answer = await post('?dryRun=true', DISTRICTS_JSON);
    expect(answer.body['response']).toMatchObject({ importCount: { imported: 6, ignored: 9 } });
    expect((await unit('Kare5678901'))['geometry']).toBeUndefined();
  });

  it('stores into a GEOJSON attribute, and refuses other attributes before reading features', async () => {
    const answer = await post(`?attributeId=${GEO_ATTRIBUTE.id}`, DISTRICTS_JSON);
    expect(answer.body['response']).toMatchObject({ importCount: { imported: 6 } });
    const karene = await unit('Kare5678901');
    expect(karene['geometry']).toBeUndefined();
    const values = karene['attributeValues'] as Array<{ attribute: { id: string }; value: string }>;
    expect(JSON.parse(values[0]!.value)).toMatchObject({ type: 'MultiPolygon' });

    const missing = await post('?attributeId=NoSuchAttr1', DISTRICTS_JSON);
    expect(missing.body).toMatchObject({ status: 'ERROR', message: 'Import failed.' });
    expect(missing.body['response']).toMatchObject({
      importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
      conflicts: [{ errorCode: 'E7702', value: 'GeoJSON attribute does not exist: NoSuchAttr1', property: '' }],
    });
    const text = await post('?attributeId=TextAttr001', DISTRICTS_JSON);
    expect(text.body['response']).toMatchObject({ conflicts: [{ errorCode: 'E7703', value: 'GeoJSON attribute is not of type GEOJSON but: TEXT' }] });
  });

  it('reports the per-feature conflicts in DHIS2 order, grouped by code with their indexes', async () => {
    const ring = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    const features = [
      { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } },
      { type: 'Feature', id: 'Kare5678901' },
      { type: 'Feature', id: 'West5678901', geometry: 'nope' },
      { type: 'Feature', id: 'Kono5678901', geometry: { type: 'Polygon', coordinates: [] } },
      {
        type: 'Feature',
        id: 'Koin5678901',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
            ],
          ],
        },
      },
      { type: 'Feature', id: 'Kene5678901', geometry: { type: 'Polygon', coordinates: [ring] } },
      { type: 'Feature', id: 'Nope5678901', geometry: { type: 'Polygon', coordinates: [ring] } },
      { type: 'Feature', properties: {}, geometry: null },
    ];
    const answer = await post('', JSON.stringify({ type: 'FeatureCollection', features }));
    expect(answer.body).toMatchObject({ status: 'WARNING', message: 'Import partially successful.' });
    expect(answer.body['response']).toEqual({
      responseType: 'GeoJsonImportReport',
      importCount: { imported: 1, updated: 0, ignored: 7, deleted: 0 },
      totalConflictOccurrenceCount: 7,
      status: 'WARNING',
      conflicts: [
        { objects: {}, value: 'GeoJSON feature lacks identifier property: `id`', errorCode: 'E7705', property: 'feature', indexes: [0, 7] },
        { objects: {}, value: 'GeoJSON feature lacks geometry property', errorCode: 'E7706', property: 'feature', indexes: [1] },
        { objects: {}, value: 'GeoJSON geometry is not valid', errorCode: 'E7707', property: 'geometry', indexes: [2, 4] },
        { objects: {}, value: 'GeoJSON geometry coordinates must be non empty but was: `[]`', errorCode: 'E7712', property: 'coordinates', indexes: [3] },
        { objects: {}, value: 'GeoJSON target organisation unit does not exist', errorCode: 'E7708', property: '', indexes: [6] },
      ],
    });
  });

  it('finds no features (E7701), fails on a number identifier (500), and refuses other content types (415)', async () => {
    const none = await post('', '{"type":"FeatureCollection"}');
    expect(none.body['response']).toMatchObject({
      conflicts: [{ errorCode: 'E7701', value: 'Input is not a valid GeoJSON document: No list of features found' }],
    });
    const numeric = await post('', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', id: 7, geometry: null }] }));
    expect(numeric.status).toBe(500);
    expect(numeric.body).toMatchObject({ status: 'ERROR', message: 'Path `$.features[0].id` does not contain an STRING but a(n) NUMBER: 7' });
    const xml = await post('', '<x/>', 'application/xml');
    expect(xml.status).toBe(415);
  });

  it('identifies several units of one name as E7711', async () => {
    sim.seedMetadata({ organisationUnits: [{ ...district('Kono District'), id: 'Kono0000002' }] });
    const feature = { type: 'Feature', properties: { name: 'Kono District' }, geometry: { type: 'Point', coordinates: [1, 2] } };
    const answer = await post('?geoJsonId=false&geoJsonProperty=name&orgUnitProperty=NAME', JSON.stringify(feature));
    expect(answer.body['response']).toMatchObject({ conflicts: [{ errorCode: 'E7711', indexes: [0] }] });
  });
});

describe('/api/organisationUnits/{id}/geometry', () => {
  it('sets and deletes one unit geometry', async () => {
    const url = `${sim.url}/api/organisationUnits/Kare5678901/geometry`;
    const headers = { Authorization: ADMIN_BASIC, 'Content-Type': 'application/json' };
    const set = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ type: 'Point', coordinates: [-12, 9] }) });
    expect(((await set.json()) as Record<string, unknown>)['response']).toMatchObject({ importCount: { imported: 1 } });
    expect((await unit('Kare5678901'))['geometry']).toEqual({ type: 'Point', coordinates: [-12, 9] });
    const removed = await fetch(url, { method: 'DELETE', headers: { Authorization: ADMIN_BASIC } });
    expect(((await removed.json()) as Record<string, unknown>)['response']).toMatchObject({ importCount: { deleted: 1 } });
    expect((await unit('Kare5678901'))['geometry']).toBeUndefined();
  });
});
