import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliSandbox, type CliSandbox } from './testing/sandbox';
import type { MetadataStatus } from '../../shared/contract';
import type { Job } from '../../shared/jobs';

describe('dhis2-ie export metadata, export metadata-dependencies', () => {
  let box: CliSandbox;
  let out: string;
  const run = (dataDir: string, ...argv: string[]) => box.run(dataDir, ...argv);

  beforeEach(async () => {
    box = await cliSandbox();
    out = join(box.path, 'usb');
    mkdirSync(out);
    expect((await box.addServer('office')).code).toBe(0);
  });
  afterEach(() => box.close());

  it('exports the named types into the folder', async () => {
    const done = await run(
      'office',
      'export',
      'metadata',
      '--types',
      'dataSets,dataElements',
      '--types',
      'organisationUnits',
      '--compression',
      'gzip',
      '--out',
      out,
    );
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^Export queued as job \w{8}: Metadata export: dataSets, dataElements, organisationUnits \(JSON, gzip\)\./);
    expect(done.stdout).toMatch(/Saved .*dhis2-metadata-\d{4}-\d{2}-\d{2}\.json\.gz \(10 objects, /);
    expect(readdirSync(out)).toHaveLength(1);
    expect(
      box.sim.requests.some((r) => r.path.startsWith('/api/metadata.json.gz?dataSets=true&dataElements=true&organisationUnits=true&skipSharing=false')),
    ).toBe(true);
  });

  it('prepares an offline laptop package that another data folder loads with no server', async () => {
    const done = await run('office', 'export', 'metadata', '--prepare-offline', '--out', out, '--json');
    expect(done.code).toBe(0);
    const job = JSON.parse(done.stdout) as Job & { result: { file: string } };
    expect(job.state).toBe('done');
    expect(job.result.file).toMatch(/dhis2-offline-metadata-.*\.json\.gz$/);

    const loaded = await run('facility', 'metadata', 'load', job.result.file, '--json');
    expect(loaded.code).toBe(0);
    const status = JSON.parse(loaded.stdout) as MetadataStatus;
    expect(status.serverId).toBeNull();
    expect(status.snapshot).toMatchObject({ username: 'admin', counts: { dataSets: 1, dataElements: 6, organisationUnits: 3 } });
  });

  it('exports a data set with its dependencies and says its org units are left out', async () => {
    const done = await run('office', 'export', 'metadata-dependencies', '--type', 'dataSets', '--id', 'pBOMPrpg1QX', '--compression', 'none', '--out', out);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/Saved .*dhis2-metadata-dataSets-pBOMPrpg1QX-with-dependencies-.*\.json \(/);
    expect(done.stdout).toMatch(/Note: DHIS2 leaves the data set's organisation units out/);
    const missing = await run('office', 'export', 'metadata-dependencies', '--type', 'dataSets', '--id', 'AAAAAAAAAAA', '--out', out);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/Needs attention: The server has no data set with the id AAAAAAAAAAA/);
  });

  it('waits in the queue when the server cannot be reached', async () => {
    box.sim.setOffline(true);
    const waiting = await run('office', 'export', 'metadata', '--types', 'dataSets', '--out', out);
    expect(waiting.code).toBe(0);
    expect(waiting.stdout).toMatch(/Waiting for connection: .* It runs when the server answers/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses what it cannot do, in one line naming the flag', async () => {
    const none = await run('office', 'export', 'metadata', '--out', out);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--types TYPE\[,TYPE…\], --all, or --prepare-offline/);
    expect((await run('office', 'export', 'metadata', '--types', 'dataSets', '--all', '--out', out)).code).toBe(2);
    expect((await run('office', 'export', 'metadata', '--types', 'data sets', '--out', out)).stderr).toMatch(/--types: must be an object type name/);
    expect((await run('office', 'export', 'metadata', '--types', 'dataSets')).stderr).toMatch(/--out: choose a folder/);
    expect((await run('office', 'export', 'metadata', '--types', 'dataSets', '--compression', 'rar', '--out', out)).stderr).toMatch(/--compression/);
    expect((await run('office', 'export', 'metadata-dependencies', '--type', 'indicators', '--id', 'pBOMPrpg1QX', '--out', out)).stderr).toMatch(/--type/);
    expect((await run('office', 'export', 'metadata-dependencies', '--type', 'dataSets', '--id', 'short', '--out', out)).stderr).toMatch(/--id: must be an id/);
    expect((await run('office', 'export', 'metadata-dependencies', '--types', 'dataSets', '--id', 'pBOMPrpg1QX', '--out', out)).code).toBe(2);
    const help = await run('office', 'export', 'metadata', '--help');
    expect(help.stdout).toMatch(/--prepare-offline/);
    expect(existsSync(join(out, 'x'))).toBe(false);
  });
});
