import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImportMetadataParams, type CsvImportClass, type ImportMetadataParamsInput } from '../../../shared/metadata-import';
import { flattenErrors } from '../../../shared/import-report';
import type { MetadataIndex } from '../metadata/index';
import { checkMetadataFile, openMetadataFile } from './open-file';
import { defaultsExport, indexFromExport, metadataFixture } from './testing';

/*
 * Every metadata fixture of dhis2-core's own tests (e2e/fixtures/metadata, see PROVENANCE.md) goes through
 * the offline check, and where dhis2-core's tests say what the server does with a file
 * (ObjectBundleServiceTest, CsvMetadataImportTest, CsvImportServiceTest on 2.41), the check says the same.
 */

async function check(path: string[], input: ImportMetadataParamsInput, index: MetadataIndex | null) {
  const params = ImportMetadataParams.parse({ deleteConfirmed: true, ...input });
  const name = path.at(-1)!;
  const opened = await openMetadataFile(metadataFixture(...path), name, params);
  return checkMetadataFile(opened, params, index);
}

function codes(result: Awaited<ReturnType<typeof check>>): string[] {
  return flattenErrors(result.report).map(({ error }) => error.errorCode ?? '');
}

function count(result: Awaited<ReturnType<typeof check>>, code: string): number {
  return codes(result).filter((c) => c === code).length;
}

function json(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(metadataFixture('json', name), 'utf8')) as Record<string, unknown>;
}

/** What ObjectBundleServiceTest#defaultSetup puts in the database: data elements A-D (createDataElement), user A and its group (createUserGroup). */
function defaultSetup(): MetadataIndex {
  const elements = ['A', 'B', 'C', 'D'].map((c) => ({
    id: `deabcdefgh${c}`,
    name: `DataElement${c}`,
    shortName: `DataElementShort${c}`,
    code: `DataElementCode${c}`,
    valueType: 'INTEGER',
    domainType: 'AGGREGATE',
    aggregationType: 'SUM',
    categoryCombo: { id: 'bjDvmb4bfuf' },
  }));
  return indexFromExport({ ...defaultsExport(), dataElements: elements, userGroups: [{ id: 'ugabcdefghA', name: 'UserGroupA' }] });
}

const defaults = () => indexFromExport(defaultsExport());

describe('metadata fixtures: every file reads', () => {
  for (const name of readdirSync(metadataFixture('json'))) {
    it(`reads json/${name} without a format error`, async () => {
      const result = await check(['json', name], {}, defaults());
      const exported = json(name);
      const expected = Object.entries(exported)
        .filter(([key, value]) => Array.isArray(value) && key !== 'system' && key !== 'date')
        .reduce((sum, [, value]) => sum + (value as unknown[]).length, 0);
      expect(result.objects).toBe(expected);
    });
  }

  it('reads the DXF2 XML form into the same objects as its JSON twin', async () => {
    const xml = await check(['xml', 'render_metadata.xml'], {}, defaults());
    const fromJson = await check(['json', 'render_metadata.json'], {}, defaults());
    expect(xml.objects).toBe(3);
    expect(xml.preview.items.map(({ id, name }) => ({ id, name }))).toEqual(fromJson.preview.items.map(({ id, name }) => ({ id, name })));
    expect(codes(xml)).toEqual(codes(fromJson));
    expect(xml.report.typeReports[0]!.objectReports.map((o) => o.line)).toEqual([4, 5, 6]);
  });
});

describe('metadata fixtures: the offline check says what DHIS2 2.41 says', () => {
  it('de_validate2 with CREATE: one invalid reference and three missing required properties (testCreatePreheatValidationsInvalidObjects)', async () => {
    const result = await check(['json', 'de_validate2.json'], { importStrategy: 'CREATE' }, defaults());
    expect(count(result, 'E5002')).toBe(1);
    expect(count(result, 'E4000')).toBe(3);
    expect(result.report.status).toBe('ERROR');
    const e5002 = flattenErrors(result.report).find(({ error }) => error.errorCode === 'E5002')!;
    expect(e5002.error).toMatchObject({
      message: 'Invalid reference [pQYCiuosBnZ] (OptionSet) on object Yebo [cNkTt6mJQyO] (DataElement) for association `optionSet`',
      mainKlass: 'org.hisp.dhis.dataelement.DataElement',
      mainId: 'cNkTt6mJQyO',
      errorProperty: 'optionSet',
    });
    expect(e5002.object.line).toBe(46);
    const missing = flattenErrors(result.report)
      .filter(({ error }) => error.errorCode === 'E4000')
      .map(({ object, error }) => [object.uid, error.errorProperty]);
    expect(missing).toEqual([
      ['uf3svrmp8Oj', 'valueType'],
      ['uf3svrmp8Oj', 'domainType'],
      ['ulD2zW0TIy2', 'valueType'],
    ]);
  });

  it('de_validate2 with UPDATE: three objects that do not exist (testUpdatePreheatValidationsInvalidObjects)', async () => {
    const result = await check(['json', 'de_validate2.json'], { importStrategy: 'UPDATE' }, defaults());
    expect(count(result, 'E5001')).toBe(3);
    expect(flattenErrors(result.report)[0]!.error.message).toBe(
      'No matching object for reference. Identifier was UID, and object was Birth certificate [uf3svrmp8Oj] (DataElement).',
    );
  });

  it('de_validate1: references to an unknown category combo and option set, and none once they exist (testPreheatValidations*)', async () => {
    const before = await check(['json', 'de_validate1.json'], { importStrategy: 'CREATE' }, defaults());
    expect(new Set(flattenErrors(before.report).map(({ error }) => error.errorProperty))).toEqual(new Set(['categoryCombo', 'optionSet']));
    const exported = defaultsExport();
    (exported.categoryCombos![0] as { id: string }).id = 'p0KPaWEg3cf';
    const after = await check(
      ['json', 'de_validate1.json'],
      { importStrategy: 'CREATE' },
      indexFromExport({ ...exported, optionSets: [{ id: 'pQYCiuosBnZ', name: 'OptionSet: pQYCiuosBnZ', valueType: 'TEXT' }] }),
    );
    expect(codes(after)).toEqual([]);
  });

  it('de_simple_delete_uid and _code: three data elements deleted, by UID and by CODE (testSimpleDataElementDelete*)', async () => {
    const byUid = await check(['json', 'de_simple_delete_uid.json'], { importStrategy: 'DELETE' }, defaultSetup());
    expect(codes(byUid)).toEqual([]);
    expect(byUid.report.stats).toMatchObject({ deleted: 3, ignored: 0 });
    const byCode = await check(['json', 'de_simple_delete_code.json'], { importStrategy: 'DELETE', identifier: 'CODE' }, defaultSetup());
    expect(codes(byCode)).toEqual([]);
    expect(byCode.preview.types[0]).toMatchObject({ delete: 3, total: 3 });
  });

  it('deleting what is not there: E5001 per object', async () => {
    const result = await check(['json', 'de_simple_delete_uid.json'], { importStrategy: 'DELETE' }, defaults());
    expect(count(result, 'E5001')).toBe(3);
  });

  it('de_duplicate_code: the second data element clashes on code; with atomicMode NONE the first is created (testCreateMetadataWithDuplicateDataElementCode)', async () => {
    const result = await check(['json', 'de_duplicate_code.json'], { atomicMode: 'NONE' }, defaults());
    expect(codes(result)).toEqual(['E5003']);
    expect(flattenErrors(result.report)[0]!.error.message).toBe(
      'Property `code` with value `DataElementCodeA` on object DataElementB [CCwk5Yx440o] (DataElement) already exists on object SG4HuKlNEFH',
    );
    expect(result.report.status).toBe('WARNING');
    expect(result.report.stats).toMatchObject({ created: 1, ignored: 1 });
    expect(result.preview.items.map((item) => [item.id, item.action])).toEqual([
      ['SG4HuKlNEFH', 'create'],
      ['CCwk5Yx440o', 'ignore'],
    ]);
  });

  it('de_duplicate_uid: the second object with the same id is dropped; with atomicMode ALL nothing is created (testCreateMetadataWithDuplicateDataElementUid*)', async () => {
    const none = await check(['json', 'de_duplicate_uid.json'], { atomicMode: 'NONE' }, defaults());
    expect(codes(none)).toEqual(['E5004']);
    expect(flattenErrors(none.report)[0]!.error.message).toBe(
      'Id `CCwk5Yx440o` for type `class org.hisp.dhis.dataelement.DataElement` exists on more than 1 object in the payload, removing all but the first found',
    );
    expect(none.report.stats).toMatchObject({ created: 1, ignored: 1 });
    const all = await check(['json', 'de_duplicate_uid.json'], {}, defaults());
    expect(all.report.status).toBe('ERROR');
    expect(all.report.stats).toMatchObject({ created: 0, ignored: 2, total: 2 });
  });

  it('defaults_invalid with UPDATE: three references to a category combo that does not exist (testInvalidDefaults)', async () => {
    const result = await check(['json', 'defaults_invalid.json'], { importStrategy: 'UPDATE', preheatMode: 'REFERENCE' }, defaultSetup());
    expect(codes(result)).toEqual(['E5002', 'E5002', 'E5002']);
  });

  it('orgunit_create_with_persisted_parent: fine when the parent exists, E5002 when it does not (testCreateOrgUnitWithPersistedParent)', async () => {
    const parent = { id: 'ImspTQPwCqd', name: 'OrganisationUnitA', shortName: 'OrganisationUnitShortA', openingDate: '1970-01-01' };
    const withParent = await check(
      ['json', 'orgunit_create_with_persisted_parent.json'],
      { importStrategy: 'CREATE' },
      indexFromExport({ ...defaultsExport(), organisationUnits: [parent] }),
    );
    expect(codes(withParent)).toEqual([]);
    expect(withParent.report.stats.created).toBe(2);
    const without = await check(['json', 'orgunit_create_with_persisted_parent.json'], { importStrategy: 'CREATE' }, defaults());
    expect(flattenErrors(without.report).map(({ error }) => error.message)).toEqual([
      'Invalid reference [ImspTQPwCqd] (OrganisationUnit) on object Project [bFzxXwTkSWA] (OrganisationUnit) for association `parent`',
    ]);
  });

  it('org_unit_code_id with identifier CODE: created with CREATE and with CREATE_AND_UPDATE (testCreate*OrgUnitUsingCODE)', async () => {
    for (const importStrategy of ['CREATE', 'CREATE_AND_UPDATE'] as const) {
      const result = await check(['json', 'org_unit_code_id.json'], { identifier: 'CODE', importStrategy }, defaults());
      expect(codes(result)).toEqual([]);
      expect(result.report.stats.created).toBe(1);
    }
  });

  it('dataset_with_sections: created, then updated, without errors (testCreateAndUpdateDataSetWithSections)', async () => {
    const created = await check(['json', 'dataset_with_sections.json'], { importStrategy: 'CREATE' }, defaults());
    expect(codes(created)).toEqual([]);
    const after = indexFromExport({ ...defaultsExport(), ...json('dataset_with_sections.json') });
    const updated = await check(['json', 'dataset_with_sections.json'], { importStrategy: 'UPDATE' }, after);
    expect(codes(updated)).toEqual([]);
    const types = Object.fromEntries(updated.preview.types.map((type) => [type.type, type]));
    expect(types.dataElements).toMatchObject({ update: 2, checkedOffline: true, unknown: 0 });
    expect(types.sections).toMatchObject({ total: 2, checkedOffline: false, unknown: 2 });
  });

  it.each(['ou_with_levels.json', 'metadata_no_defaults.json', 'simple_metadata.json', 'metadata_with_indicators.json', 'category_and_categorycombo.json'])(
    '%s imports without errors (ObjectBundleServiceTest)',
    async (name) => {
      const result = await check(['json', name], { importStrategy: 'CREATE_AND_UPDATE' }, defaults());
      expect(codes(result)).toEqual([]);
      expect(result.report.status).toBe('OK');
    },
  );
});

describe('CSV metadata fixtures (CsvMetadataImportTest, CsvImportServiceTest)', () => {
  const csv = (name: string, classKey: CsvImportClass, index: MetadataIndex, extra: ImportMetadataParamsInput = {}) =>
    check(['csv', name], { format: 'csv', classKey, ...extra }, index);

  it('organisationUnits.csv: six org units created (testOrgUnitImport)', async () => {
    const result = await csv('organisationUnits.csv', 'ORGANISATION_UNIT', defaults());
    expect(codes(result)).toEqual([]);
    expect(result.report.stats.created).toBe(6);
    expect(result.preview.items[0]).toMatchObject({ id: 'a1234567890', name: 'Root', action: 'create', line: 2 });
  });

  it('dataElements.csv: two data elements created, with DHIS2 defaults for the empty columns (testDataElementImport)', async () => {
    const result = await csv('dataElements.csv', 'DATA_ELEMENT', defaults());
    expect(codes(result)).toEqual([]);
    expect(result.report.stats.created).toBe(2);
  });

  it('optionSets.csv: four option sets and twelve options created (testOptionSetImport)', async () => {
    const result = await csv('optionSets.csv', 'OPTION_SET', defaults());
    expect(codes(result)).toEqual([]);
    expect(result.report.stats.created).toBe(16);
    expect(result.preview.types.map((type) => [type.type, type.total])).toEqual([
      ['optionSets', 4],
      ['options', 12],
    ]);
  });

  it('basic_objects with and without a header row: three category options (testBasicObjects*)', async () => {
    const header = await csv('basic_objects.csv', 'CATEGORY_OPTION', defaults());
    const noHeader = await csv('basic_objects_no_header.csv', 'CATEGORY_OPTION', defaults(), { firstRowIsHeader: false });
    for (const result of [header, noHeader]) {
      expect(result.objects).toBe(3);
      expect(result.preview.items.map((item) => item.name)).toEqual(['Banana', 'Apple', 'Orange']);
    }
    expect(noHeader.preview.items[0]!.line).toBe(1);
  });

  it('option groups, group sets and their members, in order against what the earlier steps created (testImportOptionGroupSet)', async () => {
    const optionSets = [
      {
        id: 'xmRubJIhmaK',
        name: 'OptionSetA',
        valueType: 'TEXT',
        options: [
          { id: 'OptionAaaaa', code: 'OA', name: 'A' },
          { id: 'OptionBbbbb', code: 'OB', name: 'B' },
        ],
      },
      { id: 'QYDAByFgTr1', name: 'OptionSetB', valueType: 'TEXT', options: [{ id: 'OptionCcccc', code: 'OC', name: 'C' }] },
    ];
    const index = indexFromExport({ ...defaultsExport(), optionSets });
    const groups = await csv('option_groups.csv', 'OPTION_GROUP', index);
    expect(codes(groups)).toEqual([]);
    expect(groups.report.stats.created).toBe(2);
    const sets = await csv('option_group_set.csv', 'OPTION_GROUP_SET', index);
    expect(sets.report.stats.created).toBe(2);
    // The earlier steps made the groups and group sets: the server now has them.
    const optionGroups = [
      { id: 'UeHtizvXbx6', name: 'optionGroupA', shortName: 'groupA' },
      { id: 'EVYjFX6Ez0a', name: 'optionGroupB', shortName: 'groupB' },
    ];
    const optionGroupSets = [
      { id: 'FB9i0Jl2R80', name: 'optiongroupsetA' },
      { id: 'K30djctzUtN', name: 'optiongroupsetB' },
    ];
    const after = indexFromExport({ ...defaultsExport(), optionSets, optionGroups, optionGroupSets });
    const members = await csv('option_group_set_members.csv', 'OPTION_GROUP_SET_MEMBERSHIP', after);
    expect(members.report.stats.updated).toBe(2);
  });

  it('option group rows whose option set is not on the server are skipped, as DHIS2 skips them without a word', async () => {
    const result = await csv('option_groups.csv', 'OPTION_GROUP', defaults());
    expect(codes(result)).toEqual([]);
    expect(result.report.stats.total).toBe(0);
    expect(result.preview.items.every((item) => item.action === 'skip')).toBe(true);
    expect(result.notes).toContain(
      'Line 2: option set xmRubJIhmaK is not on the server (as of the offline metadata), so DHIS2 skips this row without saying so.',
    );
  });

  it('org unit group members, after the org units and groups (testImportOrganisationUnitGroupMembers)', async () => {
    const units = await csv('organisationUnitMembers.csv', 'ORGANISATION_UNIT', defaults());
    expect(units.report.stats.created).toBe(4);
    const unitsExport = ['c', 'd', 'e', 'f'].map((c) => ({ id: `${c}1234567890`, name: c, shortName: c, openingDate: '1970-01-01' }));
    const index = indexFromExport({ ...defaultsExport(), organisationUnits: unitsExport });
    const groups = await csv('organisationUnitGroup.csv', 'ORGANISATION_UNIT_GROUP', index);
    expect(groups.report.stats.created).toBe(2);
    const members = await csv('organisationUnitGroup_members.csv', 'ORGANISATION_UNIT_GROUP_MEMBERSHIP', index);
    expect(codes(members)).toEqual([]);
    expect(members.report.stats.updated).toBe(2);
  });

  it('org_unit_group_memberships.csv: rows are gathered per group, and members not on the server are named with their line', async () => {
    const result = await csv('org_unit_group_memberships.csv', 'ORGANISATION_UNIT_GROUP_MEMBERSHIP', defaults(), { firstRowIsHeader: false });
    expect(result.preview.items.map((item) => [item.id, item.line])).toEqual([
      ['abcdefghijA', 1],
      ['abcdefghijB', 3],
      ['invalid', 5],
    ]);
    expect(flattenErrors(result.report).map(({ error }) => error.args?.[0])).toContain('[invalid] (OrganisationUnit)');
  });

  it('indicators.csv: the indicator type is looked up by DHIS2 while reading, so the check cannot tell offline and says so', async () => {
    const result = await csv('indicators.csv', 'INDICATOR', indexFromExport(defaultsExport(), 'server', null));
    expect(codes(result)).toEqual([]);
    expect(result.notes.some((note) => note.startsWith('Cannot check references to indicator types offline'))).toBe(true);
  });

  it('indicators.csv on a server known to have no indicator types: DHIS2 finds none while reading, so both indicators miss it (E4000)', async () => {
    const result = await csv('indicators.csv', 'INDICATOR', defaults());
    expect(flattenErrors(result.report).map(({ error }) => [error.errorCode, error.errorProperty])).toEqual([
      ['E4000', 'indicatorType'],
      ['E4000', 'indicatorType'],
    ]);
  });
});
