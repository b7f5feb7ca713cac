import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { openInput } from '../formats/open-input';
import { readGml, type GmlFeatureRecord } from '../formats/geo/read-gml';
import { indexFromExport } from '../metadata-import/testing';
import { checkGml } from './check-gml';
import { geoFixture } from './testing';

async function features(path: string): Promise<GmlFeatureRecord[]> {
  const out: GmlFeatureRecord[] = [];
  for await (const feature of readGml(openInput(path), 'file.gml')) out.push(feature);
  return out;
}

const unit = (id: string, name: string, code?: string) => ({ id, name, shortName: name, code, openingDate: '2021-01-01' });
// core@2.41 GmlImportServiceTest#setUpTest: matched on name, code, uid, name (pos), name (posList).
const TEST_UNITS = [
  unit('BoOrgUnit01', 'Bo'),
  unit('BontheUnit1', 'AA Bonthe', 'CODE_BONTHE'),
  unit('ImspTQPwCqd', 'AA Ole Johan Dahls Hus'),
  unit('Blindern001', 'Blindern'),
  unit('Forsknings1', 'Forskningsparken'),
];

describe('GML as DHIS2 2.41 reads it (gml2dxf2.xsl, GmlConversionUtils, DefaultGmlImportService)', () => {
  it('testGmlPayload.gml: one identifier per feature (uid > code > name), geometries rounded as the server does', async () => {
    const read = await features(geoFixture('testGmlPayload.gml'));
    expect(read.map((f) => [f.index, f.line, f.match?.by, f.match?.value, f.geometry?.type])).toEqual([
      [0, 19, 'name', 'Bo', 'Polygon'],
      [1, 33, 'code', 'CODE_BONTHE', 'MultiPolygon'],
      [2, 205, 'id', 'ImspTQPwCqd', 'Point'],
      [3, 218, 'name', 'Blindern', 'Point'],
      [4, 228, 'name', 'Forskningsparken', 'Polygon'],
    ]);
    // The counts GmlImportServiceTest#testImportGml asserts: rings, positions.
    const bo = read[0]!.geometry!.coordinates as number[][][];
    expect(bo).toHaveLength(1);
    expect(bo[0]).toHaveLength(76);
    expect(bo[0]![0]).toEqual([-11.8706, 8.378]); // 4 decimals for polygons
    expect((read[1]!.geometry!.coordinates as number[][][][])[1]![0]).toHaveLength(189);
    expect(read[2]!.geometry!.coordinates).toEqual([-11.87061, 8.37797]); // 6 decimals for points
    expect((read[4]!.geometry!.coordinates as number[][][])[0]).toHaveLength(76);
  });

  it('testMaliciousGmlPayload.gml (XXE) is refused before any entity is read', async () => {
    await expect(features(geoFixture('testMaliciousGmlPayload.gml'))).rejects.toMatchObject({ code: 'XML_DOCTYPE', message: expect.stringMatching(/DOCTYPE/) });
  });

  it('GML 3.2 is refused in words: DHIS2 reads only the GML 2 namespace', async () => {
    const gml3 = '<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"></wfs:FeatureCollection>';
    const reading = (async () => {
      for await (const feature of readGml(Readable.from([Buffer.from(gml3)]), 'new.gml')) void feature;
    })();
    await expect(reading).rejects.toMatchObject({ code: 'NOT_GML', message: expect.stringMatching(/GML 2 only/) });
  });

  it('the ImportReport: all five features update their org units; an unknown name is an update of nothing (E5001)', async () => {
    const all = await checkGml(readGml(openInput(geoFixture('testGmlPayload.gml')), 'testGmlPayload.gml'), indexFromExport({ organisationUnits: TEST_UNITS }));
    expect(all.message).toMatchObject({ httpStatus: 'OK', httpStatusCode: 200, status: 'OK', response: { responseType: 'ImportReport', status: 'OK' } });
    expect(all.features.map((f) => f.orgUnit)).toEqual(['BoOrgUnit01', 'BontheUnit1', 'ImspTQPwCqd', 'Blindern001', 'Forsknings1']);

    const four = await checkGml(
      readGml(openInput(geoFixture('testGmlPayload.gml')), 'testGmlPayload.gml'),
      indexFromExport({ organisationUnits: TEST_UNITS.slice(1) }),
    );
    expect(four.message).toMatchObject({ httpStatusCode: 409, status: 'WARNING', response: { status: 'ERROR' } });
    const errors = four.message.response.typeReports.flatMap((t) => t.objectReports.flatMap((o) => o.errorReports.map((e) => [o.index, e.errorCode])));
    expect(errors[0]).toEqual([0, 'E5001']);
    expect(four.features[0]).toMatchObject({ line: 19, name: 'Bo', orgUnit: null });
  });
});
