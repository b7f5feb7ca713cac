import { MetadataIndex } from '../../../metadata';
import { emptyContent, make, type MutableContent } from '../../../metadata/testing/generate';

/**
 * Test helper: the metadata that DHIS2 2.41's DataValueSetServiceIntegrationTest sets up (setUpTest), with
 * its UIDs and codes, so that the DHIS2 test fixtures can be validated against what that test asserts.
 * UIDs that the Java test leaves random get fixed ones here.
 */
export const IT = {
  attribute: 'uh6H2ff562G',
  deA: 'f7n9E0hX8qk',
  deB: 'Ix2HsbDMLea',
  deC: 'eY5ehpbEsB7',
  deD: 'DataElemntD',
  deE: 'jH26dja2f28',
  deF: 'jH26dja2f30',
  deG: 'jH26dja2f31',
  dsA: 'pBOMPrpg1QX',
  ouA: 'DiszpKrYNg8',
  ouB: 'BdfsJfj87js',
  ouC: 'j7Hg26FpoIa',
  ocDef: 'HllvX50cXC0',
  ocA: 'kjuiHgy67hg',
  ocB: 'Gad33qy67g5',
  coA: 'CatOptionAa',
  coB: 'CatOptionBb',
  categoryA: 'CategoryAaa',
  comboA: 'CatComboAaa',
  comboDef: 'bjDvmb4bfuf',
  osA: 'OptionSetAa',
  user: 'UserAaaaaaa',
} as const;

export function integrationContent(): MutableContent {
  const content = emptyContent();
  const r = content.records;
  r.attributes.push(make.attribute({ id: IT.attribute, name: 'CUSTOM_ID', unique: true, appliesTo: ['organisationUnits', 'dataElements'] }));
  r.categoryOptions.push(
    make.categoryOption({ id: 'xYerKDKCefk', name: 'default', code: 'default' }),
    make.categoryOption({ id: IT.coA, name: 'CategoryOptionA', code: 'CategoryOptionCodeA' }),
    make.categoryOption({ id: IT.coB, name: 'CategoryOptionB', code: 'CategoryOptionCodeB' }),
  );
  r.categories.push(
    make.category({ id: 'GLevLNI9wkl', name: 'default', code: 'default', categoryOptions: ['xYerKDKCefk'] }),
    make.category({ id: IT.categoryA, name: 'CategoryA', code: 'CategoryCodeA', categoryOptions: [IT.coA, IT.coB] }),
  );
  r.categoryCombos.push(
    make.categoryCombo({ id: IT.comboDef, name: 'default', isDefault: true, categories: ['GLevLNI9wkl'] }),
    make.categoryCombo({ id: IT.comboA, name: 'CategoryComboA', code: 'CategoryComboCodeA', categories: [IT.categoryA] }),
  );
  r.categoryOptionCombos.push(
    make.categoryOptionCombo({ id: IT.ocDef, name: 'default', code: 'OC_DEF_CODE', categoryCombo: IT.comboDef, categoryOptions: ['xYerKDKCefk'] }),
    make.categoryOptionCombo({ id: IT.ocA, name: 'CategoryOptionA', code: 'OC_A', categoryCombo: IT.comboA, categoryOptions: [IT.coA] }),
    make.categoryOptionCombo({ id: IT.ocB, name: 'CategoryOptionB', code: 'OC_B', categoryCombo: IT.comboA, categoryOptions: [IT.coB] }),
  );
  r.optionSets.push(
    make.optionSet({
      id: IT.osA,
      name: 'OptionSetA',
      valueType: 'INTEGER',
      options: [
        { id: 'OptionBlue1', code: '1', name: 'Blue', sortOrder: 1 },
        { id: 'OptionGreen', code: '2', name: 'Green', sortOrder: 2 },
        { id: 'OptionYello', code: '3', name: 'Yellow', sortOrder: 3 },
      ],
    }),
  );
  const attributeValue = (value: string) => [{ attribute: IT.attribute, value }];
  r.dataElements.push(
    make.dataElement({
      id: IT.deA,
      name: 'DataElementA',
      code: 'DE_A',
      valueType: 'INTEGER',
      categoryCombo: IT.comboDef,
      attributeValues: attributeValue('DE1'),
    }),
    make.dataElement({
      id: IT.deB,
      name: 'DataElementB',
      code: 'DE_B',
      valueType: 'INTEGER',
      categoryCombo: IT.comboDef,
      attributeValues: attributeValue('DE2'),
    }),
    make.dataElement({
      id: IT.deC,
      name: 'DataElementC',
      code: 'DE_C',
      valueType: 'INTEGER',
      categoryCombo: IT.comboDef,
      attributeValues: attributeValue('DE3'),
    }),
    make.dataElement({
      id: IT.deD,
      name: 'DataElementD',
      code: 'DE_D',
      valueType: 'INTEGER',
      categoryCombo: IT.comboDef,
      attributeValues: attributeValue('DE4'),
    }),
    make.dataElement({ id: IT.deE, name: 'DataElementE', code: 'DataElementCodeE', valueType: 'INTEGER', categoryCombo: IT.comboDef, optionSet: IT.osA }),
    make.dataElement({ id: IT.deF, name: 'DataElementF', code: 'DataElementCodeF', valueType: 'BOOLEAN', categoryCombo: IT.comboDef }),
    make.dataElement({ id: IT.deG, name: 'DataElementG', code: 'DataElementCodeG', valueType: 'TRUE_ONLY', categoryCombo: IT.comboDef }),
  );
  r.dataSets.push(
    make.dataSet({
      id: IT.dsA,
      name: 'DataSetA',
      code: 'DS_A',
      periodType: 'Monthly',
      categoryCombo: IT.comboDef,
      expiryDays: 0,
      openFuturePeriods: 0,
      dataSetElements: [IT.deA, IT.deB, IT.deC, IT.deD].map((dataElement) => ({ dataElement, categoryCombo: null })),
      organisationUnits: [IT.ouA, IT.ouC],
    }),
  );
  r.organisationUnits.push(
    make.orgUnit({ id: IT.ouA, name: 'OrganisationUnitA', code: 'OU_A', path: `/${IT.ouA}`, level: 1, attributeValues: attributeValue('OU1') }),
    make.orgUnit({ id: IT.ouB, name: 'OrganisationUnitB', code: 'OU_B', path: `/${IT.ouB}`, level: 1, attributeValues: attributeValue('OU2') }),
    make.orgUnit({ id: IT.ouC, name: 'OrganisationUnitC', code: 'OU_C', path: `/${IT.ouC}`, level: 1, attributeValues: attributeValue('OU3') }),
  );
  content.user = {
    id: IT.user,
    username: 'usernamea',
    name: 'FirstNameA SurnameA',
    organisationUnits: [IT.ouA, IT.ouB],
    dataViewOrganisationUnits: [],
    authorities: [],
  };
  return content;
}

export function integrationIndex(change?: (content: MutableContent) => void): MetadataIndex {
  const content = integrationContent();
  change?.(content);
  return MetadataIndex.build(content);
}
