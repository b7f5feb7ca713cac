import type { IdScheme } from './id-schemes';
import { isPeriodType, periodTypeByName, type PeriodTypeName } from './periods';
import { stableUid } from './uid';
import { isSuperuser, type SimUser } from './users';

/**
 * The seeded metadata, held as the export JSON gives it and indexed for what the API needs: lookups by
 * UID, code, name and unique attribute values, the org unit tree, data set membership, category combos
 * and option sets. DHIS2's default category objects are added when the seed lacks them, with the fixed
 * UIDs DefaultCategoryService creates. Index structures are rebuilt lazily after every change.
 */

export type MetadataObject = Record<string, unknown>;
/** A metadata export: `{ "system": {...}, "<plural type>": [objects], ... }`. */
export type MetadataExport = Record<string, unknown>;

export interface TypeInfo {
  plural: string;
  singular: string;
  /** Java class simple name, as messages such as "DataElement with id x could not be found." print it. */
  klass: string;
}

/** Schema names of the types the simulator serves as /api/{plural}; others in a seed are kept and exported too. */
export const METADATA_TYPES: readonly TypeInfo[] = [
  { plural: 'attributes', singular: 'attribute', klass: 'Attribute' },
  { plural: 'categories', singular: 'category', klass: 'Category' },
  { plural: 'categoryCombos', singular: 'categoryCombo', klass: 'CategoryCombo' },
  { plural: 'categoryOptionCombos', singular: 'categoryOptionCombo', klass: 'CategoryOptionCombo' },
  { plural: 'categoryOptionGroups', singular: 'categoryOptionGroup', klass: 'CategoryOptionGroup' },
  { plural: 'categoryOptionGroupSets', singular: 'categoryOptionGroupSet', klass: 'CategoryOptionGroupSet' },
  { plural: 'categoryOptions', singular: 'categoryOption', klass: 'CategoryOption' },
  { plural: 'dataElementGroups', singular: 'dataElementGroup', klass: 'DataElementGroup' },
  { plural: 'dataElementGroupSets', singular: 'dataElementGroupSet', klass: 'DataElementGroupSet' },
  { plural: 'dataElements', singular: 'dataElement', klass: 'DataElement' },
  { plural: 'dataSets', singular: 'dataSet', klass: 'DataSet' },
  { plural: 'indicatorGroups', singular: 'indicatorGroup', klass: 'IndicatorGroup' },
  { plural: 'indicatorTypes', singular: 'indicatorType', klass: 'IndicatorType' },
  { plural: 'indicators', singular: 'indicator', klass: 'Indicator' },
  { plural: 'legendSets', singular: 'legendSet', klass: 'LegendSet' },
  { plural: 'optionGroups', singular: 'optionGroup', klass: 'OptionGroup' },
  { plural: 'optionSets', singular: 'optionSet', klass: 'OptionSet' },
  { plural: 'options', singular: 'option', klass: 'Option' },
  { plural: 'organisationUnitGroupSets', singular: 'organisationUnitGroupSet', klass: 'OrganisationUnitGroupSet' },
  { plural: 'organisationUnitGroups', singular: 'organisationUnitGroup', klass: 'OrganisationUnitGroup' },
  { plural: 'organisationUnitLevels', singular: 'organisationUnitLevel', klass: 'OrganisationUnitLevel' },
  { plural: 'organisationUnits', singular: 'organisationUnit', klass: 'OrganisationUnit' },
  { plural: 'programStages', singular: 'programStage', klass: 'ProgramStage' },
  { plural: 'programs', singular: 'program', klass: 'Program' },
  { plural: 'sections', singular: 'section', klass: 'Section' },
  { plural: 'trackedEntityAttributes', singular: 'trackedEntityAttribute', klass: 'TrackedEntityAttribute' },
  { plural: 'trackedEntityTypes', singular: 'trackedEntityType', klass: 'TrackedEntityType' },
  { plural: 'userGroups', singular: 'userGroup', klass: 'UserGroup' },
  { plural: 'userRoles', singular: 'userRole', klass: 'UserRole' },
  { plural: 'validationRules', singular: 'validationRule', klass: 'ValidationRule' },
  { plural: 'constants', singular: 'constant', klass: 'Constant' },
  { plural: 'dashboards', singular: 'dashboard', klass: 'Dashboard' },
  { plural: 'dataApprovalLevels', singular: 'dataApprovalLevel', klass: 'DataApprovalLevel' },
  { plural: 'dataApprovalWorkflows', singular: 'dataApprovalWorkflow', klass: 'DataApprovalWorkflow' },
  { plural: 'dataEntryForms', singular: 'dataEntryForm', klass: 'DataEntryForm' },
  { plural: 'documents', singular: 'document', klass: 'Document' },
  { plural: 'eventVisualizations', singular: 'eventVisualization', klass: 'EventVisualization' },
  { plural: 'indicatorGroupSets', singular: 'indicatorGroupSet', klass: 'IndicatorGroupSet' },
  { plural: 'maps', singular: 'map', klass: 'Map' },
  { plural: 'optionGroupSets', singular: 'optionGroupSet', klass: 'OptionGroupSet' },
  { plural: 'predictors', singular: 'predictor', klass: 'Predictor' },
  { plural: 'programIndicators', singular: 'programIndicator', klass: 'ProgramIndicator' },
  { plural: 'programNotificationTemplates', singular: 'programNotificationTemplate', klass: 'ProgramNotificationTemplate' },
  { plural: 'programRuleActions', singular: 'programRuleAction', klass: 'ProgramRuleAction' },
  { plural: 'programRuleVariables', singular: 'programRuleVariable', klass: 'ProgramRuleVariable' },
  { plural: 'programRules', singular: 'programRule', klass: 'ProgramRule' },
  { plural: 'programSections', singular: 'programSection', klass: 'ProgramSection' },
  { plural: 'programStageSections', singular: 'programStageSection', klass: 'ProgramStageSection' },
  { plural: 'relationshipTypes', singular: 'relationshipType', klass: 'RelationshipType' },
  { plural: 'reports', singular: 'report', klass: 'Report' },
  { plural: 'sqlViews', singular: 'sqlView', klass: 'SqlView' },
  { plural: 'validationRuleGroups', singular: 'validationRuleGroup', klass: 'ValidationRuleGroup' },
  { plural: 'visualizations', singular: 'visualization', klass: 'Visualization' },
];

export function typeInfo(plural: string): TypeInfo | undefined {
  return METADATA_TYPES.find((type) => type.plural === plural);
}

/** Keys of an export that are not object lists. */
export const EXPORT_HEADER_KEYS = new Set(['system', 'date']);

// DefaultCategoryService.generateDefaultDimension: fixed UIDs, code "default".
export const DEFAULT_CATEGORY_OPTION = 'xYerKDKCefk';
export const DEFAULT_CATEGORY = 'GLevLNI9wkl';
export const DEFAULT_CATEGORY_COMBO = 'bjDvmb4bfuf';
export const DEFAULT_COC = 'HllvX50cXC0';
const DEFAULTS_CREATED = '2024-01-15T09:30:00.000';

export class LookupError extends Error {
  override name = 'LookupError';
}

function isObject(value: unknown): value is MetadataObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The id of a reference `{"id": "..."}` (or a bare string). */
export function refId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return isObject(value) ? str(value['id']) : null;
}

function refIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(refId).filter((id): id is string => id !== null);
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export interface OrgUnitNode {
  id: string;
  parent: string | null;
  /** "/root/child/id" */
  path: string;
  level: number;
  children: string[];
}

export interface DataSetInfo {
  id: string;
  object: MetadataObject;
  periodType: PeriodTypeName | null;
  dataElements: Set<string>;
  orgUnits: Set<string>;
  /** Data element id -> the category combo of its data set element, when it overrides the element's own. */
  comboOverrides: Map<string, string>;
  /** Attribute category combo. */
  categoryCombo: string;
  openFuturePeriods: number;
  expiryDays: number;
  openPeriodsAfterCoEndDate: number;
  dataInputPeriods: { period: string | null; opening: unknown; closing: unknown }[];
}

interface Index {
  byId: Map<string, { type: string; object: MetadataObject }>;
  /** Per type: DHIS2 keeps uids unique per table, so two types may share one (org unit and org unit group a1234567890 in the CSV fixtures). */
  byTypeId: Map<string, Map<string, MetadataObject>>;
  byCode: Map<string, Map<string, MetadataObject>>;
  byName: Map<string, Map<string, MetadataObject>>;
  orgUnits: Map<string, OrgUnitNode>;
  dataSets: Map<string, DataSetInfo>;
  dataSetsOfElement: Map<string, string[]>;
  dataSetsOfOrgUnit: Map<string, string[]>;
  combosCocs: Map<string, string[]>;
  cocCombo: Map<string, string>;
  cocOptions: Map<string, string[]>;
  optionSetCodes: Map<string, Set<string>>;
  optionSetOptions: Map<string, string[]>;
  optionOptionSet: Map<string, string>;
  categoryCombosOfCategory: Map<string, string[]>;
  categoriesOfOption: Map<string, string[]>;
  dataSetElementsOfElement: Map<string, MetadataObject[]>;
  groupsOfOrgUnit: Map<string, string[]>;
  groupsOfElement: Map<string, string[]>;
  attributeValues: Map<string, Map<string, MetadataObject>>;
  users: Map<string, MetadataObject>;
  defaults: { combo: string; coc: string; category: string; option: string };
}

export class MetadataStore {
  private readonly objects = new Map<string, MetadataObject[]>();
  private header: Record<string, unknown> = {};
  private index: Index | null = null;
  /** Bumped on every change; caches keyed on it stay valid until the next change. */
  revision = 0;

  constructor(exported?: MetadataExport | null) {
    if (exported) this.load(exported);
    else this.changed();
  }

  /** Adds an export's objects; an object with an id already present replaces it. `replace` forgets everything first. */
  load(exported: MetadataExport, options: { replace?: boolean } = {}): void {
    if (options.replace) {
      this.objects.clear();
      this.header = {};
    }
    for (const [key, value] of Object.entries(exported)) {
      if (EXPORT_HEADER_KEYS.has(key)) {
        this.header[key] = value;
        continue;
      }
      if (!Array.isArray(value)) continue;
      this.upsert(key, value.filter(isObject));
    }
    this.changed();
  }

  /** Adds or replaces objects of one type. */
  add(type: string, objects: readonly MetadataObject[]): void {
    this.upsert(type, objects);
    this.changed();
  }

  /** Removes objects of one type by id (a metadata import with importStrategy=DELETE). */
  remove(type: string, ids: ReadonlySet<string>): void {
    const list = this.objects.get(type);
    if (!list || ids.size === 0) return;
    this.objects.set(
      type,
      list.filter((object) => !ids.has(String(object['id']))),
    );
    this.changed();
  }

  private upsert(type: string, objects: readonly MetadataObject[]): void {
    const list = this.objects.get(type) ?? [];
    const positions = new Map<string, number>();
    list.forEach((object, i) => {
      const id = str(object['id']);
      if (id !== null) positions.set(id, i);
    });
    for (const object of objects) {
      const id = str(object['id']);
      const at = id === null ? undefined : positions.get(id);
      if (at === undefined) {
        if (id !== null) positions.set(id, list.length);
        list.push(object);
      } else {
        list[at] = object;
      }
    }
    this.objects.set(type, list);
  }

  private changed(): void {
    this.index = null;
    this.revision++;
    this.ensureDefaults();
  }

  isEmpty(): boolean {
    for (const [type, list] of this.objects) if (list.length > 0 && !this.isDefaultsOnly(type, list)) return false;
    return true;
  }

  private isDefaultsOnly(type: string, list: MetadataObject[]): boolean {
    const defaults = [DEFAULT_CATEGORY_OPTION, DEFAULT_CATEGORY, DEFAULT_CATEGORY_COMBO, DEFAULT_COC];
    return ['categoryOptions', 'categories', 'categoryCombos', 'categoryOptionCombos'].includes(type) && list.every((o) => defaults.includes(String(o['id'])));
  }

  /** Plural type names present, in alphabetical order. */
  types(): string[] {
    return [...this.objects.keys()].filter((type) => (this.objects.get(type) ?? []).length > 0).sort();
  }

  list(type: string): MetadataObject[] {
    return this.objects.get(type) ?? [];
  }

  /** The export header ("system", "date") the seed came with. */
  exportHeader(): Record<string, unknown> {
    return { ...this.header };
  }

  get(type: string, id: string): MetadataObject | undefined {
    return this.idx().byTypeId.get(type)?.get(id);
  }

  /** UIDs are unique across all of DHIS2's metadata, so a reference resolves without knowing its type. */
  getAny(id: string): { type: string; object: MetadataObject } | undefined {
    return this.idx().byId.get(id);
  }

  // -----------------------------------------------------------------------------------------------
  // Defaults
  // -----------------------------------------------------------------------------------------------

  private findByName(type: string, name: string): MetadataObject | undefined {
    return this.list(type).find((o) => o['name'] === name);
  }

  /** DHIS2 always has the default option, category, combo and option combo; a seed without them gets them. */
  private ensureDefaults(): void {
    const sharing = (publicAccess: string) => ({ public: publicAccess, external: false, users: {}, userGroups: {} });
    const base = (id: string) => ({ id, name: 'default', shortName: 'default', code: 'default', created: DEFAULTS_CREATED, lastUpdated: DEFAULTS_CREATED });
    const option = this.findByName('categoryOptions', 'default');
    const category = this.findByName('categories', 'default');
    const combo = this.findByName('categoryCombos', 'default');
    const coc = this.findByName('categoryOptionCombos', 'default');
    const optionId = str(option?.['id']) ?? DEFAULT_CATEGORY_OPTION;
    const categoryId = str(category?.['id']) ?? DEFAULT_CATEGORY;
    const comboId = str(combo?.['id']) ?? DEFAULT_CATEGORY_COMBO;
    if (!option) this.upsert('categoryOptions', [{ ...base(optionId), sharing: sharing('rwrw----') }]);
    if (!category) {
      this.upsert('categories', [
        { ...base(categoryId), dataDimensionType: 'DISAGGREGATION', dataDimension: false, categoryOptions: [{ id: optionId }], sharing: sharing('rw------') },
      ]);
    }
    if (!combo) {
      this.upsert('categoryCombos', [
        { ...base(comboId), dataDimensionType: 'DISAGGREGATION', skipTotal: false, categories: [{ id: categoryId }], sharing: sharing('rw------') },
      ]);
    }
    if (!coc) {
      const { shortName: _shortName, ...rest } = base(DEFAULT_COC);
      this.upsert('categoryOptionCombos', [{ ...rest, ignoreApproval: false, categoryCombo: { id: comboId }, categoryOptions: [{ id: optionId }] }]);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Index
  // -----------------------------------------------------------------------------------------------

  private idx(): Index {
    if (!this.index) this.index = this.build();
    return this.index;
  }

  private build(): Index {
    this.generateMissingOptionCombos();
    const byId = new Map<string, { type: string; object: MetadataObject }>();
    const byTypeId = new Map<string, Map<string, MetadataObject>>();
    const byCode = new Map<string, Map<string, MetadataObject>>();
    const byName = new Map<string, Map<string, MetadataObject>>();
    for (const [type, list] of this.objects) {
      const ids = new Map<string, MetadataObject>();
      const codes = new Map<string, MetadataObject>();
      const names = new Map<string, MetadataObject>();
      byTypeId.set(type, ids);
      for (const object of list) {
        const id = str(object['id']);
        if (id !== null && !byId.has(id)) byId.set(id, { type, object });
        if (id !== null && !ids.has(id)) ids.set(id, object);
        const code = str(object['code']);
        if (code !== null && !codes.has(code)) codes.set(code, object);
        const name = str(object['name']);
        if (name !== null && !names.has(name)) names.set(name, object);
      }
      byCode.set(type, codes);
      byName.set(type, names);
    }

    const defaults = {
      combo: str(this.findByName('categoryCombos', 'default')?.['id']) ?? DEFAULT_CATEGORY_COMBO,
      coc: str(this.findByName('categoryOptionCombos', 'default')?.['id']) ?? DEFAULT_COC,
      category: str(this.findByName('categories', 'default')?.['id']) ?? DEFAULT_CATEGORY,
      option: str(this.findByName('categoryOptions', 'default')?.['id']) ?? DEFAULT_CATEGORY_OPTION,
    };

    // Category combos and their option combos, both directions.
    const combosCocs = new Map<string, string[]>();
    const cocCombo = new Map<string, string>();
    const cocOptions = new Map<string, string[]>();
    const pushUnique = (map: Map<string, string[]>, key: string, value: string) => {
      const list = map.get(key) ?? [];
      if (!list.includes(value)) list.push(value);
      map.set(key, list);
    };
    for (const coc of this.list('categoryOptionCombos')) {
      const id = str(coc['id']);
      if (id === null) continue;
      const combo = refId(coc['categoryCombo']);
      if (combo !== null) {
        cocCombo.set(id, combo);
        pushUnique(combosCocs, combo, id);
      }
      cocOptions.set(id, refIds(coc['categoryOptions']));
    }
    const categoryCombosOfCategory = new Map<string, string[]>();
    for (const combo of this.list('categoryCombos')) {
      const id = str(combo['id']);
      if (id === null) continue;
      for (const coc of refIds(combo['categoryOptionCombos'] ?? combo['optionCombos'])) {
        if (!cocCombo.has(coc)) cocCombo.set(coc, id);
        pushUnique(combosCocs, id, coc);
      }
      for (const category of refIds(combo['categories'])) pushUnique(categoryCombosOfCategory, category, id);
    }
    const categoriesOfOption = new Map<string, string[]>();
    for (const category of this.list('categories')) {
      const id = str(category['id']);
      if (id === null) continue;
      for (const option of refIds(category['categoryOptions'])) pushUnique(categoriesOfOption, option, id);
    }

    // Option sets.
    const optionSetCodes = new Map<string, Set<string>>();
    const optionSetOptions = new Map<string, string[]>();
    const optionOptionSet = new Map<string, string>();
    for (const set of this.list('optionSets')) {
      const id = str(set['id']);
      if (id === null) continue;
      for (const option of refIds(set['options'])) {
        pushUnique(optionSetOptions, id, option);
        optionOptionSet.set(option, id);
      }
    }
    for (const option of this.list('options')) {
      const id = str(option['id']);
      const set = refId(option['optionSet']);
      if (id === null || set === null) continue;
      pushUnique(optionSetOptions, set, id);
      optionOptionSet.set(id, set);
    }
    for (const [set, options] of optionSetOptions) {
      const codes = new Set<string>();
      for (const option of options) {
        const object = byId.get(option)?.object;
        const code = str(object?.['code']);
        if (code !== null) codes.add(code);
      }
      optionSetCodes.set(set, codes);
    }

    const orgUnits = this.buildOrgUnits();

    // Data sets, both ways.
    const dataSets = new Map<string, DataSetInfo>();
    const dataSetsOfElement = new Map<string, string[]>();
    const dataSetsOfOrgUnit = new Map<string, string[]>();
    const dataSetElementsOfElement = new Map<string, MetadataObject[]>();
    for (const object of this.list('dataSets')) {
      const id = str(object['id']);
      if (id === null) continue;
      const info: DataSetInfo = {
        id,
        object,
        periodType: periodTypeByName(object['periodType']),
        dataElements: new Set(),
        orgUnits: new Set(refIds(object['organisationUnits'] ?? object['sources'])),
        comboOverrides: new Map(),
        categoryCombo: refId(object['categoryCombo']) ?? defaults.combo,
        openFuturePeriods: num(object['openFuturePeriods'], 0),
        expiryDays: num(object['expiryDays'], 0),
        openPeriodsAfterCoEndDate: num(object['openPeriodsAfterCoEndDate'], 0),
        dataInputPeriods: (Array.isArray(object['dataInputPeriods']) ? object['dataInputPeriods'] : []).filter(isObject).map((dip) => ({
          period: refId(dip['period']),
          opening: dip['openingDate'],
          closing: dip['closingDate'],
        })),
      };
      const elements = Array.isArray(object['dataSetElements']) ? object['dataSetElements'].filter(isObject) : [];
      for (const element of elements) {
        const de = refId(element['dataElement']);
        if (de === null) continue;
        info.dataElements.add(de);
        const combo = refId(element['categoryCombo']);
        if (combo !== null) info.comboOverrides.set(de, combo);
        const list = dataSetElementsOfElement.get(de) ?? [];
        list.push({ dataSet: { id }, dataElement: { id: de }, ...(combo !== null ? { categoryCombo: { id: combo } } : {}) });
        dataSetElementsOfElement.set(de, list);
      }
      for (const de of refIds(object['dataElements'])) info.dataElements.add(de);
      dataSets.set(id, info);
    }
    for (const unit of this.list('organisationUnits')) {
      const id = str(unit['id']);
      if (id === null) continue;
      for (const ds of refIds(unit['dataSets'])) dataSets.get(ds)?.orgUnits.add(id);
    }
    for (const info of dataSets.values()) {
      for (const de of info.dataElements) pushUnique(dataSetsOfElement, de, info.id);
      for (const ou of info.orgUnits) pushUnique(dataSetsOfOrgUnit, ou, info.id);
    }

    const groupsOf = (type: string, member: string): Map<string, string[]> => {
      const map = new Map<string, string[]>();
      for (const group of this.list(type)) {
        const id = str(group['id']);
        if (id === null) continue;
        for (const m of refIds(group[member])) pushUnique(map, m, id);
      }
      return map;
    };

    const users = new Map<string, MetadataObject>();
    for (const user of this.list('users')) {
      const credentials = isObject(user['userCredentials']) ? user['userCredentials'] : {};
      const username = str(user['username']) ?? str(credentials['username']);
      if (username !== null) users.set(username, user);
    }

    return {
      byId,
      byTypeId,
      byCode,
      byName,
      orgUnits,
      dataSets,
      dataSetsOfElement,
      dataSetsOfOrgUnit,
      combosCocs,
      cocCombo,
      cocOptions,
      optionSetCodes,
      optionSetOptions,
      optionOptionSet,
      categoryCombosOfCategory,
      categoriesOfOption,
      dataSetElementsOfElement,
      groupsOfOrgUnit: groupsOf('organisationUnitGroups', 'organisationUnits'),
      groupsOfElement: groupsOf('dataElementGroups', 'dataElements'),
      attributeValues: new Map(),
      users,
      defaults,
    };
  }

  private buildOrgUnits(): Map<string, OrgUnitNode> {
    const units = this.list('organisationUnits');
    const parentOf = new Map<string, string | null>();
    const seededPath = new Map<string, string>();
    for (const unit of units) {
      const id = str(unit['id']);
      if (id === null) continue;
      const parent = refId(unit['parent']);
      const path = str(unit['path']);
      if (path !== null) seededPath.set(id, path);
      if (parent !== null) parentOf.set(id, parent);
      else if (path !== null) {
        const parts = path.split('/').filter((p) => p.length > 0);
        parentOf.set(id, parts.length >= 2 ? (parts[parts.length - 2] ?? null) : null);
      } else parentOf.set(id, null);
    }
    const paths = new Map<string, string>();
    const pathOf = (id: string, seen: Set<string>): string => {
      const known = paths.get(id);
      if (known !== undefined) return known;
      const parent = parentOf.get(id) ?? null;
      let path: string;
      if (parent === null || seen.has(parent)) path = `/${id}`;
      else if (!parentOf.has(parent)) path = seededPath.get(id) ?? `/${parent}/${id}`;
      else path = `${pathOf(parent, new Set([...seen, id]))}/${id}`;
      paths.set(id, path);
      return path;
    };
    const nodes = new Map<string, OrgUnitNode>();
    for (const id of parentOf.keys()) {
      const path = pathOf(id, new Set([id]));
      nodes.set(id, { id, parent: parentOf.get(id) ?? null, path, level: path.split('/').length - 1, children: [] });
    }
    for (const node of nodes.values()) if (node.parent !== null) nodes.get(node.parent)?.children.push(node.id);
    return nodes;
  }

  /** DHIS2 generates the option combos of a combo on metadata import; a seed that has none for a combo gets them here. */
  private generateMissingOptionCombos(): void {
    const cocs = this.list('categoryOptionCombos');
    const combosWithCocs = new Set(cocs.map((coc) => refId(coc['categoryCombo'])).filter((id): id is string => id !== null));
    const generated: MetadataObject[] = [];
    for (const combo of this.list('categoryCombos')) {
      const comboId = str(combo['id']);
      if (comboId === null || combosWithCocs.has(comboId) || refIds(combo['categoryOptionCombos']).length > 0) continue;
      const categories = refIds(combo['categories']).map((id) => this.list('categories').find((c) => c['id'] === id));
      if (categories.length === 0 || categories.some((c) => c === undefined)) continue;
      let rows: string[][] = [[]];
      for (const category of categories) {
        const options = refIds(category?.['categoryOptions']);
        rows = rows.flatMap((row) => options.map((option) => [...row, option]));
      }
      for (const row of rows) {
        const names = row.map((id) => str(this.list('categoryOptions').find((o) => o['id'] === id)?.['name']) ?? id);
        generated.push({
          id: stableUid(`coc:${comboId}:${row.join(',')}`),
          name: names.join(', '),
          created: DEFAULTS_CREATED,
          lastUpdated: DEFAULTS_CREATED,
          ignoreApproval: false,
          categoryCombo: { id: comboId },
          categoryOptions: row.map((id) => ({ id })),
        });
      }
    }
    if (generated.length > 0) this.upsert('categoryOptionCombos', generated);
  }

  // -----------------------------------------------------------------------------------------------
  // Identifier schemes
  // -----------------------------------------------------------------------------------------------

  /**
   * IdentifiableObjectManager.getObject(type, scheme, value): UID, CODE, NAME (the first object with
   * that name, as DHIS2's getByName does), UUID, or a unique attribute's value. An unknown attribute
   * is an error, as in DHIS2 (InvalidIdentifierReferenceException); a non-unique one finds nothing.
   */
  find(type: string, scheme: IdScheme, value: string | null | undefined): MetadataObject | null {
    if (value === null || value === undefined || value === '') return null;
    const index = this.idx();
    switch (scheme.type) {
      case 'UID':
      case 'ID': {
        return index.byTypeId.get(type)?.get(value) ?? null;
      }
      case 'CODE':
        return index.byCode.get(type)?.get(value) ?? null;
      case 'NAME':
        return index.byName.get(type)?.get(value) ?? null;
      case 'UUID':
        return this.list(type).find((o) => o['uuid'] === value) ?? null;
      case 'ATTRIBUTE': {
        const attributeId = scheme.attribute ?? '';
        const attribute = this.get('attributes', attributeId);
        if (!attribute) throw new LookupError(`Attribute does not exist: ${attributeId}`);
        if (attribute['unique'] !== true) return null;
        return this.attributeIndex(type, attributeId).get(value) ?? null;
      }
    }
  }

  private attributeIndex(type: string, attributeId: string): Map<string, MetadataObject> {
    const index = this.idx();
    const key = `${type}|${attributeId}`;
    let map = index.attributeValues.get(key);
    if (!map) {
      map = new Map();
      for (const object of this.list(type)) {
        const value = attributeValue(object, attributeId);
        if (value !== null && !map.has(value)) map.set(value, object);
      }
      index.attributeValues.set(key, map);
    }
    return map;
  }

  // -----------------------------------------------------------------------------------------------
  // Domain helpers
  // -----------------------------------------------------------------------------------------------

  defaults(): Index['defaults'] {
    return this.idx().defaults;
  }

  orgUnit(id: string): OrgUnitNode | undefined {
    return this.idx().orgUnits.get(id);
  }

  orgUnitNodes(): IterableIterator<OrgUnitNode> {
    return this.idx().orgUnits.values();
  }

  /** OrganisationUnit.isDescendant(roots): the unit itself or one of its ancestors is in `roots`. */
  isInHierarchy(unitId: string, roots: Iterable<string>): boolean {
    const path = this.idx().orgUnits.get(unitId)?.path ?? `/${unitId}`;
    const parts = new Set(path.split('/').filter((p) => p.length > 0));
    for (const root of roots) if (parts.has(root)) return true;
    return false;
  }

  /** Org units without a parent. */
  rootOrgUnits(): string[] {
    return [...this.idx().orgUnits.values()].filter((node) => node.parent === null).map((node) => node.id);
  }

  dataSet(id: string): DataSetInfo | undefined {
    return this.idx().dataSets.get(id);
  }

  dataSetsOfElement(deId: string): DataSetInfo[] {
    return (this.idx().dataSetsOfElement.get(deId) ?? []).map((id) => this.idx().dataSets.get(id)).filter((ds): ds is DataSetInfo => ds !== undefined);
  }

  dataSetsOfOrgUnit(ouId: string): string[] {
    return this.idx().dataSetsOfOrgUnit.get(ouId) ?? [];
  }

  dataSetElementsOfElement(deId: string): MetadataObject[] {
    return this.idx().dataSetElementsOfElement.get(deId) ?? [];
  }

  groupsOfOrgUnit(ouId: string): string[] {
    return this.idx().groupsOfOrgUnit.get(ouId) ?? [];
  }

  groupsOfElement(deId: string): string[] {
    return this.idx().groupsOfElement.get(deId) ?? [];
  }

  /** The category combo of a data element (default when it names none). */
  elementCombo(de: MetadataObject): string {
    return refId(de['categoryCombo']) ?? this.idx().defaults.combo;
  }

  combosCocs(comboId: string): string[] {
    return this.idx().combosCocs.get(comboId) ?? [];
  }

  cocCombo(cocId: string): string | undefined {
    return this.idx().cocCombo.get(cocId);
  }

  cocOptions(cocId: string): string[] {
    return this.idx().cocOptions.get(cocId) ?? [];
  }

  categoryCombosOfCategory(categoryId: string): string[] {
    return this.idx().categoryCombosOfCategory.get(categoryId) ?? [];
  }

  categoriesOfOption(optionId: string): string[] {
    return this.idx().categoriesOfOption.get(optionId) ?? [];
  }

  optionSetCodes(optionSetId: string): Set<string> {
    return this.idx().optionSetCodes.get(optionSetId) ?? new Set();
  }

  optionSetOptions(optionSetId: string): string[] {
    return this.idx().optionSetOptions.get(optionSetId) ?? [];
  }

  optionOptionSet(optionId: string): string | undefined {
    return this.idx().optionOptionSet.get(optionId);
  }

  /** A users entry of the seed with this username (top level or userCredentials.username). */
  seedUser(username: string): MetadataObject | undefined {
    return this.idx().users.get(username);
  }

  /** DataElement.getCategoryOptionCombos(): option combos of its own combo and of its data set element overrides. */
  elementCocs(de: MetadataObject): Set<string> {
    const id = str(de['id']) ?? '';
    const combos = new Set([this.elementCombo(de)]);
    for (const ds of this.dataSetsOfElement(id)) {
      const override = ds.comboOverrides.get(id);
      if (override !== undefined) combos.add(override);
    }
    const out = new Set<string>();
    for (const combo of combos) for (const coc of this.combosCocs(combo)) out.add(coc);
    return out;
  }

  /** DataElement.getDataSetCategoryOptionCombos(): option combos of the attribute combos of its data sets. */
  elementAttributeCocs(deId: string): Set<string> {
    const out = new Set<string>();
    for (const ds of this.dataSetsOfElement(deId)) for (const coc of this.combosCocs(ds.categoryCombo)) out.add(coc);
    return out;
  }

  /**
   * Data sharing, as AclService.canDataRead/canDataWrite decide for users that are not superusers:
   * the public access string (character 3 read, 4 write) or the user's own entry. Objects without any
   * sharing in the seed are treated as open, so hand-written seeds need not spell sharing out.
   */
  canData(user: SimUser | null, object: MetadataObject | undefined, mode: 'read' | 'write'): boolean {
    if (!object || !user || isSuperuser(user)) return true;
    const sharing = isObject(object['sharing']) ? object['sharing'] : {};
    const publicAccess = str(sharing['public']) ?? str(object['publicAccess']);
    const users = isObject(sharing['users']) ? sharing['users'] : null;
    const userAccesses = Array.isArray(object['userAccesses']) ? object['userAccesses'].filter(isObject) : [];
    if (publicAccess === null && users === null && userAccesses.length === 0) return true;
    const position = mode === 'read' ? 2 : 3;
    const letter = mode === 'read' ? 'r' : 'w';
    const grants = (access: string | null) => access !== null && access.charAt(position) === letter;
    if (grants(publicAccess)) return true;
    const entry = users ? users[user.id] : undefined;
    const own = isObject(entry) ? str(entry['access']) : null;
    if (grants(own)) return true;
    return userAccesses.some((entry) => (refId(entry['user']) ?? str(entry['userUid'])) === user.id && grants(str(entry['access'])));
  }

  periodTypeOf(ds: DataSetInfo): PeriodTypeName | null {
    return ds.periodType !== null && isPeriodType(ds.periodType) ? ds.periodType : null;
  }
}

/** The value of an attribute on an object (attributeValues [{attribute:{id}, value}]). */
export function attributeValue(object: MetadataObject, attributeId: string): string | null {
  const values = object['attributeValues'];
  if (!Array.isArray(values)) return null;
  for (const entry of values) {
    if (isObject(entry) && refId(entry['attribute']) === attributeId) {
      const value = entry['value'];
      return typeof value === 'string' ? value : value === undefined || value === null ? null : String(value);
    }
  }
  return null;
}

/** getPropertyValue(idScheme): the identifier of an object under an output scheme, null when it has none. */
export function identifierOf(object: MetadataObject | undefined, scheme: IdScheme): string | null {
  if (!object) return null;
  switch (scheme.type) {
    case 'UID':
    case 'ID':
      return str(object['id']);
    case 'CODE':
      return str(object['code']);
    case 'NAME':
      return str(object['name']);
    case 'UUID':
      return str(object['uuid']);
    case 'ATTRIBUTE':
      return attributeValue(object, scheme.attribute ?? '');
  }
}
