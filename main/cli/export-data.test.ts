import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliSandbox, type CliSandbox } from './testing/sandbox';

describe('dhis2-ie export data', () => {
  let box: CliSandbox;
  let out: string;
  const run = (...argv: string[]) => box.run('office', ...argv);
  const exportData = (...orgUnits: string[]) =>
    run(
      'export',
      'data',
      ...orgUnits.flatMap((unit) => ['--org-unit', unit]),
      '--data-set',
      'pBOMPrpg1QX',
      '--start-date',
      '2024-01-01',
      '--end-date',
      '2024-03-31',
      '--out',
      out,
    );

  beforeEach(async () => {
    box = await cliSandbox();
    out = join(box.path, 'usb');
    mkdirSync(out);
    expect((await box.addServer('office')).code).toBe(0);
    expect((await run('metadata', 'sync')).code).toBe(0);
  });
  afterEach(() => box.close());

  it('warns, as the page does, when the data set is assigned to none of the chosen units, and still exports', async () => {
    // DataSetA is assigned to OrganisationUnitA and C, not B.
    const outside = await exportData('BdfsJfj87js');
    expect(outside.stderr).toBe('Warning: DataSetA is not assigned to OrganisationUnitB: the export will hold no values for it.\n');
    expect(outside.code).toBe(0);
    expect(readdirSync(out)).toHaveLength(1);

    const inside = await exportData('DiszpKrYNg8', 'BdfsJfj87js');
    expect(inside.stderr).toBe('');
    expect(inside.code).toBe(0);
  });
});
