import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISTRICTS, DISTRICTS_BY_NAME_ANSWER, districtUnit, geoFixture } from '../core/geometry/testing';
import { cliSandbox, type CliSandbox } from './testing/sandbox';

describe('dhis2-ie validate on org unit geometry', () => {
  let box: CliSandbox;
  const run = (...argv: string[]) => box.run('geo', ...argv);

  beforeEach(async () => {
    box = await cliSandbox();
    // DHIS2's controller test: the first seven districts exist, with ids and codes made from their names.
    const units = DISTRICTS.slice(0, 7).map((name) => districtUnit(name));
    const metadata = { organisationUnits: units, attributes: [{ id: 'GeoAttr0001', name: 'geo2', valueType: 'GEOJSON', organisationUnitAttribute: true }] };
    expect((await run('metadata', 'load', box.write('metadata.json', JSON.stringify(metadata)))).code).toBe(0);
  });
  afterEach(() => box.close());

  it('--json prints exactly the WebMessage DHIS2 2.41 returns for the same options, plain, gzipped or zipped', async () => {
    const districts = readFileSync(geoFixture('sierra-leone-districts.geojson'));
    const zip = new JSZip();
    zip.file('districts.geojson', districts);
    const files = [
      box.write('districts.geojson', districts),
      box.write('districts.geojson.gz', gzipSync(districts)),
      box.write('districts.zip', await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })),
    ];
    for (const file of files) {
      const result = await run('validate', file, '--geojson-property', 'name', '--org-unit-property', 'NAME', '--json');
      expect(result.code, file).toBe(1);
      expect(JSON.parse(result.stdout), file).toEqual(DISTRICTS_BY_NAME_ANSWER);
    }
  });

  it('without --json: each conflict with its feature, line, id and name; the attribute option is checked', async () => {
    const file = box.write('districts.geojson', readFileSync(geoFixture('sierra-leone-districts.geojson')));
    const text = await run('validate', file);
    expect(text.stdout).toMatch(/districts\.geojson: WARNING/);
    expect(text.stdout).toMatch(/E7708 {2}feature 7 \(line 12\) "BoDi5678901" Bo District: GeoJSON target organisation unit does not exist/);
    expect(text.stdout).toMatch(/E7708 {2}feature 8 \(line 13\) "Kamb5678901" Kambia District/);
    const wrongAttribute = await run('validate', file, '--attribute-id', 'Missing0001', '--json');
    expect(JSON.parse(wrongAttribute.stdout)).toMatchObject({ status: 'ERROR', response: { conflicts: [{ errorCode: 'E7702' }] } });
    expect((await run('validate', file, '--org-unit-property', 'PATH')).stderr).toMatch(/--org-unit-property: takes ID, CODE or NAME/);
  });

  it('a broken GeoJSON file is refused with its line, not predicted', async () => {
    const file = box.write('broken.geojson', '{"type":"FeatureCollection","features":[\n{"id":"Kare5678901",\n"geometry":}]}');
    const result = await run('validate', file, '--json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"broken\.geojson" line 3: this is not valid JSON/);
  });
});

describe('dhis2-ie validate on GML', () => {
  let box: CliSandbox;
  const run = (...argv: string[]) => box.run('gml', ...argv);
  beforeEach(async () => {
    box = await cliSandbox();
    const units = [
      { id: 'BoOrgUnit01', name: 'Bo', shortName: 'Bo', openingDate: '2021-01-01' },
      { id: 'BontheUnit1', name: 'AA Bonthe', shortName: 'AA Bonthe', code: 'CODE_BONTHE', openingDate: '2021-01-01' },
      { id: 'ImspTQPwCqd', name: 'AA Ole Johan Dahls Hus', shortName: 'OJD', openingDate: '2021-01-01' },
      { id: 'Blindern001', name: 'Blindern', shortName: 'Blindern', openingDate: '2021-01-01' },
      { id: 'Forsknings1', name: 'Forskningsparken', shortName: 'Forsk', openingDate: '2021-01-01' },
    ];
    expect((await run('metadata', 'load', box.write('metadata.json', JSON.stringify({ organisationUnits: units })))).code).toBe(0);
  });
  afterEach(() => box.close());

  it('prints the ImportReport WebMessage of POST /api/metadata/gml; the XXE payload is refused in words', async () => {
    const ok = await run('validate', box.write('payload.gml', readFileSync(geoFixture('testGmlPayload.gml'))), '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      httpStatus: 'OK',
      httpStatusCode: 200,
      status: 'OK',
      response: { responseType: 'ImportReport', status: 'OK' },
    });
    const text = await run('validate', box.write('payload2.gml', readFileSync(geoFixture('testGmlPayload.gml'))));
    expect(text.stdout).toMatch(/feature 1 \(line 33\) code "CODE_BONTHE": updates BontheUnit1/);
    const evil = await run('validate', box.write('evil.gml', readFileSync(geoFixture('testMaliciousGmlPayload.gml'))), '--json');
    expect(evil.code).toBe(1);
    expect(evil.stdout).toBe('');
    expect(evil.stderr).toMatch(/"evil\.gml" line 3: the file declares a DOCTYPE/);
  });
});
