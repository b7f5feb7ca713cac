import { describe, expect, it } from 'vitest';
import { JOB_KINDS, resultOf, viewedResult } from './job-kinds';
import { JOB_TYPE_LABELS, JOB_TYPES } from './jobs';

const summary = { status: 'SUCCESS', importCount: { imported: 2, updated: 0, ignored: 0, deleted: 0 }, conflicts: [] };

describe('job kinds', () => {
  it('job types and labels come from the declarations, in their order', () => {
    expect(JOB_TYPES).toEqual(Object.keys(JOB_KINDS));
    expect(JOB_TYPE_LABELS['import-data']).toBe('Data import');
    expect(JOB_TYPE_LABELS['self-test']).toBe(JOB_KINDS['self-test'].label);
  });

  it('only imports travel on USB, and only kinds with an input file declare an offline check', () => {
    for (const [type, kind] of Object.entries(JOB_KINDS)) {
      expect(kind.usb, type).toBe(type.startsWith('import-'));
      if (kind.offlineCheck) expect(type.startsWith('import-'), type).toBe(true);
    }
  });

  it('reads a result through its kind: defaults filled for an older result, null for a shape that is not its own', () => {
    const old = { server: summary, validation: null, chunks: 1, dryRun: false };
    expect(resultOf({ type: 'import-data', result: old })).toMatchObject({ resent: [], resentChunks: 0, chunks: 1 });
    expect(resultOf({ type: 'import-data', result: { file: 'x.json', bytes: 1, sha256: 'a' } })).toBeNull();
    expect(resultOf({ type: 'import-data', result: null })).toBeNull();
    // What a receipt from the district gives a job carried on USB: the district's summary, no request count.
    expect(resultOf({ type: 'import-data', result: { server: summary, validation: null, dryRun: false, deliveredBy: 'Bo district office' } })).toMatchObject({
      chunks: null,
      deliveredBy: 'Bo district office',
    });
    // A malformed offline check does not hide the server's summary.
    expect(resultOf({ type: 'import-data', result: { ...old, validation: { nonsense: true } } })).toMatchObject({ validation: null, server: summary });
  });

  it('gives the view each kind declares with its typed result', () => {
    expect(viewedResult({ type: 'import-data', result: { server: summary, validation: null, chunks: 1, dryRun: true } })?.view).toBe('import-summary');
    expect(viewedResult({ type: 'export-data', result: { file: '/usb/x.json', bytes: 10, sha256: 'ab' } })).toEqual({
      view: 'saved-file',
      result: { file: '/usb/x.json', bytes: 10, sha256: 'ab' },
    });
    expect(viewedResult({ type: 'sync-metadata', result: { snapshotId: 's', version: '2.41.3', counts: { dataElements: 3 } } })?.view).toBe('metadata-sync');
    expect(viewedResult({ type: 'import-events', result: { anything: 1 } })).toBeNull();
  });
});
