import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Core } from '../core';
import type { Job } from '../../../shared/jobs';
import type { MetadataExportResult } from '../../../shared/metadata-export';
import { DATA_SET_ORG_UNIT_NOTE } from '../../../shared/metadata-export';
import { startSimulator, type Simulator } from '../../../e2e/dhis2-sim/server';
import { fixtureJson, integrationSeed } from '../../../e2e/dhis2-sim/test-seeds';
import type { MetadataExport } from '../../../e2e/dhis2-sim/metadata';
import { openSource } from '../metadata/file-source';
import { METADATA_TYPES } from '../metadata/model';
import { tempDir, testCore, waitFor } from '../test/helpers';

/** The whole JSON of a saved export, through its gzip or zip. */
async function readExportFile(path: string): Promise<Record<string, unknown>> {
  const source = await openSource(path, path);
  const chunks: Buffer[] = [];
  for await (const chunk of source.stream) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

function seed(): MetadataExport {
  // The integration seed (org units, a data set, a user) plus option sets and org unit levels from a dhis2-core e2e file.
  return integrationSeed();
}

describe('metadata export jobs against the simulator', () => {
  let sim: Simulator;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let serverId: string;
  let outDir: string;

  beforeEach(async () => {
    sim = await startSimulator({ port: 0 });
    sim.seedMetadata(seed(), { replace: true });
    sim.seedMetadata(fixtureJson<MetadataExport>('metadata/json/e2e_setup_metadata.json'));
    dir = tempDir();
    core = testCore(join(dir.path, 'data'));
    core.settings.update({ retryBaseSeconds: 1, retryMaxSeconds: 1 });
    serverId = (await core.servers.add({ name: 'Sim', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } })).id;
    outDir = join(dir.path, 'usb');
    mkdirSync(outDir);
  });
  afterEach(async () => {
    await core.close();
    await sim.close();
    dir.remove();
  });

  const settled = (c: Core, id: string, states = ['done', 'failed', 'needs-attention']) =>
    waitFor(() => states.includes(c.jobs.require(id).state) && c.jobs.require(id), `job ${id} to settle`, 30_000) as Promise<Job>;

  const runExport = async (params: Record<string, unknown>, type: 'export-metadata' | 'export-metadata-dependencies' = 'export-metadata') => {
    const job = core.runner.create({ type, params: { outDir, ...params }, serverId });
    core.startBackground();
    return settled(core, job.id);
  };

  it.each([
    ['zip', '.json.zip', [0x50, 0x4b]],
    ['gzip', '.json.gz', [0x1f, 0x8b]],
    ['none', '.json', [0x7b]],
  ] as const)('exports the chosen types with %s compression, as DHIS2 names the path', async (compression, suffix, magic) => {
    sim.requests.length = 0;
    const job = await runExport({ types: ['dataElements', 'dataSets', 'organisationUnits'], compression, skipSharing: true });
    expect(job.state).toBe('done');
    const result = job.result as MetadataExportResult;
    expect(result.file.endsWith(suffix)).toBe(true);
    expect(result.file.startsWith(outDir)).toBe(true);
    expect([...readFileSync(result.file).subarray(0, magic.length)]).toEqual([...magic]);
    expect(result.bytes).toBe(statSync(result.file).size);
    expect(readdirSync(outDir).filter((name) => name.endsWith('.part'))).toEqual([]);

    const request = sim.requests.find((r) => r.path.startsWith('/api/metadata'))!;
    expect(request.path.split('?')[0]).toBe(`/api/metadata${suffix}`);
    const query = new URLSearchParams(request.path.split('?')[1]);
    expect([...query.keys()].sort()).toEqual(['dataElements', 'dataSets', 'download', 'organisationUnits', 'skipSharing']);
    expect(query.get('skipSharing')).toBe('true');

    const content = await readExportFile(result.file);
    expect(Object.keys(content).sort()).toEqual(['dataElements', 'dataSets', 'organisationUnits', 'system']);
    const stored = (type: string) => sim.state.metadata.list(type).length;
    expect((content.dataElements as unknown[]).length).toBe(stored('dataElements'));
    expect((content.organisationUnits as unknown[]).length).toBe(stored('organisationUnits'));
    expect(result.counts).toEqual({ dataElements: stored('dataElements'), dataSets: stored('dataSets'), organisationUnits: stored('organisationUnits') });
    expect(core.jobLog.list(job.id).some((entry) => entry.message.startsWith(`Saved ${result.file}`))).toBe(true);
  });

  it('keeps sharing unless asked to skip it, and never overwrites an earlier export', async () => {
    const first = await runExport({ types: ['categoryOptions'], compression: 'gzip', skipSharing: false });
    const second = await runExport({ types: ['categoryOptions'], compression: 'gzip', skipSharing: true });
    const withSharing = JSON.parse(gunzipSync(readFileSync((first.result as MetadataExportResult).file)).toString()) as { categoryOptions: object[] };
    const without = JSON.parse(gunzipSync(readFileSync((second.result as MetadataExportResult).file)).toString()) as { categoryOptions: object[] };
    expect(withSharing.categoryOptions.some((o) => 'sharing' in o)).toBe(true);
    expect(without.categoryOptions.some((o) => 'sharing' in o)).toBe(false);
    expect((second.result as MetadataExportResult).file).toMatch(/ \(2\)\.json\.gz$/);
  });

  it('says which chosen types came back empty', async () => {
    const job = await runExport({ types: ['dataElements', 'predictors'], compression: 'none' });
    expect(job.state).toBe('done');
    const result = job.result as MetadataExportResult;
    expect(result.notes.join(' ')).toContain('1 of the 2 chosen types have no objects in the file');
    expect(result.notes.join(' ')).toContain('predictors');
  });

  it('waits in the queue while the server cannot be reached, then saves once it answers', async () => {
    sim.setOffline(true);
    const job = core.runner.create({ type: 'export-metadata', params: { outDir, types: ['dataSets'] }, serverId });
    core.startBackground();
    await settled(core, job.id, ['waiting-for-connection', 'queued']);
    await waitFor(() => core.jobs.require(job.id).state === 'waiting-for-connection', 'the job to wait for the connection', 15_000);
    expect(readdirSync(outDir)).toEqual([]);
    sim.setOffline(false);
    await core.connectivity.checkAll();
    const done = await settled(core, job.id);
    expect(done.state).toBe('done');
    expect(existsSync((done.result as MetadataExportResult).file)).toBe(true);
  });

  it('stops for the user when the folder is gone, and leaves nothing behind when the download is cut', async () => {
    const missing = await runExport({ types: ['dataSets'], outDir: join(dir.path, 'unplugged') });
    expect(missing.state).toBe('needs-attention');
    expect(missing.error).toMatchObject({ code: 'FOLDER_MISSING' });
    expect(missing.error!.message).toContain('unplugged');

    core.settings.update({ retryBaseSeconds: 1, retryMaxSeconds: 1 });
    sim.dropNext({ count: 1, path: '/api/metadata', afterBytes: 40 });
    const cut = await runExport({ types: ['organisationUnits', 'dataElements'], compression: 'none' });
    expect(cut.state).toBe('done');
    const log = core.jobLog.list(cut.id).map((entry) => entry.message);
    expect(log.some((message) => /connection broke off|did not get through|Cannot reach|ends before/.test(message))).toBe(true);
    expect(readdirSync(outDir).filter((name) => name.endsWith('.part'))).toEqual([]);
    expect(readdirSync(outDir)).toHaveLength(1);
  });

  it('prepares an offline laptop package that loads into the same snapshot counts as a sync', async () => {
    const job = await runExport({ preset: 'offline-laptop', compression: 'gzip' });
    expect(job.state).toBe('done');
    const result = job.result as MetadataExportResult;
    expect(result.file).toMatch(/dhis2-offline-metadata-\d{4}-\d{2}-\d{2}\.json\.gz$/);
    const content = await readExportFile(result.file);
    expect(content.users).toEqual([expect.objectContaining({ username: 'admin', organisationUnits: expect.any(Array) })]);
    expect((content.userRoles as Array<{ authorities: string[] }>)[0]!.authorities).toContain('ALL');

    // Sync the same server in this data folder; load the package in a fresh one with no server at all.
    const sync = core.metadata.requestSync(serverId);
    expect((await settled(core, sync.id)).state).toBe('done');
    const synced = core.metadata.status(serverId)[0]!.snapshot!;

    const laptop = testCore(join(dir.path, 'laptop'));
    try {
      const { status } = await laptop.metadata.loadPath(result.file, 'offline.json.gz', null);
      const loaded = status.snapshot!;
      for (const type of METADATA_TYPES) expect(loaded.counts[type], type).toBe(synced.counts[type]);
      expect(loaded.counts.organisationUnits).toBeGreaterThan(0);
      expect(loaded.username).toBe('admin');
      const index = laptop.metadata.indexFor(null)!;
      const syncedIndex = core.metadata.indexFor(serverId)!;
      expect(index.user!.organisationUnits.sort()).toEqual(syncedIndex.user!.organisationUnits.sort());
      expect(index.user!.authorities).toEqual(syncedIndex.user!.authorities);
      expect(index.dataSet('pBOMPrpg1QX')!.dataSetElements).toEqual(syncedIndex.dataSet('pBOMPrpg1QX')!.dataSetElements);
    } finally {
      await laptop.close();
    }
  });

  it('exports a data set with its dependencies, says org units are left out, and the file loads offline', async () => {
    const job = await runExport(
      { objectType: 'dataSets', objectId: 'pBOMPrpg1QX', objectName: 'DataSetA', compression: 'zip' },
      'export-metadata-dependencies',
    );
    expect(job.title).toContain('"DataSetA"');
    expect(job.state).toBe('done');
    const result = job.result as MetadataExportResult;
    expect(result.file).toMatch(/dhis2-metadata-dataSets-pBOMPrpg1QX-with-dependencies-.*\.json\.zip$/);
    expect(result.notes).toContain(DATA_SET_ORG_UNIT_NOTE);
    expect(core.jobLog.list(job.id).some((entry) => entry.level === 'warn' && entry.message === DATA_SET_ORG_UNIT_NOTE)).toBe(true);
    const content = await readExportFile(result.file);
    expect((content.dataSets as Array<{ id: string }>).map((d) => d.id)).toEqual(['pBOMPrpg1QX']);
    expect((content.dataElements as unknown[]).length).toBe(4);
    expect(content.organisationUnits ?? []).toEqual([]);

    const facility = testCore(join(dir.path, 'facility'));
    try {
      const { status } = await facility.metadata.loadPath(result.file, 'dataset.json.zip', null);
      expect(status.snapshot!.counts.dataSets).toBe(1);
      expect(facility.metadata.indexFor(null)!.dataSet('pBOMPrpg1QX')!.name).toBe('DataSetA');
    } finally {
      await facility.close();
    }
  });

  it('names the missing object in words when the server has no such data set', async () => {
    const job = await runExport({ objectType: 'dataSets', objectId: 'AAAAAAAAAAA' }, 'export-metadata-dependencies');
    expect(job.state).toBe('needs-attention');
    expect(job.error).toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    expect(job.error!.message).toContain('no data set with the id AAAAAAAAAAA');
    expect(readdirSync(outDir)).toEqual([]);
  });
});
