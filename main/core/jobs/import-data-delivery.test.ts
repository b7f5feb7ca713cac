import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Core } from '../core';
import type { FileRef, Job } from '../../../shared/jobs';
import type { ImportDataResult } from './import-data';
import type { Simulator } from '../../../e2e/dhis2-sim/server';
import { integrationSeed } from '../../../e2e/dhis2-sim/test-seeds';
import { tempDir, testCore, waitFor } from '../test/helpers';
import { closeSimulated, coreAgainstSimulator, monthlyValues } from './testing';

/**
 * Faults between the app and the server while values are delivered: the job may only be done when
 * every value is confirmed, and what it says about parts sent again must be true.
 */

const TOTAL = 288;

function dataFile(): string {
  return `{"dataValues":[\n${monthlyValues().join(',\n')}\n]}\n`;
}

const SETTLED = ['done', 'failed', 'needs-attention', 'cancelled'];

describe('delivering data values through server and network faults', () => {
  let sim: Simulator;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let file: FileRef;

  beforeEach(async () => {
    ({ sim, dir, core } = await coreAgainstSimulator(integrationSeed()));
    file = await core.files.put(Readable.from([Buffer.from(dataFile())]), 'facility.json');
  });
  afterEach(() => closeSimulated({ core, sim, dir }));

  const start = (chunkSize: number): Job => {
    const job = core.runner.create({ type: 'import-data', params: { chunkSize }, files: [file] });
    core.startBackground();
    return job;
  };
  const settle = async (job: Job, until: (j: Job) => boolean = (j) => SETTLED.includes(j.state)): Promise<Job> => {
    await waitFor(() => until(core.jobs.require(job.id)), 'the import to settle', 60_000);
    return core.jobs.require(job.id);
  };
  const log = (job: Job) => core.jobLog.list(job.id).map((e) => e.message);

  it('sends a part again when the server stops its import partway, and is done only when every value is stored', async () => {
    sim.failNextAsyncJob({ afterValues: 40, mode: 'error' });
    const job = await settle(start(100));
    expect(job.state).toBe('done');
    expect(sim.dataValues()).toHaveLength(TOTAL);
    const result = job.result as ImportDataResult;
    expect(result.server.status).not.toBe('ERROR');
    expect(result.resent).toEqual([expect.objectContaining({ part: 1, firstValue: 1, lastValue: 100, reason: 'server-stopped' })]);
    expect(log(job).some((m) => /Part 1: the server stopped its import partway/.test(m))).toBe(true);
  });

  it('sends a part again when the server job crashes without a summary', async () => {
    sim.failNextAsyncJob({ afterValues: 1, mode: 'crash' });
    const job = await settle(start(100));
    expect(job.state).toBe('done');
    expect(sim.dataValues()).toHaveLength(TOTAL);
    expect((job.result as ImportDataResult).resent.map((r) => r.reason)).toEqual(['server-stopped']);
  });

  it('stops with what is missing when the server keeps stopping the same part, and resends no confirmed part later', async () => {
    core.settings.update({ maxAttempts: 1 });
    // Part 1 goes through; part 2 is stopped on every try. Parts are sync imports now: the answer to
    // part 1 is held back a moment so the faults are in place before part 2 goes out.
    sim.setLatency(300);
    const job = start(100);
    await waitFor(() => sim.dataValues().length >= 100, 'part 1 to be stored', 30_000);
    for (let i = 0; i < 10; i++) sim.failNextAsyncJob({ afterValues: 10, mode: 'error' });
    const stopped = await settle(job);
    expect(stopped.state).not.toBe('done');
    expect(stopped.error?.message).toMatch(/Part 2 \(values 101–200, file lines 102–201\)/);
    expect(stopped.error?.message).toMatch(/not confirmed/);
    expect(stopped.error?.message).toMatch(/100 values .*confirmed/);
    sim.reset();
    const sent = () => sim.dataValuePosts().reduce((sum, post) => sum + post.count, 0);
    const postsBefore = sent();
    core.runner.retry(job.id);
    const done = await settle(job, (j) => j.state === 'done');
    expect(sim.dataValues()).toHaveLength(TOTAL);
    // Part 1 was not sent again: only parts 2 and 3 went out after the retry.
    expect(sent() - postsBefore).toBe(2);
    expect((done.result as ImportDataResult).resent.map((r) => r.part)).toEqual([2]);
  });

  it('treats an answer cut off mid-body as a network fault: retried by itself, nothing lost', async () => {
    sim.dropNext({ count: 1, path: '/api/dataValueSets', afterBytes: 100 });
    const job = await settle(start(100), (j) => j.state === 'done' || j.state === 'needs-attention' || j.state === 'failed');
    expect(job.error?.message ?? '').not.toMatch(/answered 200/);
    expect(job.state).toBe('done');
    expect(sim.dataValues()).toHaveLength(TOTAL);
    expect((job.result as ImportDataResult).resent).toEqual([expect.objectContaining({ part: 1, reason: 'answer-lost' })]);
  });

  it('does not claim a part was sent again after a 413 the server refused before reading it', async () => {
    sim.failNext({ status: 413, count: 1, path: '/api/dataValueSets' });
    const job = await settle(start(100));
    expect(job.state).toBe('done');
    expect(sim.dataValues()).toHaveLength(TOTAL);
    const result = job.result as ImportDataResult;
    expect(result.resent).toEqual([]);
    expect(result.resentChunks).toBe(0);
    expect(log(job).some((m) => /sent again/.test(m))).toBe(false);
    expect(result.server.importCount).toMatchObject({ imported: TOTAL, ignored: 0 });
  });

  it('makes parts smaller when the server refuses them as too large', async () => {
    sim.failNext({ status: 413, count: 3, path: '/api/dataValueSets' });
    const job = await settle(start(100));
    expect(job.state).toBe('done');
    expect(sim.dataValues()).toHaveLength(TOTAL);
    const sizes = sim.dataValuePosts().map((p) => p.values);
    expect(log(job).some((m) => /too large.*parts of 12 values/.test(m))).toBe(true);
    // Quick parts grow back, but stay below the smallest size refused in this run (25).
    expect(Math.max(...sizes)).toBe(24);
    expect(log(job).some((m) => /^Parts grow to 24 values/.test(m))).toBe(true);
  });

  it('stops with a clear message when even one value is refused as too large', async () => {
    sim.failNext({ status: 413, count: 1000, path: '/api/dataValueSets' });
    const job = await settle(start(100));
    expect(job.state).toBe('needs-attention');
    expect(job.error?.message).toMatch(/even a single value/);
    expect(sim.dataValues()).toHaveLength(0);

    // The server's limit is raised and the job retried: parts grow back instead of one value per request.
    sim.reset();
    core.runner.retry(job.id);
    const done = await settle(job, (j) => j.state === 'done');
    expect(sim.dataValues()).toHaveLength(TOTAL);
    const requests = sim.dataValuePosts().reduce((sum, post) => sum + post.count, 0);
    expect(requests).toBeLessThan(15);
    expect(log(done).some((m) => /^Parts grow to 2 values/.test(m))).toBe(true);
  });

  it('resumes after the app stopped mid-send: the part is sent again and said so, the parts before it are not', async () => {
    sim.setLatency(800);
    const job = start(100);
    await waitFor(() => log(job).some((m) => m.startsWith('Part 1 done')), 'part 1 to be confirmed', 30_000);
    await waitFor(() => core.jobs.require(job.id).progress?.message === 'Sending part 2', 'part 2 to be on its way', 30_000);
    await core.close();
    sim.setLatency(0);
    core = testCore(join(dir.path, 'data'));
    core.startBackground();
    const done = await settle(job);
    expect(done.state).toBe('done');
    expect(sim.dataValues()).toHaveLength(TOTAL);
    const result = done.result as ImportDataResult;
    expect(result.resent).toEqual([expect.objectContaining({ part: 2, firstValue: 101, lastValue: 200, reason: 'interrupted' })]);
    expect(result.server.importCount.imported + result.resent[0]!.ignored).toBe(TOTAL);
    expect(log(done).some((m) => m.startsWith('Part 2 (values 101–200) was sent again because the app or the connection stopped'))).toBe(true);
  });

  it('resumes a job saved by the previous version (fixed chunks) without sending its confirmed chunks again', async () => {
    const job = core.runner.create({ type: 'import-data', params: { chunkSize: 100 }, files: [file] });
    // What version 1 of the checkpoint held after a kill: chunk 0 confirmed, chunk 1 on its way.
    const summary = { responseType: 'ImportSummary', status: 'SUCCESS', importCount: { imported: 100, updated: 0, ignored: 0, deleted: 0 }, conflicts: [] };
    core.jobs.update(job.id, {
      checkpoint: {
        flush: {
          version: 1,
          chunkSize: 100,
          chunks: {
            0: { state: 'confirmed', offset: 0, count: 100, summary, resent: false },
            1: { state: 'sending', attempt: 1, startedAt: new Date().toISOString() },
          },
        },
      },
    });
    core.startBackground();
    const done = await settle(job);
    expect(done.state).toBe('done');
    // Only values 101-288 went to the server.
    expect(sim.dataValues()).toHaveLength(TOTAL - 100);
    const result = done.result as ImportDataResult;
    expect(result.chunks).toBe(3);
    expect(result.server.importCount.imported).toBe(TOTAL);
    expect(result.resent.map((r) => [r.part, r.reason])).toEqual([[2, 'interrupted']]);
  });
});
