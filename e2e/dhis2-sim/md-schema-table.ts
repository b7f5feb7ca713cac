/**
 * The schemas DHIS2 2.41.3 registers (DefaultSchemaService), sorted by their import order: class,
 * singular and plural name, order, the flags /api/schemas shows and the authorities each descriptor
 * declares. Derived from the 2.41.3 schema descriptors and Hibernate mappings (persisted, sharing,
 * translations); the per-property model the metadata import needs is in md-model.ts.
 */

export type AuthorityType = 'CREATE' | 'CREATE_PUBLIC' | 'CREATE_PRIVATE' | 'UPDATE' | 'DELETE' | 'READ' | 'EXTERNALIZE';

export interface SchemaInfo {
  /** Fully qualified Java class name. */
  klass: string;
  singular: string;
  plural: string;
  /** Schema.getOrder(): imports validate and commit types in this order (Ordered.LOWEST_PRECEDENCE when unset). */
  order: number;
  /** Has a relativeApiEndpoint "/<plural>". */
  api: boolean;
  metadata: boolean;
  secondaryMetadata: boolean;
  identifiable: boolean;
  nameable: boolean;
  embedded: boolean;
  persisted: boolean;
  shareable: boolean;
  dataShareable: boolean;
  dataWriteShareable: boolean;
  dataReadShareable: boolean;
  translatable: boolean;
  favoritable: boolean;
  subscribable: boolean;
  defaultPrivate: boolean;
  implicitPrivateAuthority: boolean;
  authorities: { type: AuthorityType; authorities: string[] }[];
}

type Flag =
  | 'api'
  | 'metadata'
  | 'secondaryMetadata'
  | 'identifiable'
  | 'nameable'
  | 'embedded'
  | 'persisted'
  | 'shareable'
  | 'dataShareable'
  | 'translatable'
  | 'favoritable'
  | 'subscribable'
  | 'defaultPrivate'
  | 'implicitPrivateAuthority';

function s(
  klass: string,
  singular: string,
  plural: string,
  order: number,
  flags: string,
  authorities: [AuthorityType, string[]][] = [],
  data: { dataWriteShareable?: boolean; dataReadShareable?: boolean } = {},
): SchemaInfo {
  const set = new Set(flags.split(' ').filter((flag) => flag.length > 0) as Flag[]);
  const has = (flag: Flag) => set.has(flag);
  return {
    klass,
    singular,
    plural,
    order,
    api: has('api'),
    metadata: has('metadata'),
    secondaryMetadata: has('secondaryMetadata'),
    identifiable: has('identifiable'),
    nameable: has('nameable'),
    embedded: has('embedded'),
    persisted: has('persisted'),
    shareable: has('shareable'),
    dataShareable: has('dataShareable'),
    dataWriteShareable: data.dataWriteShareable ?? has('dataShareable'),
    dataReadShareable: data.dataReadShareable ?? has('dataShareable'),
    translatable: has('translatable'),
    favoritable: has('favoritable'),
    subscribable: has('subscribable'),
    defaultPrivate: has('defaultPrivate'),
    implicitPrivateAuthority: has('implicitPrivateAuthority'),
    authorities: authorities.map(([type, list]) => ({ type, authorities: list })),
  };
}

const MAX_ORDER = 2147483647;

/** In DefaultSchemaService's sorted order (order, then registration). */
export const SCHEMAS: readonly SchemaInfo[] = [
  s('org.hisp.dhis.attribute.Attribute', 'attribute', 'attributes', 100, 'api metadata identifiable nameable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_ATTRIBUTE_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_ATTRIBUTE_PRIVATE_ADD']],
    ['DELETE', ['F_ATTRIBUTE_DELETE']],
  ]),
  s('org.hisp.dhis.user.UserRole', 'userRole', 'userRoles', 100, 'api metadata identifiable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_USERROLE_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_USERROLE_PRIVATE_ADD']],
    ['DELETE', ['F_USERROLE_DELETE']],
  ]),
  s('org.hisp.dhis.user.User', 'user', 'users', 101, 'api metadata identifiable persisted', [
    ['CREATE', ['F_USER_ADD', 'F_USER_ADD_WITHIN_MANAGED_GROUP']],
    ['DELETE', ['F_USER_DELETE', 'F_USER_DELETE_WITHIN_MANAGED_GROUP']],
    ['READ', ['F_USER_VIEW']],
  ]),
  s('org.hisp.dhis.user.UserGroup', 'userGroup', 'userGroups', 102, 'api metadata identifiable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_USERGROUP_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_USERGROUP_PRIVATE_ADD']],
    ['DELETE', ['F_USERGROUP_DELETE']],
  ]),
  s('org.hisp.dhis.expression.Expression', 'expression', 'expressions', 1000, 'embedded persisted'),
  s(
    'org.hisp.dhis.expressiondimensionitem.ExpressionDimensionItem',
    'expressionDimensionItem',
    'expressionDimensionItems',
    1000,
    'metadata identifiable nameable persisted shareable translatable defaultPrivate',
  ),
  s('org.hisp.dhis.fileresource.ExternalFileResource', 'externalFileResource', 'externalFileResources', 1000, 'api identifiable persisted'),
  s(
    'org.hisp.dhis.sqlview.SqlView',
    'sqlView',
    'sqlViews',
    1010,
    'api metadata identifiable persisted shareable dataShareable',
    [
      ['CREATE_PUBLIC', ['F_SQLVIEW_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_SQLVIEW_PRIVATE_ADD']],
      ['DELETE', ['F_SQLVIEW_DELETE']],
      ['EXTERNALIZE', ['F_SQLVIEW_EXTERNAL']],
    ],
    { dataWriteShareable: false, dataReadShareable: true },
  ),
  s('org.hisp.dhis.constant.Constant', 'constant', 'constants', 1030, 'api metadata identifiable nameable persisted shareable translatable', [
    ['CREATE', ['F_CONSTANT_ADD']],
    ['DELETE', ['F_CONSTANT_DELETE']],
  ]),
  s('org.hisp.dhis.security.oauth2.OAuth2Client', 'oAuth2Client', 'oAuth2Clients', 1030, 'api metadata identifiable persisted', [
    ['READ', ['F_OAUTH2_CLIENT_MANAGE']],
    ['CREATE', ['F_OAUTH2_CLIENT_MANAGE']],
    ['DELETE', ['F_OAUTH2_CLIENT_MANAGE']],
  ]),
  s('org.hisp.dhis.option.Option', 'option', 'options', 1040, 'api metadata identifiable nameable persisted translatable', [
    ['CREATE_PUBLIC', ['F_OPTIONSET_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_OPTIONSET_PRIVATE_ADD']],
    ['DELETE', ['F_OPTIONSET_DELETE']],
  ]),
  s('org.hisp.dhis.scheduling.JobConfiguration', 'jobConfiguration', 'jobConfigurations', 1040, 'api metadata secondaryMetadata identifiable persisted', [
    ['CREATE', ['F_SCHEDULING_ADMIN']],
    ['DELETE', ['F_SCHEDULING_ADMIN']],
  ]),
  s('org.hisp.dhis.option.OptionSet', 'optionSet', 'optionSets', 1050, 'api metadata identifiable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_OPTIONSET_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_OPTIONSET_PRIVATE_ADD']],
    ['DELETE', ['F_OPTIONSET_DELETE']],
  ]),
  s('org.hisp.dhis.option.OptionGroup', 'optionGroup', 'optionGroups', 1051, 'api metadata identifiable nameable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_OPTIONGROUP_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_OPTIONGROUP_PRIVATE_ADD']],
    ['DELETE', ['F_OPTIONGROUP_DELETE']],
  ]),
  s('org.hisp.dhis.option.OptionGroupSet', 'optionGroupSet', 'optionGroupSets', 1051, 'api metadata identifiable nameable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_OPTIONGROUPSET_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_OPTIONGROUPSET_PRIVATE_ADD']],
    ['DELETE', ['F_OPTIONGROUPSET_DELETE']],
  ]),
  s('org.hisp.dhis.legend.LegendSet', 'legendSet', 'legendSets', 1080, 'api metadata identifiable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_LEGEND_SET_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_LEGEND_SET_PRIVATE_ADD']],
    ['DELETE', ['F_LEGEND_SET_DELETE']],
  ]),
  s(
    'org.hisp.dhis.organisationunit.OrganisationUnit',
    'organisationUnit',
    'organisationUnits',
    1100,
    'api metadata identifiable nameable persisted translatable',
    [
      ['CREATE', ['F_ORGANISATIONUNIT_ADD']],
      ['DELETE', ['F_ORGANISATIONUNIT_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.organisationunit.OrganisationUnitLevel',
    'organisationUnitLevel',
    'organisationUnitLevels',
    1110,
    'api metadata identifiable persisted translatable',
    [
      ['CREATE', ['F_ORGANISATIONUNITLEVEL_UPDATE']],
      ['UPDATE', ['F_ORGANISATIONUNITLEVEL_UPDATE']],
      ['DELETE', ['F_ORGANISATIONUNITLEVEL_UPDATE']],
    ],
  ),
  s(
    'org.hisp.dhis.organisationunit.OrganisationUnitGroup',
    'organisationUnitGroup',
    'organisationUnitGroups',
    1120,
    'api metadata identifiable nameable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_ORGUNITGROUP_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_ORGUNITGROUP_PRIVATE_ADD']],
      ['DELETE', ['F_ORGUNITGROUP_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.organisationunit.OrganisationUnitGroupSet',
    'organisationUnitGroupSet',
    'organisationUnitGroupSets',
    1130,
    'api metadata identifiable nameable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_ORGUNITGROUPSET_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_ORGUNITGROUPSET_PRIVATE_ADD']],
      ['DELETE', ['F_ORGUNITGROUPSET_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.category.CategoryOption',
    'categoryOption',
    'categoryOptions',
    1140,
    'api metadata identifiable nameable persisted shareable dataShareable translatable',
    [
      ['CREATE_PUBLIC', ['F_CATEGORY_OPTION_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_CATEGORY_OPTION_PRIVATE_ADD']],
      ['DELETE', ['F_CATEGORY_OPTION_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.category.CategoryOptionGroup',
    'categoryOptionGroup',
    'categoryOptionGroups',
    1150,
    'api metadata identifiable nameable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_CATEGORY_OPTION_GROUP_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_CATEGORY_OPTION_GROUP_PRIVATE_ADD']],
      ['DELETE', ['F_CATEGORY_OPTION_GROUP_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.category.CategoryOptionGroupSet',
    'categoryOptionGroupSet',
    'categoryOptionGroupSets',
    1160,
    'api metadata identifiable nameable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_CATEGORY_OPTION_GROUP_SET_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_CATEGORY_OPTION_GROUP_SET_PRIVATE_ADD']],
      ['DELETE', ['F_CATEGORY_OPTION_GROUP_SET_DELETE']],
    ],
  ),
  s('org.hisp.dhis.category.Category', 'category', 'categories', 1170, 'api metadata identifiable nameable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_CATEGORY_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_CATEGORY_PRIVATE_ADD']],
    ['DELETE', ['F_CATEGORY_DELETE']],
  ]),
  s('org.hisp.dhis.category.CategoryCombo', 'categoryCombo', 'categoryCombos', 1180, 'api metadata identifiable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_CATEGORY_COMBO_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_CATEGORY_COMBO_PRIVATE_ADD']],
    ['DELETE', ['F_CATEGORY_COMBO_DELETE']],
  ]),
  s(
    'org.hisp.dhis.category.CategoryOptionCombo',
    'categoryOptionCombo',
    'categoryOptionCombos',
    1190,
    'api metadata identifiable nameable persisted translatable',
    [
      ['CREATE', ['F_CATEGORY_COMBO_PUBLIC_ADD', 'F_CATEGORY_COMBO_PRIVATE_ADD']],
      ['DELETE', ['F_CATEGORY_COMBO_DELETE']],
    ],
  ),
  s('org.hisp.dhis.dataelement.DataElement', 'dataElement', 'dataElements', 1200, 'api metadata identifiable nameable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_DATAELEMENT_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_DATAELEMENT_PRIVATE_ADD']],
    ['DELETE', ['F_DATAELEMENT_DELETE']],
  ]),
  s('org.hisp.dhis.route.Route', 'route', 'routes', 1200, 'api metadata identifiable persisted shareable translatable'),
  s(
    'org.hisp.dhis.dataelement.DataElementGroup',
    'dataElementGroup',
    'dataElementGroups',
    1210,
    'api metadata identifiable nameable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_DATAELEMENTGROUP_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_DATAELEMENTGROUP_PRIVATE_ADD']],
      ['DELETE', ['F_DATAELEMENTGROUP_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.dataelement.DataElementGroupSet',
    'dataElementGroupSet',
    'dataElementGroupSets',
    1220,
    'api metadata identifiable nameable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_DATAELEMENTGROUPSET_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_DATAELEMENTGROUPSET_PRIVATE_ADD']],
      ['DELETE', ['F_DATAELEMENTGROUPSET_DELETE']],
    ],
  ),
  s('org.hisp.dhis.analytics.AnalyticsTableHook', 'analyticsTableHook', 'analyticsTableHooks', 1240, 'api metadata identifiable persisted', [
    ['CREATE', ['F_ANALYTICSTABLEHOOK_ADD']],
    ['DELETE', ['F_ANALYTICSTABLEHOOK_DELETE']],
  ]),
  s('org.hisp.dhis.indicator.IndicatorType', 'indicatorType', 'indicatorTypes', 1240, 'api metadata identifiable persisted translatable', [
    ['CREATE', ['F_INDICATORTYPE_ADD']],
    ['DELETE', ['F_INDICATORTYPE_DELETE']],
  ]),
  s('org.hisp.dhis.indicator.Indicator', 'indicator', 'indicators', 1250, 'api metadata identifiable nameable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_INDICATOR_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_INDICATOR_PRIVATE_ADD']],
    ['DELETE', ['F_INDICATOR_DELETE']],
  ]),
  s('org.hisp.dhis.indicator.IndicatorGroup', 'indicatorGroup', 'indicatorGroups', 1260, 'api metadata identifiable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_INDICATORGROUP_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_INDICATORGROUP_PRIVATE_ADD']],
    ['DELETE', ['F_INDICATORGROUP_DELETE']],
  ]),
  s(
    'org.hisp.dhis.indicator.IndicatorGroupSet',
    'indicatorGroupSet',
    'indicatorGroupSets',
    1270,
    'api metadata identifiable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_INDICATORGROUPSET_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_INDICATORGROUPSET_PRIVATE_ADD']],
      ['DELETE', ['F_INDICATORGROUPSET_DELETE']],
    ],
  ),
  s('org.hisp.dhis.dataentryform.DataEntryForm', 'dataEntryForm', 'dataEntryForms', 1300, 'api metadata identifiable persisted translatable'),
  s('org.hisp.dhis.dataset.DataSet', 'dataSet', 'dataSets', 1310, 'api metadata identifiable nameable persisted shareable dataShareable translatable', [
    ['CREATE_PUBLIC', ['F_DATASET_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_DATASET_PRIVATE_ADD']],
    ['DELETE', ['F_DATASET_DELETE']],
  ]),
  s(
    'org.hisp.dhis.dataset.notifications.DataSetNotificationTemplate',
    'dataSetNotificationTemplate',
    'dataSetNotificationTemplates',
    1311,
    'api metadata identifiable persisted translatable',
    [
      ['CREATE_PUBLIC', ['F_DATASET_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_DATASET_PRIVATE_ADD']],
      ['DELETE', ['F_DATASET_DELETE']],
    ],
  ),
  s('org.hisp.dhis.dataset.Section', 'section', 'sections', 1320, 'api metadata identifiable persisted translatable', [
    ['CREATE', ['F_SECTION_ADD']],
    ['DELETE', ['F_SECTION_DELETE']],
  ]),
  s(
    'org.hisp.dhis.dataapproval.DataApprovalLevel',
    'dataApprovalLevel',
    'dataApprovalLevels',
    1370,
    'api metadata identifiable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_DATA_APPROVAL_LEVEL']],
      ['CREATE_PRIVATE', ['F_DATA_APPROVAL_LEVEL']],
      ['DELETE', ['F_DATA_APPROVAL_LEVEL']],
    ],
  ),
  s(
    'org.hisp.dhis.dataapproval.DataApprovalWorkflow',
    'dataApprovalWorkflow',
    'dataApprovalWorkflows',
    1380,
    'api metadata identifiable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_DATA_APPROVAL_WORKFLOW']],
      ['CREATE_PRIVATE', ['F_DATA_APPROVAL_WORKFLOW']],
      ['DELETE', ['F_DATA_APPROVAL_WORKFLOW']],
    ],
  ),
  s(
    'org.hisp.dhis.validation.ValidationRule',
    'validationRule',
    'validationRules',
    1390,
    'api metadata identifiable nameable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_VALIDATIONRULE_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_VALIDATIONRULE_PRIVATE_ADD']],
      ['DELETE', ['F_VALIDATIONRULE_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.validation.ValidationRuleGroup',
    'validationRuleGroup',
    'validationRuleGroups',
    1400,
    'api metadata identifiable persisted shareable translatable',
    [
      ['CREATE', ['F_VALIDATIONRULEGROUP_PUBLIC_ADD']],
      ['UPDATE', ['F_VALIDATIONRULEGROUP_PRIVATE_ADD']],
      ['DELETE', ['F_VALIDATIONRULEGROUP_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.validation.notification.ValidationNotificationTemplate',
    'validationNotificationTemplate',
    'validationNotificationTemplates',
    1410,
    'api metadata identifiable persisted translatable',
    [
      ['CREATE_PUBLIC', ['F_VALIDATIONRULE_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_VALIDATIONRULE_PRIVATE_ADD']],
      ['DELETE', ['F_VALIDATIONRULE_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.trackedentity.TrackedEntityAttribute',
    'trackedEntityAttribute',
    'trackedEntityAttributes',
    1450,
    'api metadata identifiable nameable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_TRACKED_ENTITY_ATTRIBUTE_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_TRACKED_ENTITY_ATTRIBUTE_PRIVATE_ADD']],
      ['DELETE', ['F_TRACKED_ENTITY_ATTRIBUTE_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.trackedentity.TrackedEntityType',
    'trackedEntityType',
    'trackedEntityTypes',
    1480,
    'api metadata identifiable nameable persisted shareable dataShareable translatable',
    [
      ['CREATE', ['F_TRACKED_ENTITY_ADD']],
      ['UPDATE', ['F_TRACKED_ENTITY_UPDATE']],
      ['DELETE', ['F_TRACKED_ENTITY_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.trackedentity.TrackedEntityTypeAttribute',
    'trackedEntityTypeAttribute',
    'trackedEntityTypeAttributes',
    1500,
    'identifiable embedded persisted',
  ),
  s(
    'org.hisp.dhis.program.ProgramStageSection',
    'programStageSection',
    'programStageSections',
    1508,
    'api metadata identifiable nameable persisted translatable',
    [
      ['CREATE', ['F_PROGRAMSTAGE_ADD']],
      ['DELETE', ['F_PROGRAMSTAGE_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.program.notification.ProgramNotificationTemplate',
    'programNotificationTemplate',
    'programNotificationTemplates',
    1508,
    'api metadata identifiable persisted translatable',
    [
      ['CREATE', ['F_PROGRAM_PUBLIC_ADD', 'F_PROGRAM_PRIVATE_ADD']],
      ['DELETE', ['F_PROGRAM_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.program.ProgramStage',
    'programStage',
    'programStages',
    1509,
    'api metadata identifiable nameable persisted shareable dataShareable translatable',
  ),
  s('org.hisp.dhis.sms.command.SMSCommand', 'smsCommand', 'smsCommands', 1509, 'api metadata identifiable persisted', [
    ['CREATE', ['F_MOBILE_SENDSMS']],
    ['DELETE', ['F_MOBILE_SENDSMS']],
  ]),
  s('org.hisp.dhis.program.Program', 'program', 'programs', 1520, 'api metadata identifiable nameable persisted shareable dataShareable translatable', [
    ['CREATE_PUBLIC', ['F_PROGRAM_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_PROGRAM_PRIVATE_ADD']],
    ['DELETE', ['F_PROGRAM_DELETE']],
  ]),
  s(
    'org.hisp.dhis.eventchart.EventChart',
    'eventChart',
    'eventCharts',
    1540,
    'api metadata identifiable nameable persisted shareable translatable favoritable subscribable implicitPrivateAuthority',
    [
      ['CREATE_PUBLIC', ['F_EVENTCHART_PUBLIC_ADD']],
      ['EXTERNALIZE', ['F_EVENTCHART_EXTERNAL']],
    ],
  ),
  s('org.hisp.dhis.program.ProgramSection', 'programSection', 'programSections', 1550, 'api metadata identifiable nameable persisted translatable', [
    ['CREATE_PUBLIC', ['F_PROGRAM_PUBLIC_ADD']],
  ]),
  s(
    'org.hisp.dhis.program.ProgramIndicator',
    'programIndicator',
    'programIndicators',
    1560,
    'api metadata identifiable nameable persisted shareable translatable',
    [
      ['CREATE_PUBLIC', ['F_PROGRAM_INDICATOR_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_PROGRAM_INDICATOR_PRIVATE_ADD']],
      ['DELETE', ['F_PROGRAM_INDICATOR_DELETE']],
    ],
  ),
  s('org.hisp.dhis.programrule.ProgramRuleVariable', 'programRuleVariable', 'programRuleVariables', 1600, 'api metadata identifiable persisted translatable', [
    ['CREATE', ['F_PROGRAM_RULE_MANAGEMENT']],
    ['DELETE', ['F_PROGRAM_RULE_MANAGEMENT']],
  ]),
  s(
    'org.hisp.dhis.relationship.RelationshipType',
    'relationshipType',
    'relationshipTypes',
    1600,
    'api metadata identifiable persisted shareable dataShareable translatable',
    [
      ['CREATE_PUBLIC', ['F_RELATIONSHIPTYPE_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_RELATIONSHIPTYPE_PRIVATE_ADD']],
      ['DELETE', ['F_RELATIONSHIPTYPE_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.program.ProgramIndicatorGroup',
    'programIndicatorGroup',
    'programIndicatorGroups',
    1600,
    'api metadata identifiable persisted shareable translatable',
    [
      ['CREATE', ['F_PROGRAM_INDICATOR_GROUP_PUBLIC_ADD', 'F_PROGRAM_INDICATOR_GROUP_PRIVATE_ADD']],
      ['DELETE', ['F_PROGRAM_INDICATOR_GROUP_DELETE']],
    ],
  ),
  s('org.hisp.dhis.programrule.ProgramRuleAction', 'programRuleAction', 'programRuleActions', 1610, 'api metadata identifiable persisted translatable', [
    ['CREATE', ['F_PROGRAM_RULE_MANAGEMENT']],
    ['DELETE', ['F_PROGRAM_RULE_MANAGEMENT']],
  ]),
  s('org.hisp.dhis.programrule.ProgramRule', 'programRule', 'programRules', 1620, 'api metadata identifiable persisted translatable', [
    ['CREATE', ['F_PROGRAM_RULE_ADD', 'F_PROGRAM_RULE_MANAGEMENT']],
    ['DELETE', ['F_PROGRAM_RULE_DELETE', 'F_PROGRAM_RULE_MANAGEMENT']],
  ]),
  s(
    'org.hisp.dhis.eventreport.EventReport',
    'eventReport',
    'eventReports',
    1640,
    'api metadata identifiable nameable persisted shareable translatable favoritable subscribable implicitPrivateAuthority',
    [
      ['CREATE_PUBLIC', ['F_EVENTREPORT_PUBLIC_ADD']],
      ['EXTERNALIZE', ['F_EVENTREPORT_EXTERNAL']],
    ],
  ),
  s(
    'org.hisp.dhis.dataexchange.aggregate.AggregateDataExchange',
    'aggregateDataExchange',
    'aggregateDataExchanges',
    1900,
    'api metadata identifiable persisted shareable dataShareable translatable',
    [
      ['CREATE_PUBLIC', ['F_AGGREGATE_DATA_EXCHANGE_PUBLIC_ADD']],
      ['CREATE_PRIVATE', ['F_AGGREGATE_DATA_EXCHANGE_PRIVATE_ADD']],
    ],
  ),
  s('org.hisp.dhis.eventhook.EventHook', 'eventHook', 'eventHooks', 1900, 'api metadata identifiable persisted shareable translatable'),
  s('org.hisp.dhis.mapping.MapView', 'mapView', 'mapViews', 1900, 'api metadata identifiable nameable embedded persisted translatable'),
  s('org.hisp.dhis.document.Document', 'document', 'documents', 2000, 'api metadata identifiable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_DOCUMENT_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_DOCUMENT_PRIVATE_ADD']],
    ['EXTERNALIZE', ['F_DOCUMENT_EXTERNAL']],
    ['DELETE', ['F_DOCUMENT_DELETE']],
  ]),
  s(
    'org.hisp.dhis.eventvisualization.EventVisualization',
    'eventVisualization',
    'eventVisualizations',
    2000,
    'api metadata identifiable nameable persisted shareable translatable favoritable subscribable implicitPrivateAuthority',
  ),
  s('org.hisp.dhis.mapping.ExternalMapLayer', 'externalMapLayer', 'externalMapLayers', 2000, 'api metadata identifiable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_EXTERNAL_MAP_LAYER_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_EXTERNAL_MAP_LAYER_PRIVATE_ADD']],
    ['DELETE', ['F_EXTERNAL_MAP_LAYER_DELETE']],
  ]),
  s(
    'org.hisp.dhis.mapping.Map',
    'map',
    'maps',
    2000,
    'api metadata identifiable nameable persisted shareable translatable favoritable subscribable implicitPrivateAuthority',
    [
      ['CREATE_PUBLIC', ['F_MAP_PUBLIC_ADD']],
      ['EXTERNALIZE', ['F_MAP_EXTERNAL']],
    ],
  ),
  s('org.hisp.dhis.report.Report', 'report', 'reports', 2000, 'api metadata identifiable persisted shareable translatable', [
    ['CREATE_PUBLIC', ['F_REPORT_PUBLIC_ADD']],
    ['CREATE_PRIVATE', ['F_REPORT_PRIVATE_ADD']],
    ['EXTERNALIZE', ['F_REPORT_EXTERNAL']],
    ['DELETE', ['F_REPORT_DELETE']],
  ]),
  s('org.hisp.dhis.validation.ValidationResult', 'validationResult', 'validationResults', 2000, 'api persisted'),
  s(
    'org.hisp.dhis.visualization.Visualization',
    'visualization',
    'visualizations',
    2000,
    'api metadata identifiable nameable persisted shareable translatable favoritable subscribable implicitPrivateAuthority',
  ),
  s('org.hisp.dhis.predictor.Predictor', 'predictor', 'predictors', 2001, 'api metadata identifiable nameable persisted translatable', [
    ['CREATE', ['F_PREDICTOR_ADD']],
    ['DELETE', ['F_PREDICTOR_DELETE']],
  ]),
  s('org.hisp.dhis.predictor.PredictorGroup', 'predictorGroup', 'predictorGroups', 2002, 'api metadata identifiable persisted shareable translatable', [
    ['CREATE', ['F_PREDICTORGROUP_ADD']],
    ['DELETE', ['F_PREDICTORGROUP_DELETE']],
  ]),
  s(
    'org.hisp.dhis.dashboard.DashboardItem',
    'dashboardItem',
    'dashboardItems',
    3500,
    'api identifiable embedded persisted translatable defaultPrivate implicitPrivateAuthority',
    [['CREATE_PUBLIC', ['F_DASHBOARD_PUBLIC_ADD']]],
  ),
  s(
    'org.hisp.dhis.dashboard.Dashboard',
    'dashboard',
    'dashboards',
    3501,
    'api metadata identifiable nameable persisted shareable translatable favoritable defaultPrivate implicitPrivateAuthority',
    [
      ['CREATE_PUBLIC', ['F_DASHBOARD_PUBLIC_ADD']],
      ['EXTERNALIZE', ['F_DASHBOARD_PUBLIC_ADD']],
    ],
  ),
  s('org.hisp.dhis.pushanalysis.PushAnalysis', 'pushAnalysis', 'pushAnalysis', 3502, 'api metadata identifiable persisted', [
    ['CREATE', ['F_PUSH_ANALYSIS_ADD']],
    ['DELETE', ['F_PUSH_ANALYSIS_DELETE']],
  ]),
  s('org.hisp.dhis.datastore.DatastoreEntry', 'dataStore', 'dataStores', 9060, 'api identifiable persisted shareable'),
  s('org.hisp.dhis.attribute.AttributeValue', 'attributeValue', 'attributeValues', MAX_ORDER, 'embedded'),
  s('org.hisp.dhis.dataelement.DataElementOperand', 'dataElementOperand', 'dataElementOperands', MAX_ORDER, 'api identifiable nameable embedded persisted'),
  s('org.hisp.dhis.dataset.DataSetElement', 'dataSetElement', 'dataSetElements', MAX_ORDER, 'embedded persisted'),
  s('org.hisp.dhis.fileresource.FileResource', 'fileResource', 'fileResources', MAX_ORDER, 'api identifiable persisted'),
  s('org.hisp.dhis.icon.Icon', 'icon', 'icons', MAX_ORDER, 'api'),
  s('org.hisp.dhis.interpretation.InterpretationComment', 'interpretationComment', 'interpretationComments', MAX_ORDER, 'identifiable persisted'),
  s('org.hisp.dhis.interpretation.Interpretation', 'interpretation', 'interpretations', MAX_ORDER, 'api identifiable persisted shareable'),
  s('org.hisp.dhis.legend.Legend', 'legend', 'legends', MAX_ORDER, 'identifiable embedded persisted translatable'),
  s('org.hisp.dhis.message.MessageConversation', 'messageConversation', 'messageConversations', MAX_ORDER, 'api identifiable persisted'),
  s('org.hisp.dhis.metadata.version.MetadataVersion', 'metadataVersion', 'metadataVersions', MAX_ORDER, 'api identifiable persisted', [
    ['CREATE_PUBLIC', ['ALL', 'F_METADATA_MANAGE']],
  ]),
  s('org.hisp.dhis.program.ProgramDataElementDimensionItem', 'programDataElement', 'programDataElements', MAX_ORDER, 'api identifiable nameable embedded'),
  s('org.hisp.dhis.program.AnalyticsPeriodBoundary', 'analyticsPeriodBoundary', 'analyticsPeriodBoundaries', MAX_ORDER, 'identifiable embedded persisted'),
  s('org.hisp.dhis.program.ProgramStageDataElement', 'programStageDataElement', 'programStageDataElements', MAX_ORDER, 'identifiable embedded persisted'),
  s(
    'org.hisp.dhis.programstageworkinglist.ProgramStageWorkingList',
    'programStageWorkingList',
    'programStageWorkingLists',
    MAX_ORDER,
    'api metadata identifiable persisted shareable translatable defaultPrivate implicitPrivateAuthority',
    [
      ['CREATE', ['F_PROGRAMSTAGE_ADD']],
      ['DELETE', ['F_PROGRAMSTAGE_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.program.ProgramTrackedEntityAttribute',
    'programTrackedEntityAttribute',
    'programTrackedEntityAttributes',
    MAX_ORDER,
    'identifiable embedded persisted',
  ),
  s(
    'org.hisp.dhis.program.ProgramTrackedEntityAttributeDimensionItem',
    'programTrackedEntityAttributeDimensionItem',
    'programTrackedEntityAttributeDimensionItems',
    MAX_ORDER,
    'identifiable nameable embedded',
  ),
  s(
    'org.hisp.dhis.trackedentityattributevalue.TrackedEntityAttributeValue',
    'trackedEntityAttributeValue',
    'trackedEntityAttributeValues',
    MAX_ORDER,
    'persisted',
  ),
  s('org.hisp.dhis.trackedentity.TrackedEntity', 'trackedEntityInstance', 'trackedEntityInstances', MAX_ORDER, 'api identifiable persisted'),
  s(
    'org.hisp.dhis.trackedentityfilter.TrackedEntityFilter',
    'trackedEntityInstanceFilter',
    'trackedEntityInstanceFilters',
    MAX_ORDER,
    'api metadata identifiable persisted shareable translatable defaultPrivate implicitPrivateAuthority',
    [
      ['CREATE', ['F_PROGRAMSTAGE_ADD']],
      ['DELETE', ['F_PROGRAMSTAGE_DELETE']],
    ],
  ),
  s(
    'org.hisp.dhis.trackedentity.TrackedEntityDataElementDimension',
    'trackedEntityDataElementDimension',
    'trackedEntityDataElementDimensions',
    MAX_ORDER,
    'persisted',
  ),
  s('org.hisp.dhis.trackedentity.TrackedEntityProgramIndicatorDimension', 'dataElementDimension', 'dataElementDimensions', MAX_ORDER, 'persisted'),
  s('org.hisp.dhis.user.UserCredentialsDto', 'userCredentials', 'userCredentials', MAX_ORDER, ''),
  s('org.hisp.dhis.dataset.DataInputPeriod', 'dataInputPeriod', 'dataInputPeriods', MAX_ORDER, 'embedded persisted'),
  s('org.hisp.dhis.common.ReportingRate', 'reportingRate', 'reportingRates', MAX_ORDER, 'identifiable nameable embedded'),
  s('org.hisp.dhis.user.sharing.UserAccess', 'userAccess', 'userAccesses', MAX_ORDER, ''),
  s('org.hisp.dhis.user.sharing.UserGroupAccess', 'userGroupAccess', 'userGroupAccesses', MAX_ORDER, ''),
  s('org.hisp.dhis.minmax.MinMaxDataElement', 'minMaxDataElement', 'minMaxDataElements', MAX_ORDER, 'api persisted', [
    ['CREATE', ['F_MINMAX_DATAELEMENT_ADD']],
    ['DELETE', ['F_MINMAX_DATAELEMENT_ADD']],
  ]),
  s('org.hisp.dhis.category.CategoryDimension', 'categoryDimension', 'categoryDimensions', MAX_ORDER, 'embedded persisted'),
  s(
    'org.hisp.dhis.category.CategoryOptionGroupSetDimension',
    'categoryOptionGroupSetDimension',
    'categoryOptionGroupSetDimensions',
    MAX_ORDER,
    'embedded persisted',
  ),
  s('org.hisp.dhis.dataelement.DataElementGroupSetDimension', 'dataElementGroupSetDimension', 'dataElementGroupSetDimensions', MAX_ORDER, 'embedded persisted'),
  s(
    'org.hisp.dhis.organisationunit.OrganisationUnitGroupSetDimension',
    'organisationUnitGroupSetDimension',
    'organisationUnitGroupSetDimensions',
    MAX_ORDER,
    'embedded persisted',
  ),
  s('org.hisp.dhis.relationship.Relationship', 'relationship', 'relationships', MAX_ORDER, 'api identifiable persisted'),
  s('org.hisp.dhis.program.Enrollment', 'programInstance', 'programInstances', MAX_ORDER, 'identifiable persisted'),
  s('org.hisp.dhis.program.Event', 'programStageInstance', 'programStageInstances', MAX_ORDER, 'persisted'),
  s(
    'org.hisp.dhis.programstagefilter.EventFilter',
    'eventFilter',
    'eventFilters',
    MAX_ORDER,
    'api metadata identifiable persisted shareable translatable defaultPrivate implicitPrivateAuthority',
    [
      ['CREATE', ['F_PROGRAMSTAGE_ADD']],
      ['DELETE', ['F_PROGRAMSTAGE_DELETE']],
    ],
  ),
  s('org.hisp.dhis.security.apikey.ApiToken', 'apiToken', 'apiToken', MAX_ORDER, 'api metadata identifiable persisted shareable defaultPrivate'),
  s('org.hisp.dhis.security.acl.Access', 'access', 'accesses', MAX_ORDER, 'embedded'),
  s('org.hisp.dhis.common.ObjectStyle', 'objectStyle', 'objectStyles', MAX_ORDER, 'embedded'),
  s('org.hisp.dhis.relationship.RelationshipConstraint', 'relationshipConstraint', 'relationshipConstraints', MAX_ORDER, 'embedded persisted'),
  s('org.hisp.dhis.relationship.RelationshipItem', 'relationshipItem', 'relationshipItems', MAX_ORDER, 'embedded persisted'),
  s('org.hisp.dhis.user.sharing.Sharing', 'sharing', 'sharings', MAX_ORDER, ''),
  s('org.hisp.dhis.visualization.Axis', 'axis', 'axes', MAX_ORDER, 'embedded persisted'),
  s('org.hisp.dhis.eventvisualization.EventRepetition', 'eventRepetition', 'eventRepetitions', MAX_ORDER, 'embedded'),
  s('org.hisp.dhis.visualization.LegendDefinitions', 'legendDefinitions', 'legendDefinitions', MAX_ORDER, ''),
  s('org.hisp.dhis.visualization.SeriesKey', 'seriesKey', 'seriesKeys', MAX_ORDER, ''),
  s('org.hisp.dhis.visualization.OutlierAnalysis', 'outlierAnalysis', 'outlierAnalysis', MAX_ORDER, ''),
  s('org.hisp.dhis.dashboard.design.ItemConfig', 'itemConfig', 'itemConfigs', MAX_ORDER, ''),
  s('org.hisp.dhis.security.acl.Access', 'layout', 'layouts', MAX_ORDER, 'embedded'),
];

const byPlural = new Map(SCHEMAS.map((schema) => [schema.plural, schema]));
const bySingular = new Map(SCHEMAS.map((schema) => [schema.singular, schema]));

export function schemaByPlural(plural: string): SchemaInfo | undefined {
  return byPlural.get(plural);
}

export function schemaBySingular(singular: string): SchemaInfo | undefined {
  return bySingular.get(singular);
}

/** Class.getSimpleName(). */
export function simpleName(klass: string): string {
  return klass.slice(klass.lastIndexOf('.') + 1);
}

/** SchemaService.getMetadataSchemas(): the types a metadata import reads, in commit order. */
export const METADATA_SCHEMAS: readonly SchemaInfo[] = SCHEMAS.filter((schema) => schema.metadata);
