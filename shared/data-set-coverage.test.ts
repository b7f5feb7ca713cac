import { describe, expect, it } from 'vitest';
import { coverageWarnings, type DataSetCoverageResult } from './data-set-coverage';

const result = (dataSets: DataSetCoverageResult['dataSets'], hasMetadata = true): DataSetCoverageResult => ({ hasMetadata, dataSets });
const uncovered = { id: 'dsA', name: 'Monthly RCH', known: true, assignedCount: 0 };

describe('coverageWarnings', () => {
  it('names the one chosen unit, or counts several, and says "below" only with descendants', () => {
    expect(coverageWarnings(result([uncovered]), ['Ngelehun CHC'], false)).toEqual([
      'Monthly RCH is not assigned to Ngelehun CHC: the export will hold no values for it.',
    ]);
    expect(coverageWarnings(result([uncovered]), ['Bo'], true)).toEqual([
      'Monthly RCH is not assigned to Bo or any unit below it: the export will hold no values for it.',
    ]);
    expect(coverageWarnings(result([uncovered]), ['Bo', 'Bombali'], true)).toEqual([
      'Monthly RCH is not assigned to any of the 2 chosen organisation units or any unit below them: the export will hold no values for it.',
    ]);
  });

  it('says nothing of data sets the units hold, of data sets the metadata does not know, or without metadata', () => {
    expect(coverageWarnings(result([{ ...uncovered, assignedCount: 3 }]), ['Bo'], true)).toEqual([]);
    expect(coverageWarnings(result([{ id: 'dsX', name: null, known: false, assignedCount: 0 }]), ['Bo'], true)).toEqual([]);
    expect(coverageWarnings(result([uncovered], false), ['Bo'], true)).toEqual([]);
    expect(coverageWarnings(result([uncovered]), [], true)).toEqual([]);
  });

  it('falls back on the id of a data set without a name', () => {
    expect(coverageWarnings(result([{ ...uncovered, name: null }]), ['Bo'], false)).toEqual([
      'dsA is not assigned to Bo: the export will hold no values for it.',
    ]);
  });
});
