import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MD_ERROR_CODE_ORDER, MD_ERROR_CODES } from './md-report';
import { MD_FIXTURES, mdFixture, postMetadata, reportOf } from './md-test-support';
import { startSimulator, type Simulator } from './server';
import { getJson } from './test-support';

let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator();
  sim.seedMetadata({ userGroups: [{ id: 'ugabcdefghA', name: 'UserGroupA' }] });
});
afterEach(async () => {
  await sim.close();
});

interface Notification {
  uid: string;
  level: string;
  category: string;
  message: string;
  completed: boolean;
  dataType?: string;
  data?: Record<string, unknown>;
}

async function kickoff(
  body: string,
  query = '',
  contentType = 'application/json',
): Promise<{ id: string; response: Record<string, unknown>; location: string | null }> {
  const posted = await postMetadata(sim, body, `async=true${query ? `&${query}` : ''}`, { contentType });
  expect(posted.status).toBe(200);
  const response = posted.body['response'] as Record<string, unknown>;
  return { id: String(response['id']), response, location: posted.headers.get('location') };
}

async function tasks(id: string): Promise<Notification[]> {
  return (await getJson(`${sim.url}/api/system/tasks/METADATA_IMPORT/${id}`)).body as Notification[];
}

describe('async=true: a METADATA_IMPORT job', () => {
  it('answers with the JobConfiguration, then notifications newest first and the ImportReport as summary', async () => {
    const posted = await postMetadata(sim, mdFixture('metadata/json/de_create_and_update1.json'), 'async=true&importReportMode=FULL');
    expect(posted.body).toMatchObject({ httpStatus: 'OK', httpStatusCode: 200, status: 'OK' });
    expect(String(posted.body['message'])).toMatch(/^Initiated METADATA_IMPORT \(\d+\)$/);
    const response = posted.body['response'] as Record<string, unknown>;
    expect(response).toMatchObject({ jobType: 'METADATA_IMPORT', jobStatus: 'NOT_STARTED', responseType: 'JobConfiguration' });
    expect(response['relativeNotifierEndpoint']).toBe(`/api/system/tasks/METADATA_IMPORT/${String(response['id'])}`);
    expect(response['jobParameters']).toMatchObject({ importStrategy: 'CREATE_AND_UPDATE', importReportMode: 'FULL', async: true });
    expect(posted.headers.get('location')).toBe(`${sim.url}/api/system/tasks/METADATA_IMPORT`);

    await sim.idle();
    const id = String(response['id']);
    const notifications = await tasks(id);
    const newest = notifications[0];
    expect(newest).toMatchObject({
      level: 'INFO',
      category: 'METADATA_IMPORT',
      completed: true,
      message: 'Import complete with status OK, 4 created, 0 updated, 0 deleted, 0 ignored',
    });
    const messages = notifications.map((n) => n.message).reverse();
    expect(messages.slice(0, 7)).toEqual([
      'Metadata import started',
      'Loading file resource',
      'Loading file content',
      'Running preCreateBundle',
      'Creating bundle',
      'Running postCreateBundle',
      'Validating bundle',
    ]);
    expect(messages).toContain('Creating 4 DataElement object(s) as admin');
    const first = notifications[notifications.length - 1];
    expect(first?.dataType).toBe('PARAMETERS');
    expect(first?.data).toMatchObject({ user: null, overrideUser: null, filename: null, csvImportClass: null, async: true });

    const summary = (await getJson(`${sim.url}/api/system/taskSummaries/METADATA_IMPORT/${id}`)).body as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual(['importParams', 'status', 'stats', 'typeReports']);
    expect(summary).toMatchObject({ status: 'OK', stats: { created: 4, total: 4 }, importParams: { importReportMode: 'FULL', async: true } });
    expect(sim.state.metadata.list('dataElements')).toHaveLength(4);
  });

  it('ends an import with status ERROR on an ERROR notification', async () => {
    const { id } = await kickoff(mdFixture('metadata/json/de_validate2.json'));
    await sim.idle();
    expect((await tasks(id))[0]).toMatchObject({
      level: 'ERROR',
      completed: true,
      message: 'Import complete with status ERROR, 0 created, 0 updated, 0 deleted, 4 ignored',
    });
    const summary = (await getJson(`${sim.url}/api/system/taskSummaries/METADATA_IMPORT/${id}`)).body as Record<string, unknown>;
    expect(summary['status']).toBe('ERROR');
  });

  it('a body that is not JSON fails the job with the parse error and leaves no summary', async () => {
    const { id } = await kickoff('{"dataElements": [');
    await sim.idle();
    const [newest] = await tasks(id);
    expect(newest).toMatchObject({ level: 'ERROR', completed: true });
    expect(newest?.message).toMatch(/^Unexpected end-of-input/);
    const summary = await fetch(`${sim.url}/api/system/taskSummaries/METADATA_IMPORT/${id}`, { headers: { Authorization: 'Basic YWRtaW46ZGlzdHJpY3Q=' } });
    expect(await summary.text()).toBe('');
  });

  it('runs CSV imports too; the classKey is checked before the job starts', async () => {
    const { id, response } = await kickoff(mdFixture('metadata/csv/organisationUnits.csv'), 'classKey=ORGANISATION_UNIT', 'application/csv');
    expect(response['jobParameters']).toMatchObject({ csvImportClass: 'ORGANISATION_UNIT' });
    await sim.idle();
    expect((await tasks(id))[0]?.message).toBe('Import complete with status OK, 6 created, 0 updated, 0 deleted, 0 ignored');
    const refused = await postMetadata(sim, 'x', 'async=true', { contentType: 'application/csv' });
    expect(refused.status).toBe(409);
  });

  it('a crash inside the job (legacy strategy name) fails the process', async () => {
    const { id } = await kickoff(mdFixture('metadata/json/de_create_and_update1.json'), 'importStrategy=NEW');
    await sim.idle();
    expect((await tasks(id))[0]).toMatchObject({
      level: 'ERROR',
      completed: true,
      message: 'Process failed: Cannot invoke "java.util.List.iterator()" because "validationChecks" is null',
    });
  });
});

describe('ErrorCode templates', () => {
  it('match the 2.41 ErrorCode enum, in its declaration order', () => {
    const lines = readFileSync(join(MD_FIXTURES, 'reference/error_codes_2.41.tsv'), 'utf8').split('\n');
    const tsv = new Map(lines.map((line) => line.split('\t') as [string, string]));
    for (const [code, template] of Object.entries(MD_ERROR_CODES)) expect(template, code).toBe(tsv.get(code));
    const order = lines.map((line) => line.split('\t')[0]).filter((code) => code !== undefined && code in MD_ERROR_CODES);
    expect(MD_ERROR_CODE_ORDER).toEqual(order);
  });

  it('the sync report of the same import equals the job summary without importParams', async () => {
    const sync = reportOf(await postMetadata(sim, mdFixture('metadata/json/de_validate2.json'), 'importMode=VALIDATE'));
    const { id } = await kickoff(mdFixture('metadata/json/de_validate2.json'), 'importMode=VALIDATE');
    await sim.idle();
    const summary = (await getJson(`${sim.url}/api/system/taskSummaries/METADATA_IMPORT/${id}`)).body as Record<string, unknown>;
    const { responseType: _responseType, ...rest } = sync;
    expect({ status: summary['status'], stats: summary['stats'], typeReports: summary['typeReports'] }).toEqual(rest);
  });
});
