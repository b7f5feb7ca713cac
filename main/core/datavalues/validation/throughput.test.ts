import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ImportDataParams } from '../../../../shared/data-import';
import { MetadataIndex } from '../../metadata';
import { generateContent } from '../../metadata/testing/generate';
import { emptyHeader, type DataValueRecord } from '../types';
import { validateDataValues } from './validate-data-values';

// A real collection before each heap reading, so the memory figure means something.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const VALUES = 1_000_000;

describe('throughput', () => {
  it(`validates ${VALUES.toLocaleString('en')} values in constant memory per distinct conflict`, async () => {
    const content = generateContent({ orgUnits: 2000, dataElements: 800, dataSets: 4 });
    const root = content.records.organisationUnits[0]!.id;
    content.user = { ...content.user!, organisationUnits: [root] };
    const index = MetadataIndex.build(content);
    const elements = content.records.dataElements.filter((de) => de.categoryCombo === 'bjDvmb4bfuf' && de.optionSet === null).map((de) => de.id);
    const facilities = content.records.organisationUnits.filter((unit) => unit.level === 4).map((unit) => unit.id);
    const periods = Array.from({ length: 12 }, (_, m) => `2023${String(m + 1).padStart(2, '0')}`);
    expect(elements.length * periods.length * facilities.length).toBeGreaterThan(VALUES);

    let peak = 0;
    let peakBuffers = 0;
    async function* values(): AsyncGenerator<DataValueRecord> {
      for (let i = 0; i < VALUES; i++) {
        if (i % 100_000 === 99_999) {
          const usage = process.memoryUsage();
          peak = Math.max(peak, usage.heapUsed);
          peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
        }
        const record: DataValueRecord = {
          index: i,
          line: i + 2,
          dataElement: elements[i % elements.length]!,
          period: periods[Math.floor(i / elements.length) % periods.length]!,
          orgUnit: facilities[Math.floor(i / (elements.length * periods.length)) % facilities.length]!,
          categoryOptionCombo: null,
          attributeOptionCombo: null,
          value: String(i % 1000),
          storedBy: 'bulk',
          created: null,
          lastUpdated: null,
          comment: null,
          followup: null,
          deleted: null,
        };
        // Ten kinds of problem, spread through the file.
        if (i % 997 === 1) record.dataElement = 'NoSuchElem1';
        else if (i % 1009 === 2) record.period = '2023M13';
        else if (i % 1013 === 3) record.orgUnit = 'NoSuchOrgUn';
        else if (i % 1019 === 4) record.categoryOptionCombo = 'NoSuchCoc01';
        else if (i % 1021 === 5) record.attributeOptionCombo = 'NoSuchAoc01';
        else if (i % 1031 === 6) record.value = null;
        else if (i % 1033 === 7) record.value = 'not a number';
        else if (i % 1039 === 8) record.storedBy = 'x'.repeat(300);
        else if (i % 1049 === 9) record.period = '2099';
        else if (i % 1051 === 10) record.value = `-${i}`;
        // Conflicts that name the data element: always the same one, so that they group.
        if (record.value === null || record.period === '2099' || !/^\d+$/.test(record.value)) record.dataElement = elements[0]!;
        yield record;
      }
    }

    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const buffersBefore = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const result = await validateDataValues(values(), {
      index,
      header: emptyHeader(),
      params: ImportDataParams.parse({}),
      fileName: 'bulk.json',
      format: 'json',
      today: new Date(2024, 5, 15),
    });
    const seconds = (performance.now() - started) / 1000;
    gc();
    const heapAfter = process.memoryUsage().heapUsed;

    expect(result.checked).toBe(VALUES);
    // One conflict per distinct problem (the bad values of the one element are one conflict too).
    expect(result.summary.conflicts.map((c) => c.errorCode).sort()).toEqual(['E7610', 'E7611', 'E7612', 'E7613', 'E7615', 'E7618', 'E7619', 'E7637', 'E7641']);
    for (const conflict of result.summary.conflicts) expect(conflict.indexes!.length).toBeLessThanOrEqual(10_000);
    const { imported, ignored } = result.summary.importCount;
    expect(imported + ignored + result.duplicates.count).toBeLessThanOrEqual(VALUES);
    console.log(
      `${VALUES.toLocaleString('en')} values in ${seconds.toFixed(1)} s: ${Math.round(VALUES / seconds).toLocaleString('en')} values/s; ` +
        `${result.summary.conflicts.length} conflicts for ${result.summary.rejectedCount.toLocaleString('en')} rejected values; ` +
        `heap: at most ${((peak - heapBefore) / 1024 / 1024).toFixed(0)} MB above the start during the run (uncollected garbage included), ` +
        `typed arrays (duplicate keys): ${((peakBuffers - buffersBefore) / 1024 / 1024).toFixed(0)} MB, ` +
        `${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MB kept after it`,
    );
  }, 300_000);
});
