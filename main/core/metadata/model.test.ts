import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AttributeSchema,
  DataElementSchema,
  DataSetSchema,
  FileUserSchema,
  MeSchema,
  METADATA_TYPES,
  OrgUnitSchema,
  OptionSetSchema,
  RECORD_SCHEMAS,
  CategoryOptionComboSchema,
  isMetadataType,
  toMetadataUser,
} from './model';

const FIXTURES = join(__dirname, '../../../e2e/fixtures');
const read = (path: string) => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as Record<string, unknown[]>;
const first = <T>(list: unknown[] | undefined, id: string): T => (list ?? []).find((item) => (item as { id?: string }).id === id) as T;

describe('metadata model', () => {
  it('reads every object with an id in every fixture export', () => {
    const files = [
      ...readdirSync(join(FIXTURES, 'metadata/json')).map((name) => `metadata/json/${name}`),
      'tracker/base_metadata.json',
      'tracker/te_program_with_tea_metadata.json',
      'tracker/tracker_basic_metadata.json',
    ];
    let parsed = 0;
    for (const file of files) {
      const json = read(file);
      for (const [key, list] of Object.entries(json)) {
        if (!isMetadataType(key) || !Array.isArray(list)) continue;
        for (const [i, object] of list.entries()) {
          if (typeof (object as { id?: unknown }).id !== 'string') continue;
          const result = RECORD_SCHEMAS[key].safeParse(object);
          expect(result.success, `${file} ${key}[${i}]: ${result.error?.message}`).toBe(true);
          parsed++;
        }
      }
    }
    expect(parsed).toBeGreaterThan(250);
  });

  it('keeps what offline checks need from a data set, and drops the rest', () => {
    const json = read('metadata/json/e2e_aggregate_metadata.json');
    const dataSet = DataSetSchema.parse(first(json.dataSets, 'qNtxTrp56wV'));
    expect(dataSet).toMatchObject({
      id: 'qNtxTrp56wV',
      name: 'TA Malaria annual data',
      periodType: 'Yearly',
      categoryCombo: 'bjDvmb4bfuf',
      expiryDays: 0,
      openFuturePeriods: 0,
      timelyDays: 15,
      dataInputPeriods: [],
      organisationUnits: ['ImspTQPwCqd', 'O6uvpzGd5pu', 'g8upMTyEZGZ', 'YuQRtpLP10I'],
    });
    expect(dataSet.dataSetElements).toContainEqual({ dataElement: 'dFaBg0HpoIL', categoryCombo: 'BwnnrV1AkNj' });
    expect(dataSet).not.toHaveProperty('sharing');
    expect(dataSet).not.toHaveProperty('compulsoryDataElementOperands');
  });

  it('reads org units with and without a path, data elements, option sets and option combos', () => {
    const setup = read('metadata/json/e2e_setup_metadata.json');
    expect(OrgUnitSchema.parse(first(setup.organisationUnits, 'g8upMTyEZGZ'))).toEqual({
      id: 'g8upMTyEZGZ',
      name: 'Njandama MCHP',
      code: 'OU_167609',
      shortName: 'Njandama MCHP',
      path: '/ImspTQPwCqd/O6uvpzGd5pu/YuQRtpLP10I/g8upMTyEZGZ',
      level: 4,
      parent: 'YuQRtpLP10I',
      openingDate: '2009-01-01T00:00:00.000',
      closedDate: null,
      attributeValues: [],
    });
    expect(OrgUnitSchema.parse(first(setup.organisationUnits, 'DiszpKrYNg8')).path).toBeNull();
    expect(DataElementSchema.parse(first(setup.dataElements, 'vbZ5LGNfGyy'))).toMatchObject({
      valueType: 'TEXT',
      domainType: 'TRACKER',
      aggregationType: 'NONE',
      optionSet: 'ZGkmoWb77MW',
      zeroIsSignificant: false,
      categoryCombo: null,
    });
    expect(OptionSetSchema.parse(first(setup.optionSets, 'ZGkmoWb77MW'))).toMatchObject({
      valueType: 'TEXT',
      options: [
        { id: 'NpP4y21f6fY', code: 'TA_NO', name: null, sortOrder: null },
        { id: 'jqsgAiRoxsG', code: 'TA_YES', name: null, sortOrder: null },
      ],
    });
    expect(CategoryOptionComboSchema.parse(first(setup.categoryOptionCombos, 'igZVvNyxlTM'))).toEqual({
      id: 'igZVvNyxlTM',
      name: 'TA category option combo A',
      code: 'TA_CATEGORY_OPTION_COMBO_A',
      categoryCombo: 'p0bh43XdKy5',
      categoryOptions: ['fjvZIRlTBrp'],
      attributeValues: [],
    });
  });

  it('reads attributes: unique flag, the types they apply to, and attribute values', () => {
    const base = read('tracker/base_metadata.json');
    const attribute = AttributeSchema.parse(first(base.attributes, 'j45AR9cBQKc'));
    expect(attribute).toMatchObject({ id: 'j45AR9cBQKc', unique: true, valueType: 'TEXT' });
    expect(attribute.appliesTo).toEqual(expect.arrayContaining(['dataElements', 'organisationUnits', 'categoryOptionCombos', 'categoryOptions']));
    expect(attribute.appliesTo).not.toContain('dataSets');
    expect(AttributeSchema.parse({ id: 'abcdefghijk', objectTypes: ['DATA_SET'] }).appliesTo).toEqual(['dataSets']);
    expect(OrgUnitSchema.parse(first(base.organisationUnits, 'h4w96yEMlzO')).attributeValues).toEqual([
      { attribute: 'j45AR9cBQKc', value: 'orgUnit h4w96yEMlzO' },
    ]);
  });

  it('is lenient as DHIS2 is: unknown keys, nulls and missing lists', () => {
    expect(DataElementSchema.parse({ id: 'deabcdefghA', name: null, code: null, somethingNew: { deep: true }, categoryCombo: null })).toEqual({
      id: 'deabcdefghA',
      name: null,
      code: null,
      shortName: null,
      valueType: null,
      domainType: null,
      aggregationType: null,
      optionSet: null,
      zeroIsSignificant: false,
      categoryCombo: null,
      attributeValues: [],
    });
    expect(DataSetSchema.parse({ id: 'dsabcdefghA', dataInputPeriods: [{ period: '202401', openingDate: '2024-01-01' }] }).dataInputPeriods).toEqual([
      { period: '202401', openingDate: '2024-01-01', closingDate: null },
    ]);
    expect(DataElementSchema.safeParse({ id: 'deabcdefghA', valueType: 5 }).success).toBe(false);
    expect(METADATA_TYPES).toHaveLength(9);
  });

  it('reads the user from /api/me and from a file with its roles', () => {
    expect(
      MeSchema.parse({
        id: 'xE7jOejl9FI',
        username: 'admin',
        displayName: 'John Traore',
        authorities: ['ALL'],
        organisationUnits: [{ id: 'ImspTQPwCqd' }],
        dataViewOrganisationUnits: [],
        settings: { keyUiLocale: 'en' },
      }),
    ).toEqual({
      id: 'xE7jOejl9FI',
      username: 'admin',
      name: 'John Traore',
      organisationUnits: ['ImspTQPwCqd'],
      dataViewOrganisationUnits: [],
      authorities: ['ALL'],
    });
    const json = read('metadata/json/dataset_with_sections.json');
    const user = FileUserSchema.parse(json.users![0]);
    const roles = new Map((json.userRoles as { id: string; authorities: string[] }[]).map((role) => [role.id, role.authorities]));
    expect(toMetadataUser(user, roles)).toMatchObject({ username: 'metadataadmin', name: 'metadata admin metadata admin', organisationUnits: ['x3gVvpbVgqy'] });
    // Before 2.36 the user name and roles sat under userCredentials.
    const old = FileUserSchema.parse({ id: 'abcdefghijk', userCredentials: { username: 'district', userRoles: [{ id: 'r1' }] } });
    expect(toMetadataUser(old, new Map([['r1', ['F_DATAVALUE_ADD']]]))).toMatchObject({ username: 'district', authorities: ['F_DATAVALUE_ADD'] });
  });
});
