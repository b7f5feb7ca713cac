import type {
  Attribute,
  Category,
  CategoryCombo,
  CategoryOption,
  CategoryOptionCombo,
  DataElement,
  DataSet,
  MetadataRecords,
  MetadataType,
  MetadataUser,
  OptionSet,
  OrgUnit,
} from '../model';
import { METADATA_TYPES } from '../model';
import type { MetadataContent } from '../index';

/** Deterministic 11-character UIDs for generated objects (letter first, as DHIS2 requires). */
export function uid(prefix: string, n: number): string {
  return `${prefix}${n.toString(36).padStart(11 - prefix.length, '0')}`;
}

/** Like MetadataContent, with arrays a test can push to. */
export interface MutableContent extends MetadataContent {
  records: { [T in MetadataType]: MetadataRecords[T][] };
}

export function emptyContent(): MutableContent {
  return { records: Object.fromEntries(METADATA_TYPES.map((type) => [type, []])) as unknown as MutableContent['records'], user: null };
}

export const make = {
  orgUnit: (o: Partial<OrgUnit> & { id: string }): OrgUnit => ({
    name: o.id,
    code: null,
    shortName: null,
    path: null,
    level: null,
    parent: null,
    openingDate: null,
    closedDate: null,
    attributeValues: [],
    ...o,
  }),
  dataElement: (o: Partial<DataElement> & { id: string }): DataElement => ({
    name: o.id,
    code: null,
    shortName: null,
    valueType: 'NUMBER',
    domainType: 'AGGREGATE',
    aggregationType: 'SUM',
    optionSet: null,
    zeroIsSignificant: false,
    categoryCombo: null,
    attributeValues: [],
    ...o,
  }),
  dataSet: (o: Partial<DataSet> & { id: string }): DataSet => ({
    name: o.id,
    code: null,
    shortName: null,
    periodType: 'Monthly',
    categoryCombo: null,
    expiryDays: 0,
    openFuturePeriods: 0,
    timelyDays: 15,
    dataInputPeriods: [],
    dataSetElements: [],
    organisationUnits: [],
    attributeValues: [],
    ...o,
  }),
  categoryCombo: (o: Partial<CategoryCombo> & { id: string }): CategoryCombo => ({
    name: o.id,
    code: null,
    dataDimensionType: 'DISAGGREGATION',
    isDefault: false,
    categories: [],
    categoryOptionCombos: [],
    attributeValues: [],
    ...o,
  }),
  category: (o: Partial<Category> & { id: string }): Category => ({
    name: o.id,
    code: null,
    shortName: null,
    dataDimensionType: 'DISAGGREGATION',
    categoryOptions: [],
    attributeValues: [],
    ...o,
  }),
  categoryOption: (o: Partial<CategoryOption> & { id: string }): CategoryOption => ({
    name: o.id,
    code: null,
    shortName: null,
    startDate: null,
    endDate: null,
    organisationUnits: [],
    attributeValues: [],
    ...o,
  }),
  categoryOptionCombo: (o: Partial<CategoryOptionCombo> & { id: string }): CategoryOptionCombo => ({
    name: o.id,
    code: null,
    categoryCombo: null,
    categoryOptions: [],
    attributeValues: [],
    ...o,
  }),
  optionSet: (o: Partial<OptionSet> & { id: string }): OptionSet => ({ name: o.id, code: null, valueType: 'TEXT', options: [], attributeValues: [], ...o }),
  attribute: (o: Partial<Attribute> & { id: string }): Attribute => ({
    name: o.id,
    code: null,
    valueType: 'TEXT',
    unique: true,
    appliesTo: [],
    ...o,
  }),
};

export interface GenerateOptions {
  orgUnits: number;
  dataElements: number;
  dataSets: number;
  /** Org units per level below the root, e.g. [20, 400] then facilities fill the rest. */
  branching?: number[];
}

/**
 * A national-sized snapshot: an org unit tree with codes, names and a unique attribute, category
 * combos with their option combos, data elements and data sets assigned to every facility.
 */
export function generateContent(options: GenerateOptions): MutableContent {
  const content = emptyContent();
  const records = content.records as { [T in MetadataType]: unknown[] };
  const attribute = make.attribute({ id: 'ATTRoucode1', name: 'Facility registry id', appliesTo: ['organisationUnits', 'dataElements'] });
  records.attributes.push(attribute);

  // Org units: root, then levels of the given sizes, then facilities.
  const levels = [1, ...(options.branching ?? [20, 400])];
  let made = 0;
  let previous: OrgUnit[] = [];
  const facilities: OrgUnit[] = [];
  for (let level = 1; made < options.orgUnits; level++) {
    const size = level <= levels.length ? levels[level - 1]! : options.orgUnits - made;
    const current: OrgUnit[] = [];
    for (let i = 0; i < size && made < options.orgUnits; i++, made++) {
      const parent = previous.length ? previous[i % previous.length]! : null;
      const id = uid('O', made);
      const unit = make.orgUnit({
        id,
        name: `Unit ${made}`,
        code: `OU_${made}`,
        level,
        parent: parent?.id ?? null,
        path: `${parent?.path ?? ''}/${id}`,
        attributeValues: [{ attribute: attribute.id, value: `FR-${made}` }],
      });
      current.push(unit);
      records.organisationUnits.push(unit);
    }
    if (level > levels.length) for (const unit of current) facilities.push(unit);
    previous = current;
  }

  // The default category objects, and combos of two categories with two and three options.
  records.categoryOptions.push(make.categoryOption({ id: 'xYerKDKCefk', name: 'default' }));
  records.categories.push(make.category({ id: 'GLevLNI9wkl', name: 'default', categoryOptions: ['xYerKDKCefk'] }));
  records.categoryCombos.push(make.categoryCombo({ id: 'bjDvmb4bfuf', name: 'default', isDefault: true, categories: ['GLevLNI9wkl'] }));
  records.categoryOptionCombos.push(
    make.categoryOptionCombo({ id: 'HllvX50cXC0', name: 'default', categoryCombo: 'bjDvmb4bfuf', categoryOptions: ['xYerKDKCefk'] }),
  );
  const combos: string[] = ['bjDvmb4bfuf'];
  for (let c = 0; c < 10; c++) {
    const sexOptions = [uid('Cs', c * 2), uid('Cs', c * 2 + 1)];
    const ageOptions = [uid('Ca', c * 3), uid('Ca', c * 3 + 1), uid('Ca', c * 3 + 2)];
    for (const id of [...sexOptions, ...ageOptions]) records.categoryOptions.push(make.categoryOption({ id, code: id }));
    const sex = make.category({ id: uid('Ks', c), categoryOptions: sexOptions });
    const age = make.category({ id: uid('Ka', c), categoryOptions: ageOptions });
    records.categories.push(sex, age);
    const combo = make.categoryCombo({ id: uid('CC', c), name: `Sex and age ${c}`, categories: [sex.id, age.id] });
    records.categoryCombos.push(combo);
    combos.push(combo.id);
    let n = 0;
    for (const s of sexOptions) {
      for (const a of ageOptions) {
        records.categoryOptionCombos.push(make.categoryOptionCombo({ id: uid(`Q${c}`, n++), categoryCombo: combo.id, categoryOptions: [s, a] }));
      }
    }
  }
  const yesNo = make.optionSet({
    id: 'OSyesnoxxxx',
    options: [
      { id: 'OPyesxxxxxx', code: 'YES', name: 'Yes', sortOrder: 1 },
      { id: 'OPnoxxxxxxx', code: 'NO', name: 'No', sortOrder: 2 },
    ],
  });
  records.optionSets.push(yesNo);

  const elements: string[] = [];
  for (let i = 0; i < options.dataElements; i++) {
    const id = uid('D', i);
    elements.push(id);
    records.dataElements.push(
      make.dataElement({
        id,
        name: `Element ${i}`,
        code: `DE_${i}`,
        categoryCombo: combos[i % combos.length]!,
        optionSet: i % 50 === 0 ? yesNo.id : null,
        valueType: i % 50 === 0 ? 'TEXT' : 'INTEGER_ZERO_OR_POSITIVE',
      }),
    );
  }
  const perSet = Math.ceil(options.dataElements / Math.max(1, options.dataSets));
  const facilityIds = facilities.map((unit) => unit.id);
  for (let s = 0; s < options.dataSets; s++) {
    records.dataSets.push(
      make.dataSet({
        id: uid('S', s),
        name: `Data set ${s}`,
        dataSetElements: elements.slice(s * perSet, (s + 1) * perSet).map((dataElement) => ({ dataElement, categoryCombo: null })),
        organisationUnits: facilityIds,
      }),
    );
  }
  const user: MetadataUser = {
    id: 'USERxxxxxxx',
    username: 'district',
    name: 'District officer',
    organisationUnits: [records.organisationUnits[1] ? (records.organisationUnits[1] as OrgUnit).id : uid('O', 0)],
    dataViewOrganisationUnits: [],
    authorities: ['F_DATAVALUE_ADD'],
  };
  content.user = user;
  return content;
}
