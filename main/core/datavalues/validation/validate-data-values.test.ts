import { describe, expect, it } from 'vitest';
import { ImportDataParams, type ImportDataParamsInput } from '../../../../shared/data-import';
import type { MetadataIndex } from '../../metadata';
import { make, type MutableContent } from '../../metadata/testing/generate';
import { emptyHeader, type DataValueFormat, type DataValueRecord, type DataValueSetHeader } from '../types';
import { dataValueRecord } from '../testing';
import { IT, integrationIndex } from './testing/integration-metadata';
import { createDataValueTranslator } from './translate';
import type { StrictOptions, ValidationResult } from './types';
import { validateDataValues } from './validate-data-values';

function record(fields: Partial<DataValueRecord>, index = 0): DataValueRecord {
  return dataValueRecord({ dataElement: IT.deA, period: '201201', orgUnit: IT.ouA, value: '10', ...fields }, index);
}

async function* stream<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

interface Setup {
  index?: MetadataIndex;
  change?: (content: MutableContent) => void;
  header?: Partial<DataValueSetHeader>;
  params?: ImportDataParamsInput;
  options?: StrictOptions;
  today?: Date;
  format?: DataValueFormat;
  indexCap?: number;
  calendar?: string;
}

function context(setup: Setup) {
  return {
    index: setup.index ?? integrationIndex(setup.change),
    header: { ...emptyHeader(), ...setup.header },
    params: ImportDataParams.parse(setup.params ?? {}),
    fileName: 'values.json',
    format: setup.format ?? 'json',
    today: setup.today ?? new Date(2024, 5, 15),
    options: setup.options,
    indexCap: setup.indexCap,
    calendar: setup.calendar,
  };
}

async function validate(values: Partial<DataValueRecord>[], setup: Setup = {}): Promise<ValidationResult> {
  return validateDataValues(stream(values.map((fields, i) => record(fields, i))), context(setup));
}

/** The one conflict of a one-value validation. */
async function conflictOf(fields: Partial<DataValueRecord>, setup: Setup = {}) {
  const result = await validate([fields], setup);
  expect(result.summary.conflicts, JSON.stringify(result.summary.conflicts)).toHaveLength(1);
  return result.summary.conflicts[0]!;
}

async function passes(fields: Partial<DataValueRecord>, setup: Setup = {}) {
  const result = await validate([fields], setup);
  expect(result.summary.conflicts, JSON.stringify(result.summary.conflicts)).toEqual([]);
  return result;
}

const withDataSet = (change: (ds: ReturnType<typeof make.dataSet>) => void) => (content: MutableContent) =>
  change(content.records.dataSets.find((ds) => ds.id === IT.dsA)!);

describe('data set level (abort the import)', () => {
  it('E7600 unknown data set, E7603 unknown org unit and E7604 unknown attribute option combo: all reported, nothing else', async () => {
    const result = await validate([{}, {}], { header: { dataSet: 'NoSuchDSet1', orgUnit: 'NoSuchOrgUn', attributeOptionCombo: 'NoSuchAoc01' } });
    expect(result.aborted).toBe(true);
    expect(result.summary).toMatchObject({
      status: 'ERROR',
      description: 'Import process was aborted',
      importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
    });
    expect(result.summary.conflicts).toEqual([
      {
        object: 'NoSuchDSet1',
        objects: { dataSet: 'NoSuchDSet1' },
        value: 'Data set not found or not accessible: `NoSuchDSet1`',
        errorCode: 'E7600',
        property: 'dataSet',
      },
      {
        object: 'NoSuchOrgUn',
        objects: { organisationUnit: 'NoSuchOrgUn', dataSet: 'NoSuchDSet1' },
        value: 'Org unit not found or not accessible: `NoSuchOrgUn`',
        errorCode: 'E7603',
        property: 'orgUnit',
      },
      {
        object: 'NoSuchAoc01',
        objects: { categoryOptionCombo: 'NoSuchAoc01', dataSet: 'NoSuchDSet1' },
        value: 'Attribute option combo not found or not accessible: `NoSuchAoc01`',
        errorCode: 'E7604',
        property: 'attributeOptionCombo',
      },
    ]);
    expect(result.checked).toBe(0);
  });

  it('the request’s data set counts for CSV only, as in 2.41', async () => {
    expect((await validate([{}], { params: { dataSet: 'NoSuchDSet1' }, format: 'csv' })).aborted).toBe(true);
    expect((await validate([{}], { params: { dataSet: 'NoSuchDSet1' }, format: 'json' })).aborted).toBe(false);
  });

  it('fails the whole import where DHIS2 throws: unknown scheme or strategy names, unknown attribute category options', async () => {
    expect((await validate([{}], { header: { idSchemes: { idScheme: 'BARCODE' } } })).summary).toMatchObject({
      status: 'ERROR',
      description: 'The import process failed: No enum constant org.hisp.dhis.common.IdentifiableProperty.BARCODE',
    });
    expect((await validate([{}], { header: { importStrategy: 'create_and_update' } })).summary.description).toBe(
      'The import process failed: No enum constant org.hisp.dhis.importexport.ImportStrategy.create_and_update',
    );
    expect((await validate([{}], { header: { dataSet: IT.dsA, attributeCategoryOptions: ['NoSuchOptio'] } })).summary.description).toBe(
      'The import process failed: Category option not found or not accessible: `NoSuchOptio`',
    );
  });
});

describe('each value check, in DHIS2 2.41 order', () => {
  it('E7610 data element', async () => {
    expect(await conflictOf({ dataElement: 'NoSuchDElem' })).toEqual({
      object: 'NoSuchDElem',
      objects: { dataElement: 'NoSuchDElem' },
      value: 'Data element not found or not accessible: `NoSuchDElem`',
      errorCode: 'E7610',
      property: 'dataElement',
      indexes: [0],
      lines: [2],
    });
    await passes({ dataElement: ` ${IT.deA} ` }); // trimmed, as DHIS2 trims
  });

  it('E7611 period: syntax and real dates', async () => {
    for (const period of ['2024W54', '202413', '20230229', '2024-1', 'January']) {
      expect(await conflictOf({ period }), period).toMatchObject({ errorCode: 'E7611', objects: { period }, value: `Period not valid: \`${period}\`` });
    }
    expect(await conflictOf({ period: null })).toMatchObject({ errorCode: 'E7611', objects: {}, value: 'Period not valid: `null`' });
    await passes({ period: '2012-01' });
  });

  it('E7612 org unit', async () => {
    expect(await conflictOf({ orgUnit: 'NoSuchOrgUn' })).toMatchObject({
      errorCode: 'E7612',
      objects: { organisationUnit: 'NoSuchOrgUn' },
      property: 'orgUnit',
    });
  });

  it('E7613 category option combo, only when one is given', async () => {
    expect(await conflictOf({ categoryOptionCombo: 'NoSuchCoc01' })).toMatchObject({
      errorCode: 'E7613',
      value: 'Category option combo not found or not accessible for writing data: `NoSuchCoc01`',
      objects: { categoryOptionCombo: 'NoSuchCoc01' },
      property: 'categoryOptionCombo',
    });
    await passes({ categoryOptionCombo: '  ' });
    // Any existing option combo passes unless strict (E7634).
    await passes({ categoryOptionCombo: IT.ocB });
  });

  it('E7615 attribute option combo', async () => {
    expect(await conflictOf({ attributeOptionCombo: 'NoSuchAoc01' })).toMatchObject({
      errorCode: 'E7615',
      value: 'Attribute option combo not found or not accessible for writing data: `NoSuchAoc01`',
      objects: { categoryOptionCombo: 'NoSuchAoc01' },
      property: 'attributeOptionCombo',
    });
  });

  it('E7617 org unit outside the user’s capture hierarchy; not checked without a user', async () => {
    expect(await conflictOf({ orgUnit: IT.ouC })).toMatchObject({
      errorCode: 'E7617',
      objects: { organisationUnit: IT.ouC, user: IT.user },
      value: `Organisation unit: \`${IT.ouC}\` not in hierarchy of current user: \`${IT.user}\``,
    });
    const result = await passes({ orgUnit: IT.ouC }, { change: (content) => (content.user = null) });
    expect(result.unchecked.join('\n')).toMatch(/No user in the offline metadata: .*E7617/);
    // Below a capture org unit is inside.
    await passes(
      { orgUnit: 'ChildOfOuA1' },
      { change: (content) => content.records.organisationUnits.push(make.orgUnit({ id: 'ChildOfOuA1', parent: IT.ouA, path: `/${IT.ouA}/ChildOfOuA1` })) },
    );
  });

  it('E7618 neither value nor comment, unless deleted or strategy DELETE', async () => {
    expect(await conflictOf({ value: null })).toMatchObject({
      errorCode: 'E7618',
      objects: { dataElement: IT.deA },
      value: `Data value or comment not specified for data element: \`${IT.deA}\``,
      property: 'value',
    });
    await passes({ value: null, comment: 'only a comment' });
    await passes({ value: null, deleted: true });
    await passes({ value: null }, { params: { strategy: 'DELETE' } });
  });

  it('E7619 value type, after boolean normalisation', async () => {
    expect(await conflictOf({ value: '1.5' })).toMatchObject({
      errorCode: 'E7619',
      objects: { dataElement: IT.deA, value: 'value_not_integer' },
      value: `Value must match value type of data element \`${IT.deA}\`: \`Data value is not an integer\``,
    });
    expect(await conflictOf({ dataElement: IT.deF, value: 'yes' })).toMatchObject({ objects: { dataElement: IT.deF, value: 'value_not_bool' } });
    await passes({ dataElement: IT.deF, value: 'T' });
    // Keys without an English text in 2.41 are shown as the key.
    const phone = await conflictOf(
      { value: 'abc' },
      { change: (content) => (content.records.dataElements.find((de) => de.id === IT.deA)!.valueType = 'PHONE_NUMBER') },
    );
    expect(phone.value).toBe(`Value must match value type of data element \`${IT.deA}\`: \`value_not_phone_number\``);
  });

  it('E7620 comment longer than 50,000 characters', async () => {
    expect(await conflictOf({ comment: 'x'.repeat(50_001) })).toEqual({
      object: 'comment_length_greater_than_max_length',
      objects: { comment: 'comment_length_greater_than_max_length' },
      value: 'Invalid comment: Comment is greater than max length',
      errorCode: 'E7620',
      property: 'comment',
      indexes: [0],
      lines: [2],
    });
    await passes({ comment: 'x'.repeat(50_000) });
  });

  it('E7621 option codes', async () => {
    expect(await conflictOf({ dataElement: IT.deE, value: '4' })).toMatchObject({
      errorCode: 'E7621',
      objects: { dataElement: IT.deE },
      value: `Data value is not a valid option of the data element option set: \`${IT.deE}\``,
    });
    await passes({ dataElement: IT.deE, value: '3' });
    // A deleted value without value: E7621 in 2.41.0-3, a failed import from 2.41.4: said in a notice.
    const result = await validate([{ dataElement: IT.deE, value: null, deleted: true }]);
    expect(result.summary.conflicts[0]).toMatchObject({ errorCode: 'E7621' });
    expect(result.notices).toMatchObject([{ kind: 'import-would-fail', indexes: [0], lines: [2] }]);
  });

  it('E7630 / E7631 only when required; otherwise the default option combo stands in', async () => {
    expect(await conflictOf({}, { options: { requireCategoryOptionCombo: true } })).toEqual({
      objects: {},
      value: 'Category option combo is required but is not specified',
      errorCode: 'E7630',
      property: 'categoryOptionCombo',
      indexes: [0],
      lines: [2],
    });
    expect(await conflictOf({}, { options: { requireAttributeOptionCombo: true } })).toMatchObject({ errorCode: 'E7631', objects: {} });
    await passes({ categoryOptionCombo: IT.ocDef }, { options: { requireCategoryOptionCombo: true } });
  });

  it('E7632 period type (strictPeriods only)', async () => {
    await passes({ period: '2012W5' });
    expect(await conflictOf({ period: '2012W5' }, { options: { strictPeriods: true } })).toEqual({
      object: '2012W5',
      objects: { period: '2012W5', dataElement: IT.deA },
      value: `Period type of period: \`2012W5\` not valid for data element: \`${IT.deA}\``,
      errorCode: 'E7632',
      indexes: [0],
      lines: [2],
    });
  });

  it('E7633 data element not in the data set(s) (strictDataElements only)', async () => {
    expect(await conflictOf({ dataElement: IT.deF, value: 'true' }, { options: { strictDataElements: true }, header: { dataSet: IT.dsA } })).toMatchObject({
      errorCode: 'E7633',
      objects: { dataElement: IT.deF, dataSet: IT.dsA },
      value: `Data element: \`${IT.deF}\` is not part of dataset(s): \`${IT.dsA}\``,
    });
    // Without a data set for the import: the element's own data sets, here none.
    expect(await conflictOf({ dataElement: IT.deF, value: 'true' }, { options: { strictDataElements: true } })).toMatchObject({
      value: `Data element: \`${IT.deF}\` is not part of dataset(s): \`\``,
    });
  });

  it('E7634 / E7635 option combos outside the element’s and its data sets’ combos (strict only)', async () => {
    expect(await conflictOf({ categoryOptionCombo: IT.ocA }, { options: { strictCategoryOptionCombos: true } })).toMatchObject({
      errorCode: 'E7634',
      objects: { categoryOptionCombo: IT.ocA, dataElement: IT.deA },
    });
    expect(await conflictOf({ attributeOptionCombo: IT.ocA }, { options: { strictAttributeOptionCombos: true } })).toMatchObject({
      errorCode: 'E7635',
      objects: { categoryOptionCombo: IT.ocA, dataElement: IT.deA },
      value: `Attribute option combo: \`${IT.ocA}\` must be part of category combo of data sets of data element: \`${IT.deA}\``,
    });
    // No option combo given: the default, which is the element's; the message shows what the value said.
    await passes({}, { options: { strictCategoryOptionCombos: true, strictAttributeOptionCombos: true } });
  });

  it('E7636 element not assigned to the org unit through a data set (strictOrganisationUnits only)', async () => {
    expect(await conflictOf({ orgUnit: IT.ouB }, { options: { strictOrganisationUnits: true } })).toMatchObject({
      errorCode: 'E7636',
      objects: { organisationUnit: IT.ouB, dataElement: IT.deA },
      value: `Data element: \`${IT.deA}\` must be assigned through data sets to organisation unit: \`${IT.ouB}\``,
    });
  });

  it('E7637 storedBy over 255 characters', async () => {
    expect(await conflictOf({ storedBy: 'u'.repeat(256) })).toMatchObject({
      errorCode: 'E7637',
      objects: { storedBy: 'stored_by_length_greater_than_max_length' },
      value: 'Invalid storedBy: Stored by is greater than max length',
    });
    await passes({ storedBy: 'u'.repeat(255) });
  });

  it('E7638 period outside the attribute options’ dates', async () => {
    const dated = (start: string | null, end: string | null) => (content: MutableContent) => {
      const option = content.records.categoryOptions.find((o) => o.id === IT.coA)!;
      option.startDate = start;
      option.endDate = end;
    };
    expect(await conflictOf({ attributeOptionCombo: IT.ocA, period: '201201' }, { change: dated('2012-02-01', null) })).toMatchObject({
      errorCode: 'E7638',
      objects: { period: '201201', categoryOptionCombo: IT.ocA },
      value: `Period: \`201201\` is not within date range of attribute option combo: \`${IT.ocA}\``,
    });
    expect(await conflictOf({ attributeOptionCombo: IT.ocA, period: '201203' }, { change: dated(null, '2012-02-29T00:00:00.000') })).toMatchObject({
      errorCode: 'E7638',
    });
    // Overlapping is enough.
    await passes({ attributeOptionCombo: IT.ocA, period: '2012Q1' }, { change: dated('2012-02-01', '2012-02-29') });
  });

  it('E7639 org unit not among the attribute options’ org units', async () => {
    const restricted = (content: MutableContent) => {
      content.records.categoryOptions.find((o) => o.id === IT.coA)!.organisationUnits = [IT.ouB];
    };
    expect(await conflictOf({ attributeOptionCombo: IT.ocA }, { change: restricted })).toMatchObject({
      errorCode: 'E7639',
      objects: { organisationUnit: IT.ouA, categoryOptionCombo: IT.ocA },
      value: `Organisation unit: \`${IT.ouA}\` is not valid for attribute option combo: \`${IT.ocA}\``,
    });
    await passes({ attributeOptionCombo: IT.ocA, orgUnit: IT.ouB }, { change: restricted });
  });

  it('E7640 past the data set’s expiry days (day granularity), unless the user may edit expired data', async () => {
    const expiring = withDataSet((ds) => (ds.expiryDays = 10));
    // May 2024 ends on the 31st: open to June 10 inclusive.
    await passes({ period: '202405' }, { change: expiring, today: new Date(2024, 5, 10, 23, 59) });
    expect(await conflictOf({ period: '202405' }, { change: expiring, today: new Date(2024, 5, 11) })).toEqual({
      object: '202405',
      objects: { period: '202405', dataSet: IT.dsA },
      value: `Current date is past expiry days for period: \`202405\`  and data set: \`${IT.dsA}\``,
      errorCode: 'E7640',
      property: 'period',
      indexes: [0],
      lines: [2],
    });
    await passes(
      { period: '202405' },
      {
        change: (content) => {
          expiring(content);
          content.user!.authorities = ['F_EDIT_EXPIRED'];
        },
        today: new Date(2024, 5, 11),
      },
    );
    // Only data sets with the value's org unit (and attribute combo) count: ouB has none.
    await passes({ period: '202405', orgUnit: IT.ouB }, { change: expiring, today: new Date(2024, 5, 11) });
  });

  it('E7640 passes when one of several data sets is open, unless strictDataSetLocking', async () => {
    const twoSets = (content: MutableContent) => {
      content.records.dataSets.find((ds) => ds.id === IT.dsA)!.expiryDays = 1;
      content.records.dataSets.push(
        make.dataSet({
          id: 'DataSetBbbb',
          periodType: 'Monthly',
          expiryDays: 0,
          dataSetElements: [{ dataElement: IT.deA, categoryCombo: null }],
          organisationUnits: [IT.ouA],
        }),
      );
    };
    await passes({ period: '202401' }, { change: twoSets });
    expect(await conflictOf({ period: '202401' }, { change: twoSets, options: { strictDataSetLocking: true } })).toMatchObject({
      errorCode: 'E7640',
      objects: { dataSet: IT.dsA },
    });
  });

  it('E7641 after the latest open future period, for every target data set (always strict)', async () => {
    // Today June 2024, one open future period: June is the latest open month.
    const open = withDataSet((ds) => (ds.openFuturePeriods = 1));
    await passes({ period: '202406' }, { change: open });
    expect(await conflictOf({ period: '202407' }, { change: open })).toEqual({
      object: '202407',
      objects: { period: '202407', dataElement: IT.deA, dataSet: IT.dsA },
      value: `Period: \`202407\` is after latest open future period: \`202406\` for data element: \`${IT.deA}\` and data set: \`${IT.dsA}\``,
      errorCode: 'E7641',
      property: 'period',
      indexes: [0],
      lines: [2],
    });
    // No open future periods: not even the current month.
    expect(await conflictOf({ period: '202406' })).toMatchObject({ errorCode: 'E7641', value: expect.stringContaining('latest open future period: `202405`') });
    // Only on ISO calendars.
    await passes({ period: '208112' }, { change: open, calendar: 'nepali' });
  });

  it('E7643 data input periods of the data set', async () => {
    const inputPeriods = withDataSet((ds) => (ds.dataInputPeriods = [{ period: '202405', openingDate: '2024-06-01', closingDate: '2024-06-10' }]));
    await passes({ period: '202405' }, { change: inputPeriods, today: new Date(2024, 5, 10) });
    expect(await conflictOf({ period: '202405' }, { change: inputPeriods, today: new Date(2024, 5, 11) })).toMatchObject({
      errorCode: 'E7643',
      objects: { period: '202405', dataSet: IT.dsA },
      value: `Period: \`202405\` is not open for this data set at this time: \`${IT.dsA}\``,
    });
    expect(await conflictOf({ period: '202404' }, { change: inputPeriods, today: new Date(2024, 5, 5) })).toMatchObject({ errorCode: 'E7643' });
  });

  it('E7644 no data set of the element open for the period (also without target data sets)', async () => {
    const inputPeriods = withDataSet((ds) => (ds.dataInputPeriods = [{ period: '202405', openingDate: null, closingDate: null }]));
    // ouB has no data set, so E7643 has nothing to check; E7644 looks at all the element's data sets.
    expect(await conflictOf({ period: '202404', orgUnit: IT.ouB }, { change: inputPeriods })).toEqual({
      object: '202404',
      objects: { period: '202404' },
      value: 'Period: `202404` does not conform to the open periods of associated data sets',
      errorCode: 'E7644',
      property: 'period',
      indexes: [0],
      lines: [2],
    });
  });

  it('reports only the first failing check of a value (skipDataValue)', async () => {
    // Unknown org unit and a bad value: E7612 only.
    expect(await conflictOf({ orgUnit: 'NoSuchOrgUn', value: 'abc' })).toMatchObject({ errorCode: 'E7612' });
    // Outside the hierarchy and no value: E7617 comes first.
    expect(await conflictOf({ orgUnit: IT.ouC, value: null })).toMatchObject({ errorCode: 'E7617' });
    // Bad value and bad comment: E7619 first.
    expect(await conflictOf({ value: 'abc', comment: 'x'.repeat(50_001) })).toMatchObject({ errorCode: 'E7619' });
    // Unknown element and period: E7610, with the period never looked at.
    expect(await conflictOf({ dataElement: 'NoSuchDElem', period: 'bad' })).toMatchObject({ errorCode: 'E7610' });
  });
});

describe('header overrides', () => {
  it('the set’s period, org unit and attribute option combo replace the values’ own; messages keep what the value said', async () => {
    const result = await validate(
      [
        { period: 'not a period', orgUnit: 'NoSuchOrgUn', value: 'abc' },
        { period: null, orgUnit: null },
      ],
      {
        header: { period: '201201', orgUnit: IT.ouA, dataSet: IT.dsA },
      },
    );
    expect(result.summary.conflicts).toMatchObject([{ errorCode: 'E7619', indexes: [0] }]);
    expect(result.summary.importCount.imported).toBe(1);
    const expiring = withDataSet((ds) => (ds.expiryDays = 1));
    const expired = await validate([{ period: null }], { header: { period: '201201', dataSet: IT.dsA }, change: expiring });
    expect(expired.summary.conflicts).toMatchObject([
      { errorCode: 'E7640', objects: { dataSet: IT.dsA }, value: `Current date is past expiry days for period: \`null\`  and data set: \`${IT.dsA}\`` },
    ]);
  });

  it('an unusable set period is no error: each value’s own period counts', async () => {
    const result = await validate([{ period: '201201' }, { period: null }], { header: { period: '2012M1' } });
    expect(result.summary.conflicts).toMatchObject([{ errorCode: 'E7611', indexes: [1] }]);
  });

  it('a set attribute option combo hides the values’ own (never E7615)', async () => {
    await passes({ attributeOptionCombo: 'NoSuchAoc01' }, { header: { attributeOptionCombo: IT.ocA } });
  });

  it('attributeCategoryOptions with a data set pick the attribute option combo', async () => {
    const combo = (content: MutableContent) => {
      content.records.dataSets.find((ds) => ds.id === IT.dsA)!.categoryCombo = IT.comboA;
      content.records.categoryOptions.find((o) => o.id === IT.coA)!.organisationUnits = [IT.ouB];
    };
    expect(await conflictOf({}, { header: { dataSet: IT.dsA, attributeCategoryOptions: [IT.coA] }, change: combo })).toMatchObject({
      errorCode: 'E7639',
      objects: { organisationUnit: IT.ouA },
    });
    expect((await validate([{}], { header: { dataSet: IT.dsA, attributeCategoryOptions: ['xYerKDKCefk'] }, change: combo })).summary.description).toBe(
      'The import process failed: Attribute option combo does not exist for given category combo and category options',
    );
  });

  it('completion: dataSetComplete is the date (today for "true" or later dates), or a legacy conflict without period or org unit', async () => {
    expect((await validate([{}], { header: { dataSet: IT.dsA, period: '201201', orgUnit: IT.ouA, completeDate: 'true' } })).summary.dataSetComplete).toBe(
      '2024-06-15',
    );
    expect((await validate([{}], { header: { dataSet: IT.dsA, period: '201201', orgUnit: IT.ouA, completeDate: '2030-01-01' } })).summary.dataSetComplete).toBe(
      '2024-06-15',
    );
    const noPeriod = await validate([{}], { header: { dataSet: IT.dsA, orgUnit: IT.ouA, completeDate: '2012-02-01' } });
    expect(noPeriod.summary).toMatchObject({
      status: 'WARNING',
      dataSetComplete: 'false',
      conflicts: [{ object: 'Period', value: 'Must be provided to complete data set' }],
    });
    expect((await validate([{}], { header: { dataSet: IT.dsA, completeDate: '01/02/2012' } })).summary.description).toBe(
      "The import process failed: Text '01/02/2012' could not be parsed at index 0",
    );
  });
});

describe('identifier schemes', () => {
  it('CODE from the request, the payload’s scheme over the request’s, the specific over the general', async () => {
    await passes({ dataElement: 'DE_A', orgUnit: 'OU_A' }, { params: { idScheme: 'CODE' } });
    await passes({ dataElement: 'DE_A', orgUnit: IT.ouA }, { params: { idScheme: 'CODE', orgUnitIdScheme: 'UID' } });
    // The payload's idScheme beats the request's specific one.
    await passes(
      { dataElement: 'DE_A', orgUnit: 'OU_A' },
      { header: { idSchemes: { idScheme: 'code' } }, params: { dataElementIdScheme: 'NAME', orgUnitIdScheme: 'NAME' } },
    );
    // ...and the payload's specific one beats its own general one.
    await passes({ dataElement: 'DataElementA', orgUnit: 'OU_A' }, { header: { idSchemes: { idScheme: 'CODE', dataElementIdScheme: 'NAME' } } });
    expect(await conflictOf({ dataElement: 'DE_A' })).toMatchObject({ errorCode: 'E7610', objects: { dataElement: 'DE_A' } });
    // Option combos and attribute option combos share categoryOptionComboIdScheme.
    await passes({ categoryOptionCombo: 'OC_DEF_CODE', attributeOptionCombo: 'OC_A' }, { params: { categoryOptionComboIdScheme: 'CODE' } });
  });

  it('ATTRIBUTE:<uid> values; a non-unique attribute finds nothing', async () => {
    await passes({ dataElement: 'DE1', orgUnit: 'OU1' }, { params: { idScheme: `ATTRIBUTE:${IT.attribute}` } });
    const notUnique = (content: MutableContent) => (content.records.attributes[0]!.unique = false);
    expect(await conflictOf({ dataElement: 'DE1' }, { params: { dataElementIdScheme: `ATTRIBUTE:${IT.attribute}` }, change: notUnique })).toMatchObject({
      errorCode: 'E7610',
    });
  });

  it('NAME: a name shared by several objects resolves (DHIS2 takes the first its database returns) and is flagged', async () => {
    const twins = (content: MutableContent) => {
      content.records.organisationUnits.push(make.orgUnit({ id: 'TwinOfOuAaa', name: 'OrganisationUnitA', path: '/TwinOfOuAaa' }));
    };
    const result = await validate([{ orgUnit: 'OrganisationUnitA' }, { orgUnit: 'OrganisationUnitA' }], { params: { orgUnitIdScheme: 'NAME' }, change: twins });
    expect(result.summary.conflicts).toEqual([]);
    expect(result.notices).toEqual([
      {
        kind: 'ambiguous-identifier',
        message: `The name "OrganisationUnitA" matches 2 organisation units (${IT.ouA}, TwinOfOuAaa); use their ids instead. DHIS2 takes whichever its database returns first.`,
        count: 2,
        indexes: [0, 1],
        lines: [2, 3],
      },
    ]);
  });
});

describe('counting (DefaultDataValueSetService.importDataValue)', () => {
  it('zero for a data element where zero is not significant is skipped without being counted', async () => {
    const result = await validate([{ value: '0' }, { value: '5', period: '201202' }]);
    expect(result.summary).toMatchObject({ status: 'SUCCESS', importCount: { imported: 1, updated: 0, ignored: 0, deleted: 0 } });
    const number = await validate([{ value: '0.00' }], {
      change: (content) => (content.records.dataElements.find((de) => de.id === IT.deA)!.valueType = 'NUMBER'),
    });
    expect(number.summary.importCount).toEqual({ imported: 0, updated: 0, ignored: 0, deleted: 0 });
    const significant = await validate([{ value: '0' }], {
      change: (content) => (content.records.dataElements.find((de) => de.id === IT.deA)!.zeroIsSignificant = true),
    });
    expect(significant.summary.importCount.imported).toBe(1);
    const averaged = await validate([{ value: '0' }], {
      change: (content) => (content.records.dataElements.find((de) => de.id === IT.deA)!.aggregationType = 'AVERAGE'),
    });
    expect(averaged.summary.importCount.imported).toBe(1);
  });

  it('a value without value under CREATE_AND_UPDATE is ignored without conflict; UPDATE and DELETE count as updated and deleted', async () => {
    expect((await validate([{ value: null, deleted: true }])).summary).toMatchObject({
      status: 'SUCCESS',
      importCount: { imported: 0, ignored: 1 },
      rejectedIndexes: [],
    });
    expect((await validate([{}, { value: null, deleted: true }], { params: { strategy: 'UPDATE' } })).summary.importCount).toEqual({
      imported: 0,
      updated: 1,
      ignored: 0,
      deleted: 1,
    });
    expect((await validate([{}, {}], { header: { importStrategy: 'DELETES' } })).summary.importCount).toEqual({
      imported: 0,
      updated: 0,
      ignored: 0,
      deleted: 2,
    });
    expect((await validate([{}])).countAssumption).toMatch(/assumed new/);
  });

  it('rejected values are ignored and listed; the lists stop at the cap but the counts go on', async () => {
    const result = await validate(
      Array.from({ length: 5 }, () => ({ dataElement: 'NoSuchDElem' })),
      { indexCap: 3 },
    );
    expect(result.summary.importCount.ignored).toBe(5);
    expect(result.summary.rejectedIndexes).toEqual([0, 1, 2]);
    expect(result.summary.rejectedCount).toBe(5);
    expect(result.summary.conflicts[0]).toMatchObject({
      indexes: [0, 1, 2],
      lines: [2, 3, 4],
      occurrences: 5,
      indexesCapped: 'only the first 3 of 5 occurrences are listed',
    });
  });
});

describe('values repeated in the file', () => {
  it('are reported with both lines, not as conflicts; the later one is predicted dropped', async () => {
    const result = await validate([{ value: '1' }, { period: '201202' }, { value: '2' }, { value: '3', orgUnit: ` ${IT.ouA}` }]);
    expect(result.summary.conflicts).toEqual([]);
    expect(result.duplicates.count).toBe(2);
    expect(result.duplicates.examples).toEqual([
      { dataElement: IT.deA, period: '201201', orgUnit: IT.ouA, categoryOptionCombo: IT.ocDef, attributeOptionCombo: IT.ocDef, indexes: [0, 2], lines: [2, 4] },
      { dataElement: IT.deA, period: '201201', orgUnit: IT.ouA, categoryOptionCombo: IT.ocDef, attributeOptionCombo: IT.ocDef, indexes: [0, 3], lines: [2, 5] },
    ]);
    expect(result.duplicates.explanation).toMatch(/keeps the first and silently drops the later one/);
    expect(result.summary.importCount.imported).toBe(2);
    // A dry run adds nothing, so nothing is dropped; updates apply both.
    expect((await validate([{}, {}], { params: { dryRun: true } })).summary.importCount.imported).toBe(2);
    expect((await validate([{}, {}], { params: { strategy: 'UPDATE' } })).summary.importCount.updated).toBe(2);
  });

  it('are the same key whatever identifiers named them', async () => {
    const result = await validate([{ dataElement: 'DE_A' }, { dataElement: 'DE_A', categoryOptionCombo: 'OC_DEF_CODE' }], {
      params: { dataElementIdScheme: 'CODE', categoryOptionComboIdScheme: 'CODE' },
    });
    expect(result.duplicates.count).toBe(1);
  });
});

describe('translation for the import job', () => {
  it('gives UIDs, applies the set-level period, org unit and attribute option combo, leaves unknown identifiers as written', () => {
    const translator = createDataValueTranslator(
      context({ header: { dataSet: 'DS_A', period: '2012-01', orgUnit: 'OU_A', attributeOptionCombo: 'OC_A', idSchemes: { idScheme: 'CODE' } } }),
    );
    if (translator instanceof Error) throw translator;
    expect(translator.header).toMatchObject({ dataSet: IT.dsA, period: null, orgUnit: null, attributeOptionCombo: null, idSchemes: {} });
    expect(translator.translate(record({ dataElement: 'DE_B', period: null, orgUnit: null, categoryOptionCombo: 'OC_DEF_CODE' }))).toMatchObject({
      dataElement: IT.deB,
      period: '201201',
      orgUnit: IT.ouA,
      categoryOptionCombo: IT.ocDef,
      attributeOptionCombo: IT.ocA,
    });
    expect(translator.translate(record({ dataElement: 'NOPE' }))).toMatchObject({ dataElement: 'NOPE' });
  });
});
