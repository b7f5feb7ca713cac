import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dhis2Client } from '../dhis2/client';
import type { JobProgress } from '../../../shared/jobs';
import { startSimulator, type Simulator } from '../../../e2e/dhis2-sim/server';
import { integrationSeed } from '../../../e2e/dhis2-sim/test-seeds';
import { flushDataValues, type FlushCheckpoint, type FlushOptions } from './flush';
import { dataValueRecord, monthlyValues } from './testing';
import type { DataValueRecord } from './types';

/** The flush on its own against the simulator: how parts travel, and what a checkpoint lets a resume skip. */

function values(): DataValueRecord[] {
  return monthlyValues().map((keys, index) => dataValueRecord(keys, index));
}
const VALUES = values();

describe('flushDataValues', () => {
  let sim: Simulator;
  let saved: FlushCheckpoint | null;
  let pendingSeen: number[];
  let logged: string[];

  beforeEach(async () => {
    sim = await startSimulator();
    sim.seedMetadata(integrationSeed(), { replace: true });
    saved = null;
    pendingSeen = [];
    logged = [];
  });
  afterEach(() => sim.close());

  const flush = (overrides: Partial<FlushOptions> = {}) =>
    flushDataValues({
      client: new Dhis2Client({ baseUrl: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } }),
      records: async function* () {
        yield* VALUES;
      },
      params: {},
      chunkSize: 100,
      totalValues: VALUES.length,
      checkpoint: saved,
      saveCheckpoint: (checkpoint: FlushCheckpoint, _progress: JobProgress) => {
        saved = structuredClone(checkpoint);
        pendingSeen.push(checkpoint.pending.length);
      },
      log: (_level, message) => logged.push(message),
      signal: new AbortController().signal,
      stopPausesMs: [0, 0],
      ...overrides,
    });

  it('sends each part as a gzipped sync import: no server job to wait for, and few bytes on the wire', async () => {
    const result = await flush();
    expect(result.summary.importCount.imported).toBe(VALUES.length);
    expect(sim.dataValues()).toHaveLength(VALUES.length);
    expect(sim.requests.filter((r) => r.path.includes('/system/tasks'))).toEqual([]);
    const posts = sim.dataValuePosts();
    expect(posts.map((p) => p.async)).toEqual([false, false, false]);
    const json = VALUES.reduce((sum, v) => sum + JSON.stringify(v).length, 0);
    expect(posts.reduce((sum, p) => sum + p.bytes, 0)).toBeLessThan(json / 5);
  });

  it('sends parts as CSV with the data set as a parameter, and as JSON when the file has a completion date', async () => {
    const result = await flush({ set: { dataSet: 'pBOMPrpg1QX' } });
    expect(result.summary.importCount.imported).toBe(VALUES.length);
    expect(sim.dataValuePosts().map((p) => p.contentType)).toEqual(['application/csv', 'application/csv', 'application/csv']);
    expect(sim.requests.filter((r) => r.path.startsWith('/api/dataValueSets')).every((r) => r.path.includes('dataSet=pBOMPrpg1QX'))).toBe(true);
    sim.clearDataValues();
    saved = null;
    await flush({ set: { dataSet: 'pBOMPrpg1QX', completeDate: '2021-02-03' } });
    expect(sim.dataValuePosts().map((p) => p.contentType)).toEqual([...Array(3).fill('application/csv'), ...Array(3).fill('application/json')]);
    expect(sim.dataValues()).toHaveLength(VALUES.length);
  });

  it('a value without a data element comes back as the server names it (E7610 with null), not as an answer it cannot read', async () => {
    const missing = dataValueRecord({ dataElement: null, period: '202101', orgUnit: 'DiszpKrYNg8', value: '1' }, 0);
    const result = await flush({
      records: async function* () {
        yield missing;
        yield* VALUES.slice(0, 10).map((v, i) => ({ ...v, index: i + 1 }));
      },
      totalValues: 11,
    });
    expect(result.summary.importCount.imported).toBe(10);
    expect(result.summary.conflicts).toEqual([expect.objectContaining({ errorCode: 'E7610', objects: { dataElement: null } })]);
  });

  it('has two parts on their way at once when allowed and the run has many parts, to its last part, and one otherwise', async () => {
    const together: number[][] = [];
    // Answers take a moment, so a part is still on its way when the next one starts.
    sim.setLatency(30);
    await flush({
      chunkSize: 20,
      parallel: true,
      saveCheckpoint: (checkpoint: FlushCheckpoint) => {
        saved = structuredClone(checkpoint);
        pendingSeen.push(checkpoint.pending.length);
        together.push(checkpoint.pending.map((p) => p.offset).sort((a, b) => a - b));
      },
    });
    expect(Math.max(...pendingSeen)).toBe(2);
    // The last part (values 281-288) was on its way beside another one.
    expect(together.some((offsets) => offsets.length === 2 && offsets.includes(280))).toBe(true);
    sim.setLatency(0);
    expect(sim.dataValues()).toHaveLength(VALUES.length);
    expect(saved!.confirmed.map((p) => p.offset)).toEqual([...Array(15).keys()].map((i) => i * 20));
    sim.clearDataValues();
    saved = null;
    pendingSeen = [];
    await flush({ chunkSize: 20, parallel: false });
    expect(Math.max(...pendingSeen)).toBe(1);
  });

  it('makes parts smaller after a part slower than the limit', async () => {
    sim.setLatency(300);
    await flush({ chunkSize: 200, slowPartMs: 100 });
    expect(sim.dataValuePosts().map((p) => p.values)).toEqual([200, 88]);
    expect(logged.some((m) => /Part 1 took 0 s; sending parts of 100 values/.test(m))).toBe(true);
  });

  it('after a 504 keeps the part as maybe stored, makes parts smaller, and the next run stores every value once', async () => {
    sim.failNext({ status: 504, path: '/api/dataValueSets' });
    await expect(flush({ chunkSize: 200 })).rejects.toThrow(/504/);
    expect(saved!.partSize).toBe(100);
    expect(saved!.pending).toEqual([expect.objectContaining({ state: 'sending', offset: 0, count: 200, failure: 'interrupted' })]);
    const result = await flush({ chunkSize: 200 });
    expect(sim.dataValues()).toHaveLength(VALUES.length);
    expect(sim.dataValuePosts().map((p) => p.values)).toEqual([100, 100, 88]);
    expect(result.summary.importCount.imported).toBe(VALUES.length);
  });

  it('resumes around parts confirmed out of order, sending only the gaps', async () => {
    const summary = { responseType: 'ImportSummary', status: 'SUCCESS', importCount: { imported: 100, updated: 0, ignored: 0, deleted: 0 }, conflicts: [] };
    saved = {
      version: 3,
      partSize: 100,
      confirmed: [{ offset: 100, count: 100, summary: summary as FlushCheckpoint['confirmed'][number]['summary'] }],
      pending: [{ state: 'sending', offset: 0, count: 100, attempt: 1, startedAt: new Date().toISOString() }],
      maybeStored: [],
      resent: [],
    };
    const result = await flush();
    expect(sim.dataValuePosts().map((p) => p.values)).toEqual([100, 88]);
    expect(sim.dataValues()).toHaveLength(VALUES.length - 100);
    expect(result.parts).toBe(3);
    expect(result.resent.map((r) => [r.firstValue, r.lastValue, r.reason])).toEqual([[1, 100, 'interrupted']]);
  });
});
