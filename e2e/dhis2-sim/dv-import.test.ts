import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, basic } from './test-support';
import { adxSeed, counts, DEFAULT_COC, fixture, integrationSeed, postDataValues, summaryOf } from './test-seeds';
import { zipSingleEntry } from './zip';

/**
 * The fixture files of dhis2-core's DataValueSetServiceIntegrationTest (2.41) posted over HTTP, with
 * that test's expectations: counts are [imported, updated, deleted, ignored].
 */

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
  sim.seedMetadata(integrationSeed());
});
beforeEach(() => {
  sim.clearDataValues();
  sim.reset();
});
afterAll(async () => {
  await sim.close();
});

const XML = 'application/xml';
const xml = (name: string) => fixture(`datavalues/dxf2-xml/${name}`);
const keys = () =>
  sim
    .dataValues()
    .map((v) => `${v.dataElement}/${v.period}/${v.orgUnit}/${v.categoryOptionCombo}/${v.attributeOptionCombo}=${v.value}`)
    .sort();

describe('DXF2 XML', () => {
  it('imports dataValueSetA with its data set and completes nothing without a header org unit and period', async () => {
    const result = await postDataValues(sim, xml('dataValueSetA.xml'), XML);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ httpStatus: 'OK', httpStatusCode: 200, status: 'OK', message: 'Import was successful.' });
    expect(counts(result)).toEqual([3, 0, 0, 0]);
    expect(summaryOf(result)).toMatchObject({ status: 'SUCCESS', description: 'Import process completed successfully', dataSetComplete: 'false' });
    const stored = sim.dataValues({ orgUnit: 'DiszpKrYNg8', period: '201201' });
    expect(stored).toEqual([
      expect.objectContaining({
        dataElement: 'f7n9E0hX8qk',
        categoryOptionCombo: DEFAULT_COC,
        attributeOptionCombo: DEFAULT_COC,
        value: '10001',
        storedBy: 'john',
        comment: 'comment',
        followup: false,
        deleted: false,
      }),
    ]);
  });

  it('imports with codes from the payload (idScheme="code") and completes the data set', async () => {
    const result = await postDataValues(sim, xml('dataValueSetACode.xml'), XML);
    expect(counts(result)).toEqual([3, 0, 0, 0]);
    expect(summaryOf(result).dataSetComplete).toBe('2012-01-09');
    expect(sim.state.registrations.get(`pBOMPrpg1QX|201201|DiszpKrYNg8|${DEFAULT_COC}`)).toMatchObject({ date: Date.UTC(2012, 0, 9), completed: true });
  });

  it('imports 12 values of set B with UIDs, codes (query id schemes) and attribute values (query and payload)', async () => {
    const expected = [12, 0, 0, 0];
    expect(counts(await postDataValues(sim, xml('dataValueSetB.xml'), XML))).toEqual(expected);
    const uidKeys = keys();
    for (const [file, query] of [
      ['dataValueSetBCode.xml', 'idScheme=CODE&dataElementIdScheme=CODE&orgUnitIdScheme=CODE'],
      ['dataValueSetBAttribute.xml', 'idScheme=ATTRIBUTE:uh6H2ff562G&dataElementIdScheme=attribute:uh6H2ff562G&orgUnitIdScheme=ATTRIBUTE:uh6H2ff562G'],
      ['dataValueSetBAttributeIdScheme.xml', ''],
      ['dataValueSetBCode.xml', 'idScheme=code&preheatCache=true'],
    ] as const) {
      sim.clearDataValues();
      const result = await postDataValues(sim, xml(file), XML, query);
      expect(counts(result), file).toEqual(expected);
      expect(keys(), file).toEqual(uidKeys);
    }
  });

  it('counts the update of set B: 4 updated, 2 new', async () => {
    await postDataValues(sim, xml('dataValueSetB.xml'), XML);
    const result = await postDataValues(sim, xml('dataValueSetBUpdate.xml'), XML);
    expect(counts(result)).toEqual([2, 4, 0, 0]);
    expect(sim.dataValues()).toHaveLength(14);
  });

  it('counts deleted="true" values without an existing value as imported, and stores them soft-deleted', async () => {
    const result = await postDataValues(sim, fixture('datavalues/dxf2-xml/dataValueSetBDeleted.xml'), XML);
    expect(counts(result)).toEqual([12, 0, 0, 0]);
    expect(sim.dataValues()).toHaveLength(8);
    expect(sim.dataValues({ includeDeleted: true })).toHaveLength(12);
  });

  it('revives the soft-deleted values as imports and ignores the unchanged ones', async () => {
    await postDataValues(sim, xml('dataValueSetBDeleted.xml'), XML);
    const result = await postDataValues(sim, xml('dataValueSetB.xml'), XML);
    expect(counts(result)).toEqual([4, 0, 0, 8]);
    expect(summaryOf(result).rejectedIndexes).toEqual([]);
    expect(sim.dataValues()).toHaveLength(12);
  });

  it('adds and revives (set B new over B deleted): 8 imported, 4 ignored', async () => {
    await postDataValues(sim, xml('dataValueSetBDeleted.xml'), XML);
    expect(counts(await postDataValues(sim, xml('dataValueSetBNew.xml'), XML))).toEqual([8, 0, 0, 4]);
    expect(sim.dataValues()).toHaveLength(16);
  });

  it('deletes with deleted="true": 4 deleted, 8 unchanged ignored; and 2 new, 4 deleted, 6 ignored', async () => {
    await postDataValues(sim, xml('dataValueSetB.xml'), XML);
    expect(counts(await postDataValues(sim, xml('dataValueSetBDeleted.xml'), XML))).toEqual([0, 0, 4, 8]);
    expect(sim.dataValues()).toHaveLength(8);
    sim.clearDataValues();
    await postDataValues(sim, xml('dataValueSetB.xml'), XML);
    expect(counts(await postDataValues(sim, xml('dataValueSetBNewDeleted.xml'), XML))).toEqual([2, 0, 4, 6]);
    expect(sim.dataValues()).toHaveLength(10);
  });

  it('deletes everything with importStrategy=DELETE, and ignores all new values with UPDATES', async () => {
    await postDataValues(sim, xml('dataValueSetB.xml'), XML);
    expect(counts(await postDataValues(sim, xml('dataValueSetB.xml'), XML, 'importStrategy=DELETE'))).toEqual([0, 0, 12, 0]);
    expect(sim.dataValues()).toHaveLength(0);
    sim.clearDataValues();
    const updates = await postDataValues(sim, xml('dataValueSetB.xml'), XML, 'strategy=UPDATES&idScheme=UID');
    expect(counts(updates)).toEqual([0, 0, 0, 12]);
    expect(summaryOf(updates).rejectedIndexes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(summaryOf(updates).status).toBe('SUCCESS');
    expect(sim.dataValues()).toHaveLength(0);
  });

  it('counts but stores nothing on a dry run (query or payload)', async () => {
    const result = await postDataValues(sim, xml('dataValueSetB.xml'), XML, 'dryRun=true');
    expect(counts(result)).toEqual([12, 0, 0, 0]);
    expect(summaryOf(result).importOptions).toMatchObject({ dryRun: true });
    expect(sim.dataValues()).toHaveLength(0);
    const payload = xml('dataValueSetB.xml').toString('utf8').replace('<dataValueSet ', '<dataValueSet dryRun="true" ');
    expect(counts(await postDataValues(sim, payload, XML))).toEqual([12, 0, 0, 0]);
    expect(sim.dataValues()).toHaveLength(0);
  });

  it('takes new periods, option combos by code and a header attribute option combo (sets C, CCode, D)', async () => {
    expect(counts(await postDataValues(sim, xml('dataValueSetC.xml'), XML))).toEqual([3, 0, 0, 0]);
    sim.clearDataValues();
    expect(counts(await postDataValues(sim, xml('dataValueSetCCode.xml'), XML, 'categoryOptionComboIdScheme=CODE'))).toEqual([3, 0, 0, 0]);
    sim.clearDataValues();
    expect(counts(await postDataValues(sim, xml('dataValueSetD.xml'), XML))).toEqual([3, 0, 0, 0]);
    expect(keys()).toEqual([
      `Ix2HsbDMLea/201201/DiszpKrYNg8/${DEFAULT_COC}/kjuiHgy67hg=10002`,
      `eY5ehpbEsB7/201201/DiszpKrYNg8/${DEFAULT_COC}/kjuiHgy67hg=10003`,
      `f7n9E0hX8qk/201201/DiszpKrYNg8/${DEFAULT_COC}/kjuiHgy67hg=10001`,
    ]);
  });

  it('rejects org units outside the user hierarchy and reports the missing org unit for completion (2.41 set E)', async () => {
    const result = await postDataValues(sim, fixture('datavalues/v2.41/dxf2__dataValueSetE.xml'), XML);
    expect(result.status).toBe(409);
    expect(result.body).toMatchObject({
      httpStatus: 'Conflict',
      httpStatusCode: 409,
      status: 'WARNING',
      message: 'One more conflicts encountered, please check import summary.',
    });
    const summary = summaryOf(result);
    expect(summary.status).toBe('WARNING');
    expect(summary.conflicts).toEqual([
      { object: 'OrganisationUnit', value: 'Must be provided to complete data set' },
      {
        object: 'j7Hg26FpoIa',
        objects: { organisationUnit: 'j7Hg26FpoIa', user: 'M5zQapPyTZI' },
        value: 'Organisation unit: `j7Hg26FpoIa` not in hierarchy of current user: `M5zQapPyTZI`',
        errorCode: 'E7617',
        property: 'orgUnit',
        indexes: [1, 2],
      },
    ]);
    expect(keys()).toEqual([`f7n9E0hX8qk/201201/DiszpKrYNg8/${DEFAULT_COC}/kjuiHgy67hg=10001`]);
  });

  it('aborts on an unknown header attribute option combo (set F)', async () => {
    const result = await postDataValues(sim, xml('dataValueSetF.xml'), XML);
    expect(result.status).toBe(409);
    expect(result.body).toMatchObject({ status: 'ERROR', message: 'An error occurred, please check import summary.' });
    expect(summaryOf(result)).toMatchObject({
      status: 'ERROR',
      description: 'Import process was aborted',
      importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
      conflicts: [
        {
          object: 'inValidUid1',
          objects: { categoryOptionCombo: 'inValidUid1', dataSet: 'pBOMPrpg1QX' },
          value: 'Attribute option combo not found or not accessible: `inValidUid1`',
          errorCode: 'E7604',
          property: 'attributeOptionCombo',
        },
      ],
    });
    expect(summaryOf(result).dataSetComplete).toBeUndefined();
    expect(sim.dataValues()).toHaveLength(0);
  });

  it('reports unknown data elements and org units, grouped, with their indexes (set G)', async () => {
    const result = await postDataValues(sim, xml('dataValueSetG.xml'), XML);
    const summary = summaryOf(result);
    expect(counts(result)).toEqual([1, 0, 0, 3]);
    expect(summary.conflicts).toEqual([
      {
        object: 'nonEx1sting',
        objects: { dataElement: 'nonEx1sting' },
        value: 'Data element not found or not accessible: `nonEx1sting`',
        errorCode: 'E7610',
        property: 'dataElement',
        indexes: [0, 1],
      },
      {
        object: 'nonEx1sting',
        objects: { organisationUnit: 'nonEx1sting' },
        value: 'Organisation unit not found or not accessible: `nonEx1sting`',
        errorCode: 'E7612',
        property: 'orgUnit',
        indexes: [2],
      },
    ]);
    expect(summary.rejectedIndexes).toEqual([0, 1, 2]);
  });

  it('checks attribute option combo dates and org units (set H)', async () => {
    sim.seedMetadata({
      categoryOptions: [{ id: 'CatOptionAA', name: 'CategoryOptionA', startDate: '2012-02-01T00:00:00.000', endDate: '2012-02-29T00:00:00.000' }],
    });
    try {
      const result = await postDataValues(sim, xml('dataValueSetH.xml'), XML);
      expect(counts(result)).toEqual([1, 0, 0, 2]);
      expect(summaryOf(result).conflicts.map((c) => c.errorCode)).toEqual(['E7638', 'E7617']);
      // The message names the value's own attributeOptionCombo, which is absent when the header gives it.
      expect(summaryOf(result).conflicts[0]?.value).toBe('Period: `201201` is not within date range of attribute option combo: `null`');
      sim.clearDataValues();
      sim.seedMetadata({
        categoryOptions: [{ id: 'CatOptionAA', name: 'CategoryOptionA', organisationUnits: [{ id: 'DiszpKrYNg8' }, { id: 'BdfsJfj87js' }] }],
      });
      const byUnit = await postDataValues(sim, xml('dataValueSetH.xml'), XML);
      expect(counts(byUnit)).toEqual([2, 0, 0, 1]);
      expect(summaryOf(byUnit).conflicts.map((c) => c.errorCode)).toEqual(['E7617']);
    } finally {
      sim.seedMetadata({ categoryOptions: [{ id: 'CatOptionAA', name: 'CategoryOptionA', shortName: 'CategoryOptionA' }] });
    }
  });

  it('ignores values without value and comment with E7618, "" included (set ANull)', async () => {
    const result = await postDataValues(sim, xml('dataValueSetANull.xml'), XML);
    expect(counts(result)).toEqual([1, 0, 0, 2]);
    // staxwax reads value="" and comment="" as null, so the first value has neither.
    expect(summaryOf(result).conflicts.map((c) => [c.errorCode, c.object, c.indexes])).toEqual([
      ['E7618', 'f7n9E0hX8qk', [0]],
      ['E7618', 'Ix2HsbDMLea', [1]],
    ]);
    expect(summaryOf(result).conflicts[1]?.value).toBe('Data value or comment not specified for data element: `Ix2HsbDMLea`');
  });

  it('applies the strict flags and the required option combos (set NonStrict)', async () => {
    const cases: [string, [number, number, number, number], string[], number[][]][] = [
      ['strictPeriods=true', [1, 0, 0, 2], ['E7632', 'E7632'], [[1], [2]]],
      ['strictCategoryOptionCombos=true', [2, 0, 0, 1], ['E7634'], [[0]]],
      ['strictAttributeOptionCombos=true', [2, 0, 0, 1], ['E7635'], [[1]]],
      ['strictOrganisationUnits=true', [2, 0, 0, 1], ['E7636'], [[2]]],
      ['requireCategoryOptionCombo=true', [1, 0, 0, 2], ['E7630'], [[1, 2]]],
      ['requireAttributeOptionCombo=true', [1, 0, 0, 2], ['E7631'], [[0, 2]]],
      ['', [3, 0, 0, 0], [], []],
    ];
    for (const [query, expected, codes, indexes] of cases) {
      sim.clearDataValues();
      const result = await postDataValues(sim, xml('dataValueSetNonStrict.xml'), XML, query);
      expect(counts(result), query).toEqual(expected);
      expect(
        summaryOf(result).conflicts.map((c) => c.errorCode),
        query,
      ).toEqual(codes);
      expect(
        summaryOf(result).conflicts.map((c) => c.indexes),
        query,
      ).toEqual(indexes);
    }
  });

  it('imports the data values of set Invalid except the unknown data element', async () => {
    const result = await postDataValues(sim, xml('dataValueSetInvalid.xml'), XML);
    expect(counts(result)).toEqual([2, 0, 0, 1]);
    expect(summaryOf(result).conflicts.map((c) => c.errorCode)).toEqual(['E7610']);
  });

  it('fails a non-superuser without data write sharing on the data set (E7601) and on category options (E7613)', async () => {
    sim.seedMetadata({
      dataSets: [{ ...(sim.state.metadata.get('dataSets', 'pBOMPrpg1QX') ?? {}), sharing: { public: 'rwr-----', users: {} } }],
      categoryOptions: [{ id: 'CatOptionAA', name: 'CategoryOptionA', sharing: { public: 'rwr-----' } }],
    });
    sim.state.users.set('clerk', {
      username: 'clerk',
      password: 'district',
      firstName: 'C',
      surname: 'Lerk',
      id: 'ClerkUid001',
      authorities: ['F_DATAVALUE_ADD'],
      organisationUnits: ['DiszpKrYNg8'],
    });
    try {
      const denied = await postDataValues(sim, xml('dataValueSetA.xml'), XML, '', { Authorization: basic('clerk', 'district') });
      expect(summaryOf(denied)).toMatchObject({
        status: 'ERROR',
        conflicts: [expect.objectContaining({ errorCode: 'E7601', value: 'User does not have write access for DataSet: `pBOMPrpg1QX`' })],
      });
      const noDataSet = xml('dataValueSetACatCombo.xml').toString('utf8').replace(' dataSet="pBOMPrpg1QX"', '');
      const coc = await postDataValues(sim, noDataSet, XML, '', { Authorization: basic('clerk', 'district') });
      expect(summaryOf(coc).conflicts.map((c) => [c.errorCode, c.indexes])).toEqual([['E7613', [0]]]);
      expect(counts(coc)).toEqual([2, 0, 0, 1]);
    } finally {
      sim.state.users.delete('clerk');
      sim.seedMetadata(integrationSeed());
    }
  });
});

describe('CSV', () => {
  const CSV = 'application/csv';

  it('imports by column position and skips the header row (set B, 2.41 variant with a misspelled header)', async () => {
    expect(counts(await postDataValues(sim, fixture('datavalues/csv/dataValueSetB.csv'), CSV))).toEqual([12, 0, 0, 0]);
    sim.clearDataValues();
    expect(counts(await postDataValues(sim, fixture('datavalues/v2.41/dxf2__dataValueSetB.csv'), CSV))).toEqual([12, 0, 0, 0]);
  });

  it('imports a file without header with firstRowIsHeader=false', async () => {
    expect(counts(await postDataValues(sim, fixture('datavalues/csv/dataValueSetBNoHeader.csv'), CSV, 'firstRowIsHeader=false'))).toEqual([12, 0, 0, 0]);
    sim.clearDataValues();
    // With the default the first value is taken for the header.
    expect(counts(await postDataValues(sim, fixture('datavalues/csv/dataValueSetBNoHeader.csv'), CSV))).toEqual([11, 0, 0, 0]);
  });

  it('takes the data set from ?dataSet= (set WithDataSetHeader)', async () => {
    expect(counts(await postDataValues(sim, fixture('datavalues/v2.41/dxf2__dataValueSetWithDataSetHeader.csv'), CSV, 'dataSet=pBOMPrpg1QX'))).toEqual([
      3, 0, 0, 0,
    ]);
    const unknown = await postDataValues(sim, fixture('datavalues/csv/dataValueSetWithDataSetHeader.csv'), CSV, 'dataSet=xxxxxxxxxxx');
    expect(summaryOf(unknown).conflicts).toEqual([
      {
        object: 'xxxxxxxxxxx',
        objects: { dataSet: 'xxxxxxxxxxx' },
        value: 'Data set not found or not accessible: `xxxxxxxxxxx`',
        errorCode: 'E7600',
        property: 'dataSet',
      },
    ]);
  });

  it('normalises DHIS2 boolean spellings and rejects the rest (BooleanTest: conflicts at 10,11 and 16,17)', async () => {
    const result = await postDataValues(sim, fixture('datavalues/v2.41/dxf2__dataValueSetBooleanTest.csv'), CSV);
    const summary = summaryOf(result);
    expect(summary.conflicts).toEqual([
      {
        object: 'jH26dja2f30',
        objects: { dataElement: 'jH26dja2f30', value: 'value_not_bool' },
        value: 'Value must match value type of data element `jH26dja2f30`: `Data value is not a boolean`',
        errorCode: 'E7619',
        property: 'value',
        indexes: [10, 11],
      },
      {
        object: 'jH26dja2f31',
        objects: { dataElement: 'jH26dja2f31', value: 'value_not_true_only' },
        value: 'Value must match value type of data element `jH26dja2f31`: `Data value is not true`',
        errorCode: 'E7619',
        property: 'value',
        indexes: [16, 17],
      },
    ]);
    expect(new Set(sim.dataValues().map((v) => v.value))).toEqual(new Set(['true', 'false']));
    // Repeated keys inside one JDBC batch are dropped by the batch handler and counted nowhere.
    expect(counts(result)).toEqual([4, 0, 0, 4]);
    expect(sim.dataValues()).toHaveLength(4);
  });

  it('accepts the header row only when the body is "abc", like DataValueSetControllerTest', async () => {
    const result = await postDataValues(sim, 'abc', CSV);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ message: 'Import was successful.' });
  });

  it('refuses text/csv with 415, as only application/csv is mapped for data values', async () => {
    const result = await postDataValues(sim, fixture('datavalues/csv/dataValueSetB.csv'), 'text/csv');
    expect(result.status).toBe(415);
    expect(result.body).toMatchObject({ httpStatusCode: 415, status: 'ERROR', message: "Content type 'text/csv' not supported" });
    expect(sim.dataValues()).toHaveLength(0);
  });
});

describe('JSON', () => {
  const JSON_TYPE = 'application/json';

  it('imports set J, then deletes it with DELETE (value, no value, new value) and with a zero', async () => {
    for (const deletion of ['dataValueSetJ.json', 'dataValueSetJDeleteNoValue.json', 'dataValueSetJDeleteNewValue.json']) {
      sim.clearDataValues();
      expect(counts(await postDataValues(sim, fixture('datavalues/json/dataValueSetJ.json'), JSON_TYPE))).toEqual([1, 0, 0, 0]);
      expect(counts(await postDataValues(sim, fixture(`datavalues/json/${deletion}`), JSON_TYPE, 'importStrategy=DELETE')), deletion).toEqual([0, 0, 1, 0]);
      expect(sim.dataValues()).toHaveLength(0);
    }
    sim.clearDataValues();
    await postDataValues(sim, fixture('datavalues/json/dataValueSetJ.json'), JSON_TYPE);
    expect(counts(await postDataValues(sim, fixture('datavalues/json/dataValueSetJDeleteZeroValue.json'), JSON_TYPE))).toEqual([0, 0, 1, 0]);
    expect(sim.dataValues()).toHaveLength(0);
  });

  it('ignores created and lastUpdated in the payload and keeps the first created on update', async () => {
    const before = Date.now();
    await postDataValues(sim, fixture('datavalues/json/dataValueSetCreateDate.json'), JSON_TYPE);
    const [first] = sim.dataValues();
    expect(first?.created).toBeGreaterThanOrEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(counts(await postDataValues(sim, fixture('datavalues/json/dataValueSetCreateDateUpdated.json'), JSON_TYPE))).toEqual([0, 1, 0, 0]);
    const [updated] = sim.dataValues();
    expect(updated).toMatchObject({ value: '22', comment: 'new comment', storedBy: 'system', created: first?.created });
    expect(updated?.lastUpdated).toBeGreaterThan(first?.created ?? 0);
  });

  it('reads header members wherever they are, also after dataValues', async () => {
    const body = JSON.stringify({ dataValues: [{ dataElement: 'DE_A', period: '201201', value: 5 }], idScheme: 'CODE', orgUnit: 'OU_A' });
    const result = await postDataValues(sim, body, JSON_TYPE);
    expect(counts(result)).toEqual([1, 0, 0, 0]);
    expect(sim.dataValues()[0]).toMatchObject({ dataElement: 'f7n9E0hX8qk', orgUnit: 'DiszpKrYNg8', value: '5' });
  });

  it('fails the whole import on a syntax error anywhere, as Jackson reads the document first', async () => {
    const body = '{"dataValues":[{"dataElement":"f7n9E0hX8qk","period":"201201","orgUnit":"DiszpKrYNg8","value":"1"},{"dataElement":}]}';
    const result = await postDataValues(sim, body, JSON_TYPE);
    expect(result.status).toBe(409);
    expect(summaryOf(result)).toMatchObject({ status: 'ERROR', importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 }, conflicts: [] });
    expect(summaryOf(result).description).toMatch(/^The import process failed: Unexpected character \('\}' \(code 125\)\): expected a valid value/);
    expect(sim.dataValues()).toHaveLength(0);
    const empty = await postDataValues(sim, '', JSON_TYPE);
    expect(summaryOf(empty).description).toBe(
      'The import process failed: No content to map due to end-of-input\n at [Source: (org.apache.catalina.connector.CoyoteInputStream); line: 1, column: 1]',
    );
  });

  it('fails on a null element where 2.41 hits a NullPointerException, after the values before it', async () => {
    const body = '{"dataValues":[{"dataElement":"f7n9E0hX8qk","period":"201201","orgUnit":"DiszpKrYNg8","value":"1"},null]}';
    const result = await postDataValues(sim, body, JSON_TYPE);
    expect(summaryOf(result).description).toBe(
      'The import process failed: Cannot invoke "org.hisp.dhis.dxf2.datavalueset.DataValueEntry.getDataElement()" because "dataValue" is null',
    );
    // The first value was only in the unflushed batch.
    expect(sim.dataValues()).toHaveLength(0);
  });

  it('imports the e2e files against the e2e metadata fixtures, with codes resolved through the seed', async () => {
    const other = await startSimulator();
    try {
      other.seedMetadata(JSON.parse(fixture('metadata/json/e2e_setup_metadata.json').toString('utf8')) as Record<string, unknown>);
      other.seedMetadata(JSON.parse(fixture('metadata/json/e2e_aggregate_metadata.json').toString('utf8')) as Record<string, unknown>);
      expect(counts(await postDataValues(other, fixture('datavalues/json/e2e_dataValues_bulk.json'), JSON_TYPE))).toEqual([231, 0, 0, 0]);
      const single = await postDataValues(other, fixture('datavalues/json/e2e_dataValues_single_dataset.json'), JSON_TYPE);
      // "completedDate" is not a DataValueSet property, so nothing is completed.
      expect(summaryOf(single)).toMatchObject({ status: 'SUCCESS', importCount: { imported: 2 }, dataSetComplete: 'false' });
      expect(
        other
          .dataValues({ dataElement: 'BjDrgVrkBI3', period: '201911' })
          .map((v) => v.categoryOptionCombo)
          .sort(),
      ).toEqual(['oPcWGgS2Liz', 'rtfSaMjPyq6']);
    } finally {
      await other.close();
    }
  });
});

describe('bodies and parameters', () => {
  it('unpacks gzip and zip bodies by their magic bytes', async () => {
    expect(counts(await postDataValues(sim, gzipSync(xml('dataValueSetB.xml')), 'application/xml'))).toEqual([12, 0, 0, 0]);
    sim.clearDataValues();
    expect(counts(await postDataValues(sim, zipSingleEntry('data.json', fixture('datavalues/json/dataValueSetJ.json')), 'application/json'))).toEqual([
      1, 0, 0, 0,
    ]);
  });

  it('binds import options as Spring does: legacy strategy names, 400s for bad values', async () => {
    const result = await postDataValues(
      sim,
      xml('dataValueSetA.xml'),
      XML,
      'strategy=NEW_AND_UPDATES&skipAudit=true&preheatCache=false&dataElementIdScheme=UID',
    );
    expect(summaryOf(result).importOptions).toMatchObject({
      idSchemes: { dataElementIdScheme: { type: 'UID' } },
      preheatCache: false,
      importStrategy: 'NEW_AND_UPDATES',
      skipAudit: true,
    });
    const strategy = await postDataValues(sim, xml('dataValueSetA.xml'), XML, 'importStrategy=create');
    expect(strategy.status).toBe(400);
    expect(strategy.body['message']).toBe(
      "Value 'create' is not valid for parameter importStrategy. Valid values are: [CREATE, UPDATE, CREATE_AND_UPDATE, DELETE, SYNC, NEW_AND_UPDATES, NEW, UPDATES, DELETES]",
    );
    const flag = await postDataValues(sim, xml('dataValueSetA.xml'), XML, 'dryRun=maybe');
    expect(flag.body['message']).toBe("Value 'maybe' is not valid for parameter dryRun. It should be of type boolean");
    const scheme = await postDataValues(sim, xml('dataValueSetA.xml'), XML, 'idScheme=ATTRIBUTE:short');
    expect(scheme.status).toBe(400);
  });

  it('fails the import for an unknown attribute in an ATTRIBUTE: scheme and an unknown payload strategy', async () => {
    const attribute = await postDataValues(sim, xml('dataValueSetB.xml'), XML, 'dataElementIdScheme=ATTRIBUTE:abcdefghijk');
    expect(summaryOf(attribute).description).toBe('The import process failed: Attribute does not exist: abcdefghijk');
    const strategy = await postDataValues(
      sim,
      xml('dataValueSetB.xml').toString('utf8').replace('<dataValueSet ', '<dataValueSet importStrategy="delete" '),
      XML,
    );
    expect(summaryOf(strategy).description).toBe('The import process failed: No enum constant org.hisp.dhis.importexport.ImportStrategy.delete');
  });

  it('answers /api/37 and older with the bare summary and 200', async () => {
    const response = await fetch(`${sim.url}/api/37/dataValueSets`, {
      method: 'POST',
      headers: { Authorization: ADMIN_BASIC, 'Content-Type': XML },
      body: xml('dataValueSetG.xml'),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ responseType: 'ImportSummary', status: 'WARNING' });
    const v41 = await fetch(`${sim.url}/api/41/dataValueSets`, {
      method: 'POST',
      headers: { Authorization: ADMIN_BASIC, 'Content-Type': XML },
      body: xml('dataValueSetG.xml'),
    });
    expect(v41.status).toBe(409);
    expect(v41.headers.get('cache-control')).toBe('no-cache, private');
  });

  it('answers in XML for Accept: application/xml', async () => {
    const response = await fetch(`${sim.url}/api/dataValueSets`, {
      method: 'POST',
      headers: { Authorization: ADMIN_BASIC, 'Content-Type': XML, Accept: XML },
      body: xml('dataValueSetA.xml'),
    });
    const text = await response.text();
    expect(text).toContain('httpStatusCode="200"');
    expect(text).toContain('<importCount imported="3" updated="0" ignored="0" deleted="0"/>');
  });

  it('needs F_DATAVALUE_ADD', async () => {
    sim.state.users.set('reader', {
      username: 'reader',
      password: 'district',
      firstName: 'R',
      surname: 'Eader',
      id: 'ReaderUid01',
      authorities: ['F_EXPORT_DATA'],
      organisationUnits: ['DiszpKrYNg8'],
    });
    try {
      const result = await postDataValues(sim, xml('dataValueSetA.xml'), XML, '', { Authorization: basic('reader', 'district') });
      expect(result.status).toBe(403);
      expect(result.body).toMatchObject({ httpStatus: 'Forbidden', message: 'Access is denied' });
    } finally {
      sim.state.users.delete('reader');
    }
  });
});

describe('ADX', () => {
  let adx: Simulator;
  const ADX = 'application/adx+xml';
  beforeAll(async () => {
    adx = await startSimulator();
    adx.seedMetadata(adxSeed());
  });
  afterAll(async () => {
    await adx.close();
  });
  beforeEach(() => adx.clearDataValues());

  it('imports importA with NAME element ids, category attributes and annotations (the values AdxDataServiceIntegrationTest lists)', async () => {
    const result = await postDataValues(
      adx,
      fixture('datavalues/adx/importA.adx.xml'),
      ADX,
      'dataElementIdScheme=NAME&categoryIdScheme=NAME&categoryOptionIdScheme=UID&categoryOptionComboIdScheme=UID',
    );
    expect(summaryOf(result).conflicts).toEqual([]);
    expect(counts(result)).toEqual([9, 0, 0, 0]);
    const stored = adx
      .dataValues()
      .map((v) => `${v.dataElement} ${v.period} ${v.orgUnit} ${v.categoryOptionCombo} ${v.attributeOptionCombo} ${v.value}`)
      .sort();
    expect(stored).toEqual(
      [
        `MalNummmmmm 202001 P1233333333 FUnder55555 ${DEFAULT_COC} 1`,
        `MalNummmmmm 202001 P1233333333 MUnder55555 ${DEFAULT_COC} 2`,
        `MalNummmmmm 202001 P1233333333 FOver555555 ${DEFAULT_COC} 3`,
        `MalNummmmmm 202001 P1233333333 MOver555555 ${DEFAULT_COC} 4`,
        `MalTexttttt 202001 P1233333333 ${DEFAULT_COC} ${DEFAULT_COC} Text data value`,
        `MalNummmmmm 202002 D4566666666 FUnder55555 ${DEFAULT_COC} 6`,
        `MalNummmmmm 2021Q1 D4566666666 FUnder55555 cocPEPFARRR 10`,
        `MalNummmmmm 2021Q1 D4566666666 FOver555555 cocMcDonald 20`,
        `MalNummmmmm 2021Q1 D4566666666 MUnder55555 cocMcDonald 30`,
      ].sort(),
    );
    expect(summaryOf(result).importOptions).toMatchObject({ idSchemes: { idScheme: { type: 'CODE' } } });
  });

  it('imports the ADX dates file with UID schemes and ignores created/lastUpdated', async () => {
    const result = await postDataValues(adx, fixture('datavalues/adx/importDates.adx.xml'), ADX, 'idScheme=UID');
    expect(counts(result)).toEqual([1, 0, 0, 0]);
    expect(adx.dataValues()[0]).toMatchObject({ value: '33', categoryOptionCombo: 'MOver555555' });
    expect(counts(await postDataValues(adx, fixture('datavalues/adx/importDatesUpdate.adx.xml'), ADX, 'idScheme=UID'))).toEqual([0, 1, 0, 0]);
  });

  it('turns value-level ADX problems into {object, value} conflicts without touching the status', async () => {
    const body = `<adx xmlns="urn:ihe:qrph:adx:2015"><group dataSet="MalariaDS" period="2020-01-01/P1M" orgUnit="123">
      <dataValue dataElement="Mal_num" age="under5" sex="F" value="7"/>
      <dataValue dataElement="Nope" value="1"/>
      <dataValue dataElement="Mal_text" value="0"/>
      <dataValue dataElement="Mal_num" age="under5" value="1"/>
    </group></adx>`;
    const result = await postDataValues(adx, body, ADX);
    expect(result.status).toBe(200);
    expect(summaryOf(result)).toMatchObject({ status: 'SUCCESS', importCount: { imported: 1, ignored: 3 } });
    expect(summaryOf(result).conflicts).toEqual([
      { object: 'ADX Error', value: "No data element matching code 'Nope'" },
      { object: 'Mal_text', value: 'DataElement expects text annotation' },
      { object: 'ADX Error', value: 'Category combo Age and Sex Category Combo must have Sex_category' },
    ]);
  });

  it('fails the whole import on a group-level problem', async () => {
    const body = `<adx xmlns="urn:ihe:qrph:adx:2015"><group dataSet="MalariaDS" period="2020-01-01/P1M" orgUnit="123"><dataValue dataElement="Mal_text" value="0"><annotation>x</annotation></dataValue></group>
      <group dataSet="MalariaDS" period="2020-01-01/P1W" orgUnit="123"/></adx>`;
    const result = await postDataValues(adx, body, ADX);
    expect(result.status).toBe(409);
    expect(summaryOf(result)).toMatchObject({
      status: 'ERROR',
      description: 'Data set import failed within group number: 1',
      conflicts: [{ object: 'ADX Error', value: 'P1W is not a supported duration type' }],
    });
    expect(adx.dataValues()).toHaveLength(0);
  });
});
