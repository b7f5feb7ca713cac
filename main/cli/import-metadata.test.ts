import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './index';
import { captureOutput as capture } from './capture-output';
import { tempDir } from '../core/test/helpers';
import { defaultsExport } from '../core/metadata-import/testing';
import { startSimulator } from '../../e2e/dhis2-sim/server';

const element = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  shortName: name,
  valueType: 'NUMBER',
  domainType: 'AGGREGATE',
  aggregationType: 'SUM',
  ...extra,
});

describe('dhis2-ie import metadata (offline part)', () => {
  let dir: ReturnType<typeof tempDir>;
  const run = async (...argv: string[]) => {
    const output = capture();
    const code = await runCli([...argv, '--data-dir', join(dir.path, 'data')], output);
    return { code, ...output };
  };

  beforeEach(async () => {
    dir = tempDir();
    writeFileSync(join(dir.path, 'offline.json'), JSON.stringify({ ...defaultsExport(), dataElements: [element('DeAaaaaaaa1', 'ANC 1')] }));
    writeFileSync(
      join(dir.path, 'new.json'),
      JSON.stringify({ dataElements: [element('DeAaaaaaaa1', 'ANC 1'), element('DeBbbbbbbb2', 'ANC 2', { categoryCombo: { id: 'NoSuchCombo' } })] }, null, 1),
    );
    expect((await run('metadata', 'load', join(dir.path, 'offline.json'))).code).toBe(0);
  });
  afterEach(() => dir.remove());

  it('says how much could not be checked offline when the file refers to kinds the offline copy does not hold', async () => {
    // offline.json holds no legend sets: a reference to one can be neither confirmed nor refused here.
    writeFileSync(join(dir.path, 'legend.json'), JSON.stringify({ dataElements: [element('DeCccccccc3', 'ANC 3', { legendSets: [{ id: 'LegendSet01' }] })] }));
    const result = await run('import', 'metadata', join(dir.path, 'legend.json'), '--dry-run');
    expect(result.stdout).toMatch(/legend\.json: 1 object; offline check OK for what could be checked \(\d+ not checkable offline\)/);
    expect(result.stdout).toMatch(/note: .*[Ll]egend/);
  });

  it('prints the prediction with lines and what would change, then queues the job with the options given', async () => {
    const result = await run('import', 'metadata', join(dir.path, 'new.json'), '--atomic-mode', 'none', '--identifier', 'uid');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/new\.json: 2 objects; offline check WARNING/);
    expect(result.stdout).toMatch(/data elements\s+1\s+1\s+0\s+0\s+0/);
    expect(result.stdout).toMatch(/E5002 {2}line 11 {2}Invalid reference \[NoSuchCombo\] \(CategoryCombo\) on object ANC 2 \[DeBbbbbbbb2\] \(DataElement\)/);
    expect(result.stdout).toMatch(/Queued "new.json" as job/);
    const jobs = JSON.parse((await run('jobs', '--type', 'import-metadata', '--json')).stdout) as {
      jobs: Array<{ params: Record<string, unknown>; state: string }>;
    };
    expect(jobs.jobs).toHaveLength(1);
    expect(jobs.jobs[0]!.params).toMatchObject({ atomicMode: 'NONE', identifier: 'UID', importStrategy: 'CREATE_AND_UPDATE', async: true, dryRun: false });
  });

  it('--json gives the job and the whole offline check', async () => {
    const result = await run('import', 'metadata', join(dir.path, 'new.json'), '--dry-run', '--json');
    const parsed = JSON.parse(result.stdout) as { job: { title: string }; check: { report: { status: string }; preview: { items: unknown[] } } };
    expect(parsed.job.title).toBe('Dry run of new.json');
    expect(parsed.check.report.status).toBe('ERROR');
    expect(parsed.check.preview.items).toHaveLength(2);
  });

  it('refuses to delete without --yes, and takes a dry run of a delete without it', async () => {
    const refused = await run('import', 'metadata', join(dir.path, 'new.json'), '--import-strategy', 'DELETE');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/needs --yes/);
    expect((await run('import', 'metadata', join(dir.path, 'new.json'), '--import-strategy', 'DELETE', '--dry-run')).code).toBe(0);
    const confirmed = await run('import', 'metadata', join(dir.path, 'new.json'), '--import-strategy', 'DELETE', '--yes');
    expect(confirmed.stdout).toMatch(/Queued the deletion of the objects in "new.json"/);
  });

  it('bad flags and unreadable files in one line', async () => {
    const bad = await run('import', 'metadata', join(dir.path, 'new.json'), '--atomic-mode', 'SOMETIMES');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--atomic-mode/);
    const csv = await run('import', 'metadata', join(dir.path, 'new.json'), '--format', 'csv');
    expect(csv.stderr).toMatch(/--class-key A class key must be selected/);
    writeFileSync(join(dir.path, 'broken.json'), '{"dataElements": [}');
    const broken = await run('import', 'metadata', join(dir.path, 'broken.json'));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/"broken.json" line 1: this is not valid JSON/);
    expect((await run('jobs', '--type', 'import-metadata', '--json')).stdout).toMatch(/"jobs": \[\]/);
  });

  it('flush sends the queued import to the server and the job ends with its report', async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      sim.seedMetadata({ ...defaultsExport(), dataElements: [element('DeAaaaaaaa1', 'ANC 1')] }, { replace: true });
      expect((await run('server', 'add', '--name', 'Sim', '--url', sim.url, '--username', 'admin', '--password', 'district')).code).toBe(0);
      expect((await run('import', 'metadata', join(dir.path, 'new.json'), '--atomic-mode', 'NONE')).code).toBe(0);
      const flushed = await run('flush', '--wait', '--timeout', '60');
      expect(flushed.stdout).toMatch(/Completed\s+new\.json/);
      const jobs = JSON.parse((await run('jobs', '--type', 'import-metadata', '--json')).stdout) as {
        jobs: Array<{ result: { server: { status: string; stats: { created: number; updated: number } }; metadataSync: string } }>;
      };
      expect(jobs.jobs[0]!.result.server).toMatchObject({ status: 'WARNING', stats: { created: 1, updated: 1 } });
      expect(jobs.jobs[0]!.result.metadataSync).toBe('queued');
      expect(sim.state.metadata.get('dataElements', 'DeBbbbbbbb2')).toMatchObject({ name: 'ANC 2' });
    } finally {
      await sim.close();
    }
  });
});
