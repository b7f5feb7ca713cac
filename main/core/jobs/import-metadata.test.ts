import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Core } from '../core';
import type { FileRef, Job, JobProgress } from '../../../shared/jobs';
import { ImportMetadataParams, type ImportMetadataParamsInput, type ImportMetadataResult } from '../../../shared/metadata-import';
import { flattenErrors } from '../../../shared/import-report';
import { startSimulator, type Simulator } from '../../../e2e/dhis2-sim/server';
import { tempDir, waitFor } from '../test/helpers';
import { closeSimulated, coreAgainstSimulator } from './testing';
import { Dhis2Client } from '../dhis2/client';
import { defaultsExport, indexFromExport, metadataFixture } from '../metadata-import/testing';
import { importMetadataJob } from './import-metadata';
import type { JobContext } from './plugin';

const element = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  shortName: name,
  code: name.toUpperCase().replace(/\W+/g, '_'),
  valueType: 'NUMBER',
  domainType: 'AGGREGATE',
  aggregationType: 'SUM',
  ...extra,
});

const SERVER_METADATA = { ...defaultsExport(), dataElements: [element('DeOnServer1', 'Already there')] };
const BAD = { dataElements: [element('DeNewAaaaa1', 'ANC first visit'), element('DeNewBbbbb2', 'ANC second visit', { categoryCombo: { id: 'NoSuchCombo' } })] };
const GOOD = {
  dataElements: [element('DeNewAaaaa1', 'ANC first visit'), element('DeNewBbbbb2', 'ANC second visit', { categoryCombo: { id: 'bjDvmb4bfuf' } })],
};

const TERMINAL = new Set(['done', 'failed', 'needs-attention', 'cancelled']);

describe('import-metadata job against the simulator', () => {
  let sim: Simulator;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;

  beforeEach(async () => {
    ({ sim, dir, core } = await coreAgainstSimulator(SERVER_METADATA, 'server-metadata.json'));
  });
  afterEach(() => closeSimulated({ core, sim, dir }));

  const store = (name: string, content: string | Buffer) => core.files.put(Readable.from([Buffer.from(content)]), name);
  const run = async (file: FileRef, params: ImportMetadataParamsInput = {}): Promise<Job> => {
    const job = core.runner.create({ type: 'import-metadata', params, files: [file] });
    core.startBackground();
    await waitFor(() => TERMINAL.has(core.jobs.get(job.id)!.state), 'the import to finish', 60_000);
    return core.jobs.get(job.id)!;
  };
  const onServer = (id: string) => sim.state.metadata.get('dataElements', id);

  it('a file with an unresolved reference: the offline check and the server name the same error; nothing is saved', async () => {
    const job = await run(await store('bad.json', JSON.stringify(BAD, null, 2)));
    expect(job.state).toBe('done');
    const result = job.result as ImportMetadataResult;
    expect(result.check!.report.status).toBe('ERROR');
    expect(result.server.status).toBe('ERROR');
    const predicted = flattenErrors(result.check!.report).map(({ error }) => [error.errorCode, error.message]);
    const actual = flattenErrors(result.server).map(({ error }) => [error.errorCode, error.message]);
    expect(predicted).toEqual([
      ['E5002', 'Invalid reference [NoSuchCombo] (CategoryCombo) on object ANC second visit [DeNewBbbbb2] (DataElement) for association `categoryCombo`'],
    ]);
    expect(actual).toEqual(predicted);
    // DHIS2 counts one more "ignored" per type with reference errors under atomicMode ALL; the prediction counts alike.
    expect(result.server.stats).toMatchObject({ created: 0, ignored: 3 });
    expect(result.check!.report.stats).toEqual(result.server.stats);
    expect(onServer('DeNewAaaaa1')).toBeUndefined();
    expect(result.metadataSync).toBe('not-needed');
    const log = core.jobLog.list(job.id).map((entry) => entry.message);
    expect(log.some((message) => /^Offline check of 2 objects .*: ERROR, 1 error predicted\./.test(message))).toBe(true);
    expect(log.some((message) => message.startsWith('Server: ERROR; 0 created'))).toBe(true);
  });

  it('the fixed file imports, and a metadata sync is queued so offline checks catch up', async () => {
    const job = await run(await store('good.json', JSON.stringify(GOOD)));
    const result = job.result as ImportMetadataResult;
    expect(result.server.status).toBe('OK');
    expect(result.server.stats).toMatchObject({ created: 2, ignored: 0 });
    expect(result.check!.preview.types[0]).toMatchObject({ type: 'dataElements', create: 2, update: 0 });
    expect(onServer('DeNewAaaaa1')).toMatchObject({ name: 'ANC first visit' });
    expect(result.metadataSync).toBe('queued');
    expect(core.jobs.list({ types: ['sync-metadata'], limit: 10, offset: 0 }).jobs).toHaveLength(1);
    expect(core.jobLog.list(job.id).some((entry) => /metadata sync queued/.test(entry.message))).toBe(true);
  });

  it('a server job that crashed without a report: Retry sends the file again instead of following the dead job forever', async () => {
    sim.failNextAsyncJob({ mode: 'crash', jobType: 'METADATA_IMPORT' });
    const file = await store('good.json', JSON.stringify(GOOD));
    const job = await run(file);
    expect(job.state).toBe('needs-attention');
    expect(job.error?.message).toMatch(/ended without a result: Process failed: Job crashed/);
    expect(onServer('DeNewAaaaa1')).toBeUndefined();
    core.runner.retry(job.id);
    await waitFor(() => TERMINAL.has(core.jobs.get(job.id)!.state), 'the retried import to finish', 60_000);
    const retried = core.jobs.get(job.id)!;
    expect(retried.state).toBe('done');
    const result = retried.result as ImportMetadataResult;
    expect(result.server.status).toBe('OK');
    expect(result.recovered).toMatch(/ended without a report/);
    expect(onServer('DeNewAaaaa1')).toMatchObject({ name: 'ANC first visit' });
  }, 60_000);

  it('a dry run asks the server to validate and saves nothing', async () => {
    const job = await run(await store('good.json', JSON.stringify(GOOD)), { dryRun: true });
    const result = job.result as ImportMetadataResult;
    expect(result.dryRun).toBe(true);
    expect(result.server.status).toBe('OK');
    expect(onServer('DeNewAaaaa1')).toBeUndefined();
    expect(result.metadataSync).toBe('not-needed');
    const post = sim.requests.find((request) => request.method === 'POST' && request.path.startsWith('/api/metadata'))!;
    expect(post.path).toContain('importMode=VALIDATE');
  });

  it('sends every option as DHIS2 reads it (atomicMode NONE saves objects with a bad reference, without it)', async () => {
    const job = await run(await store('bad.json', JSON.stringify(BAD)), { atomicMode: 'NONE', importReportMode: 'FULL', skipSharing: true });
    const result = job.result as ImportMetadataResult;
    // A bad reference does not stop an object: DHIS2 drops the reference and saves the object.
    expect(result.server.status).toBe('WARNING');
    expect(result.server.stats).toMatchObject({ created: 2, ignored: 0 });
    expect(result.check!.report.status).toBe('WARNING');
    expect(result.check!.report.stats).toEqual(result.server.stats);
    expect(result.check!.preview.items.map((item) => item.action)).toEqual(['create', 'create']);
    const post = sim.requests.find((request) => request.method === 'POST' && request.path.startsWith('/api/metadata'))!;
    for (const part of [
      'atomicMode=NONE',
      'importReportMode=FULL',
      'skipSharing=true',
      'identifier=UID',
      'importStrategy=CREATE_AND_UPDATE',
      'async=true',
      'mergeMode=REPLACE',
    ]) {
      expect(post.path).toContain(part);
    }
  });

  it('DXF2 XML goes as JSON, and CSV with its class key', async () => {
    const xml = await run(await store('render_metadata.xml', readFileSync(metadataFixture('xml', 'render_metadata.xml'))));
    // The tiny XML lacks required fields: the server says so in the same words as the offline check.
    const xmlResult = xml.result as ImportMetadataResult;
    expect(flattenErrors(xmlResult.server).map(({ error }) => error.message)).toEqual(flattenErrors(xmlResult.check!.report).map(({ error }) => error.message));
    const csv = await run(await store('organisationUnits.csv', readFileSync(metadataFixture('csv', 'organisationUnits.csv'))), {
      format: 'csv',
      classKey: 'ORGANISATION_UNIT',
    });
    const csvResult = csv.result as ImportMetadataResult;
    expect(csvResult.server.stats.created).toBe(6);
    expect(sim.state.metadata.get('organisationUnits', 'a1234567890')).toMatchObject({ name: 'Root' });
  });

  it('a JSON file goes gzipped (2.41 sniffs gzip in a JSON metadata body), a few bytes on the wire for many objects', async () => {
    const many = { dataElements: Array.from({ length: 300 }, (_, i) => element(`DeMany${String(i).padStart(5, '0')}`, `Many element ${i}`)) };
    const text = JSON.stringify(many, null, 2);
    sim.resetTraffic();
    const job = await run(await store('many.json', text));
    expect((job.result as ImportMetadataResult).server.stats.created).toBe(300);
    expect(sim.traffic().bytesIn).toBeLessThan(text.length / 4);
  });

  it('without a server job (async off) the report comes with the answer', async () => {
    const job = await run(await store('good.json', JSON.stringify(GOOD)), { async: false });
    expect((job.result as ImportMetadataResult).server.stats.created).toBe(2);
    const post = sim.requests.find((request) => request.method === 'POST' && request.path.startsWith('/api/metadata'))!;
    expect(post.path).toContain('async=false');
    expect(sim.requests.some((request) => request.path.startsWith('/api/system/tasks'))).toBe(false);
  });

  it('a file the app cannot read needs attention before anything is sent', async () => {
    const job = await run(await store('broken.json', '{"dataElements": [{"id": "x",}]}'));
    expect(job.state).toBe('needs-attention');
    expect(job.error?.message).toMatch(/"broken.json" line 1: this is not valid JSON/);
    expect(sim.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
  });
});

describe('import-metadata job: interrupted and resumed', () => {
  let sim: Simulator;
  let dir: ReturnType<typeof tempDir>;
  let client: Dhis2Client;

  beforeEach(async () => {
    sim = await startSimulator({ port: 0 });
    sim.seedMetadata(SERVER_METADATA, { replace: true });
    dir = tempDir();
    client = new Dhis2Client({ baseUrl: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
  });
  afterEach(async () => {
    await sim.close();
    dir.remove();
  });

  interface Run {
    checkpoint: unknown;
    log: string[];
    result: ImportMetadataResult;
  }

  /** Runs the plugin with a hand-held context: the checkpoint survives between runs as the database would keep it. */
  async function runPlugin(
    params: ImportMetadataParamsInput,
    content: string,
    checkpoint: unknown = null,
    stopWhen?: (value: unknown) => boolean,
  ): Promise<Run> {
    const path = join(dir.path, 'file.json');
    writeFileSync(path, content);
    const log: string[] = [];
    let saved: unknown = checkpoint;
    const controller = new AbortController();
    onSaved = () => saved;
    const plugin = importMetadataJob({
      indexFor: () => indexFromExport(SERVER_METADATA),
      requestSync: () => ({ id: 'sync-job-id' }) as Job,
      poll: { firstDelayMs: 20, maxDelayMs: 50, lostAfterMs: 400 },
    });
    const parsed = ImportMetadataParams.parse(params);
    const ctx: JobContext<ImportMetadataParams> = {
      job: { id: 'job', serverId: 'server' } as Job,
      params: parsed,
      signal: controller.signal,
      files: [{ ref: { sha256: 'a'.repeat(64), name: 'file.json', size: content.length }, path }],
      checkpoint: <T>() => saved as T,
      saveCheckpoint: (value: unknown, _progress?: JobProgress, message?: string) => {
        if (controller.signal.aborted) throw controller.signal.reason;
        saved = value;
        if (message) log.push(message);
        if (stopWhen?.(value)) controller.abort(new Error('app killed'));
      },
      progress: () => undefined,
      log: (_level, message) => log.push(message),
      setPhase: () => {
        if (controller.signal.aborted) throw controller.signal.reason;
      },
      server: async () => client,
    };
    try {
      const result = (await plugin.run(ctx)) as ImportMetadataResult;
      return { checkpoint: saved, log, result };
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      return { checkpoint: saved, log, result: null as unknown as ImportMetadataResult };
    }
  }

  /** The checkpoint the last run left, also when it threw. */
  let onSaved: () => unknown = () => null;

  const submitted = (value: unknown) => (value as { state?: string } | null)?.state === 'submitted';
  const commits = () => sim.requests.filter((request) => request.method === 'POST' && request.path.includes('importMode=COMMIT')).length;

  it('a restart after the server took the file follows its job instead of sending again', async () => {
    const first = await runPlugin({}, JSON.stringify(GOOD), null, submitted);
    expect(first.checkpoint).toMatchObject({ state: 'submitted', jobType: 'METADATA_IMPORT' });
    await sim.idle();
    const second = await runPlugin({}, JSON.stringify(GOOD), first.checkpoint);
    expect(second.result.server.stats.created).toBe(2);
    expect(second.result.recovered).toBeNull();
    expect(second.log[0]).toMatch(/^Offline check/);
    expect(second.log).toContain(`Following server job ${(first.checkpoint as { jobId: string }).jobId}, which an earlier attempt started.`);
    expect(commits()).toBe(1);
  });

  it('a task lost to a server restart: CREATE_AND_UPDATE is sent again and says so', async () => {
    const first = await runPlugin({}, JSON.stringify(GOOD), null, submitted);
    await sim.idle();
    sim.restartServer();
    const second = await runPlugin({}, JSON.stringify(GOOD), first.checkpoint);
    expect(second.result.recovered).toMatch(/no longer knows import job .* The file was sent again, which is safe with CREATE_AND_UPDATE/);
    expect(second.result.server.status).toBe('OK');
    expect(second.result.server.stats).toMatchObject({ created: 0, updated: 2 });
    expect(commits()).toBe(2);
  });

  it('CREATE whose outcome is unknown is re-checked with a dry run and not sent twice when it went through', async () => {
    const first = await runPlugin({ importStrategy: 'CREATE' }, JSON.stringify(GOOD), null, submitted);
    await sim.idle();
    expect(sim.state.metadata.get('dataElements', 'DeNewAaaaa1')).toBeDefined();
    const second = await runPlugin({ importStrategy: 'CREATE' }, JSON.stringify(GOOD), { ...(first.checkpoint as object), state: 'sending' });
    expect(second.result.recovered).toMatch(
      /A re-check shows every object already exists on the server, so the earlier send went through; it was not sent again/,
    );
    expect(commits()).toBe(1);
    expect(flattenErrors(second.result.server).every(({ error }) => error.errorCode === 'E5000')).toBe(true);
  });

  it('CREATE that never reached the server is re-checked, then sent', async () => {
    const second = await runPlugin({ importStrategy: 'CREATE' }, JSON.stringify(GOOD), {
      version: 1,
      state: 'sending',
      attempt: 1,
      at: '2024-01-01T00:00:00Z',
      validateOnly: false,
    });
    expect(second.result.recovered).toMatch(/had not been applied, so the file was sent again/);
    expect(second.result.server.stats.created).toBe(2);
    expect(commits()).toBe(1);
  });

  it('CREATE refused before DHIS2 read it (413) leaves no unknown outcome: the next try sends it without a dry-run re-check', async () => {
    sim.failNext({ status: 413, path: '/api/metadata' });
    await expect(runPlugin({ importStrategy: 'CREATE' }, JSON.stringify(GOOD))).rejects.toThrow(/413|too large/i);
    expect(onSaved()).toBeNull();
    const second = await runPlugin({ importStrategy: 'CREATE' }, JSON.stringify(GOOD), onSaved());
    expect(second.result.recovered).toBeNull();
    expect(second.result.server.stats.created).toBe(2);
    expect(sim.requests.filter((request) => request.path.includes('importMode=VALIDATE'))).toHaveLength(0);
  });
});
