import { describe, expect, it } from 'vitest';
import type { DataValueFormat, DataValueRecord } from '../../datavalues/types';
import { fixture, fixtureFiles, readPath } from '../test-support';
import type { AdxDataValueRecord } from './read-adx';

/** Every fixture a test below reads; the last test checks that none in the folders was forgotten. */
const covered = new Set<string>();

async function read(path: string, format: DataValueFormat, options: { firstRowIsHeader?: boolean } = {}) {
  covered.add(path);
  return readPath(fixture(path), format, options);
}

/** The part of a value that every format carries. */
function essence(record: DataValueRecord) {
  return {
    dataElement: record.dataElement,
    period: record.period,
    orgUnit: record.orgUnit,
    categoryOptionCombo: record.categoryOptionCombo,
    attributeOptionCombo: record.attributeOptionCombo,
    value: record.value,
    storedBy: record.storedBy,
    comment: record.comment,
    followup: record.followup,
  };
}

const SET_B = [
  ['f7n9E0hX8qk', '201201', 'DiszpKrYNg8', '10001'],
  ['f7n9E0hX8qk', '201201', 'BdfsJfj87js', '10002'],
  ['f7n9E0hX8qk', '201202', 'DiszpKrYNg8', '10003'],
  ['f7n9E0hX8qk', '201202', 'BdfsJfj87js', '10004'],
  ['Ix2HsbDMLea', '201201', 'DiszpKrYNg8', '10005'],
  ['Ix2HsbDMLea', '201201', 'BdfsJfj87js', '10006'],
  ['Ix2HsbDMLea', '201202', 'DiszpKrYNg8', '10007'],
  ['Ix2HsbDMLea', '201202', 'BdfsJfj87js', '10008'],
  ['eY5ehpbEsB7', '201201', 'DiszpKrYNg8', '10009'],
  ['eY5ehpbEsB7', '201201', 'BdfsJfj87js', '10010'],
  ['eY5ehpbEsB7', '201202', 'DiszpKrYNg8', '10011'],
  ['eY5ehpbEsB7', '201202', 'BdfsJfj87js', '10012'],
];

const key = (r: DataValueRecord) => [r.dataElement, r.period, r.orgUnit, r.value];

describe('DXF2 JSON fixtures', () => {
  it('reads created, lastUpdated, storedBy and followup (dataValueSetCreateDate*.json)', async () => {
    const { records, source } = await read('json/dataValueSetCreateDate.json', 'json');
    expect(source.header).toMatchObject({ dataSet: null, period: null, idSchemes: {} });
    expect(records).toEqual([
      {
        index: 0,
        line: 3,
        dataElement: 'f7n9E0hX8qk',
        period: '201201',
        orgUnit: 'DiszpKrYNg8',
        categoryOptionCombo: null,
        attributeOptionCombo: null,
        value: '20',
        storedBy: 'system',
        created: '1988-12-21T23:59:38.000+0000',
        lastUpdated: '1988-12-21T23:59:38.000+0000',
        comment: null,
        followup: false,
        deleted: null,
      },
    ]);
    const updated = await read('json/dataValueSetCreateDateUpdated.json', 'json');
    expect(updated.records).toHaveLength(1);
    expect(updated.records[0]).toMatchObject({ value: '22', comment: 'new comment', created: '2000-12-21T23:59:38.000+0000', line: 3 });
  });

  it('reads the minimal and deletion payloads (dataValueSetJ*.json)', async () => {
    const values: Record<string, string | null> = {
      'json/dataValueSetJ.json': '10',
      'json/dataValueSetJDeleteNewValue.json': '9',
      'json/dataValueSetJDeleteNoValue.json': null,
      'json/dataValueSetJDeleteZeroValue.json': '0',
    };
    for (const [path, value] of Object.entries(values)) {
      const { records } = await read(path, 'json');
      expect(records, path).toHaveLength(1);
      expect(records[0], path).toMatchObject({
        dataElement: 'f7n9E0hX8qk',
        period: '201201',
        orgUnit: 'DiszpKrYNg8',
        value,
        followup: null,
        line: 3,
        index: 0,
      });
    }
  });

  it('streams the 231 values of the e2e bulk file with their lines', async () => {
    const { records } = await read('json/e2e_dataValues_bulk.json', 'json');
    expect(records).toHaveLength(231);
    expect(records.map((r) => r.index)).toEqual([...Array(231).keys()]);
    expect(records[0]).toMatchObject({
      line: 3,
      dataElement: 'tpz77FcntKx',
      period: '2018',
      value: '500000',
      categoryOptionCombo: 'HllvX50cXC0',
      followup: false,
    });
    expect(records[230]).toMatchObject({
      line: 2372,
      dataElement: 'yVGY0DGVPor',
      period: '201912',
      categoryOptionCombo: 'kQBGXKMwoqR',
      value: '0',
      created: '2019-09-02T16:01:14.650+0000',
    });
    expect(records.every((r) => r.orgUnit === 'O6uvpzGd5pu')).toBe(true);
    expect(records.filter((r) => r.followup !== false)).toEqual([
      expect.objectContaining({ line: 681, dataElement: 'Md3xk3vlABx', value: 'true', comment: 'Important!', followup: true }),
    ]);
    for (let i = 1; i < records.length; i++) expect(records[i]!.line).toBeGreaterThan(records[i - 1]!.line);
  });

  it('reads the header of the single data set file and ignores its unknown "completedDate" key, as Jackson does', async () => {
    const { records, source } = await read('json/e2e_dataValues_single_dataset.json', 'json');
    expect(source.header).toMatchObject({ dataSet: 'VEM58nY22sO', period: '201911', orgUnit: 'O6uvpzGd5pu', completeDate: null });
    expect(records.map((r) => [r.line, r.categoryOptionCombo, r.value])).toEqual([
      [7, 'oPcWGgS2Liz', '1000'],
      [16, 'rtfSaMjPyq6', '2000'],
    ]);
  });
});

describe('CSV fixtures', () => {
  it('reads dataValueSetB.csv by header name and finds the same 12 values as dataValueSetB.xml', async () => {
    const csv = await read('csv/dataValueSetB.csv', 'csv');
    const xml = await read('dxf2-xml/dataValueSetB.xml', 'xml');
    expect(csv.source.columnMode).toBe('by-name');
    expect(csv.records.map(key)).toEqual(SET_B);
    expect(csv.records.map(essence)).toEqual(xml.records.map(essence));
    expect(csv.records.map((r) => r.line)).toEqual([...Array(12).keys()].map((i) => i + 2));
    // The CSV's 8th column (headed "timestamp") is lastUpdated; 2.41's XML reader ignores a timestamp attribute.
    expect(csv.records.every((r) => r.lastUpdated === '2012-01-01' && r.created === null)).toBe(true);
    expect(xml.records.every((r) => r.lastUpdated === null)).toBe(true);
    expect(xml.records.map((r) => r.created)).toEqual([null, null, null, null, null, null, null, null, '2010-01-01', '2010-01-01', null, null]);
  });

  it('agrees between the header and no-header files, and with the 2.41 copy read by position', async () => {
    const header = await read('csv/dataValueSetB.csv', 'csv');
    const noHeader = await read('csv/dataValueSetBNoHeader.csv', 'csv', { firstRowIsHeader: false });
    const v241 = await read('v2.41/dxf2__dataValueSetB.csv', 'csv');
    expect(noHeader.source.columnMode).toBe('positional');
    expect(noHeader.source.headerRow).toBeNull();
    expect(noHeader.records.map((r) => ({ ...r, line: r.line + 1 }))).toEqual(header.records);
    // "dataelelement" (sic) is not a name we know, so this file is read by position, as 2.41 reads every file.
    expect(v241.source.columnMode).toBe('positional');
    expect(v241.records).toEqual(header.records);
  });

  it('skips the first row of a header-less file by default, as the DHIS2 server does, and says so', async () => {
    const { records, source } = await read('csv/dataValueSetBNoHeader.csv', 'csv');
    expect(records).toHaveLength(11);
    expect(source.headerRow).toEqual(['f7n9E0hX8qk', '201201', 'DiszpKrYNg8', '', '', '10001', 'john', '2012-01-01', 'comment', 'false']);
    expect(records[0]).toMatchObject({ value: '10002', line: 2 });
  });

  it('keeps boolean-like values as written and parses followup like Boolean.parseBoolean', async () => {
    const expected = ['true', 'True', 'false', 'False', 'f', 'F', 't', 'T', '1', '0', 'test', 'not true', '1', 't', 'true', 'True', 'false', 'test'];
    for (const path of ['csv/dataValueSetBooleanTest.csv', 'csv/dataValueSetBooleanDuplicatesTest.csv', 'v2.41/dxf2__dataValueSetBooleanTest.csv']) {
      const { records } = await read(path, 'csv');
      expect(
        records.map((r) => r.value),
        path,
      ).toEqual(expected);
      expect(
        records.every((r) => r.followup === false),
        path,
      ).toBe(true);
    }
    const { records } = await read('csv/dataValueSetBooleanTest.csv', 'csv');
    expect(records.map((r) => r.period)).toEqual(
      [...Array(12).keys()].map((i) => `2012${String(i + 1).padStart(2, '0')}`).concat(['201301', '201302', '201303', '201304', '201305', '201306']),
    );
  });

  it('reads rows shorter than the 11-column header (no deleted cell) in both copies', async () => {
    const master = await read('csv/dataValueSetWithDataSetHeader.csv', 'csv');
    const v241 = await read('v2.41/dxf2__dataValueSetWithDataSetHeader.csv', 'csv');
    expect(master.source.columnMode).toBe('by-name');
    expect(v241.source.columnMode).toBe('positional');
    expect(master.records.map((r) => [r.orgUnit, r.period, r.value, r.lastUpdated, r.deleted])).toEqual([
      ['DiszpKrYNg8', '201201', '10001', '2012-01-01', null],
      ['BdfsJfj87js', '201201', '10002', '2012-01-02', null],
      ['DiszpKrYNg8', '201202', '10003', '2012-01-03', null],
    ]);
    expect(v241.records).toEqual(master.records);
  });

  it('reads the analytics file by name despite spaces before its quotes', async () => {
    const { records, source } = await read('csv/analytics_dataValues.csv', 'csv');
    expect(source.columnMode).toBe('by-name');
    expect(source.headerRow).toEqual(['dataelement', 'period', 'orgunit', 'value']);
    expect(records).toHaveLength(32);
    expect(records[0]).toMatchObject({ line: 2, dataElement: 'deabcdefghA', period: '2017-01', orgUnit: 'ouabcdefghA', value: '2', categoryOptionCombo: null });
    expect(records.slice(27).map((r) => r.value)).toEqual(['true', 'false', 'true', 'abc', '2017-01-01']);
    expect(records[31]).toMatchObject({ line: 33, dataElement: 'deabcdefghH' });
  });
});

describe('DXF2 XML fixtures', () => {
  it('reads set A with per-value period and org unit and the line of each element', async () => {
    for (const path of ['dxf2-xml/dataValueSetA.xml', 'dxf2-xml/dxf2_service_dataValueSetA.xml']) {
      const { records, source } = await read(path, 'xml');
      expect(source.header).toMatchObject({ dataSet: 'pBOMPrpg1QX', completeDate: null, period: null, attributeOptionCombo: null });
      expect(records.map((r) => [r.line, r.orgUnit, r.period, r.value, r.storedBy, r.comment, r.followup])).toEqual([
        [2, 'DiszpKrYNg8', '201201', '10001', 'john', 'comment', false],
        [3, 'BdfsJfj87js', '201201', '10002', 'john', 'comment', false],
        [5, 'DiszpKrYNg8', '201202', '10003', 'john', 'comment', false],
      ]);
    }
  });

  it('reads header-level period, org unit and complete date, past a licence comment (ACatCombo)', async () => {
    const { records, source } = await read('dxf2-xml/dataValueSetACatCombo.xml', 'xml');
    expect(source.header).toMatchObject({ dataSet: 'pBOMPrpg1QX', completeDate: '2012-01-09', period: '201201', orgUnit: 'DiszpKrYNg8' });
    expect(records.map((r) => [r.line, r.dataElement, r.categoryOptionCombo, r.period])).toEqual([
      [32, 'f7n9E0hX8qk', 'kjuiHgy67hg', null],
      [33, 'Ix2HsbDMLea', 'Gad33qy67g5', null],
      [34, 'eY5ehpbEsB7', null, null],
    ]);
  });

  it('reads id schemes from the root (ACode, BAttributeIdScheme) and codes as written', async () => {
    const code = await read('dxf2-xml/dataValueSetACode.xml', 'xml');
    expect(code.source.header).toMatchObject({ dataSet: 'DS_A', orgUnit: 'OU_A', period: '201201', idSchemes: { idScheme: 'code' } });
    expect(code.records.map((r) => r.dataElement)).toEqual(['DE_A', 'DE_B', 'DE_C']);
    const attribute = await read('dxf2-xml/dataValueSetBAttributeIdScheme.xml', 'xml');
    expect(attribute.source.header.idSchemes).toEqual({ dataElementIdScheme: 'ATTRIBUTE:uh6H2ff562G', orgUnitIdScheme: 'ATTRIBUTE:uh6H2ff562G' });
    expect(attribute.records).toHaveLength(12);
    const plain = await read('dxf2-xml/dataValueSetBAttribute.xml', 'xml');
    expect(plain.source.header.idSchemes).toEqual({});
    expect(plain.records.map((r) => [r.dataElement, r.orgUnit])).toEqual(attribute.records.map((r) => [r.dataElement, r.orgUnit]));
    const bCode = await read('dxf2-xml/dataValueSetBCode.xml', 'xml');
    expect(bCode.records.map((r) => `${r.dataElement}/${r.orgUnit}/${r.value}`)).toEqual([
      'DE_A/OU_A/10001',
      'DE_A/OU_B/10002',
      'DE_A/OU_A/10003',
      'DE_A/OU_B/10004',
      'DE_B/OU_A/10005',
      'DE_B/OU_B/10006',
      'DE_B/OU_A/10007',
      'DE_B/OU_B/10008',
      'DE_C/OU_A/10009',
      'DE_C/OU_B/10010',
      'DE_C/OU_A/10011',
      'DE_C/OU_B/10012',
    ]);
  });

  it('reads deleted flags', async () => {
    const a = await read('dxf2-xml/dataValueSetADeleted.xml', 'xml');
    expect(a.records.map((r) => r.deleted)).toEqual([true, true, true]);
    for (const path of ['dxf2-xml/dataValueSetBDeleted.xml', 'dxf2-xml/dataValueSetBNewDeleted.xml']) {
      const { records } = await read(path, 'xml');
      expect(
        records.map((r) => r.deleted),
        path,
      ).toEqual([null, null, null, null, true, true, true, true, null, null, null, null]);
    }
    const bNew = await read('dxf2-xml/dataValueSetBNew.xml', 'xml');
    expect(bNew.records.map((r) => r.period)).toEqual([
      '201201',
      '201201',
      '201202',
      '201202',
      '201201',
      '201201',
      '201202',
      '201202',
      '201203',
      '201203',
      '201204',
      '201204',
    ]);
    expect(bNew.records.every((r) => r.deleted === null)).toBe(true);
  });

  it('turns empty and absent attributes into null (ANull)', async () => {
    const { records } = await read('dxf2-xml/dataValueSetANull.xml', 'xml');
    expect(records.map((r) => [r.value, r.comment])).toEqual([
      [null, null],
      [null, null],
      ['10003', 'comment'],
    ]);
  });

  it('reads the update sets', async () => {
    const a = await read('dxf2-xml/dataValueSetAUpdate.xml', 'xml');
    expect(a.records.map((r) => [r.value, r.comment])).toEqual([
      ['10011', 'updated comment'],
      ['10022', 'updated comment'],
      ['10033', 'updated comment'],
    ]);
    const b = await read('dxf2-xml/dataValueSetBUpdate.xml', 'xml');
    expect(b.records.map((r) => [r.period, r.value, r.comment, r.created])).toEqual([
      ['201201', '20009', 'comment09', null],
      ['201201', '20010', 'comment10', '2020-02-02'],
      ['201202', '20011', 'comment11', null],
      ['201202', '20012', 'comment12', null],
      ['201203', '20013', 'comment13', null],
      ['201203', '20014', 'comment14', null],
    ]);
  });

  it('reads sets C and CCode (values on continued lines) and D, D2, E, F, G, H headers', async () => {
    const c = await read('dxf2-xml/dataValueSetC.xml', 'xml');
    expect(c.records.map((r) => [r.line, r.period, r.orgUnit, r.value])).toEqual([
      [2, '201205', 'DiszpKrYNg8', '10001'],
      [4, '201205', 'DiszpKrYNg8', '10002'],
      [6, '201205', 'DiszpKrYNg8', '10003'],
    ]);
    const cCode = await read('dxf2-xml/dataValueSetCCode.xml', 'xml');
    expect(cCode.records.map((r) => [r.line, r.categoryOptionCombo])).toEqual([
      [2, 'OC_DEF_CODE'],
      [4, 'OC_DEF_CODE'],
      [5, 'OC_DEF_CODE'],
    ]);
    const headers = {
      'dxf2-xml/dataValueSetD.xml': { period: '201201', orgUnit: 'DiszpKrYNg8', attributeOptionCombo: 'kjuiHgy67hg', completeDate: '2012-01-09', count: 3 },
      'dxf2-xml/dataValueSetD2.xml': { period: '201201', orgUnit: 'DiszpKrYNg8', attributeOptionCombo: null, completeDate: '2012-01-09', count: 3 },
      'dxf2-xml/dataValueSetE.xml': { period: null, orgUnit: null, attributeOptionCombo: null, completeDate: null, count: 3 },
      'v2.41/dxf2__dataValueSetE.xml': { period: null, orgUnit: null, attributeOptionCombo: 'kjuiHgy67hg', completeDate: '2012-01-09', count: 3 },
      'dxf2-xml/dataValueSetF.xml': { period: null, orgUnit: null, attributeOptionCombo: 'inValidUid1', completeDate: '2012-01-09', count: 4 },
      'dxf2-xml/dataValueSetG.xml': { period: null, orgUnit: null, attributeOptionCombo: null, completeDate: null, count: 4 },
      'dxf2-xml/dataValueSetH.xml': { period: null, orgUnit: null, attributeOptionCombo: 'kjuiHgy67hg', completeDate: null, count: 3 },
    };
    for (const [path, { count, ...header }] of Object.entries(headers)) {
      const { records, source } = await read(path, 'xml');
      expect(source.header, path).toMatchObject({ dataSet: 'pBOMPrpg1QX', ...header });
      expect(records, path).toHaveLength(count);
    }
    const g = await read('dxf2-xml/dataValueSetG.xml', 'xml');
    expect(g.records.map((r) => [r.dataElement, r.orgUnit])).toEqual([
      ['nonEx1sting', 'DiszpKrYNg8'],
      ['nonEx1sting', 'DiszpKrYNg8'],
      ['f7n9E0hX8qk', 'nonEx1sting'],
      ['eY5ehpbEsB7', 'DiszpKrYNg8'],
    ]);
    const h = await read('dxf2-xml/dataValueSetH.xml', 'xml');
    expect(h.records.map((r) => r.period)).toEqual(['201201', '201202', '201203']);
  });

  it('reads the negative sets as written, leaving their faults to validation', async () => {
    const coc = await read('dxf2-xml/dataValueSetIllegalCoc.xml', 'xml');
    expect(coc.records.map((r) => [r.dataElement, r.categoryOptionCombo, r.orgUnit])).toEqual([['f7n9E0hX8qk', 'kjuiHgy67hg', 'DiszpKrYNg8']]);
    const ou = await read('dxf2-xml/dataValueSetIllegalOrgUnit.xml', 'xml');
    expect(ou.records.map((r) => r.orgUnit)).toEqual(['missingOrgu']);
    const invalid = await read('dxf2-xml/dataValueSetInvalid.xml', 'xml');
    expect(invalid.records.map((r) => [r.dataElement, r.value])).toEqual([
      ['f7n9E0hX8qk', '1'],
      ['Ix2HsbDMLea', '2'],
      ['jH26dja2f28', '7'],
    ]);
    const nonStrict = await read('dxf2-xml/dataValueSetNonStrict.xml', 'xml');
    expect(nonStrict.records.map((r) => [r.period, r.categoryOptionCombo, r.attributeOptionCombo])).toEqual([
      ['201201', 'kjuiHgy67hg', null],
      ['2012Q2', null, 'Gad33qy67g5'],
      ['2012', null, null],
    ]);
  });
});

describe('ADX fixtures', () => {
  it('reads sample 1: group attributes on every value, periods converted, annotation as the value', async () => {
    const { records, source } = await read('adx/adx_data_sample1.xml', 'adx');
    expect(source.header).toMatchObject({ dataSet: null, period: null, idSchemes: {} });
    expect(records).toHaveLength(13);
    expect(records.slice(0, 6).every((r) => r.attributeOptionCombo === 'McDonalds' && r.completeDate === '2015-06-17' && r.dataSet === 'Malaria')).toBe(true);
    expect(records.every((r) => r.period === '201501' && r.orgUnit === '342')).toBe(true);
    expect(records[0]).toMatchObject({ line: 12, dataElement: 'MAL01', value: '32' });
    expect(records[5]).toMatchObject({ line: 17, dataElement: 'MAL04', categoryOptionCombo: 'McDonalds' });
    const annotated = records[8] as AdxDataValueRecord;
    expect(annotated).toMatchObject({
      line: 23,
      dataElement: 'MAL03',
      value: 'Some qualifying text here on the datavalue',
      valueAttribute: '0',
      attributeOptionCombo: null,
    });
    expect(records.map((r) => r.index)).toEqual([...Array(13).keys()]);
  });

  it('reads sample 2: unknown group attributes as attribute categories, comment passed through to values', async () => {
    const { records } = await read('adx/adx_data_sample2.xml', 'adx');
    expect(records).toHaveLength(13);
    expect(records[0]).toMatchObject({ attributeOptions: { dataSetComplete: 'true', mechanism: 'PEPFAR' }, dataSet: null, comment: null });
    expect(records[2]).toMatchObject({ dataElement: 'MAL04', categoryOptions: { ageGroup: 'under5', sex: 'M' } });
    expect(records[6]).toMatchObject({ attributeOptions: { mechanism: 'OTHER' }, comment: 'Imported from facility system' });
    expect(records[0]!.categoryOptions).toBeUndefined();
  });

  it('reads the import files: categories, category option combos, P3M quarters and attribute option combos', async () => {
    const expectations = {
      'adx/importA.adx.xml': {
        sex: 'Sex_category',
        female: 'FFFFFFFFFFF',
        coc: 'FOver555555',
        mechanism: ['Mechanism_category', 'PEPFARRRRRR'],
        aoc: 'cocMcDonald',
      },
      'adx/importB.adx.xml': { sex: 'sex', female: 'F', coc: 'Female Over 5', mechanism: ['mechanism', 'PEPFAR'], aoc: 'McDonalds CategoryOptionCombo' },
      'adx/importC.adx.xml': { sex: 'sexxxxxxxxx', female: 'Female', coc: 'F_Over5', mechanism: ['mechanismmm', 'PEPFAR mechanism'], aoc: 'coc_McDonalds' },
    };
    for (const [path, e] of Object.entries(expectations)) {
      const { records } = await read(path, 'adx');
      expect(records, path).toHaveLength(9);
      expect(
        records.map((r) => r.period),
        path,
      ).toEqual(['202001', '202001', '202001', '202001', '202001', '202002', '2021Q1', '2021Q1', '2021Q1']);
      expect(records[0]!.categoryOptions?.[e.sex], path).toBe(e.female);
      expect(records[2], path).toMatchObject({ categoryOptionCombo: e.coc, value: '3' });
      expect(records[2]!.categoryOptions, path).toBeUndefined();
      expect(records[4], path).toMatchObject({ value: 'Text data value', line: 7 });
      expect(records[6]!.attributeOptions, path).toEqual({ [e.mechanism[0]!]: e.mechanism[1] });
      expect(records[8], path).toMatchObject({ attributeOptionCombo: e.aoc, value: '30', line: 21 });
      expect(records[8]!.attributeOptions, path).toBeUndefined();
    }
  });

  it('reads the expected exports', async () => {
    const a = await read('adx/exportA.adx.xml', 'adx');
    expect(a.records.map((r) => [r.dataSet, r.period, r.orgUnit, r.dataElement, r.value])).toEqual([
      ['MalariaDS', '202001', '123', 'Malaria numeric', '1'],
      ['MalariaDS', '202002', '123', 'Malaria text', 'Some text'],
    ]);
    expect(a.records[0]!.categoryOptions).toEqual({ Age_category: 'under555555', Sex_category: 'FFFFFFFFFFF' });
    const b = await read('adx/exportB.adx.xml', 'adx');
    expect(b.records.map((r) => r.attributeOptions?.mechanism ?? null)).toEqual([null, null, 'McDonalds', 'PEPFAR']);
    const c = await read('adx/exportC.adx.xml', 'adx');
    expect(c.records.map((r) => r.categoryOptions?.sexxxxxxxxx ?? null)).toEqual(['Female', null, 'Male', 'Female']);
    const d = await read('adx/exportD.adx.xml', 'adx');
    expect(d.records).toHaveLength(1);
    expect(d.records[0]).toMatchObject({ orgUnit: 'District Hospital', attributeOptions: { mechanismmm: 'McDonalds mechanism' }, value: '2' });
  });

  it('reads created and lastUpdated attributes and keeps the value attribute beside the annotation (importDates*)', async () => {
    const first = await read('adx/importDates.adx.xml', 'adx');
    expect(first.records).toEqual([
      expect.objectContaining({
        value: '33333',
        valueAttribute: '33',
        created: '1987-12-21T23:59:38.376+0000',
        lastUpdated: '1987-12-21T23:59:38.376+0000',
        period: '202001',
      }),
    ]);
    const update = await read('adx/importDatesUpdate.adx.xml', 'adx');
    expect(update.records[0]).toMatchObject({ value: '33333', valueAttribute: '55', created: '1988-12-21T23:59:38.376+0000' });
  });
});

it('reads every fixture in the data value folders (this test runs last)', () => {
  const all = ['adx', 'csv', 'dxf2-xml', 'json', 'v2.41'].flatMap((folder) => fixtureFiles(folder).map((name) => `${folder}/${name}`));
  const forgotten = all.filter((path) => !covered.has(path));
  expect(forgotten, 'fixtures no test reads').toEqual([]);
});
