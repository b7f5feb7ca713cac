import { createReadStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ImportDataParams, type ImportDataParamsInput } from '../../../../shared/data-import';
import type { MetadataIndex } from '../../metadata';
import { readDataValues } from '../../formats/datavalues/read';
import type { DataValueFormat } from '../types';
import { IT, integrationIndex } from './testing/integration-metadata';
import type { StrictOptions, ValidationResult } from './types';
import { validateDataValues } from './validate-data-values';

/*
 * The DHIS2 test fixtures (the repository's copies), read with the app's own readers and validated against
 * the metadata of DHIS2 2.41's DataValueSetServiceIntegrationTest; the expectations are that test's
 * assertions (conflict counts, import counts, indexes), plus the conflicts' exact content.
 */

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../e2e/fixtures/datavalues');
const TODAY = new Date(2024, 5, 15);

async function validateFixture(
  path: string,
  format: DataValueFormat,
  options: { params?: ImportDataParamsInput; strict?: StrictOptions; index?: MetadataIndex; firstRowIsHeader?: boolean } = {},
): Promise<ValidationResult> {
  const file = join(FIXTURES, path);
  const params = ImportDataParams.parse(options.params ?? {});
  const source = await readDataValues(() => createReadStream(file), {
    format,
    fileName: basename(file),
    firstRowIsHeader: options.firstRowIsHeader ?? params.firstRowIsHeader,
  });
  return validateDataValues(source.values(), {
    index: options.index ?? integrationIndex(),
    header: source.header,
    params,
    fileName: basename(file),
    format,
    today: TODAY,
    options: options.strict,
  });
}

const counts = (result: ValidationResult) => result.summary.importCount;

describe('DHIS2 2.41 integration test fixtures', () => {
  it('dataValueSetB.xml, .csv and the code and attribute variants: 12 imported, no conflicts', async () => {
    for (const [path, format, params] of [
      ['dxf2-xml/dataValueSetB.xml', 'xml', {}],
      ['v2.41/dxf2__dataValueSetB.csv', 'csv', {}],
      ['dxf2-xml/dataValueSetBCode.xml', 'xml', { idScheme: 'CODE', dataElementIdScheme: 'CODE', orgUnitIdScheme: 'CODE' }],
      [
        'dxf2-xml/dataValueSetBAttribute.xml',
        'xml',
        { idScheme: `ATTRIBUTE:${IT.attribute}`, dataElementIdScheme: `ATTRIBUTE:${IT.attribute}`, orgUnitIdScheme: `ATTRIBUTE:${IT.attribute}` },
      ],
      ['dxf2-xml/dataValueSetBAttributeIdScheme.xml', 'xml', {}],
    ] as const) {
      const result = await validateFixture(path, format, { params });
      expect(result.summary.status, path).toBe('SUCCESS');
      expect(counts(result), path).toEqual({ imported: 12, updated: 0, ignored: 0, deleted: 0 });
      expect(result.summary.conflicts, path).toEqual([]);
      expect(result.checked).toBe(12);
    }
  });

  it('dataValueSetACode.xml: code id scheme in the payload, header data set, period and org unit, completed', async () => {
    const result = await validateFixture('dxf2-xml/dataValueSetACode.xml', 'xml');
    expect(counts(result)).toEqual({ imported: 3, updated: 0, ignored: 0, deleted: 0 });
    expect(result.summary.dataSetComplete).toBe('2012-01-09');
  });

  it('dataValueSetD.xml: the header attribute option combo applies to every value', async () => {
    const result = await validateFixture('dxf2-xml/dataValueSetD.xml', 'xml');
    expect(result.summary.status).toBe('SUCCESS');
    expect(counts(result).imported).toBe(3);
  });

  it('dataValueSetE.xml (2.41): two org units outside the user hierarchy, and no header org unit to complete with', async () => {
    const result = await validateFixture('v2.41/dxf2__dataValueSetE.xml', 'xml');
    expect(result.summary.status).toBe('WARNING');
    expect(result.summary.conflicts).toEqual([
      { object: 'OrganisationUnit', value: 'Must be provided to complete data set' },
      {
        object: IT.ouC,
        objects: { organisationUnit: IT.ouC, user: IT.user },
        value: `Organisation unit: \`${IT.ouC}\` not in hierarchy of current user: \`${IT.user}\``,
        errorCode: 'E7617',
        property: 'orgUnit',
        indexes: [1, 2],
        lines: [3, 4],
      },
    ]);
    expect(counts(result)).toEqual({ imported: 1, updated: 0, ignored: 2, deleted: 0 });
    expect(result.summary.rejectedIndexes).toEqual([1, 2]);
  });

  it('dataValueSetF.xml: an unknown header attribute option combo aborts the import (E7604)', async () => {
    const result = await validateFixture('dxf2-xml/dataValueSetF.xml', 'xml');
    expect(result.aborted).toBe(true);
    expect(result.summary).toMatchObject({
      status: 'ERROR',
      description: 'Import process was aborted',
      importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
    });
    expect(result.summary.conflicts).toEqual([
      {
        object: 'inValidUid1',
        objects: { categoryOptionCombo: 'inValidUid1', dataSet: IT.dsA },
        value: 'Attribute option combo not found or not accessible: `inValidUid1`',
        errorCode: 'E7604',
        property: 'attributeOptionCombo',
      },
    ]);
  });

  it('dataValueSetG.xml: unknown data element twice (one conflict, two indexes) and an unknown org unit', async () => {
    const result = await validateFixture('dxf2-xml/dataValueSetG.xml', 'xml');
    expect(result.summary.conflicts).toEqual([
      {
        object: 'nonEx1sting',
        objects: { dataElement: 'nonEx1sting' },
        value: 'Data element not found or not accessible: `nonEx1sting`',
        errorCode: 'E7610',
        property: 'dataElement',
        indexes: [0, 1],
        lines: [2, 3],
      },
      {
        object: 'nonEx1sting',
        objects: { organisationUnit: 'nonEx1sting' },
        value: 'Organisation unit not found or not accessible: `nonEx1sting`',
        errorCode: 'E7612',
        property: 'orgUnit',
        indexes: [2],
        lines: [4],
      },
    ]);
    expect(counts(result)).toEqual({ imported: 1, updated: 0, ignored: 3, deleted: 0 });
    expect(result.summary.status).toBe('WARNING');
  });

  it('dataValueSetH.xml: attribute option dates exclude a period (E7638), one org unit outside the hierarchy (E7617)', async () => {
    const index = integrationIndex((content) => {
      const option = content.records.categoryOptions.find((o) => o.id === IT.coA)!;
      option.startDate = '2012-02-01';
      option.endDate = '2012-02-29';
    });
    const result = await validateFixture('dxf2-xml/dataValueSetH.xml', 'xml', { index });
    expect(result.summary.conflicts.map((c) => [c.errorCode, c.value, c.indexes])).toEqual([
      ['E7638', `Period: \`201201\` is not within date range of attribute option combo: \`null\``, [0]],
      ['E7617', `Organisation unit: \`${IT.ouC}\` not in hierarchy of current user: \`${IT.user}\``, [2]],
    ]);
    // The attribute option combo came from the header: the value's own is null, and so is the message's.
    expect(result.summary.conflicts[0]!.objects).toEqual({ period: '201201' });
    expect(counts(result)).toEqual({ imported: 1, updated: 0, ignored: 2, deleted: 0 });
  });

  it('dataValueSetIllegalOrgUnit.xml: an unknown org unit (E7612)', async () => {
    const result = await validateFixture('dxf2-xml/dataValueSetIllegalOrgUnit.xml', 'xml');
    expect(result.summary.conflicts).toMatchObject([
      { errorCode: 'E7612', value: 'Organisation unit not found or not accessible: `missingOrgu`', indexes: [0], lines: [2] },
    ]);
  });

  it('dataValueSetIllegalCoc.xml: E7613 where the option combo is unknown; in the integration metadata it exists and only strict mode objects (E7634)', async () => {
    const unknown = integrationIndex((content) => {
      content.records.categoryOptionCombos = content.records.categoryOptionCombos.filter((coc) => coc.id !== IT.ocA);
    });
    const missing = await validateFixture('dxf2-xml/dataValueSetIllegalCoc.xml', 'xml', { index: unknown });
    expect(missing.summary.conflicts).toMatchObject([
      {
        errorCode: 'E7613',
        objects: { categoryOptionCombo: IT.ocA },
        value: `Category option combo not found or not accessible for writing data: \`${IT.ocA}\``,
      },
    ]);
    const lenient = await validateFixture('dxf2-xml/dataValueSetIllegalCoc.xml', 'xml');
    expect(lenient.summary.conflicts).toEqual([]);
    const strict = await validateFixture('dxf2-xml/dataValueSetIllegalCoc.xml', 'xml', { strict: { strictCategoryOptionCombos: true } });
    expect(strict.summary.conflicts).toMatchObject([
      { errorCode: 'E7634', value: `Category option combo: \`${IT.ocA}\` must be part of category combo of data element: \`${IT.deA}\`` },
    ]);
  });

  it('dataValueSetInvalid.xml: 7 is not an option of the option set (E7621), the other two import', async () => {
    const result = await validateFixture('dxf2-xml/dataValueSetInvalid.xml', 'xml');
    expect(result.summary.conflicts).toEqual([
      {
        object: IT.deE,
        objects: { dataElement: IT.deE },
        value: `Data value is not a valid option of the data element option set: \`${IT.deE}\``,
        errorCode: 'E7621',
        property: 'value',
        indexes: [2],
        lines: [4],
      },
    ]);
    expect(counts(result).imported).toBe(2);
    expect(result.summary.status).toBe('WARNING');
  });

  describe('dataValueSetNonStrict.xml with each strict option (testImportDataValuesWithStrict*)', () => {
    const cases: [StrictOptions, number, number, number[][]][] = [
      [{ strictPeriods: true }, 2, 1, []],
      [{ strictCategoryOptionCombos: true }, 1, 2, []],
      [{ strictAttributeOptionCombos: true }, 1, 2, []],
      [{ strictOrganisationUnits: true }, 1, 2, []],
      [{ requireCategoryOptionCombo: true }, 1, 1, [[1, 2]]],
      [{ requireAttributeOptionCombo: true }, 1, 1, [[0, 2]]],
    ];
    for (const [strict, conflictCount, imported, indexes] of cases) {
      it(Object.keys(strict).join(), async () => {
        const result = await validateFixture('dxf2-xml/dataValueSetNonStrict.xml', 'xml', { strict });
        expect(result.summary.conflicts).toHaveLength(conflictCount);
        expect(counts(result)).toEqual({ imported, updated: 0, ignored: 3 - imported, deleted: 0 });
        if (indexes.length > 0) expect(result.summary.conflicts.map((c) => c.indexes)).toEqual(indexes);
      });
    }
    it('with none of them, all three import', async () => {
      const result = await validateFixture('dxf2-xml/dataValueSetNonStrict.xml', 'xml');
      expect(result.summary).toMatchObject({ status: 'SUCCESS', importCount: { imported: 3 } });
    });
  });

  it('dataValueSetBooleanTest.csv (2.41): the BOOLEAN and TRUE_ONLY spellings DHIS2 refuses, at indexes 10, 11 and 16, 17', async () => {
    const result = await validateFixture('v2.41/dxf2__dataValueSetBooleanTest.csv', 'csv');
    expect(result.summary.conflicts.map((c) => [c.errorCode, c.objects, c.value, c.indexes])).toEqual([
      [
        'E7619',
        { dataElement: IT.deF, value: 'value_not_bool' },
        `Value must match value type of data element \`${IT.deF}\`: \`Data value is not a boolean\``,
        [10, 11],
      ],
      [
        'E7619',
        { dataElement: IT.deG, value: 'value_not_true_only' },
        `Value must match value type of data element \`${IT.deG}\`: \`Data value is not true\``,
        [16, 17],
      ],
    ]);
    expect(result.summary.conflicts.map((c) => c.lines)).toEqual([
      [12, 13],
      [18, 19],
    ]);
    // The 2.41 file repeats keys (201201 and 201202 at DiszpKrYNg8): reported, not conflicts.
    expect(result.duplicates.count).toBeGreaterThan(0);
    expect(result.duplicates.examples[0]).toMatchObject({ dataElement: IT.deF, period: '201201', orgUnit: IT.ouA, indexes: [0, 1], lines: [2, 3] });
  });

  it('dataValueSetWithDataSetHeader.csv (2.41) with the dataSet parameter: 3 imported', async () => {
    const result = await validateFixture('v2.41/dxf2__dataValueSetWithDataSetHeader.csv', 'csv', { params: { dataSet: IT.dsA } });
    expect(result.summary).toMatchObject({ status: 'SUCCESS', importCount: { imported: 3, ignored: 0 } });
    const unknown = await validateFixture('v2.41/dxf2__dataValueSetWithDataSetHeader.csv', 'csv', { params: { dataSet: 'AAAAAAAAAAA' } });
    expect(unknown.summary).toMatchObject({
      status: 'ERROR',
      description: 'Import process was aborted',
      conflicts: [{ errorCode: 'E7600', objects: { dataSet: 'AAAAAAAAAAA' } }],
    });
  });
});
