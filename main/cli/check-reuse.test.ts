import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliSandbox, type CliSandbox } from './testing/sandbox';

/** The import job reuses the offline check `import data` made, only when it is provably the same check. */
describe('dhis2-ie import data then flush: the check made when queueing', () => {
  let box: CliSandbox;
  let metadata: string;
  const run = (...argv: string[]) => box.run('data', ...argv);
  const CSV = 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nDE_A,202401,OU_A,,,5\nDE_C,202401,OU_A,,,7\n';

  beforeEach(async () => {
    box = await cliSandbox();
    metadata = box.writeMetadata();
    expect((await box.addServer('data')).code).toBe(0);
    expect((await run('metadata', 'load', metadata)).code).toBe(0);
  });
  afterEach(() => box.close());

  const jobLog = async (): Promise<string[]> => {
    const listed = JSON.parse((await run('jobs', '--type', 'import-data', '--json')).stdout) as { jobs: { id: string }[] };
    const shown = JSON.parse((await run('jobs', 'show', listed.jobs[0]!.id, '--json')).stdout) as { log: { message: string }[] };
    return shown.log.map((entry) => entry.message);
  };

  it('sends the file without checking it a second time when the metadata, file and options are those it was checked with', async () => {
    expect((await run('import', 'data', box.write('values.csv', CSV), '--id-scheme', 'CODE')).code).toBe(0);
    expect((await run('flush', '--wait', '--timeout', '60')).code).toBe(0);
    expect(box.sim.dataValues()).toHaveLength(2);
    const checks = (await jobLog()).filter((m) => m.startsWith('Offline check of 2 values'));
    expect(checks).toEqual([expect.stringContaining('made when the file was queued')]);
  });

  it('checks again when the offline metadata changed after queueing', async () => {
    expect((await run('import', 'data', box.write('values.csv', CSV), '--id-scheme', 'CODE')).code).toBe(0);
    expect((await run('metadata', 'load', metadata)).code).toBe(0);
    expect((await run('flush', '--wait', '--timeout', '60')).code).toBe(0);
    expect(box.sim.dataValues()).toHaveLength(2);
    const checks = (await jobLog()).filter((m) => m.startsWith('Offline check of 2 values'));
    expect(checks).toHaveLength(1);
    expect(checks[0]).not.toContain('made when the file was queued');
  });

  it('still sends nothing when the check made when queueing says DHIS2 would refuse the whole file', async () => {
    expect((await run('import', 'data', box.write('values.csv', CSV), '--id-scheme', 'CODE', '--data-set', 'NoSuchSet01')).code).toBe(0);
    expect((await run('flush', '--wait', '--timeout', '60')).code).toBe(1);
    expect(box.sim.dataValuePosts()).toEqual([]);
    expect((await jobLog()).some((m) => m.includes('made when the file was queued'))).toBe(true);
  });
});
