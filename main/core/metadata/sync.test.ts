import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir, testCore, waitFor } from '../test/helpers';
import type { Core } from '../core';
import type { Job } from '../../../shared/jobs';
import { generateContent } from './testing/generate';
import { startFakeDhis2, type FakeDhis2 } from './testing/fake-dhis2';
import { METADATA_TYPES, REFERENCE_KINDS } from './model';
import { SYNC_FIELDS } from './sync';

const CONTENT = generateContent({ orgUnits: 40, dataElements: 12, dataSets: 2, branching: [3, 9] });

describe('metadata sync job', () => {
  let dir: ReturnType<typeof tempDir>;
  let fake: FakeDhis2;
  let core: Core;
  let serverId: string;

  beforeEach(async () => {
    dir = tempDir();
    fake = await startFakeDhis2(CONTENT);
    core = testCore(dir.path);
    serverId = (await core.servers.add({ name: 'Fake', url: fake.url, auth: { kind: 'token', token: 'd2p_test' }, makeDefault: true })).id;
  });
  afterEach(async () => {
    await core.close();
    await fake.close();
    dir.remove();
  });

  const queue = (pageSize: number) => core.runner.create({ type: 'sync-metadata', params: { pageSize }, serverId });
  const settled = (c: Core, id: string) =>
    waitFor(() => ['done', 'failed', 'needs-attention'].includes(c.jobs.require(id).state) && c.jobs.require(id), `job ${id} to settle`);

  it('pages through every type with gzip and swaps the snapshot in at the end', async () => {
    const changed: unknown[] = [];
    core.bus.on('metadata.changed', (status) => changed.push(status));
    const job = queue(7);
    core.runner.start();
    const finished = (await settled(core, job.id)) as Job;
    expect(finished.state).toBe('done');

    const [status] = core.metadata.status(serverId);
    expect(status!.snapshot).toMatchObject({ source: 'server', label: fake.url, version: '2.41.3', username: 'district' });
    for (const type of METADATA_TYPES) expect(status!.snapshot!.counts[type], type).toBe(CONTENT.records[type].length);
    expect(changed).toEqual([expect.objectContaining({ serverId, serverName: 'Fake' })]);

    const collectionRequests = fake.requests.filter((request) => request.page !== null);
    expect(collectionRequests.every((request) => request.acceptsGzip && request.pageSize === 7)).toBe(true);
    const orgUnitPages = collectionRequests.filter((request) => request.collection === 'organisationUnits').map((request) => request.page);
    expect(orgUnitPages).toEqual([1, 2, 3, 4, 5, 6]);
    expect(collectionRequests.find((request) => request.collection === 'dataSets')!.fields).toBe(SYNC_FIELDS.dataSets);

    const index = core.metadata.indexFor(serverId)!;
    const facility = [...index.all('organisationUnits')].find((unit) => unit.level === 4)!;
    expect(index.dataSetHasOrgUnit('S0000000000', facility.id)).toBe(true);
    expect(index.inCaptureHierarchy(facility.id)).not.toBeNull();
    expect(index.resolve('organisationUnits', 'FR-3', 'ATTRIBUTE:ATTRoucode1')).toMatchObject({ ok: true });
    expect(index.attribute('ATTRoucode1')!.appliesTo).toEqual(['dataElements', 'organisationUnits']);
    expect(finished.result).toMatchObject({ version: '2.41.3', counts: { organisationUnits: 40 } });
    expect(core.jobLog.list(job.id).map((entry) => entry.message)).toEqual(
      expect.arrayContaining(['Organisation units: 40 synced.', 'Signed in as district.']),
    );
  });

  it('resumes after a crash without fetching finished types again, keeping the old copy in use meanwhile', async () => {
    const file = await core.metadata.loadPath(join(__dirname, '../../../e2e/fixtures/metadata/json/dataset_with_sections.json'), 'usb.json', serverId);
    const hold = fake.hold('organisationUnits', 3);
    const job = queue(7);
    core.runner.start();
    await hold.reached;
    // Mid-sync the file's snapshot is the one in use.
    expect(core.metadata.status(serverId)[0]!.snapshot!.id).toBe(file.status.snapshot!.id);
    await core.close();
    hold.release();
    // A crash leaves the job as it was while running; the next start must recover it.
    const raw = new Database(join(dir.path, 'dhis2-ie.sqlite'));
    raw.prepare("UPDATE jobs SET state = 'running' WHERE id = ?").run(job.id);
    raw.close();
    const before = fake.requests.length;

    core = testCore(dir.path);
    core.runner.start();
    const finished = (await settled(core, job.id)) as Job;
    expect(finished.state).toBe('done');
    expect(core.jobLog.list(job.id).map((entry) => entry.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/resuming from the last checkpoint/),
        expect.stringMatching(/^Continuing: attributes, .*data sets already synced\.$/),
      ]),
    );
    const after = fake.requests.slice(before);
    // Only org units (unfinished when it stopped), the kinds after them and /api/me are fetched again; not even the version.
    expect([...new Set(after.map((request) => request.collection))]).toEqual(['organisationUnits', ...REFERENCE_KINDS, 'me']);
    expect(after.filter((request) => request.collection === 'organisationUnits').map((request) => request.page)).toEqual([1, 2, 3, 4, 5, 6]);
    const snapshot = core.metadata.status(serverId)[0]!.snapshot!;
    expect(snapshot.source).toBe('server');
    expect(snapshot.counts.organisationUnits).toBe(40);
    expect(core.db.prepare('SELECT state, COUNT(*) AS n FROM metadata_snapshots GROUP BY state').all()).toEqual([{ state: 'active', n: 1 }]);
  });

  it('stops on a page DHIS2 would not send, naming the type and page, and keeps the old copy', async () => {
    const file = await core.metadata.loadPath(join(__dirname, '../../../e2e/fixtures/metadata/json/ou_with_levels.json'), 'usb.json', serverId);
    fake.corrupt('dataElements', 2, [{ id: 'DEbrokenxxx', name: 'Broken', valueType: 5 }]);
    const job = queue(5);
    core.runner.start();
    const finished = (await settled(core, job.id)) as Job;
    expect(finished.state).toBe('failed');
    expect(finished.error).toEqual({
      code: 'METADATA_PAGE_INVALID',
      message: expect.stringMatching(/^The server's answer for data elements, page 2 of 3, is not what DHIS2 sends: dataElements\.0\.valueType: /),
    });
    expect(core.metadata.status(serverId)[0]!.snapshot!.id).toBe(file.status.snapshot!.id);
  });

  it('queues one sync per server and says when there is no server', async () => {
    const first = core.metadata.requestSync();
    expect(first).toMatchObject({ type: 'sync-metadata', serverId, state: 'queued', title: 'Metadata sync' });
    expect(core.metadata.requestSync(serverId).id).toBe(first.id);
    const bare = testCore(join(dir.path, 'bare'));
    try {
      expect(() => bare.metadata.requestSync()).toThrow(/No DHIS2 server is set up yet/);
    } finally {
      await bare.close();
    }
  });
});
