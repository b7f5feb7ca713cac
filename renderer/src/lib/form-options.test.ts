import { ImportDataParams } from '@shared/data-import';
import { describe, expect, it } from 'vitest';
import { countChanged, issueMessages, restoreOptions } from './form-options';

describe('an old job’s options read through today’s schema', () => {
  it('keeps every option the schema still accepts, normalised as the schema reads it', () => {
    const { values, notRestored } = restoreOptions(ImportDataParams.shape, { strategy: 'new', chunkSize: 500, dataSet: 'pBOMPrpg1QX' });
    expect(values).toEqual({ strategy: 'CREATE', chunkSize: 500, dataSet: 'pBOMPrpg1QX' });
    expect(notRestored).toEqual([]);
  });

  it('leaves options the old job never set to the form’s defaults, without a word (a field added since)', () => {
    const { values, notRestored } = restoreOptions(ImportDataParams.shape, { format: 'csv' });
    expect(values).toEqual({ format: 'csv' });
    expect(notRestored).toEqual([]);
  });

  it('says which values are no longer accepted and which options no longer exist', () => {
    const { values, notRestored } = restoreOptions(ImportDataParams.shape, { format: 'xls', skipAudit: true, mergeMode: 'MERGE' }, { format: 'Format' });
    expect(values).toEqual({ skipAudit: true });
    expect(notRestored).toEqual(['Format: “xls” is no longer accepted, so the default is used.', 'Merge mode: this option no longer exists and was left out.']);
  });
});

describe('schema complaints in the form’s error list', () => {
  it('name the field by its label and read as a sentence', () => {
    const parsed = ImportDataParams.safeParse({ dataSet: 'nope' });
    expect(parsed.success).toBe(false);
    expect(issueMessages(parsed.error!.issues, { dataSet: 'Data set' })).toEqual(['Data set: Must be a data set id (11 letters and digits).']);
  });

  it('fall back to “Options” for a field without a label', () => {
    const parsed = ImportDataParams.safeParse({ chunkSize: 1 });
    expect(issueMessages(parsed.error!.issues, {})[0]).toMatch(/^Options: Too small/);
  });
});

describe('the count of changed advanced options', () => {
  it('counts only the listed keys that differ from the defaults', () => {
    const base = { a: 'UID', b: false, c: '10000', d: 'x' };
    expect(countChanged({ a: 'CODE', b: false, c: '500', d: 'y' }, base, ['a', 'b', 'c'])).toBe(2);
    expect(countChanged(base, base, ['a', 'b', 'c', 'd'])).toBe(0);
  });
});
