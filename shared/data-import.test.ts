import { describe, expect, it } from 'vitest';
import { ImportDataParams } from './data-import';

describe('ImportDataParams', () => {
  it("fills DHIS2's defaults", () => {
    expect(ImportDataParams.parse({})).toEqual({
      format: 'auto',
      strategy: 'CREATE_AND_UPDATE',
      dryRun: false,
      preheatCache: false,
      skipExistingCheck: false,
      skipAudit: false,
      firstRowIsHeader: true,
      idScheme: 'UID',
      chunkSize: 10_000,
    });
  });

  it('accepts the legacy strategy names and id schemes in any case, as DHIS2 does', () => {
    const parsed = ImportDataParams.parse({ strategy: 'new_and_updates', idScheme: 'code', orgUnitIdScheme: 'attribute:UKNKz1H10EE' });
    expect(parsed.strategy).toBe('CREATE_AND_UPDATE');
    expect(parsed.idScheme).toBe('CODE');
    expect(parsed.orgUnitIdScheme).toBe('ATTRIBUTE:UKNKz1H10EE');
    expect(ImportDataParams.parse({ strategy: 'DELETES' }).strategy).toBe('DELETE');
  });

  it('refuses what DHIS2 would not understand, saying which option', () => {
    const bad = ImportDataParams.safeParse({ idScheme: 'ATTRIBUTE:short', strategy: 'SYNC', dataSet: 'x', chunkSize: 5 });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['idScheme', 'strategy', 'dataSet', 'chunkSize']));
  });
});
