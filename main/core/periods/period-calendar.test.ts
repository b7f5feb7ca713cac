import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { PeriodCalendar } from './period-calendar';
import { addDays } from './iso-dates';
import { PERIOD_TYPES, canonicalPeriodId, periodIdParts, periodTypeOf } from './period-types';

const iso = PeriodCalendar.of('iso8601');
const span = (id: string) => {
  const period = iso.parse(id);
  return period && [period.type, period.id, period.startDate, period.endDate];
};

describe('period ids as DHIS2 2.41 reads them', () => {
  it('detects every period type in DHIS2 order', () => {
    expect(periodTypeOf('20240115')).toBe('Daily');
    expect(periodTypeOf('2024-01-15')).toBe('Daily');
    expect(periodTypeOf('2024W5')).toBe('Weekly');
    expect(periodTypeOf('2024WedW5')).toBe('WeeklyWednesday');
    expect(periodTypeOf('2024ThuW5')).toBe('WeeklyThursday');
    expect(periodTypeOf('2024SatW5')).toBe('WeeklySaturday');
    expect(periodTypeOf('2024SunW5')).toBe('WeeklySunday');
    expect(periodTypeOf('2024BiW5')).toBe('BiWeekly');
    expect(periodTypeOf('202401')).toBe('Monthly');
    expect(periodTypeOf('2024-01')).toBe('Monthly');
    expect(periodTypeOf('202401B')).toBe('BiMonthly');
    expect(periodTypeOf('2024Q1')).toBe('Quarterly');
    expect(periodTypeOf('2024NovQ1')).toBe('QuarterlyNov');
    expect(periodTypeOf('2024S1')).toBe('SixMonthly');
    expect(periodTypeOf('2024AprilS1')).toBe('SixMonthlyApril');
    expect(periodTypeOf('2024NovS1')).toBe('SixMonthlyNov');
    expect(periodTypeOf('2024')).toBe('Yearly');
    expect(periodTypeOf('2024April')).toBe('FinancialApril');
    expect(periodTypeOf('2024July')).toBe('FinancialJuly');
    expect(periodTypeOf('2024Oct')).toBe('FinancialOct');
    expect(periodTypeOf('2024Nov')).toBe('FinancialNov');
    for (const bad of ['', '24', '2024W', '2024W123', '2024M01', '2024Q', '2024q1', '2024NovemberQ1', '2024-1', '2024 ', ' 2024', '2024/01', 'P1M']) {
      expect(periodTypeOf(bad), bad).toBeNull();
    }
  });

  it('writes ids the way DHIS2 does', () => {
    expect(canonicalPeriodId(periodIdParts('2024-01-15')!)).toBe('20240115');
    expect(canonicalPeriodId(periodIdParts('2024-03')!)).toBe('202403');
    expect(canonicalPeriodId(periodIdParts('2024W01')!)).toBe('2024W1');
    expect(canonicalPeriodId(periodIdParts('2024SunW09')!)).toBe('2024SunW9');
  });

  it('gives start and end dates for every type on the ISO calendar', () => {
    expect(span('20240229')).toEqual(['Daily', '20240229', '2024-02-29', '2024-02-29']);
    expect(span('2024-02-29')).toEqual(['Daily', '20240229', '2024-02-29', '2024-02-29']);
    expect(span('2024W1')).toEqual(['Weekly', '2024W1', '2024-01-01', '2024-01-07']);
    expect(span('2024W01')).toEqual(['Weekly', '2024W1', '2024-01-01', '2024-01-07']);
    expect(span('2024WedW1')).toEqual(['WeeklyWednesday', '2024WedW1', '2024-01-03', '2024-01-09']);
    expect(span('2024ThuW1')).toEqual(['WeeklyThursday', '2024ThuW1', '2024-01-04', '2024-01-10']);
    expect(span('2024SatW1')).toEqual(['WeeklySaturday', '2024SatW1', '2023-12-30', '2024-01-05']);
    expect(span('2024SunW1')).toEqual(['WeeklySunday', '2024SunW1', '2023-12-31', '2024-01-06']);
    expect(span('2024BiW1')).toEqual(['BiWeekly', '2024BiW1', '2024-01-01', '2024-01-14']);
    expect(span('202402')).toEqual(['Monthly', '202402', '2024-02-01', '2024-02-29']);
    expect(span('202401B')).toEqual(['BiMonthly', '202401B', '2024-01-01', '2024-02-29']);
    expect(span('2024Q2')).toEqual(['Quarterly', '2024Q2', '2024-04-01', '2024-06-30']);
    expect(span('2024S2')).toEqual(['SixMonthly', '2024S2', '2024-07-01', '2024-12-31']);
    expect(span('2024AprilS1')).toEqual(['SixMonthlyApril', '2024AprilS1', '2024-04-01', '2024-09-30']);
    expect(span('2024AprilS2')).toEqual(['SixMonthlyApril', '2024AprilS2', '2024-10-01', '2025-03-31']);
    expect(span('2024')).toEqual(['Yearly', '2024', '2024-01-01', '2024-12-31']);
    expect(span('2024April')).toEqual(['FinancialApril', '2024April', '2024-04-01', '2025-03-31']);
    expect(span('2024July')).toEqual(['FinancialJuly', '2024July', '2024-07-01', '2025-06-30']);
    expect(span('2024Oct')).toEqual(['FinancialOct', '2024Oct', '2024-10-01', '2025-09-30']);
  });

  it('names November-based periods by the year they end in, as DHIS2 (not the calendar library) does', () => {
    expect(span('2024NovQ1')).toEqual(['QuarterlyNov', '2024NovQ1', '2023-11-01', '2024-01-31']);
    expect(span('2024NovQ2')).toEqual(['QuarterlyNov', '2024NovQ2', '2024-02-01', '2024-04-30']);
    expect(span('2024NovQ4')).toEqual(['QuarterlyNov', '2024NovQ4', '2024-08-01', '2024-10-31']);
    expect(span('2024NovS1')).toEqual(['SixMonthlyNov', '2024NovS1', '2023-11-01', '2024-04-30']);
    expect(span('2024NovS2')).toEqual(['SixMonthlyNov', '2024NovS2', '2024-05-01', '2024-10-31']);
    expect(span('2024Nov')).toEqual(['FinancialNov', '2024Nov', '2023-11-01', '2024-10-31']);
  });

  it('rejects what DHIS2 rejects: impossible days, months, quarters, halves and weeks', () => {
    for (const bad of [
      '20240230',
      '20230229',
      '20241301',
      '20240100',
      '202413',
      '202400',
      '202407B',
      '202400B',
      '2024Q0',
      '2024Q5',
      '2024NovQ5',
      '2024S0',
      '2024S3',
    ]) {
      expect(iso.parse(bad), bad).toBeNull();
    }
    expect(iso.parse('2024W0')).toBeNull();
    expect(iso.parse('2024W53')).toBeNull(); // 2024 has 52 ISO weeks
    expect(span('2020W53')).toEqual(['Weekly', '2020W53', '2020-12-28', '2021-01-03']);
    expect(span('2024SatW53')).toEqual(['WeeklySaturday', '2024SatW53', '2024-12-28', '2025-01-03']);
    expect(iso.parse('2024SunW53')).toBeNull();
  });

  it('counts bi-weeks from ISO week 2n-1, so 53-week years have a 27th', () => {
    expect(span('2020BiW27')).toEqual(['BiWeekly', '2020BiW27', '2020-12-28', '2021-01-10']);
    expect(iso.parse('2021BiW27')).toBeNull();
  });

  it('caches by id', () => {
    const first = iso.parse('2024Q3');
    expect(iso.parse('2024Q3')).toBe(first);
    expect(PeriodCalendar.of('ISO8601')).toBe(iso);
    expect(PeriodCalendar.of(null)).toBe(iso);
  });

  it('finds the period containing a day and steps through periods across years', () => {
    expect(iso.containing('Weekly', '2021-01-02')?.id).toBe('2020W53');
    expect(iso.containing('Monthly', '2024-02-29')?.id).toBe('202402');
    expect(iso.containing('QuarterlyNov', '2024-12-15')?.id).toBe('2025NovQ1');
    expect(iso.containing('FinancialNov', '2024-06-01')?.id).toBe('2024Nov');
    expect(iso.containing('SixMonthlyNov', '2024-03-01')?.id).toBe('2024NovS1');
    expect(iso.containing('Daily', '2024-03-01')?.id).toBe('20240301');
    expect(iso.containing('TwoYearly', '2024-03-01')).toBeNull();
    expect(iso.offset(iso.parse('202412')!, 1)?.id).toBe('202501');
    expect(iso.offset(iso.parse('202401')!, -2)?.id).toBe('202311');
    expect(iso.offset(iso.parse('2020W52')!, 2)?.id).toBe('2021W1');
    expect(iso.offset(iso.parse('2021W1')!, -1)?.id).toBe('2020W53');
    expect(iso.offset(iso.parse('2024NovQ1')!, -1)?.id).toBe('2023NovQ4');
    expect(iso.offset(iso.parse('2024Nov')!, 1)?.id).toBe('2025Nov');
    expect(iso.offset(iso.parse('20240228')!, 2)?.id).toBe('20240301');
    expect(iso.offset(iso.parse('2024Q4')!, 0)?.id).toBe('2024Q4');
  });

  it('computes the latest open future period as PeriodType.getFuturePeriod does', () => {
    // Zero open future periods: the current month is not open yet.
    expect(iso.latestOpenFuturePeriod('Monthly', 0, '2024-05-15')?.id).toBe('202404');
    expect(iso.latestOpenFuturePeriod('Monthly', 1, '2024-05-15')?.id).toBe('202405');
    expect(iso.latestOpenFuturePeriod('Monthly', 3, '2024-12-01')?.id).toBe('202502');
    expect(iso.latestOpenFuturePeriod('Yearly', 0, '2024-05-15')?.id).toBe('2023');
    expect(iso.latestOpenFuturePeriod('Weekly', 2, '2024-01-01')?.id).toBe('2024W2');
  });

  it('never has the latest open future period end more than 366 days before today (E7641 skips older periods on that)', () => {
    // The last days of periods over a leap day are the tightest: 2024-12-31's latest yearly period, 2023, ends 366 days before.
    const days = ['2023-01-01', '2024-01-01', '2024-02-29', '2024-03-31', '2024-06-30', '2024-09-30', '2024-10-31', '2024-12-31', '2025-04-01', '2025-11-01'];
    let computed = 0;
    for (const type of PERIOD_TYPES) {
      for (const today of days) {
        const latest = iso.latestOpenFuturePeriod(type, 0, today);
        if (!latest) continue;
        computed++;
        expect(latest.endDate >= addDays(today, -366), `${type} on ${today}: ${latest.id} ends ${latest.endDate}`).toBe(true);
      }
    }
    expect(computed).toBeGreaterThan(150);
  });

  it('works in the Nepali calendar through the calendar library', () => {
    const nepali = PeriodCalendar.of('nepali');
    expect(nepali.isIso).toBe(false);
    expect(nepali.problem).toBeNull();
    expect(nepali.parse('208001')).toEqual({ id: '208001', type: 'Monthly', startDate: '2023-04-14', endDate: '2023-05-14' });
    expect(nepali.parse('2080')).toMatchObject({ startDate: '2023-04-14', endDate: '2024-04-12' });
    expect(nepali.parse('208013')).toBeNull();
  });

  it('says so when the library cannot work in a calendar (Ethiopian under this Node ICU) but still reads the ids', () => {
    const ethiopian = PeriodCalendar.of('ethiopian');
    if (ethiopian.problem === null) {
      expect(ethiopian.parse('201601')?.type).toBe('Monthly');
      return;
    }
    expect(ethiopian.problem).toMatch(/cannot compute ethiopic dates/);
    expect(ethiopian.parse('201613')).toMatchObject({ id: '201613', type: 'Monthly' });
    expect(ethiopian.parse('2016Q5')).toBeNull();
  });
});

describe('loading the calendar library', () => {
  const directory = mkdtempSync(join(tmpdir(), 'periods-bundle-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('works from an esbuild CommonJS bundle as the app ships it', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const outfile = join(directory, 'bundle.cjs');
    await build({
      stdin: {
        contents: `import { PeriodCalendar } from './index'; console.log(JSON.stringify(PeriodCalendar.of().parse('2024NovQ1')));`,
        resolveDir: here,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      outfile,
      logLevel: 'silent',
    });
    const output = execFileSync(process.execPath, [outfile], { env: { ...process.env, NODE_PATH: resolve(here, '../../../node_modules') }, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ id: '2024NovQ1', type: 'QuarterlyNov', startDate: '2023-11-01', endDate: '2024-01-31' });
  });
});
