import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/jobs';
import { JOB_KINDS, resultOf } from '../../../shared/job-kinds';
import { GeometryImportParams, type GeometryImportParamsInput } from '../../../shared/geometry-import';
import { Dhis2Client } from '../dhis2/client';
import { tempDir } from '../test/helpers';
import { DISTRICTS_BY_NAME_ANSWER, districtIndex, geoFixture } from '../geometry/testing';
import { importGeometryJob } from './import-geometry';
import { JobFailure, type JobContext } from './plugin';

interface Received {
  url: string;
  contentType: string | undefined;
  body: Buffer;
}

/** A stand-in for DHIS2's POST /api/organisationUnits/geometry: records the request, answers `answer`. */
async function stubServer(answer: unknown): Promise<{ server: Server; baseUrl: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ url: request.url ?? '', contentType: request.headers['content-type'], body: Buffer.concat(chunks) });
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('import-geometry job', () => {
  let dir: ReturnType<typeof tempDir>;
  let stub: Awaited<ReturnType<typeof stubServer>>;
  // DHIS2's controller test: the first seven districts exist.
  const index = districtIndex([0, 1, 2, 3, 4, 5, 6], {
    attributes: [{ id: 'GeoAttr0001', name: 'geo2', valueType: 'GEOJSON', organisationUnitAttribute: true }],
  });

  beforeEach(async () => {
    dir = tempDir();
    stub = await stubServer(DISTRICTS_BY_NAME_ANSWER);
  });
  afterEach(async () => {
    await new Promise((resolve) => stub.server.close(resolve));
    dir.remove();
  });

  const run = async (name: string, content: Buffer | string, input: GeometryImportParamsInput) => {
    const path = join(dir.path, name);
    writeFileSync(path, content);
    const checkpoints: unknown[] = [];
    const requestsAtCheckpoint: number[] = [];
    const ctx: JobContext<GeometryImportParams> = {
      job: { id: 'job', serverId: 'server' } as Job,
      params: GeometryImportParams.parse(input),
      signal: new AbortController().signal,
      files: [{ ref: { sha256: 'a'.repeat(64), name, size: Buffer.byteLength(content) }, path }],
      checkpoint: <T>() => (checkpoints.at(-1) ?? null) as T | null,
      saveCheckpoint: (value: unknown) => {
        checkpoints.push(value);
        requestsAtCheckpoint.push(stub.received.length);
      },
      progress: () => undefined,
      log: () => undefined,
      setPhase: () => undefined,
      server: async () => new Dhis2Client({ baseUrl: stub.baseUrl, auth: null }),
    };
    const plugin = importGeometryJob({ indexFor: () => index });
    const outcome = await plugin.run(ctx).then(
      (result) => ({ result, error: null }),
      (error: unknown) => ({ result: null, error }),
    );
    return { ...outcome, checkpoints, requestsAtCheckpoint };
  };

  it('parses its params as declared: defaults, upper-cased orgUnitProperty, a property required when geoJsonId is false', () => {
    const schema = JOB_KINDS['import-geometry'].params;
    expect(schema.parse({})).toEqual({ format: 'auto', geoJsonId: true, orgUnitProperty: 'ID', dryRun: false });
    expect(schema.parse({ geoJsonId: false, geoJsonProperty: 'name', orgUnitProperty: 'name' })).toMatchObject({ orgUnitProperty: 'NAME' });
    expect(schema.safeParse({ geoJsonId: false }).success).toBe(false);
    expect(schema.safeParse({ attributeId: 'short' }).success).toBe(false);
  });

  it('sends the unpacked file with the params as DHIS2 reads them, not gzipped, after a `sending` checkpoint; stores the report', async () => {
    const districts = readFileSync(geoFixture('sierra-leone-districts.geojson'));
    const { result, error, checkpoints, requestsAtCheckpoint } = await run('districts.geojson.gz', gzipSync(districts), {
      geoJsonId: false,
      geoJsonProperty: 'name',
      orgUnitProperty: 'NAME',
      dryRun: true,
    });
    expect(error).toBeNull();
    expect(stub.received).toHaveLength(1);
    const [request] = stub.received;
    const url = new URL(request!.url, 'http://x');
    expect(url.pathname).toBe('/api/organisationUnits/geometry');
    expect(Object.fromEntries(url.searchParams)).toEqual({ geoJsonId: 'false', geoJsonProperty: 'name', orgUnitProperty: 'NAME', dryRun: 'true' });
    expect(request!.contentType).toBe('application/json');
    // GeoJsonImportController reads the raw stream: import-delivery sends this endpoint's body plain.
    expect(request!.body.equals(districts)).toBe(true);
    expect(checkpoints[0]).toMatchObject({ version: 1, state: 'sending', attempt: 1 });
    expect(requestsAtCheckpoint[0]).toBe(0);

    expect(JOB_KINDS['import-geometry'].result.parse(result)).toEqual(result);
    expect(result).toMatchObject({ server: DISTRICTS_BY_NAME_ANSWER, dryRun: true, check: { status: 'WARNING', features: 15, conflicts: 8 } });
    expect(resultOf({ type: 'import-geometry', result })).toEqual(result);
  });

  it('refuses at the door what DHIS2 refuses whole (an unknown attribute), sending nothing', async () => {
    const districts = readFileSync(geoFixture('sierra-leone-districts.geojson'));
    const { error, checkpoints } = await run('districts.geojson', districts, { attributeId: 'Missing0001' });
    expect(error).toBeInstanceOf(JobFailure);
    expect(error).toMatchObject({ kind: 'fix', code: 'REFUSED_WHOLE', message: expect.stringMatching(/E7702/) as unknown });
    expect(stub.received).toHaveLength(0);
    expect(checkpoints).toHaveLength(0);
  });

  it('refuses GML and broken JSON as files to fix, sending nothing', async () => {
    const gml = await run('payload.gml', readFileSync(geoFixture('testMaliciousGmlPayload.gml')), {});
    expect(gml.error).toMatchObject({ kind: 'fix', code: 'GML_NOT_GEOJSON' });
    const broken = await run('broken.geojson', '{"type":"FeatureCollection","features":[\n{"id":"Kare5678901",\n"geometry":}]}', {});
    expect(broken.error).toMatchObject({ kind: 'fix', message: expect.stringMatching(/line 3/) as unknown });
    expect(stub.received).toHaveLength(0);
  });
});
