import { describe, expect, it } from 'vitest';
import { mergeSummaries } from './merge-summaries';
import type { ImportSummary } from '../../../shared/import-summary';

const summary = (over: Partial<ImportSummary>): ImportSummary => ({
  status: 'SUCCESS',
  importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
  conflicts: [],
  ...over,
});

describe('mergeSummaries', () => {
  it('adds counts, takes the worst status and shifts indexes by each chunk offset', () => {
    const merged = mergeSummaries([
      {
        offset: 0,
        summary: summary({
          importCount: { imported: 3, updated: 1, ignored: 1, deleted: 0 },
          rejectedIndexes: [4],
          status: 'WARNING',
          conflicts: [{ object: 'a', objects: { dataElement: 'a' }, value: 'bad', errorCode: 'E7619', property: 'value', indexes: [4] }],
        }),
      },
      { offset: 5, summary: summary({ importCount: { imported: 5, updated: 0, ignored: 0, deleted: 0 } }) },
      {
        offset: 10,
        summary: summary({
          importCount: { imported: 1, updated: 0, ignored: 2, deleted: 1 },
          rejectedIndexes: [0, 3],
          status: 'WARNING',
          conflicts: [
            { object: 'a', objects: { dataElement: 'a' }, value: 'bad', errorCode: 'E7619', property: 'value', indexes: [0] },
            { object: 'p', objects: { period: 'p' }, value: 'bad period', errorCode: 'E7611', indexes: [3] },
          ],
        }),
      },
    ]);
    expect(merged.importCount).toEqual({ imported: 9, updated: 1, ignored: 3, deleted: 1 });
    expect(merged.status).toBe('WARNING');
    expect(merged.rejectedIndexes).toEqual([4, 10, 13]);
    expect(merged.conflicts).toEqual([
      { object: 'a', objects: { dataElement: 'a' }, value: 'bad', errorCode: 'E7619', property: 'value', indexes: [4, 10] },
      { object: 'p', objects: { period: 'p' }, value: 'bad period', errorCode: 'E7611', indexes: [13] },
    ]);
  });

  it('keeps legacy conflicts without codes apart by object and message', () => {
    const merged = mergeSummaries([
      { offset: 0, summary: summary({ conflicts: [{ object: 'x', value: 'Data element not found' }] }) },
      {
        offset: 2,
        summary: summary({
          conflicts: [
            { object: 'x', value: 'Data element not found' },
            { object: 'y', value: 'Data element not found' },
          ],
        }),
      },
    ]);
    expect(merged.conflicts).toHaveLength(2);
  });

  it('reports success for nothing at all', () => {
    expect(mergeSummaries([])).toMatchObject({
      status: 'SUCCESS',
      importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
      conflicts: [],
      dataSetComplete: 'false',
    });
  });
});
