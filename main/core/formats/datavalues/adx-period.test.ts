import { describe, expect, it } from 'vitest';
import { adxToDhis2Period, dhis2ToAdxPeriod } from './adx-period';

// The cases of DHIS2's own AdxPeriodTest (dhis2-core, dhis-service-dxf2).
const PARSE: [string, string][] = [
  ['2024-01-01/P1D', '20240101'],
  ['2024-05-06/P1D', '20240506'],
  ['2024-01-01/P7D', '2024W1'],
  ['2024-01-08/P7D', '2024W2'],
  ['2024-01-03/P7D', '2024WedW1'],
  ['2024-01-04/P7D', '2024ThuW1'],
  ['2024-01-06/P7D', '2024SatW2'],
  ['2024-01-07/P7D', '2024SunW2'],
  ['2024-01-01/P14D', '2024BiW1'],
  ['2024-01-15/P14D', '2024BiW2'],
  ['2024-01-01/P1M', '202401'],
  ['2024-05-01/P1M', '202405'],
  ['2024-01-01/P2M', '202401B'],
  ['2024-01-01/P3M', '2024Q1'],
  ['2024-04-01/P3M', '2024Q2'],
  ['2024-01-01/P6M', '2024S1'],
  ['2024-07-01/P6M', '2024S2'],
  ['2024-04-01/P6M', '2024AprilS1'],
  ['2024-10-01/P6M', '2024AprilS2'],
  ['2024-11-01/P6M', '2025NovS1'],
  ['2025-05-01/P6M', '2025NovS2'],
  ['2024-01-01/P1Y', '2024'],
  ['2024-04-01/P1Y', '2024April'],
  ['2024-07-01/P1Y', '2024July'],
  ['2024-10-01/P1Y', '2024Oct'],
  ['2024-11-01/P1Y', '2025Nov'],
];

const SERIALIZE: [string, string][] = [
  ['20220101', '2022-01-01/P1D'],
  ['20220107', '2022-01-07/P1D'],
  ['2022W1', '2022-01-03/P7D'],
  ['2022W2', '2022-01-10/P7D'],
  ['2022WedW1', '2021-12-29/P7D'],
  ['2022ThuW1', '2021-12-30/P7D'],
  ['2022SatW1', '2022-01-01/P7D'],
  ['2022SunW1', '2022-01-02/P7D'],
  ['2022BiW1', '2022-01-03/P14D'],
  ['2022BiW2', '2022-01-17/P14D'],
  ['202201', '2022-01-01/P1M'],
  ['202205', '2022-05-01/P1M'],
  ['202201B', '2022-01-01/P2M'],
  ['202202B', '2022-03-01/P2M'],
  ['2022Q1', '2022-01-01/P3M'],
  ['2022Q2', '2022-04-01/P3M'],
  ['2022S1', '2022-01-01/P6M'],
  ['2022S2', '2022-07-01/P6M'],
  ['2022AprilS1', '2022-04-01/P6M'],
  ['2022AprilS2', '2022-10-01/P6M'],
  ['2022NovS2', '2022-05-01/P6M'],
  ['2022', '2022-01-01/P1Y'],
  ['2022April', '2022-04-01/P1Y'],
  ['2022July', '2022-07-01/P1Y'],
  ['2022Oct', '2022-10-01/P1Y'],
  ['2022Nov', '2021-11-01/P1Y'],
];

describe('ADX periods', () => {
  it('converts ADX periods to DHIS2 period ids as DHIS2 does', () => {
    expect(PARSE.map(([adx]) => adxToDhis2Period(adx))).toEqual(PARSE.map(([, id]) => id));
  });

  it('converts DHIS2 period ids to ADX as DHIS2 exports them', () => {
    expect(SERIALIZE.map(([id]) => dhis2ToAdxPeriod(id))).toEqual(SERIALIZE.map(([, adx]) => adx));
  });

  it('round-trips every kind of period id', () => {
    const ids = [...PARSE.map(([, id]) => id), ...SERIALIZE.map(([id]) => id), '2020W53', '2021W1', '2026BiW26', '2024NovS1'];
    for (const id of ids) expect(adxToDhis2Period(dhis2ToAdxPeriod(id)!), id).toBe(id);
  });

  it('takes the period containing a start date that is not the first day, as DHIS2 does', () => {
    expect(adxToDhis2Period('2024-01-15/P1M')).toBe('202401');
    expect(adxToDhis2Period('2024-02-10/P3M')).toBe('2024Q1');
    expect(adxToDhis2Period('2024-01-08/P14D')).toBe('2024BiW1');
  });

  it('gives null for what DHIS2 cannot convert either', () => {
    for (const bad of [
      '2024-01-01/P1D/P1D',
      '2024-01-01/P1',
      '2024-01-02/P7D',
      '2014-02-01/P6M',
      '2014-02-01/P1Y',
      '2024-02-30/P1D',
      '202401',
      '2024-01-01/p1m',
      '',
    ]) {
      expect(adxToDhis2Period(bad), bad).toBeNull();
    }
    for (const bad of ['2024W54', '2021W53', '2024Q5', '202413', '2024S3', '2024Sep', 'abc', '2024BiW28', '20240230']) {
      expect(dhis2ToAdxPeriod(bad), bad).toBeNull();
    }
  });
});
