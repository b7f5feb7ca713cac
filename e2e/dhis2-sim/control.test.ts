import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, fetchError, postJson } from './test-support';

let sim: Simulator;
let control: string;

beforeAll(async () => {
  sim = await startSimulator();
  control = `${sim.url}/__sim`;
});
afterEach(() => {
  sim.reset();
});
afterAll(async () => {
  await sim.close();
});

async function state(): Promise<Record<string, unknown>> {
  const response = await fetch(`${control}/state`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function expectBadRequest(path: string, body: unknown, message: string): Promise<void> {
  const response = await postJson(`${control}${path}`, body);
  expect(response.status, JSON.stringify(body)).toBe(400);
  expect(await response.json()).toEqual({ error: message });
}

describe('GET /__sim/state', () => {
  it('shows the online flag, latency, pending faults and request count', async () => {
    await fetch(`${sim.url}/api/system/ping`, { headers: { Authorization: ADMIN_BASIC } });
    const snapshot = await state();
    expect(snapshot).toEqual({
      url: sim.url,
      version: '2.41.3',
      online: true,
      offlineMode: 'reset',
      latencyMs: 0,
      pendingFaults: [],
      requestCount: sim.requests.length,
      hungRequests: 0,
      pendingAsyncJobFaults: [],
      dataValueCount: 0,
      scheduler: expect.objectContaining({ mode: 'immediate', loopMs: 20_000 }),
      link: { bitsPerSecond: 0, latencyMs: 0 },
      traffic: { requests: 1, bytesIn: expect.any(Number) },
    });
    expect(snapshot['requestCount']).toBeGreaterThan(0);
  });

  it('lists the endpoints at /__sim/ and the request log at /__sim/requests', async () => {
    const help = (await (await fetch(`${control}/`)).json()) as { endpoints: Record<string, string> };
    expect(Object.keys(help.endpoints)).toContain('POST /__sim/fail');
    const log = (await (await fetch(`${control}/requests`)).json()) as unknown[];
    expect(log).toEqual(JSON.parse(JSON.stringify(sim.requests)));
  });
});

describe('POST endpoints', () => {
  it('sets offline mode and answers with the new state', async () => {
    const response = await postJson(`${control}/offline`, { offline: true, mode: 'hang' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ online: false, offlineMode: 'hang' });
    await postJson(`${control}/offline`, { offline: false });
    expect(await state()).toMatchObject({ online: true });
  });

  it('sets latency', async () => {
    expect(await (await postJson(`${control}/latency`, { ms: 120 })).json()).toMatchObject({ latencyMs: 120 });
  });

  it('queues failures and drops, with paths normalised', async () => {
    await postJson(`${control}/fail`, { status: 504, count: 2, path: '/api/41/dataValueSets' });
    await postJson(`${control}/drop`, { afterBytes: 5 });
    expect((await state())['pendingFaults']).toEqual([
      { kind: 'fail', status: 504, remaining: 2, path: '/api/dataValueSets' },
      { kind: 'drop', remaining: 1, path: null, afterBytes: 5 },
    ]);
  });

  it('makes failures that the API then serves', async () => {
    await postJson(`${control}/fail`, { status: 503 });
    const response = await fetch(`${sim.url}/api/me`, { headers: { Authorization: ADMIN_BASIC } });
    expect(response.status).toBe(503);
  });

  it('resets, with an empty body or {}', async () => {
    await postJson(`${control}/latency`, { ms: 500 });
    expect(await (await fetch(`${control}/reset`, { method: 'POST' })).json()).toMatchObject({ latencyMs: 0 });
    await postJson(`${control}/fail`, { status: 500 });
    expect(await (await postJson(`${control}/reset`, {})).json()).toMatchObject({ pendingFaults: [] });
  });

  it('keeps working while the API is offline in either mode', async () => {
    for (const mode of ['reset', 'hang'] as const) {
      await postJson(`${control}/offline`, { offline: true, mode });
      expect(await state()).toMatchObject({ online: false, offlineMode: mode });
      await fetchError(fetch(`${sim.url}/api/system/ping`, { signal: AbortSignal.timeout(200) }));
      await postJson(`${control}/reset`, {});
    }
    expect(await state()).toMatchObject({ online: true });
  });
});

describe('bad input', () => {
  it('names what is wrong with the offline body', async () => {
    await expectBadRequest('/offline', {}, 'offline: Invalid input: expected boolean, received undefined');
    await expectBadRequest('/offline', { offline: 'yes' }, 'offline: Invalid input: expected boolean, received string');
    await expectBadRequest('/offline', { offline: true, mode: 'sleep' }, 'mode: mode must be "reset" or "hang"');
    await expectBadRequest('/offline', { offline: true, ofline: true }, 'body: Unrecognized key: "ofline"');
    await expectBadRequest('/offline', [true], 'body: Invalid input: expected object, received array');
  });

  it('names what is wrong with latency, fail and drop bodies', async () => {
    await expectBadRequest('/latency', { ms: -1 }, 'ms: ms must be 0 or more');
    await expectBadRequest('/latency', { ms: 1.5 }, 'ms: Invalid input: expected int, received number');
    await expectBadRequest('/latency', { ms: 600_001 }, 'ms: ms must be at most 600000 (10 minutes)');
    await expectBadRequest('/fail', { status: 404 }, 'status: status must be one of 413, 500, 502, 503, 504');
    await expectBadRequest('/fail', { status: '504' }, 'status: status must be one of 413, 500, 502, 503, 504');
    await expectBadRequest('/fail', { status: 500, count: 0 }, 'count: count must be at least 1');
    await expectBadRequest('/fail', { status: 500, path: 'dataValueSets' }, 'path: path must start with /api, e.g. /api/dataValueSets');
    await expectBadRequest('/drop', { afterBytes: -3 }, 'afterBytes: afterBytes must be 0 or more');
    await expectBadRequest('/reset', { now: true }, 'body: Unrecognized key: "now"');
  });

  it('refuses a body that is not JSON', async () => {
    const response = await postJson(`${control}/latency`, '{ms: 5');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^Body is not valid JSON: /);
  });

  it('changes nothing when the input is bad', async () => {
    await postJson(`${control}/fail`, { status: 404 });
    await postJson(`${control}/latency`, { ms: -1 });
    expect(await state()).toMatchObject({ latencyMs: 0, pendingFaults: [] });
  });

  it('answers unknown endpoints with 404 and wrong methods with 405', async () => {
    const unknown = await fetch(`${control}/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'Unknown control endpoint /__sim/nope; GET /__sim/ lists them' });
    const wrongMethod = await fetch(`${control}/fail`);
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toEqual({ error: 'GET is not supported on /__sim/fail; use POST' });
    expect((await postJson(`${control}/state`, {})).status).toBe(405);
  });
});
