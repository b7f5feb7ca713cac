import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, formatMessage } from './error-codes';
import { javaHashMapOrder, javaStringHash } from './java-hash';
import { CsvRecords } from './dv-readers';
import { adxPeriod, latestOpenFuturePeriod, parseAdxPeriod, parseIsoPeriod, periodContaining, utcDate } from './periods';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, postJson } from './test-support';
import { FIXTURES, fixture, integrationSeed, postDataValues } from './test-seeds';
import { valueTypeError } from './value-types';

describe('error code templates', () => {
  it('are the 2.41 ErrorCode texts', () => {
    const tsv = new Map(
      readFileSync(join(FIXTURES, 'reference/error_codes_2.41.tsv'), 'utf8')
        .split('\n')
        .map((line) => line.split('\t'))
        .filter((parts): parts is [string, string] => parts.length === 2),
    );
    for (const [code, template] of Object.entries(ERROR_CODES)) expect(template, code).toBe(tsv.get(code));
  });

  it('format like MessageFormat: null prints as null, missing arguments stay', () => {
    expect(formatMessage('a `{0}` b `{1}`', [null])).toBe('a `null` b `{1}`');
  });
});

describe('periods', () => {
  it('parse the ISO formats of DateUnitType into canonical periods, and refuse impossible ones', () => {
    const cases: [string, string | null, string | null][] = [
      ['20240229', '20240229', 'Daily'],
      ['2024-02-29', '20240229', 'Daily'],
      ['20230229', null, null],
      ['2024W1', '2024W1', 'Weekly'],
      ['2024W01', '2024W1', 'Weekly'],
      ['2020W53', '2020W53', 'Weekly'],
      ['2021W53', null, null],
      ['2024WedW3', '2024WedW3', 'WeeklyWednesday'],
      ['2024SunW52', '2024SunW52', 'WeeklySunday'],
      ['2024BiW2', '2024BiW2', 'BiWeekly'],
      ['202401', '202401', 'Monthly'],
      ['2024-01', '202401', 'Monthly'],
      ['202413', null, null],
      ['202406B', '202406B', 'BiMonthly'],
      ['202407B', null, null],
      ['2024Q4', '2024Q4', 'Quarterly'],
      ['2024NovQ1', '2024NovQ1', 'QuarterlyNov'],
      ['2024S2', '2024S2', 'SixMonthly'],
      ['2024AprilS2', '2024AprilS2', 'SixMonthlyApril'],
      ['2024NovS1', '2024NovS1', 'SixMonthlyNov'],
      ['2024', '2024', 'Yearly'],
      ['2024April', '2024April', 'FinancialApril'],
      ['2024July', '2024July', 'FinancialJuly'],
      ['2024Oct', '2024Oct', 'FinancialOct'],
      ['2024Nov', '2024Nov', 'FinancialNov'],
      ['January', null, null],
    ];
    for (const [text, iso, type] of cases) {
      const period = parseIsoPeriod(text);
      expect(period?.iso ?? null, text).toBe(iso);
      expect(period?.type ?? null, text).toBe(type);
    }
    expect(parseIsoPeriod('2024W1')).toMatchObject({ start: utcDate(2024, 1, 1), end: utcDate(2024, 1, 7) });
    expect(parseIsoPeriod('2024NovQ1')).toMatchObject({ start: utcDate(2023, 11, 1), end: utcDate(2024, 1, 31) });
    expect(parseIsoPeriod('2024NovS1')).toMatchObject({ start: utcDate(2023, 11, 1), end: utcDate(2024, 4, 30) });
    expect(parseIsoPeriod('2024AprilS2')).toMatchObject({ start: utcDate(2024, 10, 1), end: utcDate(2025, 3, 31) });
  });

  it('convert to and from ADX periods', () => {
    expect(parseAdxPeriod('2020-01-15/P1M')).toEqual({ period: parseIsoPeriod('202001') });
    expect(parseAdxPeriod('2021-01-01/P3M')).toEqual({ period: parseIsoPeriod('2021Q1') });
    expect(parseAdxPeriod('2020-04-01/P1Y')).toEqual({ period: parseIsoPeriod('2020April') });
    expect(parseAdxPeriod('2020-01-02/P7D')).toEqual({ period: parseIsoPeriod('2020ThuW1') });
    expect(parseAdxPeriod('2020-01-03/P7D')).toEqual({ error: '2020-01-03/P7D is invalid weekly type' });
    expect(parseAdxPeriod('2020-01-01')).toEqual({ error: '2020-01-01 not in valid <date>/<duration> format' });
    expect(adxPeriod(parseIsoPeriod('2024W1') ?? periodContaining('Daily', 0))).toBe('2024-01-01/P7D');
  });

  it('lock the current period with no open future periods (PeriodType.getFuturePeriod)', () => {
    const now = Date.UTC(2024, 4, 17);
    expect(latestOpenFuturePeriod('Monthly', 0, now).iso).toBe('202404');
    expect(latestOpenFuturePeriod('Monthly', 1, now).iso).toBe('202405');
    expect(latestOpenFuturePeriod('Quarterly', 2, now).iso).toBe('2024Q3');
  });
});

describe('value types', () => {
  it('follow ValidationUtils.valueIsValid', () => {
    expect(valueTypeError('007', 'INTEGER', false)).toBe('value_not_integer');
    expect(valueTypeError('2147483648', 'INTEGER', false)).toBe('value_not_integer');
    expect(valueTypeError('-0', 'NUMBER', false)).toBeNull();
    expect(valueTypeError('1e5', 'NUMBER', false)).toBe('value_not_numeric');
    expect(valueTypeError('0', 'INTEGER_POSITIVE', false)).toBe('value_not_positive_integer');
    expect(valueTypeError('2024-01-15T10:00', 'DATE', false)).toBeNull();
    expect(valueTypeError('2024-01-15T10:00:00.000Z', 'DATETIME', false)).toBeNull();
    expect(valueTypeError('[-11.2, 8.5]', 'COORDINATE', false)).toBeNull();
    expect(valueTypeError('23:59', 'TIME', false)).toBeNull();
    expect(valueTypeError(null, 'MULTI_TEXT', false)).toBe('data_element_lacks_option_set');
    expect(valueTypeError('  ', 'INTEGER', false)).toBeNull();
  });
});

describe('helpers', () => {
  it('order HashMap keys as Java does', () => {
    expect(javaStringHash('age')).toBe(96511);
    expect(
      javaHashMapOrder([
        ['age', 1],
        ['sex', 2],
      ]).map(([k]) => k),
    ).toEqual(['sex', 'age']);
  });

  it('split CSV as javacsv: quotes, doubled quotes, trimmed plain cells, empty lines skipped, any line break', () => {
    const out: string[][] = [];
    const csv = new CsvRecords();
    csv.push(' a , "b ""c"", d" ,e\r\n\n"x', out);
    csv.push('y"\rz,,', out);
    csv.end(out);
    expect(out).toEqual([['a', 'b "c", d', 'e'], ['xy'], ['z', '', '']]);
  });
});

describe('control endpoint for data values and jobs', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('seeds metadata over HTTP, lists stored values and posts, clears them', async () => {
    const seeded = await postJson(`${sim.url}/__sim/metadata`, { metadata: integrationSeed() });
    expect(seeded.status).toBe(200);
    expect(sim.state.users.get('admin')?.organisationUnits).toEqual(['DiszpKrYNg8', 'BdfsJfj87js']);
    await postDataValues(sim, fixture('datavalues/dxf2-xml/dataValueSetA.xml'), 'application/xml');
    await postDataValues(sim, fixture('datavalues/dxf2-xml/dataValueSetA.xml'), 'application/xml');
    const values = (await (await fetch(`${sim.url}/__sim/dataValues?dataElement=f7n9E0hX8qk&orgUnit=DiszpKrYNg8`)).json()) as unknown[];
    expect(values).toHaveLength(2);
    const posts = (await (await fetch(`${sim.url}/__sim/dataValuePosts`)).json()) as { count: number; statuses: number[]; contentType: string }[];
    expect(posts).toEqual([expect.objectContaining({ count: 2, statuses: [200, 200], contentType: 'application/xml' })]);
    expect(((await (await fetch(`${sim.url}/__sim/state`)).json()) as { dataValueCount: number }).dataValueCount).toBe(3);
    expect((await postJson(`${sim.url}/__sim/clear-data-values`, {})).status).toBe(200);
    expect(sim.dataValues()).toEqual([]);
  });

  it('validates fail-async-job input, lists the pending fault, and reset() drops it', async () => {
    const bad = await postJson(`${sim.url}/__sim/fail-async-job`, { afterValues: -1, mode: 'explode' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'afterValues: afterValues must be 0 or more; mode: mode must be "error" or "crash"' });
    const ok = await postJson(`${sim.url}/__sim/fail-async-job`, { afterValues: 10 });
    expect(await ok.json()).toMatchObject({ pendingAsyncJobFaults: [{ afterValues: 10, mode: 'error' }] });
    sim.reset();
    expect(sim.state.asyncJobFaults).toEqual([]);
  });

  it('fails a POST /api/dataValueSets without reading or storing it with failNext', async () => {
    sim.failNext({ status: 504, path: '/api/dataValueSets' });
    const response = await fetch(`${sim.url}/api/dataValueSets`, {
      method: 'POST',
      headers: { Authorization: ADMIN_BASIC, 'Content-Type': 'application/xml' },
      body: fixture('datavalues/dxf2-xml/dataValueSetB.xml'),
    });
    expect(response.status).toBe(504);
    expect(sim.dataValues()).toEqual([]);
  });
});
