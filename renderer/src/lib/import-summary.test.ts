import { describe, expect, it } from 'vitest';
import { conflictsToCsv } from './import-summary';

describe('conflicts saved as CSV', () => {
  it('keeps a hostile value from running as a formula in a spreadsheet', () => {
    const csv = conflictsToCsv([
      { object: 'fbfJHSPpUQD', objects: {}, value: '=HYPERLINK("http://evil","click")', errorCode: 'E7619', property: 'value', indexes: [3] },
    ]);
    const [header, row] = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toBe('errorCode,explanation,object,property,message,lines,indexes');
    expect(row).toContain(`"'=HYPERLINK(""http://evil"",""click"")"`);
    expect(row!.startsWith('E7619,')).toBe(true);
  });
});
