import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImportDataParams, type OfflineValidation } from '../../../shared/data-import';
import type { MetadataSnapshot } from '../../../shared/contract';
import { localIsoDate } from '../periods/iso-dates';
import { Readable } from 'node:stream';
import { TERMINAL_STATES, type Job } from '../../../shared/jobs';
import { integrationSeed } from '../../../e2e/dhis2-sim/test-seeds';
import { invoke } from '../services';
import { closeSimulated, coreAgainstSimulator, monthlyValues } from '../jobs/testing';
import { tempDir, waitFor } from '../test/helpers';
import { CheckMemo, type CheckKey } from './check-memo';

const snapshot = (id: string): MetadataSnapshot => ({
  id,
  serverId: null,
  source: 'file',
  label: 'metadata.json',
  version: null,
  takenAt: '2024-01-01T00:00:00.000Z',
  loadedAt: '2024-01-01T00:00:00.000Z',
  username: null,
  counts: {},
  notes: [],
});

const validation: OfflineValidation = {
  summary: { responseType: 'ImportSummary', status: 'SUCCESS', importCount: { imported: 2, updated: 0, ignored: 0, deleted: 0 }, conflicts: [] },
  checked: 2,
  unchecked: [],
  duplicates: { count: 0, examples: [] },
  metadataLabel: 'metadata.json',
};

describe('CheckMemo', () => {
  const dirs: ReturnType<typeof tempDir>[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  const memoAt = () => {
    const dir = tempDir();
    dirs.push(dir);
    return { memo: new CheckMemo(join(dir.path, 'checks'), '1.0.0'), dir: join(dir.path, 'checks') };
  };
  const key = (over: Partial<CheckKey> = {}): CheckKey => ({
    sha256: 'a'.repeat(64),
    fileName: 'values.csv',
    params: ImportDataParams.parse({}),
    index: { snapshot: snapshot('snap-1') },
    ...over,
  });
  const today = localIsoDate(new Date());

  it('gives back a check only for the same file, name, options, metadata snapshot and day', () => {
    const { memo } = memoAt();
    memo.put(key(), { validation, abort: null }, today);
    expect(memo.get(key())).toEqual({ validation, abort: null });
    expect(memo.get(key({ sha256: 'b'.repeat(64) }))).toBeNull();
    expect(memo.get(key({ fileName: 'other.csv' }))).toBeNull();
    expect(memo.get(key({ params: ImportDataParams.parse({ strategy: 'DELETE' }) }))).toBeNull();
    expect(memo.get(key({ index: { snapshot: snapshot('snap-2') } }))).toBeNull();
    expect(memo.get(key({ index: { snapshot: null } }))).toBeNull();
    memo.put(key({ fileName: 'yesterday.csv' }), { validation, abort: null }, '2000-01-01');
    expect(memo.get(key({ fileName: 'yesterday.csv' }))).toBeNull();
  });

  it('reads a damaged memo as none, so the job checks the file again', () => {
    const { memo, dir } = memoAt();
    memo.put(key(), { validation, abort: null }, today);
    for (const name of readdirSync(dir)) writeFileSync(join(dir, name), '{"validation":');
    expect(memo.get(key())).toBeNull();
  });
});

describe('the Data import page: inspected, then queued', () => {
  it('the job sends the file without checking it again when it is queued as inspected', async () => {
    const { sim, dir, core, serverId } = await coreAgainstSimulator(integrationSeed());
    try {
      const file = await core.files.put(Readable.from([Buffer.from(`{"dataValues":[\n${monthlyValues().join(',\n')}\n]}\n`)]), 'facility.json');
      await invoke(core, 'datavalues.inspect', { file, params: { chunkSize: 100 }, serverId });
      const job = (await invoke(core, 'jobs.create', { type: 'import-data', params: { chunkSize: 100 }, files: [file], serverId })) as Job;
      core.startBackground();
      await waitFor(() => TERMINAL_STATES.includes(core.jobs.get(job.id)!.state), 'the import to finish', 60_000);
      expect(core.jobs.get(job.id)!.state).toBe('done');
      expect(sim.dataValues()).toHaveLength(288);
      const checks = core.jobLog.list(job.id).filter((entry) => entry.message.startsWith('Offline check of 288 values'));
      expect(checks.map((entry) => entry.message)).toEqual([expect.stringContaining('made when the file was queued')]);
    } finally {
      await closeSimulated({ sim, dir, core });
    }
  });
});
