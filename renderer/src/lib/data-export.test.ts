import { describe, expect, it } from 'vitest';
import { defaultExportDates, parseExportResult } from './data-export';

describe('data export defaults', () => {
  it('go from three months ago to today, as in the DHIS2 app', () => {
    expect(defaultExportDates(new Date(2024, 6, 15))).toEqual({ startDate: '2024-04-15', endDate: '2024-07-15' });
    expect(defaultExportDates(new Date(2024, 1, 10))).toEqual({ startDate: '2023-11-10', endDate: '2024-02-10' });
  });

  it('keep to the last day of a shorter month', () => {
    expect(defaultExportDates(new Date(2024, 4, 31))).toEqual({ startDate: '2024-02-29', endDate: '2024-05-31' });
    expect(defaultExportDates(new Date(2023, 4, 31))).toEqual({ startDate: '2023-02-28', endDate: '2023-05-31' });
  });

  it('read a finished job’s file and size, and nothing else', () => {
    expect(parseExportResult({ file: '/media/usb/a.csv.zip', bytes: 120, sha256: 'x' })).toEqual({ file: '/media/usb/a.csv.zip', bytes: 120 });
    expect(parseExportResult(null)).toBeNull();
    expect(parseExportResult({ file: 3 })).toBeNull();
  });
});
