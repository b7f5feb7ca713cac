import { afterAll, describe, expect, it } from 'vitest';
import { MetadataIndex, type MetadataContent } from './index';
import { emptyContent, generateContent, make, type MutableContent } from './testing/generate';
import { parseIdScheme, tryParseIdScheme } from './id-scheme';
import { openDatabase } from '../db/database';
import { MetadataStore } from './store';
import { METADATA_TYPES } from './model';
import { tempDir } from '../test/helpers';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A real collection before each heap reading, so the memory figure means something.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A district with two facilities of the same name, one unique attribute and one that is not. */
function sample(): MutableContent {
  const content = emptyContent();
  const r = content.records;
  r.attributes.push(
    make.attribute({ id: 'UKNKz1H10EE', name: 'HMIS code', unique: true, appliesTo: ['organisationUnits'] }),
    make.attribute({ id: 'NotUniqAttr', name: 'Region tag', unique: false, appliesTo: ['organisationUnits'] }),
    make.attribute({ id: 'DeOnlyAttrb', name: 'DE only', unique: true, appliesTo: ['dataElements'] }),
  );
  r.organisationUnits.push(
    make.orgUnit({ id: 'ImspTQPwCqd', name: 'Sierra Leone', code: 'OU_525', path: '/ImspTQPwCqd', level: 1 }),
    make.orgUnit({ id: 'O6uvpzGd5pu', name: 'Bo', code: 'OU_264', parent: 'ImspTQPwCqd', path: '/ImspTQPwCqd/O6uvpzGd5pu', level: 2 }),
    make.orgUnit({ id: 'fdc6uOvgoji', name: 'Bombali', code: 'OU_193', parent: 'ImspTQPwCqd' }),
    make.orgUnit({
      id: 'DiszpKrYNg8',
      name: 'Ngelehun CHC',
      code: 'OU_559',
      parent: 'O6uvpzGd5pu',
      attributeValues: [
        { attribute: 'UKNKz1H10EE', value: 'HMIS-559' },
        { attribute: 'NotUniqAttr', value: 'south' },
      ],
    }),
    make.orgUnit({
      id: 'g8upMTyEZGZ',
      name: 'Njandama MCHP',
      code: 'OU_167609',
      parent: 'O6uvpzGd5pu',
      attributeValues: [{ attribute: 'UKNKz1H10EE', value: 'HMIS-609' }],
    }),
    make.orgUnit({ id: 'aaaaaaaaaa1', name: 'Njandama MCHP', code: 'OU_X', parent: 'fdc6uOvgoji' }),
  );
  r.categoryOptions.push(
    make.categoryOption({ id: 'xYerKDKCefk', name: 'default' }),
    make.categoryOption({ id: 'FemaleOptio', name: 'Female', code: 'F' }),
    make.categoryOption({ id: 'MaleOptionx', name: 'Male', code: 'M' }),
    make.categoryOption({ id: 'Under5Optio', name: '<5', code: 'U5' }),
    make.categoryOption({ id: 'Over5Option', name: '5+', code: 'O5' }),
  );
  r.categories.push(
    make.category({ id: 'GLevLNI9wkl', name: 'default', categoryOptions: ['xYerKDKCefk'] }),
    make.category({ id: 'SexCategory', name: 'Sex', code: 'SEX', categoryOptions: ['FemaleOptio', 'MaleOptionx'] }),
    make.category({ id: 'AgeCategory', name: 'Age', code: 'AGE', categoryOptions: ['Under5Optio', 'Over5Option'] }),
  );
  r.categoryCombos.push(
    make.categoryCombo({ id: 'bjDvmb4bfuf', name: 'default', categories: ['GLevLNI9wkl'] }),
    make.categoryCombo({ id: 'SexAgeCombo', name: 'Sex and age', categories: ['SexCategory', 'AgeCategory'], categoryOptionCombos: ['COCfemUnder'] }),
    make.categoryCombo({ id: 'SexOnlyComb', name: 'Sex', categories: ['SexCategory'] }),
  );
  r.categoryOptionCombos.push(
    make.categoryOptionCombo({ id: 'HllvX50cXC0', name: 'default', categoryCombo: 'bjDvmb4bfuf', categoryOptions: ['xYerKDKCefk'] }),
    // Listed by the combo only, as /api/categoryCombos?fields=categoryOptionCombos does.
    make.categoryOptionCombo({ id: 'COCfemUnder', name: 'Female, <5', categoryOptions: ['FemaleOptio', 'Under5Optio'] }),
    make.categoryOptionCombo({
      id: 'COCfemOverx',
      name: 'Female, 5+',
      code: 'F_O5',
      categoryCombo: 'SexAgeCombo',
      categoryOptions: ['Over5Option', 'FemaleOptio'],
    }),
    make.categoryOptionCombo({ id: 'COCmalUnder', name: 'Male, <5', categoryCombo: 'SexAgeCombo', categoryOptions: ['MaleOptionx', 'Under5Optio'] }),
    make.categoryOptionCombo({ id: 'COCmalOverx', name: 'Male, 5+', categoryCombo: 'SexAgeCombo', categoryOptions: ['MaleOptionx', 'Over5Option'] }),
    make.categoryOptionCombo({ id: 'COCfemalexx', name: 'Female', categoryCombo: 'SexOnlyComb', categoryOptions: ['FemaleOptio'] }),
  );
  r.optionSets.push(make.optionSet({ id: 'YesNoOption', options: [{ id: 'YesOptionxx', code: 'Y', name: 'Yes', sortOrder: 1 }] }));
  r.dataElements.push(
    make.dataElement({
      id: 'DEmalariaxx',
      name: 'Malaria cases',
      code: 'MAL',
      categoryCombo: 'SexAgeCombo',
      attributeValues: [{ attribute: 'DeOnlyAttrb', value: 'm1' }],
    }),
    make.dataElement({ id: 'DEvisitsxxx', name: 'Visits', code: 'VIS' }),
    make.dataElement({ id: 'DEreferral1', name: 'Referred', code: 'REF', optionSet: 'YesNoOption', valueType: 'TEXT' }),
  );
  r.dataSets.push(
    make.dataSet({
      id: 'DSmonthlyxx',
      name: 'Monthly',
      dataSetElements: [
        { dataElement: 'DEmalariaxx', categoryCombo: 'SexOnlyComb' },
        { dataElement: 'DEvisitsxxx', categoryCombo: null },
      ],
      organisationUnits: ['DiszpKrYNg8', 'g8upMTyEZGZ'],
    }),
  );
  content.user = { id: 'xE7jOejl9FI', username: 'admin', name: 'Admin', organisationUnits: ['O6uvpzGd5pu'], dataViewOrganisationUnits: [], authorities: [] };
  return content;
}

describe('MetadataIndex', () => {
  const index = MetadataIndex.build(sample());

  it('finds objects by UID and counts them', () => {
    expect(index.orgUnit('DiszpKrYNg8')?.name).toBe('Ngelehun CHC');
    expect(index.get('dataElements', 'DEvisitsxxx')?.code).toBe('VIS');
    expect(index.has('dataSets', 'nope')).toBe(false);
    expect(index.count('organisationUnits')).toBe(6);
  });

  it('resolves identifiers under UID, CODE, NAME and ATTRIBUTE:<uid>, scheme names in any case', () => {
    expect(index.resolve('organisationUnits', 'DiszpKrYNg8')).toEqual({ ok: true, uid: 'DiszpKrYNg8' });
    expect(index.resolve('organisationUnits', 'DiszpKrYNg8', 'id')).toEqual({ ok: true, uid: 'DiszpKrYNg8' });
    expect(index.resolve('organisationUnits', 'OU_559', 'code')).toEqual({ ok: true, uid: 'DiszpKrYNg8' });
    expect(index.resolve('organisationUnits', 'Bo', 'Name')).toEqual({ ok: true, uid: 'O6uvpzGd5pu' });
    expect(index.resolve('organisationUnits', 'HMIS-609', 'attribute:UKNKz1H10EE')).toEqual({ ok: true, uid: 'g8upMTyEZGZ' });
    expect(index.resolve('categoryOptionCombos', 'F_O5', 'CODE')).toEqual({ ok: true, uid: 'COCfemOverx' });
    expect(index.resolve('dataElements', 'm1', { kind: 'ATTRIBUTE', attribute: 'DeOnlyAttrb' })).toEqual({ ok: true, uid: 'DEmalariaxx' });
  });

  it('fails clearly: unknown, ambiguous with the candidates, or a scheme that cannot be used', () => {
    expect(index.resolve('organisationUnits', 'OU_999', 'CODE')).toEqual({
      ok: false,
      reason: 'unknown',
      message: 'No organisation unit with code "OU_999" in the offline metadata.',
      candidates: [],
    });
    expect(index.resolve('dataElements', 'nopenopenop')).toMatchObject({
      ok: false,
      reason: 'unknown',
      message: expect.stringMatching(/No data element with id/),
    });
    const ambiguous = index.resolve('organisationUnits', 'Njandama MCHP', 'NAME');
    expect(ambiguous).toEqual({
      ok: false,
      reason: 'ambiguous',
      message: 'The name "Njandama MCHP" matches 2 organisation units (g8upMTyEZGZ, aaaaaaaaaa1); use their ids instead.',
      candidates: ['g8upMTyEZGZ', 'aaaaaaaaaa1'],
    });
    expect(index.resolve('organisationUnits', 'south', 'ATTRIBUTE:NotUniqAttr')).toMatchObject({
      ok: false,
      reason: 'scheme',
      message: expect.stringMatching(/not unique/),
    });
    expect(index.resolve('organisationUnits', 'm1', 'ATTRIBUTE:DeOnlyAttrb')).toMatchObject({
      ok: false,
      reason: 'scheme',
      message: expect.stringMatching(/not assigned to organisation units/),
    });
    expect(index.resolve('organisationUnits', 'HMIS-000', 'ATTRIBUTE:UKNKz1H10EE')).toMatchObject({ ok: false, reason: 'unknown' });
    // An attribute the snapshot does not describe: its values on the objects still identify them.
    expect(index.resolve('organisationUnits', 'HMIS-559', 'ATTRIBUTE:UKNKz1H10EE')).toEqual({ ok: true, uid: 'DiszpKrYNg8' });
    expect(() => index.resolve('organisationUnits', 'x', 'BARCODE')).toThrow(/not an identifier scheme/);
  });

  it('parses scheme names as DHIS2 does', () => {
    expect(tryParseIdScheme('uid')).toEqual({ kind: 'UID' });
    expect(tryParseIdScheme(' Code ')).toEqual({ kind: 'CODE' });
    expect(parseIdScheme('Attribute:UKNKz1H10EE')).toEqual({ kind: 'ATTRIBUTE', attribute: 'UKNKz1H10EE' });
    expect(tryParseIdScheme('ATTRIBUTE:short')).toBeNull();
    expect(tryParseIdScheme('ATTRIBUTE:UKNKz1H10EEX')).toBeNull();
  });

  it('checks the org unit hierarchy by path, deriving paths a source left out', () => {
    expect(index.orgUnit('DiszpKrYNg8')).toMatchObject({ path: '/ImspTQPwCqd/O6uvpzGd5pu/DiszpKrYNg8', level: 3 });
    expect(index.orgUnit('fdc6uOvgoji')).toMatchObject({ path: '/ImspTQPwCqd/fdc6uOvgoji', level: 2 });
    expect(index.isWithin('DiszpKrYNg8', 'O6uvpzGd5pu')).toBe(true);
    expect(index.isWithin('DiszpKrYNg8', 'DiszpKrYNg8')).toBe(true);
    expect(index.isWithin('aaaaaaaaaa1', 'O6uvpzGd5pu')).toBe(false);
    expect(index.isWithin('O6uvpzGd5pu', 'DiszpKrYNg8')).toBe(false);
    expect(index.inCaptureHierarchy('g8upMTyEZGZ')).toBe(true);
    expect(index.inCaptureHierarchy('aaaaaaaaaa1')).toBe(false);
    expect(index.inCaptureHierarchy('ImspTQPwCqd')).toBe(false);
    // No data view org units: DHIS2 uses the capture ones.
    expect(index.inViewHierarchy('g8upMTyEZGZ')).toBe(true);
    const noUser = MetadataIndex.build({ ...sample(), user: null });
    expect(noUser.inCaptureHierarchy('g8upMTyEZGZ')).toBeNull();
  });

  it('knows data set membership and the category combo a data set gives an element', () => {
    expect(index.dataSetHasElement('DSmonthlyxx', 'DEmalariaxx')).toBe(true);
    expect(index.dataSetHasElement('DSmonthlyxx', 'DEreferral1')).toBe(false);
    expect(index.dataSetHasOrgUnit('DSmonthlyxx', 'DiszpKrYNg8')).toBe(true);
    expect(index.dataSetHasOrgUnit('DSmonthlyxx', 'aaaaaaaaaa1')).toBe(false);
    expect(index.dataSetsOfElement('DEvisitsxxx')).toEqual(['DSmonthlyxx']);
    expect(index.categoryComboOf('DEmalariaxx')).toBe('SexAgeCombo');
    expect(index.categoryComboOf('DEmalariaxx', 'DSmonthlyxx')).toBe('SexOnlyComb');
    expect(index.categoryComboOf('DEvisitsxxx')).toBe('bjDvmb4bfuf');
    expect(index.categoryComboOf('nopenopenop')).toBeNull();
  });

  it('finds option combos by their options, for ADX category -> option maps', () => {
    expect(index.optionCombosOf('SexAgeCombo')).toHaveLength(4);
    expect(index.comboHasOptionCombo('SexAgeCombo', 'COCfemUnder')).toBe(true);
    expect(index.comboOfOptionCombo('COCfemUnder')).toBe('SexAgeCombo');
    expect(index.optionComboOf('SexAgeCombo', ['Over5Option', 'MaleOptionx'])).toBe('COCmalOverx');
    expect(index.optionComboFor('SexAgeCombo', { AgeCategory: 'Over5Option', SexCategory: 'FemaleOptio' })).toEqual({ ok: true, uid: 'COCfemOverx' });
    expect(index.optionComboFor('SexAgeCombo', { SexCategory: 'FemaleOptio' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/No option given for category AgeCategory/),
    });
    expect(index.optionComboFor('SexAgeCombo', { SexCategory: 'Under5Optio', AgeCategory: 'Over5Option' })).toMatchObject({
      ok: false,
      message: 'Category option Under5Optio does not belong to category SexCategory.',
    });
    expect(index.optionComboFor('SexOnlyComb', { SexCategory: 'FemaleOptio', AgeCategory: 'Over5Option' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Category AgeCategory is not part of category combo "Sex"/),
    });
    expect(index.optionComboFor('bjDvmb4bfuf', {})).toEqual({ ok: true, uid: 'HllvX50cXC0' });
  });

  it('detects the default category combo and option combo', () => {
    expect(index.defaultCategoryCombo).toBe('bjDvmb4bfuf');
    expect(index.defaultCategoryOptionCombo).toBe('HllvX50cXC0');
    expect(index.isDefaultCategoryCombo('SexAgeCombo')).toBe(false);
    expect(index.isDefaultCategoryOptionCombo('HllvX50cXC0')).toBe(true);
    expect(MetadataIndex.build(emptyContent()).defaultCategoryCombo).toBeNull();
  });

  it('looks up options by code', () => {
    expect(index.optionByCode('YesNoOption', 'Y')?.name).toBe('Yes');
    expect(index.optionByCode('YesNoOption', 'N')).toBeUndefined();
  });

  describe('at national size', () => {
    const dir = tempDir();
    afterAll(() => dir.remove());

    it('builds for 20,000 org units and 2,000 data elements quickly, and answers in O(1)', () => {
      const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
      const size = { orgUnits: 20_000, dataElements: 2_000, dataSets: 20 };
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const holder: { content: MetadataContent | null } = { content: generateContent(size) };
      const started = performance.now();
      const built = MetadataIndex.build(holder.content!);
      const buildMs = performance.now() - started;
      // What the index keeps once the records it was built from are gone, as in the app.
      holder.content = null;
      gc();
      const retained = process.memoryUsage().heapUsed - heapBefore;
      const content = generateContent(size);

      // Through SQLite, as the app does it: write a snapshot, read it back, build.
      const db = openDatabase(join(dir.path, 'perf.sqlite'));
      const store = new MetadataStore(db);
      const writeStarted = performance.now();
      const builder = store.begin({ serverId: null, source: 'file', label: 'generated' });
      for (const type of METADATA_TYPES) for (const record of content.records[type]) builder.put(type, record as never);
      const snapshot = builder.finish({ version: '2.41.3', takenAt: null, user: content.user, notes: [] });
      const writeMs = performance.now() - writeStarted;
      const readStarted = performance.now();
      const fromDb = MetadataIndex.build(store.readContent(snapshot.id), snapshot);
      const readBuildMs = performance.now() - readStarted;
      db.close();

      const facilities = [...built.all('organisationUnits')].filter((unit) => unit.level === 4).map((unit) => unit.id);
      const lookups = 1_000_000;
      const lookupStarted = performance.now();
      let hits = 0;
      for (let i = 0; i < lookups; i++) {
        const unit = facilities[i % facilities.length]!;
        if (built.resolve('organisationUnits', `OU_${i % 20_000}`, { kind: 'CODE' }).ok) hits++;
        if (built.dataSetHasOrgUnit('S0000000000', unit)) hits++;
        if (built.inCaptureHierarchy(unit)) hits++;
      }
      const lookupMs = performance.now() - lookupStarted;

      console.log(
        [
          `MetadataIndex, ${content.records.organisationUnits.length} org units, ${content.records.dataElements.length} data elements, ${content.records.categoryOptionCombos.length} option combos, 20 data sets x ${facilities.length} facilities:`,
          `  build from records ${buildMs.toFixed(0)} ms; the index retains ${mb(retained)} of heap`,
          `  SQLite write ${writeMs.toFixed(0)} ms; read + build ${readBuildMs.toFixed(0)} ms`,
          `  ${lookups.toLocaleString('en')} x (CODE resolve + data set assignment + capture hierarchy) in ${lookupMs.toFixed(0)} ms (${((lookupMs * 1e6) / (lookups * 3)).toFixed(0)} ns each)`,
        ].join('\n'),
      );
      expect(fromDb.count('organisationUnits')).toBe(20_000);
      expect(fromDb.count('dataElements')).toBe(2_000);
      expect(hits).toBeGreaterThan(lookups);
      // Generous bounds: a slow CI laptop, not a benchmark.
      expect(buildMs).toBeLessThan(5_000);
      expect(readBuildMs).toBeLessThan(15_000);
    });
  });
});
