import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ImportDataParams } from '../../../../shared/data-import';
import { readDataValues } from '../../formats/datavalues/read';
import { integrationIndex } from './testing/integration-metadata';
import { validateDataValues } from './validate-data-values';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('what a validation result keeps', () => {
  it('keeps copies of the identifiers it names, not the chunks of file text they were read from', async () => {
    // 300 unknown org units, each in a row of its own chunk (a long comment fills the rest of the chunk).
    const filler = 'x'.repeat(70_000);
    const rows = Array.from({ length: 300 }, (_, i) => `f7n9E0hX8qk,201201,unknown-org-unit-${String(i).padStart(4, '0')},,,1,,,${filler}\n`);
    const text = `dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment\n${rows.join('')}`;
    const bytes = Buffer.from(text);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => bytes.subarray(i * 65_536, (i + 1) * 65_536));
    const source = await readDataValues(() => Readable.from(pieces), { format: 'csv', fileName: 'long.csv' });
    gc();
    const before = process.memoryUsage().heapUsed;
    const result = await validateDataValues(source, {
      index: integrationIndex(),
      header: source.header,
      params: ImportDataParams.parse({}),
      fileName: 'long.csv',
      format: 'csv',
      today: new Date(2024, 5, 15),
    });
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    expect(result.summary.conflicts.filter((conflict) => conflict.errorCode === 'E7612')).toHaveLength(300);
    // The file is 21 MB; a piece of each chunk kept per conflict would hold on to most of it.
    expect(kept).toBeLessThan(4 * 1024 * 1024);
  });
});
