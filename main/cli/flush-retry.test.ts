import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliSandbox, type CliSandbox } from './testing/sandbox';

describe('dhis2-ie flush and jobs retry when jobs do not finish', () => {
  let box: CliSandbox;
  const run = (...argv: string[]) => box.run('data', ...argv);

  beforeEach(async () => {
    box = await cliSandbox();
    const metadata = box.writeMetadata();
    const values = box.write(
      'values.csv',
      'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nDE_A,202401,OU_A,,,5\nDE_C,202401,OU_A,,,7\n',
    );
    expect((await box.addServer('data')).code).toBe(0);
    expect((await run('metadata', 'load', metadata)).code).toBe(0);
    expect((await run('import', 'data', values, '--id-scheme', 'CODE')).code).toBe(0);
  });
  afterEach(() => box.close());

  const jobId = async (): Promise<string> => {
    const listed = JSON.parse((await run('jobs', '--type', 'import-data', '--json')).stdout) as { jobs: { id: string }[] };
    return listed.jobs[0]!.id;
  };

  it('exits non-zero and names the jobs still open when --wait runs out of time', async () => {
    box.sim.setOffline(true);
    const flushed = await run('flush', '--wait', '--timeout', '2');
    expect(flushed.code).toBe(1);
    const id = (await jobId()).slice(0, 8);
    expect(flushed.stderr).toMatch(new RegExp(`The 2 s timeout passed with 1 job not finished: ${id} \\(waiting for connection\\)`));
    expect(box.sim.dataValues()).toHaveLength(0);
  });

  it('points to jobs retry for a stopped job, and jobs retry sends it again from where it stopped', async () => {
    box.sim.failNext({ status: 413, count: 1000, path: '/api/dataValueSets' });
    const first = await run('flush', '--wait', '--timeout', '60');
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/Needs attention .*even a single value/);
    expect(first.stderr).toMatch(/dhis2-ie jobs retry ID/);

    const id = await jobId();
    const nothing = await run('flush');
    expect(nothing.stdout).toMatch(/Nothing to send: no job is queued\./);
    expect(nothing.stdout).toMatch(new RegExp(`dhis2-ie jobs retry ${id.slice(0, 8)}`));

    box.sim.reset();
    const retried = await run('jobs', 'retry', id.slice(0, 8));
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/Queued again/);
    const second = await run('flush', '--wait', '--timeout', '60');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Completed/);
    expect(box.sim.dataValues()).toHaveLength(2);
  });

  it('refuses to retry a job that is not stopped, in one line', async () => {
    const refused = await run('jobs', 'retry', (await jobId()).slice(0, 8));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Only failed, cancelled or needs-attention jobs can be retried/);
    expect((await run('jobs', 'retry')).stderr).toMatch(/jobs retry needs a job id/);
  });
});
