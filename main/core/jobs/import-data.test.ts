import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import type { Core } from '../core';
import type { FileRef } from '../../../shared/jobs';
import type { ImportDataResult } from './import-data';
import type { Simulator } from '../../../e2e/dhis2-sim/server';
import { integrationSeed } from '../../../e2e/dhis2-sim/test-seeds';
import { tempDir, waitFor } from '../test/helpers';
import { closeSimulated, coreAgainstSimulator, monthlyValues } from './testing';

/** 288 good values (one per line after the first), then a non-numeric value and one outside the user's org units. */
function dataFile(): { text: string; badValueLine: number; outsideLine: number } {
  const values = monthlyValues();
  values.push('{"dataElement":"f7n9E0hX8qk","period":"202001","orgUnit":"DiszpKrYNg8","value":"twelve"}');
  values.push('{"dataElement":"f7n9E0hX8qk","period":"202001","orgUnit":"j7Hg26FpoIa","value":"4"}');
  return { text: `{"dataValues":[\n${values.join(',\n')}\n]}\n`, badValueLine: values.length, outsideLine: values.length + 1 };
}

describe('import-data job against the simulator', () => {
  let sim: Simulator;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let file: FileRef;
  let lines: ReturnType<typeof dataFile>;

  beforeEach(async () => {
    ({ sim, dir, core } = await coreAgainstSimulator(integrationSeed()));
    lines = dataFile();
    file = await core.files.put(Readable.from([Buffer.from(lines.text)]), 'facility.json');
  });
  afterEach(() => closeSimulated({ core, sim, dir }));

  const run = async (chunkSize: number) => {
    const job = core.runner.create({ type: 'import-data', params: { chunkSize }, files: [file] });
    core.startBackground();
    await waitFor(
      () => core.jobs.get(job.id)!.state === 'done' || core.jobs.get(job.id)!.state === 'failed' || core.jobs.get(job.id)!.state === 'needs-attention',
      'the import to finish',
      60_000,
    );
    return core.jobs.get(job.id)!;
  };

  it('checks offline, sends in chunks and returns the server summary with file lines', async () => {
    const job = await run(100);
    expect(job.state).toBe('done');
    const result = job.result as ImportDataResult;
    expect(result.chunks).toBe(3);
    expect(result.validation?.checked).toBe(290);
    const predicted = result.validation!.summary.conflicts.map((c) => c.errorCode).sort();
    const actual = result.server.conflicts.map((c) => c.errorCode).sort();
    expect(predicted).toEqual(['E7617', 'E7619']);
    expect(actual).toEqual(predicted);
    expect(result.server.importCount.imported).toBe(288);
    const badValue = result.server.conflicts.find((c) => c.errorCode === 'E7619')!;
    expect(badValue.lines).toEqual([lines.badValueLine]);
    expect(result.server.conflicts.find((c) => c.errorCode === 'E7617')!.lines).toEqual([lines.outsideLine]);
    expect(sim.dataValues()).toHaveLength(288);
    const log = core.jobLog.list(job.id).map((e) => e.message);
    expect(log.some((m) => m.startsWith('Offline check of 290 values'))).toBe(true);
    expect(log.filter((m) => /^Part \d done/.test(m))).toHaveLength(3);
  });

  it('survives a connection dropped after the server took a chunk: nothing lost, nothing stored twice', async () => {
    sim.dropNext({ count: 1, path: '/api/dataValueSets' });
    const job = await run(100);
    expect(job.state).toBe('done');
    const result = job.result as ImportDataResult;
    expect(result.resentChunks).toBe(1);
    expect(sim.dataValues()).toHaveLength(288);
    // The resent chunk finds its values already there: DHIS2 counts unchanged values as ignored.
    const c = result.server.importCount;
    expect(c.imported + c.ignored).toBe(288 + 2);
    expect(sim.dataValuePosts().some((post) => post.count === 2)).toBe(true);
  });

  it('stops before sending when DHIS2 would refuse the whole file', async () => {
    const bad = await core.files.put(
      Readable.from([
        Buffer.from('{"dataSet":"NoSuchSet11","dataValues":[{"dataElement":"f7n9E0hX8qk","period":"202101","orgUnit":"DiszpKrYNg8","value":"1"}]}'),
      ]),
      'bad.json',
    );
    const job = core.runner.create({ type: 'import-data', params: {}, files: [bad] });
    core.startBackground();
    await waitFor(() => core.jobs.get(job.id)!.state === 'needs-attention', 'the job to stop');
    expect(core.jobs.get(job.id)!.error?.message).toMatch(/DHIS2 would refuse the whole file/);
    expect(sim.dataValuePosts()).toHaveLength(0);
  });
});
