import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MetadataExport } from './metadata';
import { nextPeriod, periodContaining, previousPeriod, today } from './periods';
import { startSimulator, type Simulator } from './server';
import { basic } from './test-support';
import { counts, DEFAULT_COC, postDataValues, summaryOf, type PostResult } from './test-seeds';

/** The counting rules of DefaultDataValueSetService (2.41) and the conflicts of DataValueSetImportValidator, one by one. */

const ref = (id: string) => ({ id });
const de = (id: string, valueType: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  shortName: id,
  code: `${id}_CODE`,
  valueType,
  aggregationType: 'SUM',
  ...extra,
});

function seed(): MetadataExport {
  const monthly = [
    'DeInteger01',
    'DeNumberZS1',
    'DeAverage01',
    'DeText00001',
    'DeBool00001',
    'DeDate00001',
    'DePercent01',
    'DeOption001',
    'DeMulti0001',
    'DeFile00001',
    'DeSex000001',
  ];
  return {
    organisationUnits: [
      { id: 'RootUnit001', name: 'Country' },
      { id: 'DistrictA01', name: 'District A', parent: ref('RootUnit001') },
      { id: 'FacilityA01', name: 'Facility A', parent: ref('DistrictA01') },
      { id: 'FacilityB01', name: 'Facility B', parent: ref('RootUnit001') },
    ],
    categoryOptions: [
      { id: 'OptionMale1', name: 'Male', code: 'M' },
      { id: 'OptionFema1', name: 'Female', code: 'F' },
    ],
    categories: [{ id: 'CategorySex', name: 'Sex', code: 'SEX', categoryOptions: [ref('OptionMale1'), ref('OptionFema1')] }],
    // No option combos in the seed: the simulator generates them, as DHIS2's metadata import does.
    categoryCombos: [{ id: 'ComboSex001', name: 'Sex', categories: [ref('CategorySex')] }],
    optionSets: [{ id: 'OptSetColor', name: 'Colors', valueType: 'TEXT', options: [ref('OptionRed01'), ref('OptionGree1')] }],
    options: [
      { id: 'OptionRed01', name: 'Red', code: 'RED', optionSet: ref('OptSetColor') },
      { id: 'OptionGree1', name: 'Green', code: 'GREEN', optionSet: ref('OptSetColor') },
    ],
    dataElements: [
      de('DeInteger01', 'INTEGER'),
      de('DeNumberZS1', 'NUMBER', { zeroIsSignificant: true }),
      de('DeAverage01', 'INTEGER', { aggregationType: 'AVERAGE' }),
      de('DeText00001', 'TEXT'),
      de('DeBool00001', 'BOOLEAN'),
      de('DeDate00001', 'DATE'),
      de('DePercent01', 'PERCENTAGE'),
      de('DeOption001', 'TEXT', { optionSet: ref('OptSetColor') }),
      de('DeMulti0001', 'MULTI_TEXT', { optionSet: ref('OptSetColor') }),
      de('DeFile00001', 'FILE_RESOURCE'),
      de('DeSex000001', 'INTEGER', { categoryCombo: ref('ComboSex001') }),
      de('DeExpiry001', 'INTEGER'),
      de('DeInput0001', 'INTEGER'),
    ],
    dataSets: [
      {
        id: 'DsMonthly01',
        name: 'Monthly',
        periodType: 'Monthly',
        openFuturePeriods: 1,
        dataSetElements: monthly.map((id) => ({ dataElement: ref(id) })),
        organisationUnits: [ref('FacilityA01'), ref('DistrictA01')],
      },
      {
        id: 'DsExpiry001',
        name: 'Expiring',
        periodType: 'Monthly',
        expiryDays: 10,
        openFuturePeriods: 12,
        dataSetElements: [{ dataElement: ref('DeExpiry001') }],
        organisationUnits: [ref('FacilityA01')],
      },
      {
        id: 'DsInput0001',
        name: 'With input periods',
        periodType: 'Yearly',
        dataSetElements: [{ dataElement: ref('DeInput0001') }],
        organisationUnits: [ref('FacilityA01')],
        dataInputPeriods: [{ period: { id: '2020' }, openingDate: '2020-01-01T00:00:00.000', closingDate: '2020-12-31T00:00:00.000' }],
      },
    ],
  };
}

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
  sim.seedMetadata(seed());
});
beforeEach(() => {
  sim.clearDataValues();
});
afterAll(async () => {
  await sim.close();
});

interface Value {
  dataElement?: string;
  period?: string;
  orgUnit?: string;
  categoryOptionCombo?: string;
  attributeOptionCombo?: string;
  value?: string | null;
  comment?: string | null;
  followup?: boolean;
  deleted?: boolean;
  storedBy?: string;
}

function post(values: Value[], query = '', header: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<PostResult> {
  const dataValues = values.map((v) => ({ dataElement: 'DeInteger01', period: '202401', orgUnit: 'FacilityA01', ...v }));
  return postDataValues(sim, JSON.stringify({ ...header, dataValues }), 'application/json', query, headers);
}

const stored = (dataElement = 'DeInteger01') => sim.dataValues({ dataElement, includeDeleted: true });

describe('counting (section 1.7)', () => {
  it('imports a new value, ignores the same value again, updates a changed value, comment or follow-up', async () => {
    expect(counts(await post([{ value: '5' }]))).toEqual([1, 0, 0, 0]);
    const again = await post([{ value: '5' }]);
    expect(counts(again)).toEqual([0, 0, 0, 1]);
    expect(summaryOf(again)).toMatchObject({ status: 'SUCCESS', rejectedIndexes: [], conflicts: [] });
    expect(counts(await post([{ value: '6' }]))).toEqual([0, 1, 0, 0]);
    expect(counts(await post([{ value: '6', comment: 'checked' }]))).toEqual([0, 1, 0, 0]);
    expect(counts(await post([{ value: '6', comment: 'checked', followup: true }]))).toEqual([0, 1, 0, 0]);
    expect(counts(await post([{ value: '6', comment: 'checked', followup: true, storedBy: 'someone else' }]))).toEqual([0, 0, 0, 1]);
    expect(stored()).toEqual([expect.objectContaining({ value: '6', comment: 'checked', followup: true, storedBy: 'admin', deleted: false })]);
  });

  it('deletes an existing value on deleted:true, on an empty value with CSV, and on an insignificant zero', async () => {
    await post([{ value: '5' }, { period: '202402', value: '5' }, { period: '202403', value: '5' }]);
    expect(counts(await post([{ value: '5', deleted: true }]))).toEqual([0, 0, 1, 0]);
    const csv = 'de,pe,ou,coc,aoc,value\nDeInteger01,202402,FacilityA01,,,\n';
    expect(counts(await postDataValues(sim, csv, 'application/csv'))).toEqual([0, 0, 1, 0]);
    expect(counts(await post([{ period: '202403', value: '0' }]))).toEqual([0, 0, 1, 0]);
    expect(stored().every((v) => v.deleted)).toBe(true);
    expect(sim.dataValues({ dataElement: 'DeInteger01' })).toEqual([]);
  });

  it('revives a soft-deleted value as an import, keeping its row once', async () => {
    await post([{ value: '5' }]);
    await post([{ value: '5' }], 'importStrategy=DELETE');
    expect(stored()).toEqual([expect.objectContaining({ deleted: true })]);
    expect(counts(await post([{ value: '7' }]))).toEqual([1, 0, 0, 0]);
    expect(stored()).toEqual([expect.objectContaining({ value: '7', deleted: false })]);
    // A deleted:true value on a soft-deleted row is still counted as imported and stays deleted.
    await post([{ value: '7' }], 'importStrategy=DELETE');
    expect(counts(await post([{ value: '8', deleted: true }]))).toEqual([1, 0, 0, 0]);
    expect(stored()).toEqual([expect.objectContaining({ value: '8', deleted: true })]);
  });

  it('DELETE deletes what exists and rejects what does not; E7645 for file values without a stored value', async () => {
    await post([{ value: '5' }]);
    const result = await post([{ value: '5' }, { period: '202402', value: '1' }], 'importStrategy=DELETE');
    expect(counts(result)).toEqual([0, 0, 1, 1]);
    expect(summaryOf(result).rejectedIndexes).toEqual([1]);
    const file = await post([{ dataElement: 'DeFile00001', value: 'AbcdefGhij1' }], 'importStrategy=DELETES');
    expect(summaryOf(file).conflicts).toEqual([
      expect.objectContaining({
        errorCode: 'E7645',
        objects: { dataElement: 'DeFile00001' },
        value: 'No data value for file resource exist for the given combination for data element: `DeFile00001`',
      }),
    ]);
  });

  it('CREATE ignores and rejects existing values; UPDATE ignores and rejects new ones', async () => {
    await post([{ value: '5' }]);
    const create = await post([{ value: '6' }, { period: '202402', value: '6' }], 'importStrategy=CREATE');
    expect(counts(create)).toEqual([1, 0, 0, 1]);
    expect(summaryOf(create).rejectedIndexes).toEqual([0]);
    const update = await post([{ value: '9' }, { period: '202403', value: '6' }], 'importStrategy=UPDATE');
    expect(counts(update)).toEqual([0, 1, 0, 1]);
    expect(summaryOf(update).rejectedIndexes).toEqual([1]);
    expect(summaryOf(update).status).toBe('SUCCESS');
  });

  it('takes the strategy from the payload over the query', async () => {
    await post([{ value: '5' }]);
    expect(counts(await post([{ value: '5' }], 'importStrategy=CREATE_AND_UPDATE', { strategy: 'DELETE' }))).toEqual([0, 0, 1, 0]);
  });

  it('leaves insignificant zeros out of every count, stores significant ones and those of AVERAGE elements', async () => {
    const result = await post([
      { value: '0' },
      { value: '0', period: '202402' },
      { dataElement: 'DeNumberZS1', value: '0.0' },
      { dataElement: 'DeAverage01', value: '0' },
    ]);
    expect(counts(result)).toEqual([2, 0, 0, 0]);
    expect(summaryOf(result)).toMatchObject({ status: 'SUCCESS', rejectedIndexes: [] });
    expect(stored()).toEqual([]);
    expect(stored('DeNumberZS1')).toEqual([expect.objectContaining({ value: '0.0' })]);
  });

  it('ignores a new value that is empty after trimming, without a conflict or rejection', async () => {
    const csv = 'de,pe,ou,coc,aoc,value,storedby,lastupdated,comment\nDeInteger01,202401,FacilityA01,,,  ,,,\n';
    const result = await postDataValues(sim, csv, 'application/csv');
    expect(counts(result)).toEqual([0, 0, 0, 1]);
    expect(summaryOf(result)).toMatchObject({ conflicts: [], rejectedIndexes: [] });
  });

  it('stores a comment without a value', async () => {
    expect(counts(await post([{ value: null, comment: 'no data this month' }]))).toEqual([1, 0, 0, 0]);
    expect(stored()).toEqual([expect.objectContaining({ value: null, comment: 'no data this month' })]);
  });

  it('drops a key repeated inside one batch without counting it (quick BatchHandler), but counts both on a dry run', async () => {
    const result = await post([{ value: '1' }, { value: '2' }, { period: '202402', value: '3' }]);
    expect(counts(result)).toEqual([2, 0, 0, 0]);
    expect(stored().map((v) => [v.period, v.value])).toEqual([
      ['202401', '1'],
      ['202402', '3'],
    ]);
    sim.clearDataValues();
    expect(counts(await post([{ value: '1' }, { value: '2' }], 'dryRun=true'))).toEqual([2, 0, 0, 0]);
    expect(stored()).toEqual([]);
  });

  it('fails the batch with skipExistingCheck=true when a value exists (duplicate key on INSERT)', async () => {
    await post([{ value: '1' }]);
    const fresh = await post([{ period: '202402', value: '2' }], 'skipExistingCheck=true');
    expect(counts(fresh)).toEqual([1, 0, 0, 0]);
    const clash = await post([{ period: '202403', value: '3' }, { value: '9' }], 'skipExistingCheck=true');
    expect(clash.status).toBe(409);
    expect(summaryOf(clash)).toMatchObject({
      status: 'ERROR',
      description: 'The import process failed: Failed to flush BatchHandler',
      importCount: { imported: 0 },
    });
    expect(stored().map((v) => v.period)).toEqual(['202401', '202402']);
  });
});

describe('value conflicts', () => {
  it('checks value types with DHIS2 message texts, groups them by element and error, lists indexes and rejects', async () => {
    const result = await post([
      { value: 'abc' },
      { value: '1.5', period: '202402' },
      { dataElement: 'DePercent01', value: '101' },
      { dataElement: 'DeDate00001', value: '2024-02-30' },
      { dataElement: 'DeBool00001', value: 'yes' },
      { dataElement: 'DeBool00001', value: 'T', period: '202402' },
      { dataElement: 'DeText00001', value: 'fine' },
      { value: '12', period: '202403' },
    ]);
    expect(result.status).toBe(409);
    expect(result.body).toMatchObject({ status: 'WARNING', message: 'One more conflicts encountered, please check import summary.' });
    const summary = summaryOf(result);
    expect(counts(result)).toEqual([3, 0, 0, 5]);
    expect(summary.rejectedIndexes).toEqual([0, 1, 2, 3, 4]);
    expect(summary.conflicts).toEqual([
      {
        object: 'DeInteger01',
        objects: { dataElement: 'DeInteger01', value: 'value_not_integer' },
        value: 'Value must match value type of data element `DeInteger01`: `Data value is not an integer`',
        errorCode: 'E7619',
        property: 'value',
        indexes: [0, 1],
      },
      expect.objectContaining({ objects: { dataElement: 'DePercent01', value: 'value_not_percentage' }, indexes: [2] }),
      expect.objectContaining({ value: 'Value must match value type of data element `DeDate00001`: `Data value is not a valid date`', indexes: [3] }),
      expect.objectContaining({ objects: { dataElement: 'DeBool00001', value: 'value_not_bool' }, indexes: [4] }),
    ]);
    expect(stored('DeBool00001')).toEqual([expect.objectContaining({ value: 'true' })]);
  });

  it('checks option codes, MULTI_TEXT lists, comment and storedBy lengths', async () => {
    const result = await post([
      { dataElement: 'DeOption001', value: 'RED' },
      { dataElement: 'DeOption001', value: 'Red', period: '202402' },
      { dataElement: 'DeMulti0001', value: 'RED,GREEN' },
      { dataElement: 'DeMulti0001', value: 'RED,BLUE', period: '202402' },
      { value: '1', comment: 'x'.repeat(50_001) },
      { value: '1', period: '202402', storedBy: 'y'.repeat(256) },
    ]);
    expect(summaryOf(result).conflicts).toEqual([
      {
        object: 'DeOption001',
        objects: { dataElement: 'DeOption001' },
        value: 'Data value is not a valid option of the data element option set: `DeOption001`',
        errorCode: 'E7621',
        property: 'value',
        indexes: [1],
      },
      expect.objectContaining({ errorCode: 'E7621', object: 'DeMulti0001', indexes: [3] }),
      {
        object: 'comment_length_greater_than_max_length',
        objects: { comment: 'comment_length_greater_than_max_length' },
        value: 'Invalid comment: Comment is greater than max length',
        errorCode: 'E7620',
        property: 'comment',
        indexes: [4],
      },
      {
        object: 'stored_by_length_greater_than_max_length',
        objects: { storedBy: 'stored_by_length_greater_than_max_length' },
        value: 'Invalid storedBy: Stored by is greater than max length',
        errorCode: 'E7637',
        property: 'storedBy',
        indexes: [5],
      },
    ]);
    expect(counts(result)).toEqual([2, 0, 0, 4]);
  });

  it('fails the whole import for a value-less entry of an option set element, as 2.41 does (List.of(null))', async () => {
    await post([{ value: '1' }]);
    const result = await post([
      { period: '202402', value: '2' },
      { dataElement: 'DeOption001', value: null, deleted: true },
    ]);
    expect(summaryOf(result)).toMatchObject({ status: 'ERROR', description: 'The import process failed: null' });
    // The first value was still in the unflushed batch and is lost with it.
    expect(stored().map((v) => v.period)).toEqual(['202401']);
  });

  it('reports unknown periods, option combos and attribute option combos, and resolves generated option combos', async () => {
    const [male] = sim.state.metadata.combosCocs('ComboSex001');
    const result = await post([
      { period: '2024-13', value: '1' },
      { categoryOptionCombo: 'NoSuchCoc01', value: '1' },
      { attributeOptionCombo: 'NoSuchAoc01', value: '1' },
      { dataElement: 'DeSex000001', categoryOptionCombo: male, value: '4' },
    ]);
    expect(summaryOf(result).conflicts.map((c) => [c.errorCode, c.value, c.indexes])).toEqual([
      ['E7611', 'Period not valid: `2024-13`', [0]],
      ['E7613', 'Category option combo not found or not accessible for writing data: `NoSuchCoc01`', [1]],
      ['E7615', 'Attribute option combo not found or not accessible for writing data: `NoSuchAoc01`', [2]],
    ]);
    expect(stored('DeSex000001')).toEqual([expect.objectContaining({ categoryOptionCombo: male, attributeOptionCombo: DEFAULT_COC })]);
    expect(sim.state.metadata.get('categoryOptionCombos', male ?? '')?.['name']).toBe('Male');
  });

  it('accepts ISO period spellings and stores the canonical one', async () => {
    await post([{ period: '2024-02', value: '1' }]);
    await post([{ period: '2024-02-05', dataElement: 'DeText00001', value: 'x' }]);
    expect(stored().map((v) => v.period)).toEqual(['202402']);
    expect(stored('DeText00001').map((v) => v.period)).toEqual(['20240205']);
  });

  it('rejects periods after the latest open future period of the data set (E7641)', async () => {
    const current = periodContaining('Monthly', today());
    const next = nextPeriod(current);
    const afterNext = nextPeriod(next);
    const result = await post([
      { period: current.iso, value: '1' },
      { period: next.iso, value: '1' },
      { period: afterNext.iso, value: '1' },
    ]);
    // openFuturePeriods 1: the current period is the latest open one.
    expect(summaryOf(result).conflicts).toEqual([
      {
        object: next.iso,
        objects: { period: next.iso, dataElement: 'DeInteger01', dataSet: 'DsMonthly01' },
        value: `Period: \`${next.iso}\` is after latest open future period: \`${current.iso}\` for data element: \`DeInteger01\` and data set: \`DsMonthly01\``,
        errorCode: 'E7641',
        property: 'period',
        indexes: [1],
      },
      expect.objectContaining({ errorCode: 'E7641', object: afterNext.iso, indexes: [2] }),
    ]);
    // force=true lets a superuser past the data set checks.
    expect(counts(await post([{ period: next.iso, value: '1' }], 'force=true'))).toEqual([1, 0, 0, 0]);
  });

  it('locks expired periods for users without F_EDIT_EXPIRED (E7640), not for superusers', async () => {
    const old = previousPeriod(previousPeriod(periodContaining('Monthly', today())));
    const value = [{ dataElement: 'DeExpiry001', period: old.iso, value: '1' }];
    const asImporter = await post(value, '', {}, { Authorization: basic('importer', 'district') });
    expect(summaryOf(asImporter).conflicts).toEqual([
      expect.objectContaining({
        errorCode: 'E7640',
        objects: { period: old.iso, dataSet: 'DsExpiry001' },
        value: `Current date is past expiry days for period: \`${old.iso}\`  and data set: \`DsExpiry001\``,
      }),
    ]);
    expect(counts(await post(value))).toEqual([1, 0, 0, 0]);
  });

  it('keeps to the data input periods of data sets (E7643 for the given data set, E7644 otherwise)', async () => {
    const bare = await post([{ dataElement: 'DeInput0001', period: '2021', value: '1' }]);
    expect(summaryOf(bare).conflicts).toEqual([expect.objectContaining({ errorCode: 'E7643', objects: { period: '2021', dataSet: 'DsInput0001' } })]);
    const closed = await post([{ dataElement: 'DeInput0001', period: '2020', value: '1' }]);
    expect(summaryOf(closed).conflicts.map((c) => c.errorCode)).toEqual(['E7643']);
    // Outside the element's data set org units there is no target data set, so only E7644 (by element) applies.
    const elsewhere = await post([{ dataElement: 'DeInput0001', orgUnit: 'FacilityB01', period: '2020', value: '1' }]);
    expect(summaryOf(elsewhere).conflicts).toEqual([
      expect.objectContaining({ errorCode: 'E7644', value: 'Period: `2020` does not conform to the open periods of associated data sets' }),
    ]);
  });

  it('rejects org units outside the user hierarchy (E7617) and aborts on an unknown header org unit (E7603)', async () => {
    sim.state.users.set('clerk', {
      username: 'clerk',
      password: 'district',
      firstName: 'C',
      surname: 'K',
      id: 'ClerkUid001',
      authorities: ['F_DATAVALUE_ADD'],
      organisationUnits: ['DistrictA01'],
    });
    try {
      const result = await post([{ value: '1' }, { orgUnit: 'FacilityB01', value: '1' }], '', {}, { Authorization: basic('clerk', 'district') });
      expect(summaryOf(result).conflicts).toEqual([
        {
          object: 'FacilityB01',
          objects: { organisationUnit: 'FacilityB01', user: 'ClerkUid001' },
          value: 'Organisation unit: `FacilityB01` not in hierarchy of current user: `ClerkUid001`',
          errorCode: 'E7617',
          property: 'orgUnit',
          indexes: [1],
        },
      ]);
      expect(stored()).toEqual([expect.objectContaining({ storedBy: 'clerk' })]);
    } finally {
      sim.state.users.delete('clerk');
    }
    const aborted = await post([{ value: '1' }], '', { orgUnit: 'Nowhere0001', dataSet: 'DsMonthly01' });
    expect(summaryOf(aborted)).toMatchObject({
      status: 'ERROR',
      description: 'Import process was aborted',
      conflicts: [
        {
          object: 'Nowhere0001',
          objects: { organisationUnit: 'Nowhere0001', dataSet: 'DsMonthly01' },
          value: 'Org unit not found or not accessible: `Nowhere0001`',
          errorCode: 'E7603',
          property: 'orgUnit',
        },
      ],
    });
  });
});

describe('the stored values', () => {
  it('hold each value exactly once however often a payload is posted, and the posts are counted', async () => {
    const body = JSON.stringify({ dataValues: [{ dataElement: 'DeInteger01', period: '202405', orgUnit: 'FacilityA01', value: '3' }] });
    for (let i = 0; i < 3; i++) await postDataValues(sim, body, 'application/json');
    expect(sim.dataValues({ period: '202405' })).toHaveLength(1);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const posts = sim.dataValuePosts().filter((p) => p.sha256 === sha256);
    expect(posts).toEqual([expect.objectContaining({ count: 3, statuses: [200, 200, 200], values: 1, contentType: 'application/json' })]);
    const viaControl = (await (await fetch(`${sim.url}/__sim/dataValues?period=202405&orgUnit=FacilityA01`)).json()) as unknown[];
    expect(viaControl).toEqual([expect.objectContaining({ dataElement: 'DeInteger01', value: '3', deleted: false })]);
  });
});
