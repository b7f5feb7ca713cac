import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, fetchError, getJson, waitFor } from './test-support';
import { adxSeed, fixture, integrationSeed, postDataValues, type Summary } from './test-seeds';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
  sim.seedMetadata(integrationSeed());
});
beforeEach(async () => {
  await sim.idle();
  sim.reset();
  sim.clearDataValues();
});
afterAll(async () => {
  await sim.close();
});

interface Notification {
  uid: string;
  id: string;
  level: string;
  category: string;
  time: string;
  message: string;
  completed: boolean;
  dataType?: string;
  data?: Record<string, unknown>;
}

interface Kickoff {
  id: string;
  name: string;
  relativeNotifierEndpoint: string;
}

const xml = (name: string) => fixture(`datavalues/dxf2-xml/${name}`);

async function kickoff(body: string | Buffer, contentType = 'application/xml', query = ''): Promise<Kickoff> {
  const result = await postDataValues(sim, body, contentType, `async=true${query ? `&${query}` : ''}`);
  expect(result.status).toBe(200);
  return result.body['response'] as Kickoff;
}

async function tasks(id: string, server = sim): Promise<Notification[]> {
  return (await getJson(`${server.url}/api/system/tasks/DATAVALUE_IMPORT/${id}`)).body as Notification[];
}

async function completed(id: string, server = sim): Promise<Notification[]> {
  let last: Notification[] = [];
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    last = await tasks(id, server);
    if (last[0]?.completed) return last;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Job ${id} did not complete: ${JSON.stringify(last)}`);
}

async function summary(id: string, server = sim): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}/api/system/taskSummaries/DATAVALUE_IMPORT/${id}`, { headers: { Authorization: ADMIN_BASIC } });
  return { status: response.status, text: await response.text() };
}

/** A JSON body of `n` distinct new values, for an org unit outside the data set (no future-period checks apply). */
function manyValues(n: number, offset = 0): string {
  const values: string[] = [];
  for (let i = 0; i < n; i++) {
    const year = 1900 + Math.floor((i + offset) / 12);
    const month = String(((i + offset) % 12) + 1).padStart(2, '0');
    values.push(`{"dataElement":"f7n9E0hX8qk","period":"${year}${month}","orgUnit":"BdfsJfj87js","value":"${i + 1}"}`);
  }
  return `{"dataValues":[${values.join(',')}]}`;
}

describe('async=true', () => {
  it('answers with the 2.41 JobConfiguration kickoff', async () => {
    const result = await postDataValues(sim, xml('dataValueSetB.xml'), 'application/xml', 'async=true&strategy=NEW_AND_UPDATES&preheatCache=false');
    expect(result.status).toBe(200);
    expect(result.response.headers.get('location')).toBe(`${sim.url}/api/system/tasks/DATAVALUE_IMPORT`);
    const body = result.body;
    expect(Object.keys(body)).toEqual(['httpStatus', 'httpStatusCode', 'status', 'message', 'response']);
    expect(body['message']).toMatch(/^Initiated DATAVALUE_IMPORT \(\d{13}\)$/);
    const response = body['response'] as Record<string, unknown>;
    expect(Object.keys(response)).toEqual(['name', 'id', 'created', 'jobType', 'jobStatus', 'jobParameters', 'relativeNotifierEndpoint', 'responseType']);
    expect(response).toMatchObject({
      name: String(body['message']).replace('Initiated ', ''),
      jobType: 'DATAVALUE_IMPORT',
      jobStatus: 'NOT_STARTED',
      relativeNotifierEndpoint: `/api/system/tasks/DATAVALUE_IMPORT/${String(response['id'])}`,
      responseType: 'JobConfiguration',
      jobParameters: expect.objectContaining({
        idSchemes: {},
        dryRun: false,
        preheatCache: false,
        async: true,
        importStrategy: 'NEW_AND_UPDATES',
        firstRowIsHeader: true,
      }) as unknown,
    });
    expect(response['created']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    await completed(String(response['id']));
  });

  it('reports the 2.41 notification sequence newest first and then the bare summary', async () => {
    const job = await kickoff(xml('dataValueSetB.xml'));
    const notifications = await completed(job.id);
    expect(notifications.map((n) => n.message)).toEqual([
      'Import complete with status SUCCESS, 12 created, 0 updated, 0 deleted, 0 ignored',
      'Importing data...',
      'Loading file content',
      'Loading file resource',
      'Data value set import',
    ]);
    expect(notifications.map((n) => n.completed)).toEqual([true, false, false, false, false]);
    expect(new Set(notifications.map((n) => `${n.level}/${n.category}`))).toEqual(new Set(['INFO/DATAVALUE_IMPORT']));
    const times = notifications.map((n) => n.time);
    expect([...times].sort().reverse()).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
    const first = notifications[4];
    expect(first).toMatchObject({
      dataType: 'PARAMETERS',
      data: expect.objectContaining({ async: true, preheatCache: null, filename: null, notificationLevel: null, dataSet: null }) as unknown,
    });
    expect(first?.uid).toBe(first?.id);
    const { status, text } = await summary(job.id);
    expect(status).toBe(200);
    const bare = JSON.parse(text) as Summary & { responseType: string };
    expect(bare).toMatchObject({
      responseType: 'ImportSummary',
      status: 'SUCCESS',
      importCount: { imported: 12, updated: 0, ignored: 0, deleted: 0 },
      importOptions: { async: true },
    });
    expect(sim.dataValues()).toHaveLength(12);
    const byType = (await getJson(`${sim.url}/api/system/tasks/DATAVALUE_IMPORT`)).body as Record<string, unknown[]>;
    expect(byType[job.id]).toHaveLength(5);
    const summaries = (await getJson(`${sim.url}/api/system/taskSummaries/DATAVALUE_IMPORT`)).body as Record<string, unknown>;
    expect(summaries[job.id]).toEqual(bare);
  });

  it('gives [] and an empty summary for jobs it does not know, and 400 for a malformed job id', async () => {
    expect(await tasks('abcdefghijk')).toEqual([]);
    expect(await summary('abcdefghijk')).toEqual({ status: 200, text: '' });
    const bad = await getJson(`${sim.url}/api/system/tasks/DATAVALUE_IMPORT/nope`);
    expect(bad.status).toBe(400);
  });

  it('runs jobs of one type one after another; a queued job has no notifications and no summary yet', async () => {
    const big = await kickoff(manyValues(60_000), 'application/json');
    const small = await kickoff(xml('dataValueSetA.xml'));
    expect(await tasks(small.id)).toEqual([]);
    expect(await summary(small.id)).toEqual({ status: 200, text: '' });
    // The server keeps answering while the job imports.
    const started = Date.now();
    const ping = await fetch(`${sim.url}/api/system/ping`, { headers: { Authorization: ADMIN_BASIC } });
    expect(await ping.text()).toBe('pong');
    expect(Date.now() - started).toBeLessThan(1000);
    const bigDone = await completed(big.id);
    expect(bigDone[0]?.message).toBe('Import complete with status SUCCESS, 60000 created, 0 updated, 0 deleted, 0 ignored');
    await completed(small.id);
    const bigTime = Date.parse(`${bigDone[0]?.time ?? ''}Z`);
    const smallStart = Date.parse(`${(await tasks(small.id)).at(-1)?.time ?? ''}Z`);
    expect(smallStart).toBeGreaterThanOrEqual(bigTime);
  });

  it('forgets jobs on a simulated restart while the stored values stay', async () => {
    const job = await kickoff(xml('dataValueSetB.xml'));
    await completed(job.id);
    const restart = await fetch(`${sim.url}/__sim/restart-server`, { method: 'POST' });
    expect(restart.status).toBe(200);
    expect(await tasks(job.id)).toEqual([]);
    expect(await summary(job.id)).toEqual({ status: 200, text: '' });
    expect(sim.dataValues()).toHaveLength(12);
  });

  it('stops a running job on restart: no more notifications, no summary', async () => {
    const job = await kickoff(manyValues(60_000, 5000), 'application/json');
    await waitFor(() => (sim.state.tasks.get(job.id)?.notifications.length ?? 0) > 0, 5000);
    sim.restartServer();
    await sim.idle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await tasks(job.id)).toEqual([]);
    expect(await summary(job.id)).toEqual({ status: 200, text: '' });
    expect(sim.dataValues().length).toBeLessThan(60_000);
  });

  it('can fail midway with an ERROR summary, keeping the batches already written', async () => {
    sim.failNextAsyncJob({ afterValues: 5000 });
    const job = await kickoff(manyValues(8000), 'application/json');
    const notifications = await completed(job.id);
    expect(notifications[0]).toMatchObject({
      level: 'INFO',
      completed: true,
      message: 'Import complete with status ERROR, 0 created, 0 updated, 0 deleted, 0 ignored',
    });
    const failed = JSON.parse((await summary(job.id)).text) as Summary;
    expect(failed).toEqual({
      responseType: 'ImportSummary',
      status: 'ERROR',
      description: 'The import process failed: Connection to the database was lost (injected by dhis2-sim)',
      importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
      conflicts: [],
      rejectedIndexes: [],
    });
    const kept = sim.dataValues().length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(5000);
    // A second try of the same payload imports the rest and ignores what is already there.
    const retry = await kickoff(manyValues(8000), 'application/json');
    await completed(retry.id);
    const retried = JSON.parse((await summary(retry.id)).text) as Summary;
    expect(retried.importCount).toEqual({ imported: 8000 - kept, updated: 0, ignored: kept, deleted: 0 });
    expect(sim.dataValues()).toHaveLength(8000);
    expect(sim.dataValuePosts().find((p) => p.count === 2)).toMatchObject({ async: true, statuses: [200, 200] });
  });

  it('can crash the job itself: an ERROR notification and no summary', async () => {
    await fetch(`${sim.url}/__sim/fail-async-job`, { method: 'POST', body: JSON.stringify({ afterValues: 0, mode: 'crash', message: 'OutOfMemoryError' }) });
    const job = await kickoff(xml('dataValueSetB.xml'));
    const notifications = await completed(job.id);
    expect(notifications[0]).toMatchObject({ level: 'ERROR', completed: true, message: 'Process failed: OutOfMemoryError' });
    expect(await summary(job.id)).toEqual({ status: 200, text: '' });
  });

  it('keeps no summary with notificationLevel=OFF', async () => {
    const job = await kickoff(xml('dataValueSetA.xml'), 'application/xml', 'notificationLevel=OFF');
    await completed(job.id);
    expect(await summary(job.id)).toEqual({ status: 200, text: '' });
  });

  it('reports ADX jobs with the ADX service messages and notificationLevel OFF in the summary options', async () => {
    const adx = await startSimulator();
    try {
      adx.seedMetadata(adxSeed());
      const result = await postDataValues(adx, fixture('datavalues/adx/importDates.adx.xml'), 'application/adx+xml', 'async=true&idScheme=UID');
      const id = (result.body['response'] as Kickoff).id;
      const notifications = await completed(id, adx);
      expect(notifications.map((n) => n.message)).toEqual([
        'Import complete with status SUCCESS, 1 created, 0 updated, 0 deleted, 0 ignored',
        'ADX data import done',
        'Starting to import ADX data groups.',
        'ADX parsing process started',
      ]);
      expect(JSON.parse((await summary(id, adx)).text)).toMatchObject({
        importOptions: { notificationLevel: 'OFF', idSchemes: { idScheme: { type: 'UID' } } },
      });
    } finally {
      await adx.close();
    }
  });
});

describe('dropNext', () => {
  it('stores the values and then loses the answer; a retry finds them all and ignores them', async () => {
    sim.dropNext({ path: '/api/dataValueSets' });
    const error = await fetchError(
      fetch(`${sim.url}/api/41/dataValueSets`, {
        method: 'POST',
        headers: { Authorization: ADMIN_BASIC, 'Content-Type': 'application/xml' },
        body: xml('dataValueSetB.xml'),
      }),
    );
    expect(error.message).toBe('fetch failed');
    expect(sim.dataValues()).toHaveLength(12);
    expect(sim.requests.at(-1)).toMatchObject({ status: 0 });
    const retry = await postDataValues(sim, xml('dataValueSetB.xml'), 'application/xml');
    expect((retry.body['response'] as Summary).importCount).toEqual({ imported: 0, updated: 0, ignored: 12, deleted: 0 });
    expect(sim.dataValues()).toHaveLength(12);
  });
});
