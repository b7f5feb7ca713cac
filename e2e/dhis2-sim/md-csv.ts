import { CsvRecords } from './dv-readers';
import { javaHashMapOrder } from './java-hash';
import { type MetadataObject, type MetadataStore, refId } from './metadata';
import { generateUid } from './uid';

/**
 * POST /api/metadata?classKey=... with application/csv, as DefaultCsvImportService.fromCsv reads it in
 * 2.41: positional columns, the first row skipped unless firstRowIsHeader=false, blank cells are
 * defaults, values cut to the column's length. The result is a metadata payload that then goes
 * through the ordinary import. Membership rows only count for groups that already exist.
 */

export const CSV_IMPORT_CLASSES = [
  'ORGANISATION_UNIT_GROUP_MEMBERSHIP',
  'DATA_ELEMENT_GROUP_MEMBERSHIP',
  'INDICATOR_GROUP_MEMBERSHIP',
  'DATA_ELEMENT',
  'DATA_ELEMENT_GROUP',
  'CATEGORY_OPTION',
  'CATEGORY',
  'CATEGORY_COMBO',
  'CATEGORY_OPTION_GROUP',
  'ORGANISATION_UNIT',
  'ORGANISATION_UNIT_GROUP',
  'VALIDATION_RULE',
  'OPTION_SET',
  'OPTION_GROUP',
  'OPTION_GROUP_SET',
  'OPTION_GROUP_SET_MEMBERSHIP',
  'INDICATOR',
] as const;

export type CsvImportClass = (typeof CSV_IMPORT_CLASSES)[number];

export function isCsvImportClass(value: string | null): value is CsvImportClass {
  return value !== null && (CSV_IMPORT_CLASSES as readonly string[]).includes(value);
}

/** An IllegalArgumentException from an enum valueOf: DHIS2 answers 400 with its message. */
export class CsvValueError extends Error {
  override name = 'CsvValueError';
}

/** javacsv's record splitting, shared with the data value CSV reader. */
export function csvRecords(text: string): string[][] {
  const splitter = new CsvRecords();
  const out: string[][] = [];
  splitter.push(text, out);
  splitter.end(out);
  return out;
}

/** getSafe(values, index, default, maxChars): blank cells give the default, values are cut to maxChars. */
function get(values: readonly string[], index: number, fallback: string | null = null, max: number | null = null): string | null {
  const raw = values[index];
  const value = raw === undefined || raw.trim() === '' ? fallback : raw;
  return value === null || max === null ? value : value.slice(0, max);
}

function enumValue(klass: string, values: readonly string[], value: string): string {
  if (!values.includes(value)) throw new CsvValueError(`No enum constant ${klass}.${value}`);
  return value;
}

const VALUE_TYPES = [
  'TEXT',
  'LONG_TEXT',
  'MULTI_TEXT',
  'LETTER',
  'PHONE_NUMBER',
  'EMAIL',
  'BOOLEAN',
  'TRUE_ONLY',
  'DATE',
  'DATETIME',
  'TIME',
  'NUMBER',
  'UNIT_INTERVAL',
  'PERCENTAGE',
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
  'TRACKER_ASSOCIATE',
  'USERNAME',
  'COORDINATE',
  'ORGANISATION_UNIT',
  'REFERENCE',
  'AGE',
  'URL',
  'FILE_RESOURCE',
  'IMAGE',
  'GEOJSON',
];
const AGGREGATION_TYPES = [
  'SUM',
  'AVERAGE',
  'AVERAGE_SUM_ORG_UNIT',
  'LAST',
  'LAST_AVERAGE_ORG_UNIT',
  'LAST_LAST_ORG_UNIT',
  'LAST_IN_PERIOD',
  'LAST_IN_PERIOD_AVERAGE_ORG_UNIT',
  'FIRST',
  'FIRST_AVERAGE_ORG_UNIT',
  'FIRST_FIRST_ORG_UNIT',
  'COUNT',
  'STDDEV',
  'VARIANCE',
  'MIN',
  'MAX',
  'MIN_SUM_ORG_UNIT',
  'MAX_SUM_ORG_UNIT',
  'NONE',
  'CUSTOM',
  'DEFAULT',
];
const DATA_DIMENSION_TYPES = ['DISAGGREGATION', 'ATTRIBUTE'];
const FEATURE_TYPES = ['NONE', 'MULTI_POLYGON', 'POLYGON', 'POINT', 'SYMBOL'];
const FEATURE_GEOJSON: Record<string, string> = { MULTI_POLYGON: 'MultiPolygon', POLYGON: 'Polygon', POINT: 'Point', SYMBOL: 'Symbol' };
const IMPORTANCE = ['HIGH', 'MEDIUM', 'LOW'];
const OPERATORS = [
  'equal_to',
  'not_equal_to',
  'greater_than',
  'greater_than_or_equal_to',
  'less_than',
  'less_than_or_equal_to',
  'compulsory_pair',
  'exclusive_pair',
];
const MISSING_VALUE_STRATEGIES = ['SKIP_IF_ANY_VALUE_MISSING', 'SKIP_IF_ALL_VALUES_MISSING', 'NEVER_SKIP'];
const PERIOD_TYPES = [
  'Daily',
  'Weekly',
  'WeeklyWednesday',
  'WeeklyThursday',
  'WeeklySaturday',
  'WeeklySunday',
  'BiWeekly',
  'Monthly',
  'BiMonthly',
  'Quarterly',
  'QuarterlyNov',
  'SixMonthly',
  'SixMonthlyApril',
  'SixMonthlyNov',
  'Yearly',
  'FinancialApril',
  'FinancialJuly',
  'FinancialOct',
  'FinancialNov',
];

/** Name, uid (generated when blank) and code, as setIdentifiableObject sets them. */
function identifiable(values: readonly string[]): MetadataObject {
  const object: MetadataObject = { id: get(values, 1, null, 11) ?? generateUid() };
  const name = get(values, 0, null, 230);
  const code = get(values, 2, null, 50);
  if (name !== null) object['name'] = name;
  if (code !== null) object['code'] = code;
  return object;
}

function set(object: MetadataObject, key: string, value: unknown): void {
  if (value !== null && value !== undefined) object[key] = value;
}

function bool(value: string | null): boolean {
  return (value ?? '').toLowerCase() === 'true';
}

function ref(id: string | null): { id: string } | null {
  return id === null ? null : { id };
}

/** Groups with their new member lists, for groups that exist; the payload group carries only id, name (and shortName for org unit groups). */
function memberships(records: readonly string[][], store: MetadataStore, type: string, memberKey: string, withShortName: boolean): MetadataObject[] {
  const groups = new Map<string, MetadataObject>();
  for (const values of records) {
    const groupId = values[0] ?? '';
    const memberId = values[1] ?? '';
    const persisted = store.get(type, groupId);
    if (!persisted) continue;
    let group = groups.get(groupId);
    if (!group) {
      group = { id: groupId, [memberKey]: [] };
      set(group, 'name', persisted['name']);
      if (withShortName) set(group, 'shortName', persisted['shortName']);
      groups.set(groupId, group);
    }
    (group[memberKey] as unknown[]).push({ id: memberId });
  }
  return javaHashMapOrder([...groups.entries()]).map(([, group]) => group);
}

/** CsvImportService.fromCsv: the payload the rows describe. */
export function metadataFromCsv(text: string, importClass: CsvImportClass, firstRowIsHeader: boolean, store: MetadataStore): Record<string, MetadataObject[]> {
  const records = csvRecords(text);
  if (firstRowIsHeader) records.shift();
  const rows = records.filter((values) => values.length > 0);
  const defaultCombo = store.defaults().combo;
  switch (importClass) {
    case 'DATA_ELEMENT':
      return {
        dataElements: rows.map((values) => {
          const object = identifiable(values);
          set(object, 'shortName', get(values, 3, (object['name'] as string | undefined) ?? null, 50));
          set(object, 'description', get(values, 4));
          set(object, 'formName', get(values, 5, null, 230));
          const domain = (get(values, 6, 'AGGREGATE', 16) ?? 'AGGREGATE').toUpperCase();
          object['domainType'] = enumValue('org.hisp.dhis.dataelement.DataElementDomain', ['AGGREGATE', 'TRACKER'], domain);
          object['valueType'] = enumValue('org.hisp.dhis.common.ValueType', VALUE_TYPES, get(values, 7, 'INTEGER', 50) ?? 'INTEGER');
          object['aggregationType'] = enumValue('org.hisp.dhis.analytics.AggregationType', AGGREGATION_TYPES, get(values, 8, 'SUM', 50) ?? 'SUM');
          object['categoryCombo'] = { id: get(values, 9, null, 11) ?? defaultCombo };
          set(object, 'url', get(values, 10, null, 255));
          object['zeroIsSignificant'] = bool(get(values, 11, 'false'));
          set(object, 'optionSet', ref(get(values, 12, null, 11)));
          set(object, 'commentOptionSet', ref(get(values, 13, null, 11)));
          return object;
        }),
      };
    case 'DATA_ELEMENT_GROUP':
    case 'CATEGORY_OPTION':
    case 'ORGANISATION_UNIT_GROUP': {
      const key = importClass === 'DATA_ELEMENT_GROUP' ? 'dataElementGroups' : importClass === 'CATEGORY_OPTION' ? 'categoryOptions' : 'organisationUnitGroups';
      return {
        [key]: rows.map((values) => {
          const object = identifiable(values);
          set(object, 'shortName', get(values, 3, (object['name'] as string | undefined) ?? null, 50));
          return object;
        }),
      };
    }
    case 'DATA_ELEMENT_GROUP_MEMBERSHIP':
      return { dataElementGroups: memberships(rows, store, 'dataElementGroups', 'dataElements', false) };
    case 'INDICATOR_GROUP_MEMBERSHIP':
      return { indicatorGroups: memberships(rows, store, 'indicatorGroups', 'indicators', false) };
    case 'ORGANISATION_UNIT_GROUP_MEMBERSHIP':
      return { organisationUnitGroups: memberships(rows, store, 'organisationUnitGroups', 'organisationUnits', true) };
    case 'CATEGORY':
      return {
        categories: rows.map((values) => {
          const object = identifiable(values);
          set(object, 'description', get(values, 3, null, 255));
          object['dataDimensionType'] = enumValue(
            'org.hisp.dhis.common.DataDimensionType',
            DATA_DIMENSION_TYPES,
            get(values, 4, 'DISAGGREGATION', 40) ?? 'DISAGGREGATION',
          );
          object['dataDimension'] = bool(get(values, 5, 'false', 40));
          return object;
        }),
      };
    case 'CATEGORY_COMBO':
      return {
        categoryCombos: rows.map((values) => {
          const object = identifiable(values);
          object['dataDimensionType'] = enumValue(
            'org.hisp.dhis.common.DataDimensionType',
            DATA_DIMENSION_TYPES,
            get(values, 3, 'DISAGGREGATION', 40) ?? 'DISAGGREGATION',
          );
          object['skipTotal'] = bool(get(values, 4, 'false', 40));
          return object;
        }),
      };
    case 'CATEGORY_OPTION_GROUP':
      return {
        categoryOptionGroups: rows.map((values) => {
          const object = identifiable(values);
          set(object, 'shortName', get(values, 3, (object['name'] as string | undefined) ?? null, 50));
          // DataDimensionType.fromValue ignores case.
          const type = (get(values, 4, 'DISAGGREGATION', 50) ?? 'DISAGGREGATION').toUpperCase();
          object['dataDimensionType'] = enumValue('org.hisp.dhis.common.DataDimensionType', DATA_DIMENSION_TYPES, type);
          return object;
        }),
      };
    case 'ORGANISATION_UNIT':
      return {
        organisationUnits: rows.map((values) => {
          const object = identifiable(values);
          const parent = get(values, 3, null, 230);
          set(object, 'shortName', get(values, 4, (object['name'] as string | undefined) ?? null, 50));
          set(object, 'description', get(values, 5));
          object['openingDate'] = `${get(values, 6, '1970-01-01') ?? '1970-01-01'}T00:00:00.000`;
          const closed = get(values, 7);
          if (closed !== null) object['closedDate'] = `${closed}T00:00:00.000`;
          set(object, 'comment', get(values, 8));
          const featureType = enumValue('org.hisp.dhis.organisationunit.FeatureType', FEATURE_TYPES, get(values, 9, 'NONE', 50) ?? 'NONE');
          const coordinates = get(values, 10);
          if (featureType !== 'NONE' && coordinates !== null) {
            try {
              object['geometry'] = { type: FEATURE_GEOJSON[featureType], coordinates: JSON.parse(coordinates) as unknown };
            } catch {
              throw new CsvValueError(`Invalid coordinates: ${coordinates}`);
            }
          }
          set(object, 'url', get(values, 11, null, 255));
          set(object, 'contactPerson', get(values, 12, null, 255));
          set(object, 'address', get(values, 13, null, 255));
          set(object, 'email', get(values, 14, null, 150));
          set(object, 'phoneNumber', get(values, 15, null, 150));
          set(object, 'parent', ref(parent));
          return object;
        }),
      };
    case 'VALIDATION_RULE':
      return {
        validationRules: rows.map((values) => {
          const object = identifiable(values);
          set(object, 'description', get(values, 3, null, 255));
          set(object, 'instruction', get(values, 4, null, 255));
          object['importance'] = enumValue('org.hisp.dhis.validation.Importance', IMPORTANCE, get(values, 5, 'MEDIUM', 255) ?? 'MEDIUM');
          // Operator.safeValueOf and PeriodType.getByNameIgnoreCase give null for unknown values.
          const operator = get(values, 7, 'equal_to', 255) ?? 'equal_to';
          set(object, 'operator', OPERATORS.includes(operator) ? operator : null);
          const periodType = get(values, 8, 'Monthly', 255) ?? 'Monthly';
          set(
            object,
            'periodType',
            PERIOD_TYPES.find((name) => name.toLowerCase() === periodType.toLowerCase()),
          );
          const side = (offset: number) => {
            const strategy = get(values, offset + 2, 'NEVER_SKIP', 50) ?? 'NEVER_SKIP';
            const expression: MetadataObject = { missingValueStrategy: MISSING_VALUE_STRATEGIES.includes(strategy) ? strategy : 'NEVER_SKIP' };
            set(expression, 'expression', get(values, offset, null, 255));
            set(expression, 'description', get(values, offset + 1, null, 255));
            return expression;
          };
          object['leftSide'] = side(9);
          object['rightSide'] = side(12);
          return object;
        }),
      };
    case 'OPTION_SET': {
      const sets = new Map<string, MetadataObject>();
      const members = new Map<string, MetadataObject[]>();
      const options: MetadataObject[] = [];
      for (const values of rows) {
        const optionSet = identifiable(values);
        optionSet['valueType'] = 'TEXT';
        const option: MetadataObject = { id: get(values, 4, null, 11) ?? generateUid() };
        set(option, 'name', get(values, 3, null, 230));
        set(option, 'code', get(values, 5, null, 50));
        const setName = optionSet['name'];
        if (typeof setName !== 'string' || option['code'] === undefined) continue;
        sets.set(setName, optionSet);
        members.set(setName, [...(members.get(setName) ?? []), option]);
        options.push(option);
      }
      for (const [setName, optionSet] of sets) optionSet['options'] = (members.get(setName) ?? []).map((option) => ({ id: option['id'] }));
      return { options, optionSets: javaHashMapOrder([...sets.entries()]).map(([, optionSet]) => optionSet) };
    }
    case 'OPTION_GROUP': {
      const groups = new Map<string, MetadataObject>();
      const members = new Map<string, MetadataObject[]>();
      for (const values of rows) {
        const group = identifiable(values);
        set(group, 'shortName', get(values, 3, null, 50));
        if (group['name'] === undefined || group['shortName'] === undefined) continue;
        const setId = get(values, 4, null, 11);
        if (setId === null) continue;
        const optionSet = store.get('optionSets', setId);
        if (!optionSet) continue;
        group['optionSet'] = { id: setId };
        const optionId = get(values, 5, null, 11);
        const optionCode = get(values, 6, null, 50);
        if (optionId === null && optionCode === null) continue;
        const option = store
          .optionSetOptions(setId)
          .map((id) => store.get('options', id))
          .find((candidate) => candidate !== undefined && (optionId !== null ? candidate['id'] === optionId : candidate['code'] === optionCode));
        if (!option) continue;
        const name = String(group['name']);
        groups.set(name, group);
        members.set(name, [...(members.get(name) ?? []), { id: option['id'] }]);
      }
      for (const [name, group] of groups) group['options'] = members.get(name) ?? [];
      return { optionGroups: javaHashMapOrder([...groups.entries()]).map(([, group]) => group) };
    }
    case 'OPTION_GROUP_SET': {
      const out: MetadataObject[] = [];
      for (const values of rows) {
        const groupSet = identifiable(values);
        set(groupSet, 'description', get(values, 4));
        groupSet['dataDimension'] = bool(get(values, 3, 'false', 40));
        const setId = get(values, 5, null, 11);
        const setCode = get(values, 6, null, 50);
        if (setId === null && setCode === null) continue;
        const optionSet = setId !== null ? store.get('optionSets', setId) : store.find('optionSets', { type: 'CODE' }, setCode);
        if (!optionSet) continue;
        groupSet['optionSet'] = setId !== null ? { id: setId } : { id: refId(optionSet) };
        out.push(groupSet);
      }
      return { optionGroupSets: out };
    }
    case 'OPTION_GROUP_SET_MEMBERSHIP': {
      const groupSets = new Map<string, MetadataObject>();
      for (const values of rows) {
        const setId = get(values, 0, null, 11);
        const groupId = get(values, 1, null, 11);
        if (setId === null || groupId === null) continue;
        const persisted = store.get('optionGroupSets', setId);
        if (!persisted) continue;
        let groupSet = groupSets.get(setId);
        if (!groupSet) {
          groupSet = { id: setId, optionGroups: [] };
          set(groupSet, 'name', persisted['name']);
          groupSets.set(setId, groupSet);
        }
        (groupSet['optionGroups'] as unknown[]).push({ id: groupId });
      }
      return { optionGroupSets: javaHashMapOrder([...groupSets.entries()]).map(([, groupSet]) => groupSet) };
    }
    case 'INDICATOR':
      return {
        indicators: rows.map((values) => {
          const object = identifiable(values);
          set(object, 'description', get(values, 3, null, 255));
          set(object, 'shortName', get(values, 4, (object['name'] as string | undefined) ?? null, 50));
          set(object, 'denominator', get(values, 5));
          set(object, 'denominatorDescription', get(values, 6, null, 255));
          set(object, 'numerator', get(values, 7));
          set(object, 'numeratorDescription', get(values, 8, null, 255));
          object['annualized'] = bool(get(values, 9, 'false', 40));
          const decimals = Number.parseInt(get(values, 10) ?? '', 10);
          object['decimals'] = Number.isNaN(decimals) ? 0 : decimals;
          // manager.get(IndicatorType.class, uid): only a stored indicator type is set.
          const typeId = get(values, 11);
          if (typeId !== null && store.get('indicatorTypes', typeId)) object['indicatorType'] = { id: typeId };
          return object;
        }),
      };
  }
}
