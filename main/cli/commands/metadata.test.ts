import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../index';
import { captureOutput as capture } from '../capture-output';
import { tempDir } from '../../core/test/helpers';
import { RunnerLock } from '../../core/jobs/runner-lock';
import { generateContent } from '../../core/metadata/testing/generate';
import { startFakeDhis2, type FakeDhis2 } from '../../core/metadata/testing/fake-dhis2';
import type { MetadataStatus } from '../../../shared/contract';
import type { Job } from '../../../shared/jobs';

const FIXTURE = join(__dirname, '../../../e2e/fixtures/metadata/json/dataset_with_sections.json');

describe('dhis2-ie metadata', () => {
  let dir: ReturnType<typeof tempDir>;
  let fake: FakeDhis2;
  const run = async (...argv: string[]) => {
    const output = capture();
    const code = await runCli([...argv, '--data-dir', dir.path], output);
    return { code, ...output };
  };

  beforeEach(async () => {
    dir = tempDir();
    fake = await startFakeDhis2(generateContent({ orgUnits: 30, dataElements: 8, dataSets: 2, branching: [3, 9] }));
  });
  afterEach(async () => {
    await fake.close();
    dir.remove();
  });

  it('prints its help, and refuses unknown actions', async () => {
    const help = await run('metadata');
    expect(help.code).toBe(2);
    expect(help.stdout).toMatch(/dhis2-ie metadata load FILE \[--server S\] \[--json\]/);
    expect((await run('metadata', 'frobnicate')).stderr).toMatch(/Unknown metadata action "frobnicate"/);
    expect((await run('metadata', 'load')).stderr).toMatch(/needs the file to load/);
    const top = capture();
    await runCli(['--help'], top);
    expect(top.stdout).toMatch(/dhis2-ie metadata sync \[--server S\]/);
  });

  it('loads a file for no server, then shows it in the status', async () => {
    expect((await run('metadata', 'status')).stdout).toMatch(/No servers and no offline metadata yet/);
    const loaded = await run('metadata', 'load', FIXTURE);
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toMatch(/^Loaded "dataset_with_sections\.json" \(not tied to a server\)\./);
    expect(loaded.stdout).toMatch(/metadata as of .*, from the file dataset_with_sections\.json/);
    expect(loaded.stdout).toMatch(/ {2}1 organisation unit, 1 data set, 2 data elements, 1 category combo, /);
    expect(loaded.stdout).toMatch(/note: No DHIS2 user of this server in this file/);

    const status = JSON.parse((await run('metadata', 'status', '--json')).stdout) as MetadataStatus[];
    expect(status).toEqual([{ serverId: null, serverName: null, snapshot: expect.objectContaining({ source: 'file', label: 'dataset_with_sections.json' }) }]);

    const missing = await run('metadata', 'load', join(dir.path, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^dhis2-ie: "nope\.json": the file does not exist/);
  });

  it('loads for the default server, or the one named with --server', async () => {
    expect((await run('server', 'add', '--name', 'Fake', '--url', fake.url, '--token', 'd2p_test')).code).toBe(0);
    expect((await run('server', 'add', '--name', 'Other', '--url', 'http://127.0.0.1:1', '--token', 'd2p_test')).code).toBe(0);
    expect((await run('metadata', 'load', FIXTURE)).stdout).toMatch(/for "Fake"/);
    const json = JSON.parse((await run('metadata', 'load', FIXTURE, '--server', 'Other', '--json')).stdout) as MetadataStatus & { compression: string };
    expect(json).toMatchObject({ serverName: 'Other', compression: 'none', snapshot: { counts: { dataSets: 1 } } });
    const status = await run('metadata', 'status');
    expect(status.stdout).toMatch(/^Fake\n {2}metadata as of/m);
    expect(status.stdout).toMatch(/^Other\n {2}metadata as of/m);
    expect((await run('metadata', 'status', '--server', 'Nowhere')).stderr).toMatch(/Server "Nowhere" does not exist/);
  });

  it('syncs from the server, printing progress, and reports the result', async () => {
    await run('server', 'add', '--name', 'Fake', '--url', fake.url, '--token', 'd2p_test');
    const sync = await run('metadata', 'sync');
    expect(sync.stderr).toBe('');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/^Metadata sync of "Fake" \(http:\/\/127\.0\.0\.1:\d+\) queued as job [0-9a-f]{8}\./);
    expect(sync.stdout).toMatch(/^ {2}Data elements: 8 synced\n {2}Data sets: 2 synced\n {2}Organisation units: 30 synced$/m);
    expect(sync.stdout).toMatch(/^Done\.\nFake\n {2}metadata as of .*, from the server http:\/\/127\.0\.0\.1:\d+\n {2}DHIS2 2\.41\.3, user district/m);
    expect(sync.stdout).toMatch(/ {2}30 organisation units, 2 data sets, 8 data elements, /);

    const json = JSON.parse((await run('metadata', 'sync', '--server', 'Fake', '--json')).stdout) as { job: Job; runHere: boolean; status: MetadataStatus };
    expect(json).toMatchObject({ runHere: true, job: { state: 'done', type: 'sync-metadata' }, status: { serverName: 'Fake' } });
  });

  it('leaves the job queued when another process runs jobs on this data folder', async () => {
    await run('server', 'add', '--name', 'Fake', '--url', fake.url, '--token', 'd2p_test');
    const lock = new RunnerLock(join(dir.path, 'runner.lock'));
    expect(lock.tryAcquire()).toBe(true);
    try {
      const sync = await run('metadata', 'sync');
      expect(sync.code).toBe(0);
      expect(sync.stdout).toMatch(/is running jobs on this data folder; it will run this sync/);
    } finally {
      lock.release();
    }
    const jobs = JSON.parse((await run('jobs', '--type', 'sync-metadata', '--json')).stdout) as { jobs: Job[] };
    expect(jobs.jobs.map((job) => job.state)).toEqual(['queued']);
    expect(fake.requests.filter((request) => request.page !== null)).toEqual([]);
  });

  it('says so when the server cannot be reached, and keeps the job for later', async () => {
    await run('server', 'add', '--name', 'Down', '--url', 'http://127.0.0.1:1', '--token', 'd2p_test');
    const sync = await run('metadata', 'sync');
    expect(sync.code).toBe(1);
    expect(sync.stdout).toMatch(/Waiting for connection: Cannot reach the server .* It stays queued; the app continues it when the server answers\./);
  });
});
