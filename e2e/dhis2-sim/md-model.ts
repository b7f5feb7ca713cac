import { javaStringHash } from './java-hash';
import { schemaByPlural, type SchemaInfo, simpleName } from './md-schema-table';

/**
 * What the 2.41 metadata import checks per type, from the Hibernate mappings (not-null, unique, length)
 * and the owning side of each association: required properties (E4000), maximum lengths (E4001),
 * unique properties (E5003), the references it resolves (E5002) with the association name DHIS2
 * prints (a collection's XML item name: `dataElement` for `dataElements`), references inside embedded
 * objects, and the inverse sides a payload may carry but DHIS2 does not store from that object.
 * Types without a model here still import, checked only for code uniqueness, uid format and duplicates.
 */

export interface PropertyModel {
  /** JSON name. */
  name: string;
  /** Java type of the property, as errorKlass shows it. */
  klass: string;
  required?: boolean;
  length?: number;
  unique?: boolean;
  email?: boolean;
  /** Single reference to an object of this plural type. */
  ref?: string;
  /** Collection of references to this plural type. */
  refs?: string;
  /** Association name for a collection (its XML item name). */
  item?: string;
  /** Collection or single embedded objects whose own properties reference these types. */
  embedded?: Record<string, string>;
}

export interface TypeModel {
  plural: string;
  schema: SchemaInfo;
  klass: string;
  simpleName: string;
  properties: PropertyModel[];
  /** Properties of the payload DHIS2 does not store from this side (inverse collections, computed values). */
  inverse: string[];
  /** Known to the simulator in detail (required, references); otherwise only the common checks run. */
  modelled: boolean;
}

const STRING = 'java.lang.String';
const ENUM = {
  valueType: 'org.hisp.dhis.common.ValueType',
  domainType: 'org.hisp.dhis.dataelement.DataElementDomain',
  aggregationType: 'org.hisp.dhis.analytics.AggregationType',
  dataDimensionType: 'org.hisp.dhis.common.DataDimensionType',
  periodType: 'org.hisp.dhis.period.PeriodType',
  programType: 'org.hisp.dhis.program.ProgramType',
  operator: 'org.hisp.dhis.expression.Operator',
  visualizationType: 'org.hisp.dhis.visualization.VisualizationType',
};

type Spec = Omit<PropertyModel, 'name' | 'klass'> & { klass?: string };

const code = (): Spec => ({ length: 50, unique: true });
const name = (unique: boolean, length = 230): Spec => ({ required: true, length, unique });
const shortName = (unique: boolean, required = true): Spec => ({ required, length: 50, unique });
const len = (length: number): Spec => ({ length });
const req = (klass: string): Spec => ({ required: true, klass });
const ref = (type: string, required = false): Spec => ({ ref: type, required, klass: schemaByPlural(type)?.klass ?? STRING });
const refs = (type: string, item: string): Spec => ({ refs: type, item, klass: 'java.util.Set' });
const embedded = (references: Record<string, string>): Spec => ({ embedded: references, klass: 'java.util.Set' });

interface Definition {
  props: Record<string, Spec>;
  inverse?: string[];
}

const DEFINITIONS: Record<string, Definition> = {
  attributes: { props: { name: name(true), shortName: { length: 50 }, valueType: req(ENUM.valueType), optionSet: ref('optionSets') } },
  categoryOptions: {
    props: { name: name(true), shortName: shortName(true), formName: len(230), organisationUnits: refs('organisationUnits', 'organisationUnit') },
    inverse: ['categories', 'categoryOptionCombos', 'categoryOptionGroups'],
  },
  categories: {
    props: {
      name: name(true),
      shortName: shortName(true),
      dataDimensionType: req(ENUM.dataDimensionType),
      categoryOptions: refs('categoryOptions', 'categoryOption'),
    },
    inverse: ['categoryCombos', 'items'],
  },
  categoryCombos: {
    props: { name: name(true), dataDimensionType: req(ENUM.dataDimensionType), categories: refs('categories', 'category') },
    inverse: ['categoryOptionCombos'],
  },
  categoryOptionCombos: { props: { categoryOptions: refs('categoryOptions', 'categoryOption') } },
  categoryOptionGroups: {
    props: {
      name: name(true),
      shortName: shortName(true),
      dataDimensionType: req(ENUM.dataDimensionType),
      categoryOptions: refs('categoryOptions', 'categoryOption'),
    },
    inverse: ['groupSets'],
  },
  categoryOptionGroupSets: {
    props: {
      name: name(true),
      shortName: shortName(true),
      dataDimensionType: req(ENUM.dataDimensionType),
      categoryOptionGroups: refs('categoryOptionGroups', 'categoryOptionGroup'),
    },
    inverse: ['items'],
  },
  constants: { props: { name: name(true), shortName: shortName(true) } },
  dashboards: {
    props: {
      name: name(false),
      dashboardItems: embedded({
        visualization: 'visualizations',
        eventVisualization: 'eventVisualizations',
        map: 'maps',
        eventChart: 'eventCharts',
        eventReport: 'eventReports',
      }),
    },
  },
  dataElementGroups: {
    props: { name: name(true), shortName: shortName(true), dataElements: refs('dataElements', 'dataElement') },
    inverse: ['groupSets'],
  },
  dataElementGroupSets: {
    props: { name: name(true), shortName: shortName(true), dataElementGroups: refs('dataElementGroups', 'dataElementGroup') },
    inverse: ['items'],
  },
  dataElements: {
    props: {
      name: name(true),
      shortName: shortName(true),
      formName: len(230),
      valueType: req(ENUM.valueType),
      domainType: req(ENUM.domainType),
      aggregationType: req(ENUM.aggregationType),
      categoryCombo: ref('categoryCombos'),
      optionSet: ref('optionSets'),
      commentOptionSet: ref('optionSets'),
      legendSets: refs('legendSets', 'legendSet'),
    },
    inverse: ['dataElementGroups', 'dataSetElements'],
  },
  dataEntryForms: { props: { name: name(true, 160) } },
  dataSets: {
    props: {
      name: name(false),
      shortName: shortName(true),
      periodType: req(ENUM.periodType),
      categoryCombo: ref('categoryCombos'),
      dataEntryForm: ref('dataEntryForms'),
      workflow: ref('dataApprovalWorkflows'),
      notificationRecipients: ref('userGroups'),
      indicators: refs('indicators', 'indicator'),
      organisationUnits: refs('organisationUnits', 'organisationUnit'),
      legendSets: refs('legendSets', 'legendSet'),
      dataSetElements: embedded({ dataElement: 'dataElements', categoryCombo: 'categoryCombos' }),
      compulsoryDataElementOperands: embedded({ dataElement: 'dataElements', categoryOptionCombo: 'categoryOptionCombos' }),
    },
    inverse: ['sections', 'interpretations'],
  },
  indicatorGroups: { props: { name: name(false), indicators: refs('indicators', 'indicator') }, inverse: ['indicatorGroupSet', 'groupSets'] },
  indicatorGroupSets: { props: { name: name(false), shortName: shortName(true), indicatorGroups: refs('indicatorGroups', 'indicatorGroup') } },
  indicatorTypes: { props: { name: name(true) } },
  indicators: {
    props: {
      name: name(false),
      shortName: shortName(false),
      indicatorType: ref('indicatorTypes', true),
      numerator: req(STRING),
      denominator: req(STRING),
      legendSets: refs('legendSets', 'legendSet'),
    },
    inverse: ['indicatorGroups', 'dataSets'],
  },
  legendSets: { props: { name: name(true) } },
  optionGroups: { props: { name: name(true), shortName: shortName(true), options: refs('options', 'option'), optionSet: ref('optionSets') } },
  optionGroupSets: { props: { name: name(true), optionGroups: refs('optionGroups', 'optionGroup'), optionSet: ref('optionSets') } },
  optionSets: { props: { name: name(true), valueType: req(ENUM.valueType), options: refs('options', 'option') } },
  options: { props: { name: name(false), code: { required: true, length: 230 }, optionSet: ref('optionSets') } },
  organisationUnitGroupSets: {
    props: { name: name(true), shortName: shortName(true), organisationUnitGroups: refs('organisationUnitGroups', 'organisationUnitGroup') },
    inverse: ['items'],
  },
  organisationUnitGroups: {
    props: { name: name(true), shortName: shortName(true), organisationUnits: refs('organisationUnits', 'organisationUnit') },
    inverse: ['groupSets'],
  },
  organisationUnitLevels: { props: { name: name(false), level: { unique: true, klass: 'java.lang.Integer' } } },
  organisationUnits: {
    props: {
      name: name(false),
      shortName: shortName(false),
      openingDate: req('java.util.Date'),
      parent: ref('organisationUnits'),
      contactPerson: len(255),
      address: len(255),
      email: { length: 150, email: true },
      phoneNumber: len(150),
    },
    inverse: ['children', 'ancestors', 'path', 'level', 'dataSets', 'programs', 'organisationUnitGroups', 'users', 'categoryOptions'],
  },
  programIndicators: { props: { name: name(true), shortName: shortName(true), program: ref('programs', true), legendSets: refs('legendSets', 'legendSet') } },
  programRuleActions: {
    props: {
      programRule: ref('programRules'),
      dataElement: ref('dataElements'),
      trackedEntityAttribute: ref('trackedEntityAttributes'),
      programStage: ref('programStages'),
      programStageSection: ref('programStageSections'),
      programIndicator: ref('programIndicators'),
      optionGroup: ref('optionGroups'),
      option: ref('options'),
    },
  },
  programRuleVariables: {
    props: {
      name: name(false),
      program: ref('programs', true),
      dataElement: ref('dataElements'),
      trackedEntityAttribute: ref('trackedEntityAttributes'),
      programStage: ref('programStages'),
    },
  },
  programRules: { props: { name: name(false), program: ref('programs', true), programRuleActions: refs('programRuleActions', 'programRuleAction') } },
  programSections: {
    props: { name: name(false), program: ref('programs'), trackedEntityAttributes: refs('trackedEntityAttributes', 'trackedEntityAttribute') },
  },
  programStageSections: {
    props: {
      name: name(false),
      programStage: ref('programStages'),
      dataElements: refs('dataElements', 'dataElement'),
      programIndicators: refs('programIndicators', 'programIndicator'),
    },
  },
  programStages: {
    props: {
      name: name(false),
      program: ref('programs'),
      dataEntryForm: ref('dataEntryForms'),
      nextScheduleDate: ref('dataElements'),
      programStageSections: refs('programStageSections', 'programStageSection'),
      notificationTemplates: refs('programNotificationTemplates', 'notificationTemplate'),
      programStageDataElements: embedded({ dataElement: 'dataElements' }),
    },
  },
  programs: {
    props: {
      name: name(false),
      shortName: shortName(false),
      programType: req(ENUM.programType),
      categoryCombo: ref('categoryCombos'),
      trackedEntityType: ref('trackedEntityTypes'),
      dataEntryForm: ref('dataEntryForms'),
      relatedProgram: ref('programs'),
      programStages: refs('programStages', 'programStage'),
      programSections: refs('programSections', 'programSection'),
      organisationUnits: refs('organisationUnits', 'organisationUnit'),
      notificationTemplates: refs('programNotificationTemplates', 'notificationTemplate'),
      programTrackedEntityAttributes: embedded({ trackedEntityAttribute: 'trackedEntityAttributes' }),
    },
    inverse: ['userRoles', 'programIndicators', 'programRuleVariables'],
  },
  relationshipTypes: { props: { name: name(true), fromToName: req(STRING) } },
  sections: {
    props: {
      name: name(false),
      dataSet: ref('dataSets', true),
      dataElements: refs('dataElements', 'dataElement'),
      indicators: refs('indicators', 'indicator'),
      greyedFields: embedded({ dataElement: 'dataElements', categoryOptionCombo: 'categoryOptionCombos' }),
    },
  },
  trackedEntityAttributes: {
    props: {
      name: name(true),
      shortName: shortName(true),
      valueType: { ...req(ENUM.valueType), length: 36 },
      aggregationType: req(ENUM.aggregationType),
      optionSet: ref('optionSets'),
      legendSets: refs('legendSets', 'legendSet'),
    },
  },
  trackedEntityTypes: { props: { name: name(true), trackedEntityTypeAttributes: embedded({ trackedEntityAttribute: 'trackedEntityAttributes' }) } },
  userGroups: { props: { name: name(false), users: refs('users', 'user'), managedGroups: refs('userGroups', 'managedGroup') }, inverse: ['managedByGroups'] },
  userRoles: { props: { name: name(true) }, inverse: ['users'] },
  users: {
    props: {
      username: { required: true, unique: true, klass: STRING },
      firstName: len(160),
      surname: len(160),
      email: { length: 160, email: true },
      phoneNumber: len(80),
      userRoles: refs('userRoles', 'userRole'),
      organisationUnits: refs('organisationUnits', 'organisationUnit'),
      dataViewOrganisationUnits: refs('organisationUnits', 'dataViewOrganisationUnit'),
      teiSearchOrganisationUnits: refs('organisationUnits', 'teiSearchOrganisationUnit'),
    },
    inverse: ['userGroups'],
  },
  validationRuleGroups: { props: { name: name(true), validationRules: refs('validationRules', 'validationRule') } },
  validationRules: {
    props: { name: name(true), operator: req(ENUM.operator), periodType: req(ENUM.periodType) },
    inverse: ['validationRuleGroups', 'notificationTemplates'],
  },
  visualizations: { props: { name: name(false), type: req(ENUM.visualizationType) } },
};

/** Properties every identifiable object has; `code` is unique unless the type says otherwise. */
const COMMON: Record<string, Spec> = { code: code() };

/** Read-only and computed properties DHIS2 never stores from a payload. */
export const COMPUTED_PROPERTIES = [
  'displayName',
  'displayShortName',
  'displayDescription',
  'displayFormName',
  'access',
  'href',
  'favorite',
  'isDefault',
  'dimensionItem',
  'dimensionItemType',
  'externalAccess',
];

const models = new Map<string, TypeModel>();

export function typeModel(plural: string): TypeModel | undefined {
  const cached = models.get(plural);
  if (cached) return cached;
  const schema = schemaByPlural(plural);
  if (!schema) return undefined;
  const definition = DEFINITIONS[plural];
  const specs: Record<string, Spec> = { ...COMMON, ...(definition?.props ?? {}) };
  const properties = Object.entries(specs).map(([key, spec]): PropertyModel => ({ ...spec, name: key, klass: spec.klass ?? STRING }));
  const model: TypeModel = {
    plural,
    schema,
    klass: schema.klass,
    simpleName: simpleName(schema.klass),
    properties,
    inverse: definition?.inverse ?? [],
    modelled: definition !== undefined,
  };
  models.set(plural, model);
  return model;
}

/**
 * Schema.getProperties() comes from a HashMap<String, Property>: the order of schema errors follows its
 * buckets. The real maps hold every property of the class (usually 64 to 96, so 128 buckets); the
 * simulator knows only some of them and assumes that table size.
 */
export function schemaPropertyOrder(properties: readonly PropertyModel[]): PropertyModel[] {
  const bucket = (key: string) => {
    const h = javaStringHash(key);
    return (h ^ (h >>> 16)) & 127;
  };
  return properties
    .map((property, position) => ({ property, position, bucket: bucket(property.name) }))
    .sort((a, b) => a.bucket - b.bucket || a.position - b.position)
    .map((entry) => entry.property);
}
