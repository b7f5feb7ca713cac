import { z } from 'zod';
import type { MetadataExportType } from '../../../shared/metadata-export';

/**
 * The object types of the Metadata export checklist, as the DHIS2 app builds it
 * (src/components/Schemas): every /api/schemas entry with `metadata: true`, minus the types it
 * leaves out, grouped by the Java package of the type.
 */

/** The DHIS2 app's exclusion list: types that cannot be exported usefully this way. */
export const EXCLUDED_SCHEMAS: ReadonlySet<string> = new Set([
  'analyticsTableHooks',
  'charts',
  'constants',
  'dataElementDimensions',
  'dataEntryForms',
  'dataSetNotificationTemplates',
  'dataStores',
  'documents',
  'eventCharts',
  'eventReports',
  'icons',
  'jobConfigurations',
  'messageConversations',
  'metadataVersions',
  'minMaxDataElements',
  'oAuth2Clients',
  'programDataElements',
  'programNotificationTemplates',
  'pushAnalysis',
  'reportTables',
  'reportingRates',
  'reports',
  'sections',
  'smsCommands',
  'sqlViews',
  'trackedEntityInstanceFilters',
  'validationNotificationTemplates',
]);

/** What /api/schemas?fields=metadata,collectionName,displayName,klass sends (older servers name the plural `plural`). */
export const SchemasResponse = z.object({
  schemas: z.array(
    z.object({
      metadata: z.boolean().nullish(),
      collectionName: z.string().nullish(),
      plural: z.string().nullish(),
      displayName: z.string().nullish(),
      klass: z.string().nullish(),
    }),
  ),
});

export interface SchemaEntry {
  plural: string;
  displayName: string;
  klass: string;
}

const PLURAL = /^[A-Za-z][A-Za-z0-9]{0,99}$/;

/** The metadata schemas of a /api/schemas answer, without the excluded ones. */
export function exportableSchemas(response: z.output<typeof SchemasResponse>): SchemaEntry[] {
  const out: SchemaEntry[] = [];
  const seen = new Set<string>();
  for (const schema of response.schemas) {
    const plural = schema.collectionName ?? schema.plural;
    if (schema.metadata !== true || !plural || !PLURAL.test(plural) || EXCLUDED_SCHEMAS.has(plural) || seen.has(plural)) continue;
    seen.add(plural);
    out.push({ plural, displayName: schema.displayName?.trim() || plural, klass: schema.klass ?? '' });
  }
  return out;
}

/** Friendlier names for the Java packages the DHIS2 app groups by; an unknown package shows as its own name. */
const GROUP_LABELS: Record<string, string> = {
  attribute: 'Attributes',
  category: 'Categories',
  dashboard: 'Dashboards',
  dataapproval: 'Data approval',
  dataelement: 'Data elements',
  dataexchange: 'Data exchange',
  dataset: 'Data sets',
  indicator: 'Indicators',
  legend: 'Legends',
  mapping: 'Maps',
  option: 'Options',
  organisationunit: 'Organisation units',
  predictor: 'Predictors',
  program: 'Programs',
  programrule: 'Program rules',
  trackedentity: 'Tracked entities',
  user: 'Users',
  validation: 'Validation',
};
export const OTHER_GROUP = 'Other';

function packageOf(klass: string): string {
  const parts = klass.split('.');
  // org.hisp.dhis.<package>[.<sub>].<Class>: the first package below org.hisp.dhis.
  return parts.length > 4 && parts[0] === 'org' && parts[2] === 'dhis' ? parts[3]! : parts.length > 1 ? parts[parts.length - 2]! : '';
}

/** Grouped and sorted as the checklist shows them: groups by name, "Other" last, types by display name. */
export function groupTypes(entries: readonly SchemaEntry[]): MetadataExportType[] {
  const byPackage = new Map<string, SchemaEntry[]>();
  for (const entry of entries) {
    const key = packageOf(entry.klass);
    byPackage.set(key, [...(byPackage.get(key) ?? []), entry]);
  }
  const out: MetadataExportType[] = [];
  for (const [key, members] of byPackage) {
    const group = members.length > 1 && key !== '' ? (GROUP_LABELS[key] ?? key) : OTHER_GROUP;
    for (const member of members) out.push({ plural: member.plural, displayName: member.displayName, group });
  }
  return out.sort((a, b) => {
    if (a.group !== b.group) return a.group === OTHER_GROUP ? 1 : b.group === OTHER_GROUP ? -1 : a.group.localeCompare(b.group);
    return a.displayName.localeCompare(b.displayName);
  });
}

const P = 'org.hisp.dhis';

/**
 * DHIS2 2.41's exportable metadata schemas (the `metadata: true` ones of /api/schemas, less the
 * exclusion list), for when the server has never been asked: a laptop set up offline.
 */
export const BUILT_IN_SCHEMAS: readonly SchemaEntry[] = [
  ['aggregateDataExchanges', 'Aggregate Data Exchange', `${P}.dataexchange.aggregate.AggregateDataExchange`],
  ['attributes', 'Attribute', `${P}.attribute.Attribute`],
  ['categories', 'Category', `${P}.category.Category`],
  ['categoryCombos', 'Category Combo', `${P}.category.CategoryCombo`],
  ['categoryOptionCombos', 'Category Option Combo', `${P}.category.CategoryOptionCombo`],
  ['categoryOptionGroups', 'Category Option Group', `${P}.category.CategoryOptionGroup`],
  ['categoryOptionGroupSets', 'Category Option Group Set', `${P}.category.CategoryOptionGroupSet`],
  ['categoryOptions', 'Category Option', `${P}.category.CategoryOption`],
  ['dashboards', 'Dashboard', `${P}.dashboard.Dashboard`],
  ['dataApprovalLevels', 'Data Approval Level', `${P}.dataapproval.DataApprovalLevel`],
  ['dataApprovalWorkflows', 'Data Approval Workflow', `${P}.dataapproval.DataApprovalWorkflow`],
  ['dataElementGroups', 'Data Element Group', `${P}.dataelement.DataElementGroup`],
  ['dataElementGroupSets', 'Data Element Group Set', `${P}.dataelement.DataElementGroupSet`],
  ['dataElements', 'Data Element', `${P}.dataelement.DataElement`],
  ['dataSets', 'Data Set', `${P}.dataset.DataSet`],
  ['eventFilters', 'Event Filter', `${P}.programstagefilter.EventFilter`],
  ['eventVisualizations', 'Event Visualization', `${P}.eventvisualization.EventVisualization`],
  ['expressionDimensionItems', 'Expression Dimension Item', `${P}.expressiondimensionitem.ExpressionDimensionItem`],
  ['externalFileResources', 'External File Resource', `${P}.fileresource.ExternalFileResource`],
  ['externalMapLayers', 'External Map Layer', `${P}.mapping.ExternalMapLayer`],
  ['indicatorGroups', 'Indicator Group', `${P}.indicator.IndicatorGroup`],
  ['indicatorGroupSets', 'Indicator Group Set', `${P}.indicator.IndicatorGroupSet`],
  ['indicators', 'Indicator', `${P}.indicator.Indicator`],
  ['indicatorTypes', 'Indicator Type', `${P}.indicator.IndicatorType`],
  ['legendSets', 'Legend Set', `${P}.legend.LegendSet`],
  ['maps', 'Map', `${P}.mapping.Map`],
  ['mapViews', 'Map View', `${P}.mapping.MapView`],
  ['optionGroups', 'Option Group', `${P}.option.OptionGroup`],
  ['optionGroupSets', 'Option Group Set', `${P}.option.OptionGroupSet`],
  ['options', 'Option', `${P}.option.Option`],
  ['optionSets', 'Option Set', `${P}.option.OptionSet`],
  ['organisationUnitGroups', 'Organisation Unit Group', `${P}.organisationunit.OrganisationUnitGroup`],
  ['organisationUnitGroupSets', 'Organisation Unit Group Set', `${P}.organisationunit.OrganisationUnitGroupSet`],
  ['organisationUnitLevels', 'Organisation Unit Level', `${P}.organisationunit.OrganisationUnitLevel`],
  ['organisationUnits', 'Organisation Unit', `${P}.organisationunit.OrganisationUnit`],
  ['predictorGroups', 'Predictor Group', `${P}.predictor.PredictorGroup`],
  ['predictors', 'Predictor', `${P}.predictor.Predictor`],
  ['programIndicatorGroups', 'Program Indicator Group', `${P}.program.ProgramIndicatorGroup`],
  ['programIndicators', 'Program Indicator', `${P}.program.ProgramIndicator`],
  ['programRuleActions', 'Program Rule Action', `${P}.programrule.ProgramRuleAction`],
  ['programRules', 'Program Rule', `${P}.programrule.ProgramRule`],
  ['programRuleVariables', 'Program Rule Variable', `${P}.programrule.ProgramRuleVariable`],
  ['programs', 'Program', `${P}.program.Program`],
  ['programSections', 'Program Section', `${P}.program.ProgramSection`],
  ['programStages', 'Program Stage', `${P}.program.ProgramStage`],
  ['programStageSections', 'Program Stage Section', `${P}.program.ProgramStageSection`],
  ['programStageWorkingLists', 'Program Stage Working List', `${P}.programstageworkinglist.ProgramStageWorkingList`],
  ['relationshipTypes', 'Relationship Type', `${P}.relationship.RelationshipType`],
  ['trackedEntityAttributes', 'Tracked Entity Attribute', `${P}.trackedentity.TrackedEntityAttribute`],
  ['trackedEntityTypes', 'Tracked Entity Type', `${P}.trackedentity.TrackedEntityType`],
  ['userGroups', 'User Group', `${P}.user.UserGroup`],
  ['userRoles', 'User Role', `${P}.user.UserRole`],
  ['users', 'User', `${P}.user.User`],
  ['validationRuleGroups', 'Validation Rule Group', `${P}.validation.ValidationRuleGroup`],
  ['validationRules', 'Validation Rule', `${P}.validation.ValidationRule`],
  ['visualizations', 'Visualization', `${P}.visualization.Visualization`],
].map(([plural, displayName, klass]) => ({ plural: plural!, displayName: displayName!, klass: klass! }));
