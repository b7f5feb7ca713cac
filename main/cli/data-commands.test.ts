import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { integrationSeed } from '../../e2e/dhis2-sim/test-seeds';
import { cliSandbox, type CliSandbox } from './testing/sandbox';

describe('dhis2-ie validate, import data, flush', () => {
  let box: CliSandbox;
  const run = (...argv: string[]) => box.run('data', ...argv);

  beforeEach(async () => {
    box = await cliSandbox();
    writeFileSync(join(box.path, 'metadata.json'), JSON.stringify(integrationSeed()));
    writeFileSync(
      join(box.path, 'values.csv'),
      'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nDE_A,202401,OU_A,,,5\nDE_B,202401,OU_A,,,x\nDE_C,202401,OU_A,,,7\n',
    );
  });
  afterEach(() => box.close());

  it('predicts the server summary with lines, queues the import, and flushes it', async () => {
    expect((await run('validate', join(box.path, 'values.csv'))).stderr).toMatch(/no offline metadata/);
    expect((await run('server', 'add', '--name', 'Sim', '--url', box.sim.url, '--username', 'admin', '--password', 'district')).code).toBe(0);
    expect((await run('metadata', 'load', join(box.path, 'metadata.json'))).code).toBe(0);

    const text = await run('validate', join(box.path, 'values.csv'), '--id-scheme', 'code');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/WARNING/);
    expect(text.stdout).toMatch(/E7619 .*\(line 3\)/);
    const json = await run('validate', join(box.path, 'values.csv'), '--id-scheme', 'CODE', '--json');
    const summary = JSON.parse(json.stdout) as { status: string; conflicts: { errorCode: string; lines: number[] }[] };
    expect(summary.conflicts.map((c) => [c.errorCode, c.lines])).toEqual([['E7619', [3]]]);

    const queued = await run('import', 'data', join(box.path, 'values.csv'), '--id-scheme', 'CODE');
    expect(queued.stdout).toMatch(/Queued "values.csv"/);
    // Checked while it was stored: the same prediction as validate's.
    expect(queued.stdout).toMatch(
      /Offline check \(metadata as of .*\): 3 values; predicted WARNING, 2 imported, .*; 1 conflict \(`dhis2-ie validate "values.csv"` lists them\)/,
    );
    const flushed = await run('flush', '--wait', '--timeout', '60');
    expect(flushed.stdout).toMatch(/Completed/);
    expect(box.sim.dataValues()).toHaveLength(2);
    const jobs = JSON.parse((await run('jobs', '--type', 'import-data', '--json')).stdout) as {
      jobs: { result: { server: { importCount: { imported: number } } } }[];
    };
    expect(jobs.jobs[0]!.result.server.importCount.imported).toBe(2);
  });

  it('refuses bad flags in one line', async () => {
    const bad = await run('validate', join(box.path, 'values.csv'), '--strategy', 'SOMETIMES');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--strategy/);
    expect((await run('import', 'data', join(box.path, 'nope.csv'))).stderr).toMatch(/is not a file/);
  });
});
