import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportDataParams, type ImportDataParamsInput } from '../../../../shared/data-import';
import { MetadataIndex } from '../../metadata';
import { emptyContent, make, type MutableContent } from '../../metadata/testing/generate';
import { readDataValues } from '../../formats/datavalues/read';
import type { IdSchemes } from '../types';
import { translateDataValues } from './translate';
import type { ValidationContext } from './types';
import { validateDataValues } from './validate-data-values';

/** DHIS2 2.41's AdxDataServiceIntegrationTest metadata (setUpTest), with its UIDs, codes and names. */
function adxContent(): MutableContent {
  const content = emptyContent();
  const r = content.records;
  r.categoryOptions.push(
    make.categoryOption({ id: 'xYerKDKCefk', name: 'default' }),
    make.categoryOption({ id: 'under555555', name: 'Under 5', code: 'under5' }),
    make.categoryOption({ id: 'over5555555', name: 'Over 5', code: 'over5' }),
    make.categoryOption({ id: 'FFFFFFFFFFF', name: 'Female', code: 'F' }),
    make.categoryOption({ id: 'MMMMMMMMMMM', name: 'Male', code: 'M' }),
    make.categoryOption({ id: 'PEPFARRRRRR', name: 'PEPFAR mechanism', code: 'PEPFAR' }),
    make.categoryOption({ id: 'McDonaldsss', name: 'McDonalds mechanism', code: 'McDonalds' }),
  );
  r.categories.push(
    make.category({ id: 'GLevLNI9wkl', name: 'default', categoryOptions: ['xYerKDKCefk'] }),
    make.category({ id: 'ageeeeeeeee', name: 'Age_category', code: 'age', categoryOptions: ['under555555', 'over5555555'] }),
    make.category({ id: 'sexxxxxxxxx', name: 'Sex_category', code: 'sex', categoryOptions: ['FFFFFFFFFFF', 'MMMMMMMMMMM'] }),
    make.category({ id: 'mechanismmm', name: 'Mechanism_category', code: 'mechanism', categoryOptions: ['PEPFARRRRRR', 'McDonaldsss'] }),
  );
  r.categoryCombos.push(
    make.categoryCombo({ id: 'bjDvmb4bfuf', name: 'default', isDefault: true, categories: ['GLevLNI9wkl'] }),
    make.categoryCombo({ id: 'ccAgeAndSex', name: 'Age and Sex Category Combo', categories: ['ageeeeeeeee', 'sexxxxxxxxx'] }),
    make.categoryCombo({ id: 'ccMechanism', name: 'Mechanism Category Combo', categories: ['mechanismmm'] }),
  );
  const coc = (id: string, name: string, code: string | null, combo: string, options: string[]) =>
    make.categoryOptionCombo({ id, name, code, categoryCombo: combo, categoryOptions: options });
  r.categoryOptionCombos.push(
    coc('HllvX50cXC0', 'default', null, 'bjDvmb4bfuf', ['xYerKDKCefk']),
    coc('FUnder55555', 'Female Under 5', 'F_Under5', 'ccAgeAndSex', ['FFFFFFFFFFF', 'under555555']),
    coc('MUnder55555', 'Male Under 5', 'M_Under5', 'ccAgeAndSex', ['MMMMMMMMMMM', 'under555555']),
    coc('FOver555555', 'Female Over 5', 'F_Over5', 'ccAgeAndSex', ['FFFFFFFFFFF', 'over5555555']),
    coc('MOver555555', 'Male Over 5', 'M_Over5', 'ccAgeAndSex', ['MMMMMMMMMMM', 'over5555555']),
    coc('cocPEPFARRR', 'PEPFAR CategoryOptionCombo', 'coc_PEPFAR', 'ccMechanism', ['PEPFARRRRRR']),
    coc('cocMcDonald', 'McDonalds CategoryOptionCombo', 'coc_McDonalds', 'ccMechanism', ['McDonaldsss']),
  );
  r.dataElements.push(
    make.dataElement({ id: 'MalNummmmmm', name: 'Malaria numeric', code: 'Mal_num', valueType: 'INTEGER', categoryCombo: 'ccAgeAndSex' }),
    make.dataElement({ id: 'MalTexttttt', name: 'Malaria text', code: 'Mal_text', valueType: 'TEXT', categoryCombo: 'bjDvmb4bfuf' }),
  );
  const elements = ['MalNummmmmm', 'MalTexttttt'].map((dataElement) => ({ dataElement, categoryCombo: null }));
  r.dataSets.push(
    make.dataSet({ id: 'MalariaDSSS', name: 'Malaria DS', code: 'MalariaDS', periodType: 'Monthly', categoryCombo: 'bjDvmb4bfuf', dataSetElements: elements }),
    make.dataSet({
      id: 'MalariaMech',
      name: 'Malaria Mechanism DS',
      code: 'MalariaMechanismDS',
      periodType: 'Quarterly',
      categoryCombo: 'ccMechanism',
      dataSetElements: elements,
    }),
  );
  r.organisationUnits.push(
    make.orgUnit({ id: 'P1233333333', name: 'Provincial Hospital', code: '123', path: '/P1233333333' }),
    make.orgUnit({ id: 'D4566666666', name: 'District Hospital', code: '456', parent: 'P1233333333', path: '/P1233333333/D4566666666' }),
  );
  content.user = {
    id: 'AdminUser01',
    username: 'admin',
    name: 'Admin',
    organisationUnits: ['P1233333333', 'D4566666666'],
    dataViewOrganisationUnits: [],
    authorities: ['ALL'],
  };
  return content;
}

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../e2e/fixtures/datavalues/adx');
const scratch = mkdtempSync(join(tmpdir(), 'adx-validation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function validateAdx(file: string, options: { params?: ImportDataParamsInput; schemes?: IdSchemes; change?: (content: MutableContent) => void } = {}) {
  const content = adxContent();
  options.change?.(content);
  const source = await readDataValues(() => createReadStream(file), { format: 'adx', fileName: 'data.adx.xml' });
  const context: ValidationContext = {
    index: MetadataIndex.build(content),
    header: { ...source.header, idSchemes: options.schemes ?? {} },
    params: ImportDataParams.parse(options.params ?? {}),
    fileName: 'data.adx.xml',
    today: new Date(2024, 5, 15),
  };
  return { result: await validateDataValues(source.values(), context), context, source };
}

function adxFile(groups: string): string {
  const file = join(scratch, `${Math.random().toString(36).slice(2)}.adx.xml`);
  writeFileSync(file, `<adx xmlns="urn:ihe:qrph:adx:2015">\n${groups}\n</adx>\n`);
  return file;
}

describe('ADX as DHIS2 2.41 imports it', () => {
  it('importA/B/C.adx.xml with AdxDataServiceIntegrationTest’s id schemes: all nine values import', async () => {
    const cases: [string, ImportDataParamsInput, IdSchemes][] = [
      ['importA.adx.xml', { dataElementIdScheme: 'NAME', categoryOptionComboIdScheme: 'UID' }, { categoryIdScheme: 'NAME', categoryOptionIdScheme: 'UID' }],
      ['importB.adx.xml', { orgUnitIdScheme: 'UID', dataElementIdScheme: 'UID', categoryOptionComboIdScheme: 'NAME' }, { dataSetIdScheme: 'NAME' }],
      ['importC.adx.xml', { orgUnitIdScheme: 'NAME' }, { dataSetIdScheme: 'UID', categoryIdScheme: 'UID', categoryOptionIdScheme: 'NAME' }],
    ];
    for (const [name, params, schemes] of cases) {
      const { result, context, source } = await validateAdx(join(FIXTURES, name), { params, schemes });
      expect(result.summary.conflicts, name).toEqual([]);
      expect(result.summary.importCount, name).toEqual({ imported: 9, updated: 0, ignored: 0, deleted: 0 });
      const sent = [];
      for await (const value of translateDataValues(source.values(), context)) sent.push(value);
      expect(
        sent.map((v) => [v.dataElement, v.period, v.orgUnit, v.categoryOptionCombo, v.attributeOptionCombo, v.value]),
        name,
      ).toEqual([
        ['MalNummmmmm', '202001', 'P1233333333', 'FUnder55555', null, '1'],
        ['MalNummmmmm', '202001', 'P1233333333', 'MUnder55555', null, '2'],
        ['MalNummmmmm', '202001', 'P1233333333', 'FOver555555', null, '3'],
        ['MalNummmmmm', '202001', 'P1233333333', 'MOver555555', null, '4'],
        ['MalTexttttt', '202001', 'P1233333333', null, null, 'Text data value'],
        ['MalNummmmmm', '202002', 'D4566666666', 'FUnder55555', null, '6'],
        ['MalNummmmmm', '2021Q1', 'D4566666666', 'FUnder55555', 'cocPEPFARRR', '10'],
        ['MalNummmmmm', '2021Q1', 'D4566666666', 'FOver555555', 'cocMcDonald', '20'],
        ['MalNummmmmm', '2021Q1', 'D4566666666', 'MUnder55555', 'cocMcDonald', '30'],
      ]);
    }
  });

  it('reports value errors as legacy conflicts after the DXF2 ones, counts them ignored, and leaves the status alone', async () => {
    const file = adxFile(`
  <group dataSet="MalariaDS" period="2020-01-01/P1M" orgUnit="123">
    <dataValue dataElement="Nope" sex="F" age="under5" value="1"/>
    <dataValue dataElement="Mal_num" sex="X" age="under5" value="2"/>
    <dataValue dataElement="Mal_num" age="under5" value="3"/>
    <dataValue dataElement="Mal_text" value="4"/>
    <dataValue dataElement="Mal_num" sex="F" age="under5" value="five"/>
    <dataValue dataElement="Mal_num" sex="M" age="under5" value="6"><annotation>ignored for numbers</annotation></dataValue>
  </group>`);
    const { result } = await validateAdx(file);
    expect(result.summary.conflicts).toEqual([
      // The DXF2 stage only sees the values that converted: "five" is its index 0. Messages name the element as written.
      {
        object: 'Mal_num',
        objects: { dataElement: 'Mal_num', value: 'value_not_integer' },
        value: 'Value must match value type of data element `Mal_num`: `Data value is not an integer`',
        errorCode: 'E7619',
        property: 'value',
        indexes: [0],
        lines: [8],
      },
      { object: 'ADX Error', value: "No data element matching code 'Nope'", lines: [4] },
      { object: 'ADX Error', value: 'Invalid attributes: {sex=X, age=under5}', lines: [5] },
      { object: 'ADX Error', value: 'Category combo Age and Sex Category Combo must have Sex_category', lines: [6] },
      { object: 'Mal_text', value: 'DataElement expects text annotation', lines: [7] },
    ]);
    expect(result.summary.importCount).toEqual({ imported: 1, updated: 0, ignored: 5, deleted: 0 });
    expect(result.summary.status).toBe('WARNING');

    const onlyAdx = await validateAdx(
      adxFile(`<group dataSet="MalariaDS" period="2020-01-01/P1M" orgUnit="123"><dataValue dataElement="Nope" value="1"/></group>`),
    );
    expect(onlyAdx.result.summary).toMatchObject({ status: 'SUCCESS', importCount: { ignored: 1 }, conflicts: [{ object: 'ADX Error' }] });
  });

  it('names option combos by the option combo scheme: one without a code cannot be written under CODE', async () => {
    const file = adxFile(
      `<group dataSet="MalariaDS" period="2020-01-01/P1M" orgUnit="123"><dataValue dataElement="Mal_num" sex="F" age="under5" value="1"/></group>`,
    );
    const { result } = await validateAdx(file, {
      change: (content) => (content.records.categoryOptionCombos.find((c) => c.id === 'FUnder55555')!.code = null),
    });
    expect(result.summary.conflicts).toEqual([{ object: 'ADX Error', value: 'Value for categoryOptionCombo is null', lines: [2] }]);
  });

  it('stops the whole import on a group error: unknown data set, attribute categories, unreadable period', async () => {
    const twoGroups = (second: string) =>
      adxFile(`<group dataSet="MalariaDS" period="2020-01-01/P1M" orgUnit="123"><dataValue dataElement="Mal_num" sex="F" age="under5" value="1"/></group>
  ${second}`);
    const unknown = await validateAdx(
      twoGroups(`<group dataSet="Nope" period="2020-01-01/P1M" orgUnit="123"><dataValue dataElement="Mal_num" sex="F" age="under5" value="1"/></group>`),
    );
    expect(unknown.result.summary).toEqual({
      responseType: 'ImportSummary',
      status: 'ERROR',
      description: 'Data set import failed within group number: 1',
      importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
      conflicts: [{ object: 'ADX Error', value: "No data set matching code 'Nope'", lines: [3] }],
      rejectedIndexes: [],
      predicted: true,
      rejectedCount: 0,
    });
    const mechanism = await validateAdx(
      twoGroups(
        `<group dataSet="MalariaMechanismDS" mechanism="Nope" period="2021-01-01/P3M" orgUnit="456"><dataValue dataElement="Mal_num" sex="F" age="under5" value="1"/></group>`,
      ),
    );
    expect(mechanism.result.summary).toMatchObject({ status: 'ERROR', conflicts: [{ value: 'Invalid attributes: {mechanism=Nope}' }] });
    const missing = await validateAdx(
      twoGroups(
        `<group dataSet="MalariaMechanismDS" period="2021-01-01/P3M" orgUnit="456"><dataValue dataElement="Mal_num" sex="F" age="under5" value="1"/></group>`,
      ),
    );
    expect(missing.result.summary).toMatchObject({
      status: 'ERROR',
      conflicts: [{ value: 'Category combo Mechanism Category Combo must have Mechanism_category' }],
    });
    const period = await validateAdx(
      twoGroups(`<group dataSet="MalariaDS" period="2020-01-03/P7D" orgUnit="456"><dataValue dataElement="Mal_num" sex="F" age="under5" value="1"/></group>`),
    );
    expect(period.result.summary).toMatchObject({ status: 'ERROR', conflicts: [{ object: 'ADX Error', value: '2020-01-03/P7D is invalid weekly type' }] });
  });
});
