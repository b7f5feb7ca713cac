import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deflateSync, gzipSync } from 'node:zlib';
import { startSimulator, type Simulator } from './server';
import { counts, integrationSeed, postDataValues } from './test-seeds';

/** What the simulator counts on the wire, the compressed bodies 2.41 reads, and faults in sync imports. */

const BODY = JSON.stringify({
  dataValues: [
    { dataElement: 'f7n9E0hX8qk', period: '202401', orgUnit: 'DiszpKrYNg8', value: '1' },
    { dataElement: 'Ix2HsbDMLea', period: '202401', orgUnit: 'DiszpKrYNg8', value: '2' },
  ],
});

describe('simulator link, traffic and compressed bodies', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator();
    sim.seedMetadata(integrationSeed(), { replace: true });
  });
  afterEach(() => sim.close());

  it('counts API requests and the bytes they carried, not control requests', async () => {
    const gz = gzipSync(BODY);
    await postDataValues(sim, gz, 'application/json');
    await fetch(`${sim.url}/__sim/state`);
    const traffic = sim.traffic();
    expect(traffic.requests).toBe(1);
    // The compressed body and a head of a few hundred bytes.
    expect(traffic.bytesIn).toBeGreaterThan(gz.length);
    expect(traffic.bytesIn).toBeLessThan(gz.length + 1000);
    sim.resetTraffic();
    expect(sim.traffic()).toEqual({ requests: 0, bytesIn: 0 });
    const control = (await (await fetch(`${sim.url}/__sim/link`, { method: 'POST', body: '{"bitsPerSecond":2000000,"latencyMs":300}' })).json()) as {
      link: unknown;
    };
    expect(control.link).toEqual({ bitsPerSecond: 2_000_000, latencyMs: 300 });
    sim.reset();
    expect(sim.traffic().requests).toBe(0);
  });

  it('reads a gzip body by its magic bytes, with or without a Content-Encoding header, as 2.41 does', async () => {
    expect(counts(await postDataValues(sim, gzipSync(BODY), 'application/json'))).toEqual([2, 0, 0, 0]);
    sim.clearDataValues();
    expect(counts(await postDataValues(sim, gzipSync(BODY), 'application/json', '', { 'Content-Encoding': 'gzip' }))).toEqual([2, 0, 0, 0]);
  });

  it('does not read a deflate body: 2.41 ignores Content-Encoding and only knows gzip and zip', async () => {
    const result = await postDataValues(sim, deflateSync(BODY), 'application/json', '', { 'Content-Encoding': 'deflate' });
    expect(result.status).not.toBe(200);
    expect(sim.dataValues()).toHaveLength(0);
  });

  it('lets an injected import fault hit a sync import: an ERROR summary, or a 500 for a crash', async () => {
    sim.failNextAsyncJob({ afterValues: 0, mode: 'error' });
    const stopped = await postDataValues(sim, BODY, 'application/json');
    expect(stopped.status).toBe(409);
    expect((stopped.body['response'] as { status: string; description: string }).description).toMatch(/The import process failed/);
    sim.failNextAsyncJob({ afterValues: 1, mode: 'crash', message: 'Boom' });
    const crashed = await postDataValues(sim, BODY, 'application/json');
    expect(crashed.status).toBe(500);
    expect(crashed.body['message']).toBe('Boom');
  });
});
