import { describe, expect, it } from 'vitest';
import type { ImportReport } from '@shared/import-report';
import { errorRows, parseMetadataJobResult, reportErrorsToCsv, typeRows } from './import-report';

const report: ImportReport = {
  status: 'ERROR',
  stats: { created: 0, updated: 0, deleted: 0, ignored: 2, total: 2 },
  typeReports: [
    {
      klass: 'org.hisp.dhis.dataelement.DataElement',
      stats: { created: 0, updated: 0, deleted: 0, ignored: 2, total: 2 },
      objectReports: [
        {
          klass: 'org.hisp.dhis.dataelement.DataElement',
          index: 1,
          uid: 'DeBbbbbbbb2',
          displayName: '=HYPERLINK("http://evil")',
          line: 11,
          errorReports: [
            {
              message: 'Invalid reference [NoSuchCombo] (CategoryCombo) on object B [DeBbbbbbbb2] (DataElement) for association `categoryCombo`',
              mainKlass: 'org.hisp.dhis.dataelement.DataElement',
              errorCode: 'E5002',
              errorProperty: 'categoryCombo',
            },
          ],
        },
      ],
    },
  ],
};

describe('import report helpers', () => {
  it('rows name the type, object, line, property and code', () => {
    expect(errorRows(report)).toMatchObject([{ type: 'DataElement', uid: 'DeBbbbbbbb2', line: 11, index: 1, code: 'E5002', property: 'categoryCombo' }]);
    expect(typeRows(report)).toEqual([{ type: 'DataElement', created: 0, updated: 0, deleted: 0, ignored: 2, total: 2, errors: 1 }]);
  });

  it('CSV cells a spreadsheet would run as formulas start with an apostrophe', () => {
    const csv = reportErrorsToCsv(errorRows(report));
    expect(csv.startsWith('\uFEFFtype,id,name,line,index,errorCode,property,message,explanation\r\n')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    for (const start of ['+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\r=1']) {
      const row = { ...errorRows(report)[0]!, name: start };
      expect(reportErrorsToCsv([row])).toContain(`'${start}`);
    }
  });

  it('reads only results of the right shape', () => {
    expect(parseMetadataJobResult({ server: report, check: null, dryRun: true })).toMatchObject({ dryRun: true, recovered: null, metadataSync: 'not-needed' });
    expect(parseMetadataJobResult({ server: { importCount: {} } })).toBeNull();
  });
});
