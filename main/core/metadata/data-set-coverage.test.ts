import { describe, expect, it } from 'vitest';
import { invoke } from '../services';
import { tempDir, testCore } from '../test/helpers';
import { dataSetCoverage } from './data-set-coverage';
import { MetadataIndex } from './index';
import { emptyContent, make } from './testing/generate';

/** Country > Bo > Badjia > Ngelehun CHC, and Bombali beside Bo; RCH is on Ngelehun only, EPI on Bombali itself. */
function index(): MetadataIndex {
  const content = emptyContent();
  content.records.organisationUnits.push(
    make.orgUnit({ id: 'ImspTQPwCqd', name: 'Sierra Leone', level: 1 }),
    make.orgUnit({ id: 'O6uvpzGd5pu', name: 'Bo', parent: 'ImspTQPwCqd' }),
    make.orgUnit({ id: 'YuQRtpLP10I', name: 'Badjia', parent: 'O6uvpzGd5pu' }),
    make.orgUnit({ id: 'DiszpKrYNg8', name: 'Ngelehun CHC', parent: 'YuQRtpLP10I' }),
    make.orgUnit({ id: 'fdc6uOvgoji', name: 'Bombali', parent: 'ImspTQPwCqd' }),
  );
  content.records.dataSets.push(
    make.dataSet({ id: 'QX4ZTUbOt3a', name: 'Monthly RCH', organisationUnits: ['DiszpKrYNg8'] }),
    make.dataSet({ id: 'BfMAe6Itzgt', name: 'EPI', organisationUnits: ['fdc6uOvgoji', 'DiszpKrYNg8'] }),
  );
  return MetadataIndex.build(content);
}

const counts = (result: ReturnType<typeof dataSetCoverage>) => Object.fromEntries(result.dataSets.map((d) => [d.name ?? d.id, d.assignedCount]));

describe('data set coverage of an org unit selection', () => {
  it('counts a unit the data set is assigned to directly', () => {
    const result = dataSetCoverage(index(), { dataSets: ['QX4ZTUbOt3a', 'BfMAe6Itzgt'], orgUnits: ['DiszpKrYNg8'], includeDescendants: false });
    expect(result.hasMetadata).toBe(true);
    expect(result.dataSets).toEqual([
      { id: 'QX4ZTUbOt3a', name: 'Monthly RCH', known: true, assignedCount: 1 },
      { id: 'BfMAe6Itzgt', name: 'EPI', known: true, assignedCount: 1 },
    ]);
  });

  it('reaches a unit below the chosen one only when descendants are included', () => {
    const q = { dataSets: ['QX4ZTUbOt3a', 'BfMAe6Itzgt'], orgUnits: ['O6uvpzGd5pu'] };
    expect(counts(dataSetCoverage(index(), { ...q, includeDescendants: true }))).toEqual({ 'Monthly RCH': 1, EPI: 1 });
    expect(counts(dataSetCoverage(index(), { ...q, includeDescendants: false }))).toEqual({ 'Monthly RCH': 0, EPI: 0 });
    // The whole country reaches both of EPI's units.
    expect(counts(dataSetCoverage(index(), { ...q, orgUnits: ['ImspTQPwCqd'], includeDescendants: true }))).toEqual({ 'Monthly RCH': 1, EPI: 2 });
  });

  it('counts zero when no chosen unit holds the data set, and does not look upwards', () => {
    expect(counts(dataSetCoverage(index(), { dataSets: ['QX4ZTUbOt3a'], orgUnits: ['fdc6uOvgoji'], includeDescendants: true }))).toEqual({ 'Monthly RCH': 0 });
    // A unit below an assigned one is not the assigned one.
    expect(counts(dataSetCoverage(index(), { dataSets: ['BfMAe6Itzgt'], orgUnits: ['YuQRtpLP10I'], includeDescendants: true }))).toEqual({ EPI: 1 });
    expect(counts(dataSetCoverage(index(), { dataSets: ['BfMAe6Itzgt'], orgUnits: ['YuQRtpLP10I'], includeDescendants: false }))).toEqual({ EPI: 0 });
  });

  it('marks unknown data sets, and ignores unknown org units', () => {
    const result = dataSetCoverage(index(), { dataSets: ['nosuchset01', 'QX4ZTUbOt3a'], orgUnits: ['nosuchunit1'], includeDescendants: true });
    expect(result.dataSets).toEqual([
      { id: 'nosuchset01', name: null, known: false, assignedCount: 0 },
      { id: 'QX4ZTUbOt3a', name: 'Monthly RCH', known: true, assignedCount: 0 },
    ]);
  });

  it('says there is no metadata rather than warning about every data set', async () => {
    expect(dataSetCoverage(null, { dataSets: ['QX4ZTUbOt3a'], orgUnits: ['O6uvpzGd5pu'], includeDescendants: true })).toEqual({
      hasMetadata: false,
      dataSets: [],
    });
    const dir = tempDir();
    const core = testCore(dir.path);
    try {
      const result = await invoke(core, 'metadata.dataSetCoverage', { dataSets: ['QX4ZTUbOt3a'], orgUnits: ['O6uvpzGd5pu'] });
      expect(result).toEqual({ hasMetadata: false, dataSets: [] });
    } finally {
      await core.close();
      dir.remove();
    }
  });
});
