import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetadataExport } from './metadata';
import type { Simulator } from './server';
import { ADMIN_BASIC } from './test-support';

/**
 * Seeds for the data value tests. The shared fixture files carry no metadata of their own: they were
 * written against the objects dhis2-core's 2.41 integration tests create in code, so these seeds
 * rebuild those objects (same UIDs, codes, attribute values and assignments).
 */

export const FIXTURES = join(__dirname, '..', 'fixtures');

export function fixture(path: string): Buffer {
  return readFileSync(join(FIXTURES, path));
}

export function fixtureJson<T = unknown>(path: string): T {
  return JSON.parse(fixture(path).toString('utf8')) as T;
}

export const ATTRIBUTE_UID = 'uh6H2ff562G';
export const DEFAULT_COC = 'HllvX50cXC0';

const ref = (id: string) => ({ id });
const attr = (value: string) => [{ value, attribute: ref(ATTRIBUTE_UID) }];
const element = (id: string, letter: string, code: string | null, extra: Record<string, unknown> = {}) => ({
  id,
  name: `DataElement${letter}`,
  shortName: `DataElementShort${letter}`,
  ...(code ? { code } : {}),
  valueType: 'INTEGER',
  domainType: 'AGGREGATE',
  aggregationType: 'SUM',
  zeroIsSignificant: false,
  categoryCombo: ref('bjDvmb4bfuf'),
  ...extra,
});

/** DataValueSetServiceIntegrationTest.setUpTest (2.41): the metadata the dxf2-xml, json and csv fixtures refer to. */
export function integrationSeed(): MetadataExport {
  return {
    attributes: [{ id: ATTRIBUTE_UID, name: 'CUSTOM_ID', valueType: 'TEXT', unique: true, organisationUnitAttribute: true, dataElementAttribute: true }],
    categoryOptions: [
      { id: 'xYerKDKCefk', name: 'default', code: 'default', sharing: { public: 'rwrw----' } },
      { id: 'CatOptionAA', name: 'CategoryOptionA', shortName: 'CategoryOptionA' },
      { id: 'CatOptionBB', name: 'CategoryOptionB', shortName: 'CategoryOptionB' },
    ],
    categories: [
      { id: 'GLevLNI9wkl', name: 'default', code: 'default', categoryOptions: [ref('xYerKDKCefk')] },
      { id: 'CategoryAAA', name: 'CategoryA', dataDimensionType: 'DISAGGREGATION', categoryOptions: [ref('CatOptionAA'), ref('CatOptionBB')] },
    ],
    categoryCombos: [
      { id: 'bjDvmb4bfuf', name: 'default', code: 'default', categories: [ref('GLevLNI9wkl')] },
      { id: 'CatComboAAA', name: 'CategoryComboA', dataDimensionType: 'ATTRIBUTE', categories: [ref('CategoryAAA')] },
    ],
    categoryOptionCombos: [
      { id: DEFAULT_COC, name: 'default', code: 'OC_DEF_CODE', categoryCombo: ref('bjDvmb4bfuf'), categoryOptions: [ref('xYerKDKCefk')] },
      { id: 'kjuiHgy67hg', name: 'CategoryOptionA', code: 'OC_A', categoryCombo: ref('CatComboAAA'), categoryOptions: [ref('CatOptionAA')] },
      { id: 'Gad33qy67g5', name: 'CategoryOptionB', code: 'OC_B', categoryCombo: ref('CatComboAAA'), categoryOptions: [ref('CatOptionBB')] },
    ],
    dataElements: [
      element('f7n9E0hX8qk', 'A', 'DE_A', { attributeValues: attr('DE1') }),
      element('Ix2HsbDMLea', 'B', 'DE_B', { attributeValues: attr('DE2') }),
      element('eY5ehpbEsB7', 'C', 'DE_C', { attributeValues: attr('DE3') }),
      element('deDDDDDDDDD', 'D', 'DE_D', { attributeValues: attr('DE4') }),
      element('jH26dja2f30', 'F', null, { valueType: 'BOOLEAN' }),
      element('jH26dja2f31', 'G', null, { valueType: 'TRUE_ONLY' }),
    ],
    dataSets: [
      {
        id: 'pBOMPrpg1QX',
        name: 'DataSetA',
        shortName: 'DataSetShortA',
        code: 'DS_A',
        periodType: 'Monthly',
        categoryCombo: ref('bjDvmb4bfuf'),
        dataSetElements: ['f7n9E0hX8qk', 'Ix2HsbDMLea', 'eY5ehpbEsB7', 'deDDDDDDDDD'].map((de) => ({ dataElement: ref(de), dataSet: ref('pBOMPrpg1QX') })),
        organisationUnits: [ref('DiszpKrYNg8'), ref('j7Hg26FpoIa')],
      },
    ],
    organisationUnits: [
      {
        id: 'DiszpKrYNg8',
        name: 'OrganisationUnitA',
        shortName: 'OrganisationUnitShortA',
        code: 'OU_A',
        openingDate: '1970-01-01',
        attributeValues: attr('OU1'),
      },
      {
        id: 'BdfsJfj87js',
        name: 'OrganisationUnitB',
        shortName: 'OrganisationUnitShortB',
        code: 'OU_B',
        openingDate: '1970-01-01',
        attributeValues: attr('OU2'),
      },
      {
        id: 'j7Hg26FpoIa',
        name: 'OrganisationUnitC',
        shortName: 'OrganisationUnitShortC',
        code: 'OU_C',
        openingDate: '1970-01-01',
        attributeValues: attr('OU3'),
      },
    ],
    // The test's user captures data for A and B only (C is outside its hierarchy).
    users: [{ id: 'M5zQapPyTZI', username: 'admin', organisationUnits: [ref('DiszpKrYNg8'), ref('BdfsJfj87js')] }],
  };
}

/** AdxDataServiceIntegrationTest.setUpTest (2.41): the metadata of the adx fixtures. */
export function adxSeed(): MetadataExport {
  const option = (id: string, name: string, code: string) => ({ id, name, shortName: name, code });
  const coc = (id: string, name: string, code: string, combo: string, options: string[]) => ({
    id,
    name,
    code,
    categoryCombo: ref(combo),
    categoryOptions: options.map(ref),
  });
  return {
    categoryOptions: [
      option('under555555', 'Under 5', 'under5'),
      option('over5555555', 'Over 5', 'over5'),
      option('FFFFFFFFFFF', 'Female', 'F'),
      option('MMMMMMMMMMM', 'Male', 'M'),
      option('PEPFARRRRRR', 'PEPFAR mechanism', 'PEPFAR'),
      option('McDonaldsss', 'McDonalds mechanism', 'McDonalds'),
    ],
    categories: [
      { id: 'ageeeeeeeee', name: 'Age_category', code: 'age', categoryOptions: [ref('under555555'), ref('over5555555')] },
      { id: 'sexxxxxxxxx', name: 'Sex_category', code: 'sex', categoryOptions: [ref('FFFFFFFFFFF'), ref('MMMMMMMMMMM')] },
      { id: 'mechanismmm', name: 'Mechanism_category', code: 'mechanism', categoryOptions: [ref('PEPFARRRRRR'), ref('McDonaldsss')] },
    ],
    categoryCombos: [
      { id: 'ccAgeAndSex', name: 'Age and Sex Category Combo', categories: [ref('ageeeeeeeee'), ref('sexxxxxxxxx')] },
      { id: 'ccMechanism', name: 'Mechanism Category Combo', dataDimensionType: 'ATTRIBUTE', categories: [ref('mechanismmm')] },
    ],
    categoryOptionCombos: [
      coc('FUnder55555', 'Female Under 5', 'F_Under5', 'ccAgeAndSex', ['FFFFFFFFFFF', 'under555555']),
      coc('MUnder55555', 'Male Under 5', 'M_Under5', 'ccAgeAndSex', ['MMMMMMMMMMM', 'under555555']),
      coc('FOver555555', 'Female Over 5', 'F_Over5', 'ccAgeAndSex', ['FFFFFFFFFFF', 'over5555555']),
      coc('MOver555555', 'Male Over 5', 'M_Over5', 'ccAgeAndSex', ['MMMMMMMMMMM', 'over5555555']),
      coc('cocPEPFARRR', 'PEPFAR CategoryOptionCombo', 'coc_PEPFAR', 'ccMechanism', ['PEPFARRRRRR']),
      coc('cocMcDonald', 'McDonalds CategoryOptionCombo', 'coc_McDonalds', 'ccMechanism', ['McDonaldsss']),
    ],
    dataElements: [
      {
        id: 'MalNummmmmm',
        name: 'Malaria numeric',
        shortName: 'Malaria numeric',
        code: 'Mal_num',
        valueType: 'INTEGER',
        aggregationType: 'SUM',
        categoryCombo: ref('ccAgeAndSex'),
      },
      { id: 'MalTexttttt', name: 'Malaria text', shortName: 'Malaria text', code: 'Mal_text', valueType: 'TEXT', aggregationType: 'NONE' },
    ],
    dataSets: [
      {
        id: 'MalariaDSSS',
        name: 'Malaria DS',
        code: 'MalariaDS',
        periodType: 'Monthly',
        dataSetElements: [{ dataElement: ref('MalNummmmmm') }, { dataElement: ref('MalTexttttt') }],
        organisationUnits: [ref('P1233333333'), ref('D4566666666')],
      },
      {
        id: 'MalariaMech',
        name: 'Malaria Mechanism DS',
        code: 'MalariaMechanismDS',
        periodType: 'Quarterly',
        categoryCombo: ref('ccMechanism'),
        dataSetElements: [{ dataElement: ref('MalNummmmmm') }, { dataElement: ref('MalTexttttt') }],
        organisationUnits: [ref('P1233333333'), ref('D4566666666')],
      },
    ],
    organisationUnits: [
      { id: 'P1233333333', name: 'Provincial Hospital', code: '123' },
      { id: 'D4566666666', name: 'District Hospital', code: '456', parent: ref('P1233333333') },
    ],
    organisationUnitGroups: [{ id: 'ougAAAAAAAA', name: 'OrganisationUnitGroupA', code: 'OUG_A', organisationUnits: [ref('P1233333333'), ref('D4566666666')] }],
  };
}

export interface PostResult {
  status: number;
  body: Record<string, unknown>;
  response: Response;
}

/** POST /api/dataValueSets as admin. */
export async function postDataValues(
  sim: Simulator,
  body: string | Buffer,
  contentType: string,
  query = '',
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const response = await fetch(`${sim.url}/api/dataValueSets${query ? `?${query}` : ''}`, {
    method: 'POST',
    headers: { Authorization: ADMIN_BASIC, 'Content-Type': contentType, ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), response };
}

export interface Summary {
  status: string;
  description?: string;
  importCount: { imported: number; updated: number; ignored: number; deleted: number };
  conflicts: { object?: string; objects?: Record<string, string | null>; value: string; errorCode?: string; property?: string; indexes?: number[] }[];
  rejectedIndexes: number[];
  dataSetComplete?: string;
  importOptions?: Record<string, unknown>;
}

export function summaryOf(result: PostResult): Summary {
  return result.body['response'] as Summary;
}

export function counts(result: PostResult): [number, number, number, number] {
  const c = summaryOf(result).importCount;
  return [c.imported, c.updated, c.deleted, c.ignored];
}
