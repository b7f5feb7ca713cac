import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISTRICTS, DISTRICTS_BY_NAME_ANSWER, districtUnit, geoFixture } from '../core/geometry/testing';
import { cliSandbox, type CliSandbox } from './testing/sandbox';

describe('dhis2-ie import geometry', () => {
  let box: CliSandbox;
  const run = (...argv: string[]) => box.run('geo', ...argv);
  const queued = async () =>
    JSON.parse((await run('jobs', '--type', 'import-geometry', '--json')).stdout) as { jobs: Array<{ params: Record<string, unknown> }> };

  // DHIS2's controller test: the first seven districts exist.
  const metadata = {
    organisationUnits: DISTRICTS.slice(0, 7).map((name) => districtUnit(name)),
    attributes: [{ id: 'GeoAttr0001', name: 'geo2', valueType: 'GEOJSON', organisationUnitAttribute: true }],
  };

  beforeEach(async () => {
    box = await cliSandbox();
    expect((await run('metadata', 'load', box.write('metadata.json', JSON.stringify(metadata)))).code).toBe(0);
  });
  afterEach(() => box.close());

  it('prints the prediction and queues the job with the params as given', async () => {
    const file = box.write('districts.geojson', readFileSync(geoFixture('sierra-leone-districts.geojson')));
    const result = await run('import', 'geometry', file, '--geojson-property', 'name', '--org-unit-property', 'name', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/districts\.geojson: Offline check: 15 features; predicted WARNING \(7 imported, 0 updated, 0 deleted, 8 ignored\)/);
    expect(result.stdout).toMatch(/E7708 {2}feature 7 \(line 12\) "Bo District": GeoJSON target organisation unit does not exist/);
    expect(result.stdout).toMatch(/Queued a dry run of "districts\.geojson" as job/);
    const { jobs } = await queued();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.params).toEqual({ format: 'auto', geoJsonId: false, geoJsonProperty: 'name', orgUnitProperty: 'NAME', dryRun: true });
  });

  it('refuses the malicious GML, a broken file and a file DHIS2 refuses whole, queueing nothing', async () => {
    const gml = await run('import', 'geometry', box.write('payload.gml', readFileSync(geoFixture('testMaliciousGmlPayload.gml'))));
    expect(gml.code).toBe(1);
    expect(gml.stderr).toMatch(/"payload\.gml" is GML: the org unit geometry import sends GeoJSON/);
    expect(gml.stderr).toMatch(/Nothing was queued/);

    const broken = await run(
      'import',
      'geometry',
      box.write('broken.geojson', '{"type":"FeatureCollection","features":[\n{"id":"Kare5678901",\n"geometry":}]}'),
    );
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/"broken\.geojson" line 3: this is not valid JSON/);

    const file = box.write('districts.geojson', readFileSync(geoFixture('sierra-leone-districts.geojson')));
    const attribute = await run('import', 'geometry', file, '--attribute-id', 'Missing0001');
    expect(attribute.code).toBe(1);
    expect(attribute.stderr).toMatch(/DHIS2 would refuse the whole of "districts\.geojson": E7702/);

    expect((await queued()).jobs).toHaveLength(0);
  });

  it('flush sends it to the simulator; the job stores the WebMessage DHIS2 answers and the units get their geometry', async () => {
    box.sim.seedMetadata(metadata, { replace: true });
    expect((await box.addServer('geo')).code).toBe(0);
    const file = box.write('districts.geojson', readFileSync(geoFixture('sierra-leone-districts.geojson')));
    expect((await run('import', 'geometry', file, '--geojson-property', 'name', '--org-unit-property', 'NAME')).code).toBe(0);
    const flushed = await run('flush', '--wait', '--timeout', '60');
    expect(flushed.stdout).toMatch(/Completed\s+districts\.geojson/);
    const jobs = JSON.parse((await run('jobs', '--type', 'import-geometry', '--json')).stdout) as { jobs: Array<{ result: unknown }> };
    expect(jobs.jobs[0]!.result).toMatchObject({ server: DISTRICTS_BY_NAME_ANSWER, dryRun: false, check: { status: 'WARNING', features: 15 } });
    expect(box.sim.state.metadata.get('organisationUnits', 'Kare5678901')).toMatchObject({ geometry: { type: expect.any(String) as unknown } });
  });
});
