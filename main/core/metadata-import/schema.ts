import { isSnapshotKind, type SnapshotKind } from '../metadata/model';

/**
 * What the offline check knows of DHIS2's metadata schemas (2.41): for each collection of a metadata
 * file, its Java class (DHIS2 names types by class in reports), the properties the server requires,
 * their lengths, which are unique, and which properties are references it checks. Taken from the
 * Hibernate mappings (not-null, unique, length, owning side of associations) of dhis2-core 2.41.
 * Only what is certain is listed: a missing rule means a check is not made, never a false error.
 */

export interface ReferenceSpec {
  /** The JSON property: `categoryCombo`, `dataElements`, ... */
  property: string;
  /** The collection the reference points into. */
  target: string;
  collection: boolean;
  /** Required and not one of DHIS2's default objects: a missing one is E4000, as a missing field is. */
  required?: boolean;
}

/** A list (or object) of embedded objects that themselves hold references, e.g. a data set's `dataSetElements`. */
export interface EmbeddedSpec {
  property: string;
  collection: boolean;
  klass: string;
  references: ReferenceSpec[];
}

export interface TypeSpec {
  /** Collection name in files and the API: `dataElements`. */
  plural: string;
  klass: string;
  one: string;
  many: string;
  /** Simple properties DHIS2 refuses to store without (E4000). */
  required: readonly string[];
  /** Most characters a property may hold (E4001). `code` is 50 unless set here. */
  lengths: Readonly<Record<string, number>>;
  /** Simple properties that must be unique across all objects of the type (E5003); `code` always is, except for options. */
  unique: readonly string[];
  references: readonly ReferenceSpec[];
  embedded?: readonly EmbeddedSpec[];
  /** The kind of the offline metadata that may hold this type (if the snapshot holds it, existence and references can be checked). */
  offline?: SnapshotKind | 'options';
  /** DHIS2 types whose objects have no `code` uniqueness (options are unique per option set only). */
  codeNotUnique?: boolean;
}

const NAMED = { name: 230, shortName: 50 } as const;

function ref(property: string, target: string, required = false): ReferenceSpec {
  return required ? { property, target, collection: false, required } : { property, target, collection: false };
}
function refs(property: string, target: string): ReferenceSpec {
  return { property, target, collection: true };
}

const SPECS: TypeSpec[] = [
  {
    plural: 'attributes',
    klass: 'org.hisp.dhis.attribute.Attribute',
    one: 'attribute',
    many: 'attributes',
    required: ['name', 'valueType'],
    lengths: NAMED,
    unique: ['name'],
    references: [ref('optionSet', 'optionSets')],
    offline: 'attributes',
  },
  {
    plural: 'categoryOptions',
    klass: 'org.hisp.dhis.category.CategoryOption',
    one: 'category option',
    many: 'category options',
    required: ['name', 'shortName'],
    lengths: { ...NAMED, formName: 230 },
    unique: ['name', 'shortName'],
    references: [refs('organisationUnits', 'organisationUnits')],
    offline: 'categoryOptions',
  },
  {
    plural: 'categories',
    klass: 'org.hisp.dhis.category.Category',
    one: 'category',
    many: 'categories',
    required: ['name', 'shortName'],
    lengths: NAMED,
    unique: ['name', 'shortName'],
    references: [refs('categoryOptions', 'categoryOptions')],
    offline: 'categories',
  },
  {
    plural: 'categoryCombos',
    klass: 'org.hisp.dhis.category.CategoryCombo',
    one: 'category combo',
    many: 'category combos',
    required: ['name'],
    lengths: NAMED,
    unique: ['name'],
    references: [refs('categories', 'categories')],
    offline: 'categoryCombos',
  },
  {
    plural: 'categoryOptionCombos',
    klass: 'org.hisp.dhis.category.CategoryOptionCombo',
    one: 'category option combo',
    many: 'category option combos',
    required: [],
    lengths: {},
    unique: [],
    references: [refs('categoryOptions', 'categoryOptions')],
    offline: 'categoryOptionCombos',
  },
  {
    plural: 'categoryOptionGroups',
    klass: 'org.hisp.dhis.category.CategoryOptionGroup',
    one: 'category option group',
    many: 'category option groups',
    required: ['name', 'shortName'],
    lengths: NAMED,
    unique: ['name', 'shortName'],
    references: [refs('categoryOptions', 'categoryOptions')],
  },
  {
    plural: 'categoryOptionGroupSets',
    klass: 'org.hisp.dhis.category.CategoryOptionGroupSet',
    one: 'category option group set',
    many: 'category option group sets',
    required: ['name', 'shortName'],
    lengths: NAMED,
    unique: ['name', 'shortName'],
    references: [refs('categoryOptionGroups', 'categoryOptionGroups')],
  },
  {
    plural: 'optionSets',
    klass: 'org.hisp.dhis.option.OptionSet',
    one: 'option set',
    many: 'option sets',
    required: ['name', 'valueType'],
    lengths: NAMED,
    unique: ['name'],
    references: [refs('options', 'options')],
    offline: 'optionSets',
  },
  {
    plural: 'options',
    klass: 'org.hisp.dhis.option.Option',
    one: 'option',
    many: 'options',
    required: ['name', 'code'],
    lengths: { name: 230, code: 230 },
    unique: [],
    references: [ref('optionSet', 'optionSets')],
    offline: 'options',
    codeNotUnique: true,
  },
  {
    plural: 'optionGroups',
    klass: 'org.hisp.dhis.option.OptionGroup',
    one: 'option group',
    many: 'option groups',
    required: ['name', 'shortName'],
    lengths: NAMED,
    unique: ['name', 'shortName'],
    references: [refs('options', 'options'), ref('optionSet', 'optionSets')],
  },
  {
    plural: 'optionGroupSets',
    klass: 'org.hisp.dhis.option.OptionGroupSet',
    one: 'option group set',
    many: 'option group sets',
    required: ['name'],
    lengths: NAMED,
    unique: ['name'],
    references: [refs('optionGroups', 'optionGroups'), ref('optionSet', 'optionSets')],
  },
  {
    plural: 'dataElements',
    klass: 'org.hisp.dhis.dataelement.DataElement',
    one: 'data element',
    many: 'data elements',
    required: ['name', 'shortName', 'valueType', 'domainType', 'aggregationType'],
    lengths: { ...NAMED, formName: 230 },
    unique: ['name', 'shortName'],
    references: [
      ref('categoryCombo', 'categoryCombos'),
      ref('optionSet', 'optionSets'),
      ref('commentOptionSet', 'optionSets'),
      refs('legendSets', 'legendSets'),
    ],
    offline: 'dataElements',
  },
  {
    plural: 'dataElementGroups',
    klass: 'org.hisp.dhis.dataelement.DataElementGroup',
    one: 'data element group',
    many: 'data element groups',
    required: ['name', 'shortName'],
    lengths: NAMED,
    unique: ['name', 'shortName'],
    references: [refs('dataElements', 'dataElements')],
  },
  {
    plural: 'dataElementGroupSets',
    klass: 'org.hisp.dhis.dataelement.DataElementGroupSet',
    one: 'data element group set',
    many: 'data element group sets',
    required: ['name', 'shortName'],
    lengths: NAMED,
    unique: ['name', 'shortName'],
    references: [refs('dataElementGroups', 'dataElementGroups')],
  },
  {
    plural: 'dataSets',
    klass: 'org.hisp.dhis.dataset.DataSet',
    one: 'data set',
    many: 'data sets',
    required: ['name', 'shortName', 'periodType'],
    lengths: NAMED,
    unique: ['shortName'],
    references: [
      ref('categoryCombo', 'categoryCombos'),
      refs('organisationUnits', 'organisationUnits'),
      refs('indicators', 'indicators'),
      refs('legendSets', 'legendSets'),
      ref('dataEntryForm', 'dataEntryForms'),
      ref('workflow', 'dataApprovalWorkflows'),
      ref('notificationRecipients', 'userGroups'),
    ],
    embedded: [
      {
        property: 'dataSetElements',
        collection: true,
        klass: 'org.hisp.dhis.dataset.DataSetElement',
        references: [ref('dataElement', 'dataElements', true), ref('categoryCombo', 'categoryCombos')],
      },
      {
        property: 'compulsoryDataElementOperands',
        collection: true,
        klass: 'org.hisp.dhis.dataelement.DataElementOperand',
        references: [ref('dataElement', 'dataElements'), ref('categoryOptionCombo', 'categoryOptionCombos')],
      },
    ],
    offline: 'dataSets',
  },
  {
    plural: 'sections',
    klass: 'org.hisp.dhis.dataset.Section',
    one: 'section',
    many: 'sections',
    required: ['name'],
    lengths: { name: 230 },
    unique: [],
    references: [ref('dataSet', 'dataSets', true), refs('dataElements', 'dataElements'), refs('indicators', 'indicators')],
    embedded: [
      {
        property: 'greyedFields',
        collection: true,
        klass: 'org.hisp.dhis.dataelement.DataElementOperand',
        references: [ref('dataElement', 'dataElements'), ref('categoryOptionCombo', 'categoryOptionCombos')],
      },
    ],
  },
  {
    plural: 'dataEntryForms',
    klass: 'org.hisp.dhis.dataentryform.DataEntryForm',
    one: 'data entry form',
    many: 'data entry forms',
    required: ['name'],
    lengths: { name: 160 },
    unique: ['name'],
    references: [],
  },
  {
    plural: 'indicatorTypes',
    klass: 'org.hisp.dhis.indicator.IndicatorType',
    one: 'indicator type',
    many: 'indicator types',
    required: ['name'],
    lengths: { name: 230 },
    unique: ['name'],
    references: [],
  },
  {
    plural: 'indicators',
    klass: 'org.hisp.dhis.indicator.Indicator',
    one: 'indicator',
    many: 'indicators',
    required: ['name', 'shortName', 'numerator', 'denominator'],
    lengths: NAMED,
    unique: [],
    references: [ref('indicatorType', 'indicatorTypes', true), refs('legendSets', 'legendSets')],
  },
  {
    plural: 'indicatorGroups',
    klass: 'org.hisp.dhis.indicator.IndicatorGroup',
    one: 'indicator group',
    many: 'indicator groups',
    required: ['name'],
    lengths: NAMED,
    unique: [],
    references: [refs('indicators', 'indicators')],
  },
  {
    plural: 'indicatorGroupSets',
    klass: 'org.hisp.dhis.indicator.IndicatorGroupSet',
    one: 'indicator group set',
    many: 'indicator group sets',
    required: ['name', 'shortName'],
    lengths: NAMED,
    unique: ['shortName'],
    references: [refs('indicatorGroups', 'indicatorGroups')],
  },
  {
    plural: 'legendSets',
    klass: 'org.hisp.dhis.legend.LegendSet',
    one: 'legend set',
    many: 'legend sets',
    required: ['name'],
    lengths: { name: 230 },
    unique: ['name'],
    references: [],
  },
  {
    plural: 'organisationUnits',
    klass: 'org.hisp.dhis.organisationunit.OrganisationUnit',
    one: 'organisation unit',
    many: 'organisation units',
    required: ['name', 'shortName', 'openingDate'],
    lengths: { ...NAMED, contactPerson: 255, address: 255, email: 150, phoneNumber: 150 },
    unique: [],
    references: [ref('parent', 'organisationUnits')],
    offline: 'organisationUnits',
  },
  {
    plural: 'organisationUnitGroups',
    klass: 'org.hisp.dhis.organisationunit.OrganisationUnitGroup',
    one: 'organisation unit group',
    many: 'organisation unit groups',
    required: ['name', 'shortName'],
    lengths: NAMED,
    unique: ['name', 'shortName'],
    references: [refs('organisationUnits', 'organisationUnits')],
  },
  {
    plural: 'organisationUnitGroupSets',
    klass: 'org.hisp.dhis.organisationunit.OrganisationUnitGroupSet',
    one: 'organisation unit group set',
    many: 'organisation unit group sets',
    required: ['name', 'shortName'],
    lengths: NAMED,
    unique: ['name', 'shortName'],
    references: [refs('organisationUnitGroups', 'organisationUnitGroups')],
  },
  {
    plural: 'organisationUnitLevels',
    klass: 'org.hisp.dhis.organisationunit.OrganisationUnitLevel',
    one: 'organisation unit level',
    many: 'organisation unit levels',
    required: ['name'],
    lengths: { name: 230 },
    unique: ['level'],
    references: [],
  },
  {
    plural: 'validationRules',
    klass: 'org.hisp.dhis.validation.ValidationRule',
    one: 'validation rule',
    many: 'validation rules',
    required: ['name', 'operator', 'periodType'],
    lengths: { name: 230, shortName: 50 },
    unique: ['name', 'shortName'],
    references: [],
  },
  {
    plural: 'validationRuleGroups',
    klass: 'org.hisp.dhis.validation.ValidationRuleGroup',
    one: 'validation rule group',
    many: 'validation rule groups',
    required: ['name'],
    lengths: { name: 230 },
    unique: ['name'],
    references: [refs('validationRules', 'validationRules')],
  },
  {
    plural: 'trackedEntityTypes',
    klass: 'org.hisp.dhis.trackedentity.TrackedEntityType',
    one: 'tracked entity type',
    many: 'tracked entity types',
    required: ['name'],
    lengths: { name: 230 },
    unique: ['name'],
    references: [],
  },
  {
    plural: 'trackedEntityAttributes',
    klass: 'org.hisp.dhis.trackedentity.TrackedEntityAttribute',
    one: 'tracked entity attribute',
    many: 'tracked entity attributes',
    required: ['name', 'shortName', 'valueType', 'aggregationType'],
    lengths: NAMED,
    unique: ['name', 'shortName'],
    references: [ref('optionSet', 'optionSets'), refs('legendSets', 'legendSets')],
  },
  {
    plural: 'userGroups',
    klass: 'org.hisp.dhis.user.UserGroup',
    one: 'user group',
    many: 'user groups',
    required: ['name'],
    lengths: { name: 230 },
    unique: [],
    references: [refs('users', 'users'), refs('managedGroups', 'userGroups')],
  },
  {
    plural: 'userRoles',
    klass: 'org.hisp.dhis.user.UserRole',
    one: 'user role',
    many: 'user roles',
    required: ['name'],
    lengths: { name: 230 },
    unique: ['name'],
    references: [],
  },
  {
    plural: 'users',
    klass: 'org.hisp.dhis.user.User',
    one: 'user',
    many: 'users',
    required: [],
    lengths: { firstName: 160, surname: 160, email: 160, phoneNumber: 80 },
    unique: ['username'],
    references: [
      refs('organisationUnits', 'organisationUnits'),
      refs('dataViewOrganisationUnits', 'organisationUnits'),
      refs('teiSearchOrganisationUnits', 'organisationUnits'),
      refs('userRoles', 'userRoles'),
    ],
  },
  {
    plural: 'programs',
    klass: 'org.hisp.dhis.program.Program',
    one: 'program',
    many: 'programs',
    required: ['name', 'shortName', 'programType'],
    lengths: NAMED,
    unique: [],
    references: [
      refs('organisationUnits', 'organisationUnits'),
      ref('categoryCombo', 'categoryCombos'),
      ref('trackedEntityType', 'trackedEntityTypes'),
      ref('dataEntryForm', 'dataEntryForms'),
      ref('relatedProgram', 'programs'),
      refs('programStages', 'programStages'),
    ],
  },
  {
    plural: 'programStages',
    klass: 'org.hisp.dhis.program.ProgramStage',
    one: 'program stage',
    many: 'program stages',
    required: ['name'],
    lengths: { name: 230 },
    unique: [],
    references: [ref('program', 'programs'), ref('dataEntryForm', 'dataEntryForms')],
  },
];

/** Types DHIS2 2.41 imports that the checks know only by name and class. */
const CLASS_ONLY: Array<[string, string]> = [
  ['analyticsTableHooks', 'org.hisp.dhis.analytics.AnalyticsTableHook'],
  ['apiTokens', 'org.hisp.dhis.security.apikey.ApiToken'],
  ['aggregateDataExchanges', 'org.hisp.dhis.dataexchange.aggregate.AggregateDataExchange'],
  ['constants', 'org.hisp.dhis.constant.Constant'],
  ['dashboards', 'org.hisp.dhis.dashboard.Dashboard'],
  ['dataApprovalLevels', 'org.hisp.dhis.dataapproval.DataApprovalLevel'],
  ['dataApprovalWorkflows', 'org.hisp.dhis.dataapproval.DataApprovalWorkflow'],
  ['dataSetNotificationTemplates', 'org.hisp.dhis.dataset.notifications.DataSetNotificationTemplate'],
  ['documents', 'org.hisp.dhis.document.Document'],
  ['eventCharts', 'org.hisp.dhis.eventchart.EventChart'],
  ['eventFilters', 'org.hisp.dhis.programstagefilter.EventFilter'],
  ['eventReports', 'org.hisp.dhis.eventreport.EventReport'],
  ['eventVisualizations', 'org.hisp.dhis.eventvisualization.EventVisualization'],
  ['externalFileResources', 'org.hisp.dhis.fileresource.ExternalFileResource'],
  ['externalMapLayers', 'org.hisp.dhis.mapping.ExternalMapLayer'],
  ['icons', 'org.hisp.dhis.icon.Icon'],
  ['jobConfigurations', 'org.hisp.dhis.scheduling.JobConfiguration'],
  ['mapViews', 'org.hisp.dhis.mapping.MapView'],
  ['maps', 'org.hisp.dhis.mapping.Map'],
  ['oAuth2Clients', 'org.hisp.dhis.security.oauth2.OAuth2Client'],
  ['predictorGroups', 'org.hisp.dhis.predictor.PredictorGroup'],
  ['predictors', 'org.hisp.dhis.predictor.Predictor'],
  ['programIndicatorGroups', 'org.hisp.dhis.program.ProgramIndicatorGroup'],
  ['programIndicators', 'org.hisp.dhis.program.ProgramIndicator'],
  ['programNotificationTemplates', 'org.hisp.dhis.program.notification.ProgramNotificationTemplate'],
  ['programRuleActions', 'org.hisp.dhis.programrule.ProgramRuleAction'],
  ['programRuleVariables', 'org.hisp.dhis.programrule.ProgramRuleVariable'],
  ['programRules', 'org.hisp.dhis.programrule.ProgramRule'],
  ['programSections', 'org.hisp.dhis.program.ProgramSection'],
  ['programStageSections', 'org.hisp.dhis.program.ProgramStageSection'],
  ['programStageWorkingLists', 'org.hisp.dhis.programstageworkinglist.ProgramStageWorkingList'],
  ['programTrackedEntityAttributeGroups', 'org.hisp.dhis.program.ProgramTrackedEntityAttributeGroup'],
  ['pushAnalysis', 'org.hisp.dhis.pushanalysis.PushAnalysis'],
  ['relationshipTypes', 'org.hisp.dhis.relationship.RelationshipType'],
  ['reports', 'org.hisp.dhis.report.Report'],
  ['smsCommands', 'org.hisp.dhis.sms.command.SMSCommand'],
  ['sqlViews', 'org.hisp.dhis.sqlview.SqlView'],
  ['trackedEntityInstanceFilters', 'org.hisp.dhis.trackedentityfilter.TrackedEntityInstanceFilter'],
  ['validationNotificationTemplates', 'org.hisp.dhis.validation.notification.ValidationNotificationTemplate'],
  ['visualizations', 'org.hisp.dhis.visualization.Visualization'],
];

/** "programStageWorkingLists" → "program stage working list(s)". */
function words(plural: string): { one: string; many: string } {
  const many = plural.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  const one = many.endsWith('ies') ? `${many.slice(0, -3)}y` : many.endsWith('sis') ? many : many.replace(/s$/, '');
  return { one, many };
}

const BY_PLURAL = new Map<string, TypeSpec>();
// Every type the offline copy can hold is checked against it when the copy does hold it.
const offlineKind = (plural: string): SnapshotKind | undefined => (isSnapshotKind(plural) ? plural : undefined);
for (const spec of SPECS) BY_PLURAL.set(spec.plural, { ...spec, offline: spec.offline ?? offlineKind(spec.plural) });
for (const [plural, klass] of CLASS_ONLY) {
  BY_PLURAL.set(plural, { plural, klass, ...words(plural), required: [], lengths: {}, unique: [], references: [], offline: offlineKind(plural) });
}

export function typeSpec(plural: string): TypeSpec | undefined {
  return BY_PLURAL.get(plural);
}

/** Whether the checks know the type's rules (required fields, references), not just its class. */
export function hasRules(plural: string): boolean {
  return SPECS.some((spec) => spec.plural === plural);
}

export function simpleKlass(klass: string): string {
  return klass.slice(klass.lastIndexOf('.') + 1);
}

/** References that point at users are not checked by DHIS2 (they are replaced by the importing user). */
export const USER_REFERENCE_PROPERTIES: ReadonlySet<string> = new Set(['user', 'createdBy', 'lastUpdatedBy']);

/** Types whose objects DHIS2 ships with fixed UIDs on every instance ("default"); references to them never fail. */
export const DEFAULT_OBJECT_UIDS: Readonly<Record<string, string>> = {
  categoryOptions: 'xYerKDKCefk',
  categories: 'GLevLNI9wkl',
  categoryCombos: 'bjDvmb4bfuf',
  categoryOptionCombos: 'HllvX50cXC0',
};
