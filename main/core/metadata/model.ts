import { z } from 'zod';
import { summariseGeometry, type GeometrySummary } from '../geometry/summary';

/**
 * The slice of DHIS2 metadata that offline checks of imports and exports need, as typed records.
 * The zod schemas read what a metadata export file or the collection endpoints send: unknown keys
 * are dropped and missing or null properties become null, as DHIS2 itself is lenient on input.
 * References are kept as bare UIDs.
 */

/** DHIS2's plural collection names, which are also the keys of a metadata export. */
export const METADATA_TYPES = [
  'attributes',
  'categoryOptions',
  'categories',
  'categoryCombos',
  'categoryOptionCombos',
  'optionSets',
  'dataElements',
  'dataSets',
  'organisationUnits',
] as const;
export type MetadataType = (typeof METADATA_TYPES)[number];

export const METADATA_TYPE_LABELS: Record<MetadataType, { one: string; many: string }> = {
  attributes: { one: 'attribute', many: 'attributes' },
  categoryOptions: { one: 'category option', many: 'category options' },
  categories: { one: 'category', many: 'categories' },
  categoryCombos: { one: 'category combo', many: 'category combos' },
  categoryOptionCombos: { one: 'category option combo', many: 'category option combos' },
  optionSets: { one: 'option set', many: 'option sets' },
  dataElements: { one: 'data element', many: 'data elements' },
  dataSets: { one: 'data set', many: 'data sets' },
  organisationUnits: { one: 'organisation unit', many: 'organisation units' },
};

export function isMetadataType(value: string): value is MetadataType {
  return (METADATA_TYPES as readonly string[]).includes(value);
}

/**
 * Kinds the offline copy keeps only to tell whether an object exists (references to them, and whether an
 * imported object is new): id, name, code and the few properties DHIS2 keeps unique. Users and user roles
 * are left out: the offline laptop package carries only its own user and that user's roles, and a list of
 * every account on the server has no place on a laptop that travels.
 */
export const REFERENCE_KINDS = [
  'userGroups',
  'organisationUnitGroups',
  'organisationUnitGroupSets',
  'organisationUnitLevels',
  'categoryOptionGroups',
  'categoryOptionGroupSets',
  'dataElementGroups',
  'dataElementGroupSets',
  'indicatorTypes',
  'indicators',
  'indicatorGroups',
  'indicatorGroupSets',
  'legendSets',
  'optionGroups',
  'optionGroupSets',
  'dataEntryForms',
  'dataApprovalWorkflows',
  'validationRules',
  'validationRuleGroups',
  'programs',
  'programStages',
  'trackedEntityTypes',
  'trackedEntityAttributes',
] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** Every collection a snapshot can hold. */
export type SnapshotKind = MetadataType | ReferenceKind;
export const SNAPSHOT_KINDS: readonly SnapshotKind[] = [...METADATA_TYPES, ...REFERENCE_KINDS];

/**
 * What the sync fetched before snapshots recorded the kinds they hold: a snapshot without that record
 * holds these (a file loaded then: those of them it had objects of).
 */
export const LEGACY_KINDS: readonly MetadataType[] = METADATA_TYPES;

export function isReferenceKind(value: string): value is ReferenceKind {
  return (REFERENCE_KINDS as readonly string[]).includes(value);
}

export function isSnapshotKind(value: string): value is SnapshotKind {
  return isMetadataType(value) || isReferenceKind(value);
}

/** Kinds with a `shortName` (DHIS2 keeps it unique on most of them). */
const WITH_SHORT_NAME: ReadonlySet<ReferenceKind> = new Set([
  'organisationUnitGroups',
  'organisationUnitGroupSets',
  'categoryOptionGroups',
  'categoryOptionGroupSets',
  'dataElementGroups',
  'dataElementGroupSets',
  'indicators',
  'indicatorGroupSets',
  'optionGroups',
  'programs',
  'trackedEntityAttributes',
]);

/** The fields the sync and the offline package ask for, per reference kind. */
export function referenceKindFields(kind: ReferenceKind): string {
  const fields = ['id', 'name', 'code'];
  if (WITH_SHORT_NAME.has(kind)) fields.push('shortName');
  if (kind === 'organisationUnitLevels') fields.push('level');
  return fields.join(',');
}

export const REFERENCE_KIND_LABELS: Record<ReferenceKind, { one: string; many: string }> = {
  userGroups: { one: 'user group', many: 'user groups' },
  organisationUnitGroups: { one: 'organisation unit group', many: 'organisation unit groups' },
  organisationUnitGroupSets: { one: 'organisation unit group set', many: 'organisation unit group sets' },
  organisationUnitLevels: { one: 'organisation unit level', many: 'organisation unit levels' },
  categoryOptionGroups: { one: 'category option group', many: 'category option groups' },
  categoryOptionGroupSets: { one: 'category option group set', many: 'category option group sets' },
  dataElementGroups: { one: 'data element group', many: 'data element groups' },
  dataElementGroupSets: { one: 'data element group set', many: 'data element group sets' },
  indicatorTypes: { one: 'indicator type', many: 'indicator types' },
  indicators: { one: 'indicator', many: 'indicators' },
  indicatorGroups: { one: 'indicator group', many: 'indicator groups' },
  indicatorGroupSets: { one: 'indicator group set', many: 'indicator group sets' },
  legendSets: { one: 'legend set', many: 'legend sets' },
  optionGroups: { one: 'option group', many: 'option groups' },
  optionGroupSets: { one: 'option group set', many: 'option group sets' },
  dataEntryForms: { one: 'data entry form', many: 'data entry forms' },
  dataApprovalWorkflows: { one: 'data approval workflow', many: 'data approval workflows' },
  validationRules: { one: 'validation rule', many: 'validation rules' },
  validationRuleGroups: { one: 'validation rule group', many: 'validation rule groups' },
  programs: { one: 'program', many: 'programs' },
  programStages: { one: 'program stage', many: 'program stages' },
  trackedEntityTypes: { one: 'tracked entity type', many: 'tracked entity types' },
  trackedEntityAttributes: { one: 'tracked entity attribute', many: 'tracked entity attributes' },
};

export function kindLabel(kind: SnapshotKind): { one: string; many: string } {
  return isMetadataType(kind) ? METADATA_TYPE_LABELS[kind] : REFERENCE_KIND_LABELS[kind];
}

/** An object of a reference kind: enough to say it exists, and to find it by code or name. */
export interface ReferenceRecord {
  id: string;
  name: string | null;
  code: string | null;
  shortName: string | null;
  /** Organisation unit levels only: the level number, which DHIS2 keeps unique. */
  level: number | null;
}

export interface AttributeValue {
  attribute: string;
  value: string;
}

interface Identifiable {
  id: string;
  name: string | null;
  code: string | null;
  attributeValues: AttributeValue[];
}

export interface OrgUnit extends Identifiable {
  shortName: string | null;
  /** `/root/.../id`; null when the source left it out (the index derives it from the parents). */
  path: string | null;
  level: number | null;
  parent: string | null;
  openingDate: string | null;
  closedDate: string | null;
  /**
   * Its geometry in brief, when the source carried it (a full export; the sync leaves geometry out). Absent
   * means not known, so the geometry checks say "not checked" rather than guess.
   */
  geometry?: GeometrySummary;
}

export interface DataInputPeriod {
  period: string;
  openingDate: string | null;
  closingDate: string | null;
}

export interface DataSetElement {
  dataElement: string;
  /** Overrides the data element's own category combo within this data set. */
  categoryCombo: string | null;
}

export interface DataSet extends Identifiable {
  shortName: string | null;
  periodType: string | null;
  /** The attribute category combo. */
  categoryCombo: string | null;
  expiryDays: number | null;
  openFuturePeriods: number | null;
  timelyDays: number | null;
  dataInputPeriods: DataInputPeriod[];
  dataSetElements: DataSetElement[];
  organisationUnits: string[];
}

export interface DataElement extends Identifiable {
  shortName: string | null;
  valueType: string | null;
  domainType: string | null;
  aggregationType: string | null;
  optionSet: string | null;
  zeroIsSignificant: boolean;
  categoryCombo: string | null;
}

export interface CategoryCombo extends Identifiable {
  dataDimensionType: string | null;
  isDefault: boolean;
  categories: string[];
  /** As the combo lists them; option combos that name the combo are added by the index. */
  categoryOptionCombos: string[];
}

export interface Category extends Identifiable {
  shortName: string | null;
  dataDimensionType: string | null;
  categoryOptions: string[];
}

export interface CategoryOption extends Identifiable {
  shortName: string | null;
  startDate: string | null;
  endDate: string | null;
  organisationUnits: string[];
}

export interface CategoryOptionCombo extends Identifiable {
  categoryCombo: string | null;
  categoryOptions: string[];
}

export interface OptionRecord {
  id: string;
  code: string | null;
  name: string | null;
  sortOrder: number | null;
}

export interface OptionSet extends Identifiable {
  valueType: string | null;
  options: OptionRecord[];
}

export interface Attribute {
  id: string;
  name: string | null;
  code: string | null;
  valueType: string | null;
  unique: boolean;
  /** The modelled types it may be assigned to (from the `<type>Attribute` flags or `objectTypes`). */
  appliesTo: MetadataType[];
}

/** The DHIS2 user whose rights the checks assume: /api/me, or the matching user of a file. */
export interface MetadataUser {
  id: string;
  username: string;
  name: string | null;
  organisationUnits: string[];
  dataViewOrganisationUnits: string[];
  authorities: string[];
}

export interface MetadataRecords {
  attributes: Attribute;
  categoryOptions: CategoryOption;
  categories: Category;
  categoryCombos: CategoryCombo;
  categoryOptionCombos: CategoryOptionCombo;
  optionSets: OptionSet;
  dataElements: DataElement;
  dataSets: DataSet;
  organisationUnits: OrgUnit;
}
export type MetadataRecord = MetadataRecords[MetadataType];

// ---------------------------------------------------------------- schemas

const text = z.string().nullish();
const num = z.number().nullish();
const flag = z.boolean().nullish();

/** `{"id": "..."}`, or with identifier=CODE files only a code: those cannot be kept (no id). */
const Ref = z.object({ id: z.string().nullish() }).nullish();
const Refs = z.array(Ref).nullish();

function refId(ref: z.output<typeof Ref>): string | null {
  return ref?.id ?? null;
}

function refIds(refs: z.output<typeof Refs>): string[] {
  const ids: string[] = [];
  for (const ref of refs ?? []) if (ref?.id) ids.push(ref.id);
  return ids;
}

const AttributeValues = z
  .array(z.object({ attribute: Ref, value: z.union([z.string(), z.number(), z.boolean()]).nullish() }).nullish())
  .nullish()
  .transform((list): AttributeValue[] => {
    const out: AttributeValue[] = [];
    for (const item of list ?? []) {
      const attribute = item?.attribute?.id;
      if (attribute && item.value !== null && item.value !== undefined) out.push({ attribute, value: String(item.value) });
    }
    return out;
  });

const identifiable = {
  id: z.string().min(1),
  name: text,
  code: text,
  attributeValues: AttributeValues,
};

function base(raw: { id: string; name?: string | null; code?: string | null; attributeValues: AttributeValue[] }): Identifiable {
  return { id: raw.id, name: raw.name ?? null, code: raw.code ?? null, attributeValues: raw.attributeValues };
}

export const OrgUnitSchema = z
  .object({ ...identifiable, shortName: text, path: text, level: num, parent: Ref, openingDate: text, closedDate: text, geometry: z.unknown().optional() })
  .transform((raw): OrgUnit => {
    const unit: OrgUnit = {
      ...base(raw),
      shortName: raw.shortName ?? null,
      path: raw.path ?? null,
      level: raw.level ?? null,
      parent: refId(raw.parent),
      openingDate: raw.openingDate ?? null,
      closedDate: raw.closedDate ?? null,
    };
    // Only a summary is kept (see GeometrySummary): boundaries are large and the checks need a few numbers.
    const geometry = summariseGeometry(raw.geometry);
    if (geometry) unit.geometry = geometry;
    return unit;
  });

/** `period` is `{"id": "202401"}` in exports; a bare string is accepted too. */
const DataInputPeriodSchema = z.object({
  period: z.union([z.string(), z.object({ id: z.string().nullish() })]).nullish(),
  openingDate: text,
  closingDate: text,
});

export const DataSetSchema = z
  .object({
    ...identifiable,
    shortName: text,
    periodType: text,
    categoryCombo: Ref,
    expiryDays: num,
    openFuturePeriods: num,
    timelyDays: num,
    dataInputPeriods: z.array(DataInputPeriodSchema.nullish()).nullish(),
    dataSetElements: z.array(z.object({ dataElement: Ref, categoryCombo: Ref }).nullish()).nullish(),
    organisationUnits: Refs,
  })
  .transform((raw): DataSet => {
    const dataInputPeriods: DataInputPeriod[] = [];
    for (const item of raw.dataInputPeriods ?? []) {
      const period = typeof item?.period === 'string' ? item.period : item?.period?.id;
      if (item && period) dataInputPeriods.push({ period, openingDate: item.openingDate ?? null, closingDate: item.closingDate ?? null });
    }
    const dataSetElements: DataSetElement[] = [];
    for (const item of raw.dataSetElements ?? []) {
      const dataElement = refId(item?.dataElement);
      if (dataElement) dataSetElements.push({ dataElement, categoryCombo: refId(item?.categoryCombo) });
    }
    return {
      ...base(raw),
      shortName: raw.shortName ?? null,
      periodType: raw.periodType ?? null,
      categoryCombo: refId(raw.categoryCombo),
      expiryDays: raw.expiryDays ?? null,
      openFuturePeriods: raw.openFuturePeriods ?? null,
      timelyDays: raw.timelyDays ?? null,
      dataInputPeriods,
      dataSetElements,
      organisationUnits: refIds(raw.organisationUnits),
    };
  });

export const DataElementSchema = z
  .object({
    ...identifiable,
    shortName: text,
    valueType: text,
    domainType: text,
    aggregationType: text,
    optionSet: Ref,
    zeroIsSignificant: flag,
    categoryCombo: Ref,
  })
  .transform((raw): DataElement => ({
    ...base(raw),
    shortName: raw.shortName ?? null,
    valueType: raw.valueType ?? null,
    domainType: raw.domainType ?? null,
    aggregationType: raw.aggregationType ?? null,
    optionSet: refId(raw.optionSet),
    zeroIsSignificant: raw.zeroIsSignificant ?? false,
    categoryCombo: refId(raw.categoryCombo),
  }));

export const CategoryComboSchema = z
  .object({ ...identifiable, dataDimensionType: text, isDefault: flag, categories: Refs, categoryOptionCombos: Refs })
  .transform((raw): CategoryCombo => ({
    ...base(raw),
    dataDimensionType: raw.dataDimensionType ?? null,
    isDefault: raw.isDefault ?? false,
    categories: refIds(raw.categories),
    categoryOptionCombos: refIds(raw.categoryOptionCombos),
  }));

export const CategorySchema = z.object({ ...identifiable, shortName: text, dataDimensionType: text, categoryOptions: Refs }).transform((raw): Category => ({
  ...base(raw),
  shortName: raw.shortName ?? null,
  dataDimensionType: raw.dataDimensionType ?? null,
  categoryOptions: refIds(raw.categoryOptions),
}));

export const CategoryOptionSchema = z
  .object({ ...identifiable, shortName: text, startDate: text, endDate: text, organisationUnits: Refs })
  .transform((raw): CategoryOption => ({
    ...base(raw),
    shortName: raw.shortName ?? null,
    startDate: raw.startDate ?? null,
    endDate: raw.endDate ?? null,
    organisationUnits: refIds(raw.organisationUnits),
  }));

export const CategoryOptionComboSchema = z
  .object({ ...identifiable, categoryCombo: Ref, categoryOptions: Refs })
  .transform((raw): CategoryOptionCombo => ({ ...base(raw), categoryCombo: refId(raw.categoryCombo), categoryOptions: refIds(raw.categoryOptions) }));

/** An option as the top-level `options` collection of an export has it (or embedded in its set). */
export const OptionSchema = z.object({ id: z.string().min(1), code: text, name: text, sortOrder: num, optionSet: Ref }).transform((raw) => ({
  option: { id: raw.id, code: raw.code ?? null, name: raw.name ?? null, sortOrder: raw.sortOrder ?? null } satisfies OptionRecord,
  optionSet: refId(raw.optionSet),
}));

/** Exports list only `{"id"}` under `options` (the options come as their own collection); the API embeds them. */
export const OptionSetSchema = z
  .object({
    ...identifiable,
    valueType: text,
    options: z.array(z.object({ id: z.string().nullish(), code: text, name: text, sortOrder: num }).nullish()).nullish(),
  })
  .transform((raw): OptionSet => {
    const options: OptionRecord[] = [];
    for (const item of raw.options ?? []) {
      if (item?.id) options.push({ id: item.id, code: item.code ?? null, name: item.name ?? null, sortOrder: item.sortOrder ?? null });
    }
    return { ...base(raw), valueType: raw.valueType ?? null, options };
  });

/** `<flag>Attribute: true` on the attribute (all versions), or the `objectTypes` enum names (2.38+). */
export const ATTRIBUTE_FLAGS: Record<MetadataType, { flag: string; objectType: string }> = {
  attributes: { flag: 'attributeAttribute', objectType: 'ATTRIBUTE' },
  categoryOptions: { flag: 'categoryOptionAttribute', objectType: 'CATEGORY_OPTION' },
  categories: { flag: 'categoryAttribute', objectType: 'CATEGORY' },
  categoryCombos: { flag: 'categoryComboAttribute', objectType: 'CATEGORY_COMBO' },
  categoryOptionCombos: { flag: 'categoryOptionComboAttribute', objectType: 'CATEGORY_OPTION_COMBO' },
  optionSets: { flag: 'optionSetAttribute', objectType: 'OPTION_SET' },
  dataElements: { flag: 'dataElementAttribute', objectType: 'DATA_ELEMENT' },
  dataSets: { flag: 'dataSetAttribute', objectType: 'DATA_SET' },
  organisationUnits: { flag: 'organisationUnitAttribute', objectType: 'ORGANISATION_UNIT' },
};

// Loose: the `<type>Attribute` flags are read by name below, and there are dozens of them.
export const AttributeSchema = z
  .looseObject({
    id: z.string().min(1),
    name: text,
    code: text,
    valueType: text,
    unique: flag,
    objectTypes: z.array(z.string()).nullish(),
  })
  .transform((raw): Attribute => {
    const flags: Record<string, unknown> = raw;
    const objectTypes = new Set(raw.objectTypes ?? []);
    const appliesTo: MetadataType[] = [];
    for (const type of METADATA_TYPES) {
      const { flag: name, objectType } = ATTRIBUTE_FLAGS[type];
      if (flags[name] === true || objectTypes.has(objectType)) appliesTo.push(type);
    }
    return { id: raw.id, name: raw.name ?? null, code: raw.code ?? null, valueType: raw.valueType ?? null, unique: raw.unique ?? false, appliesTo };
  });

export const RECORD_SCHEMAS: { [T in MetadataType]: z.ZodType<MetadataRecords[T]> } = {
  attributes: AttributeSchema,
  categoryOptions: CategoryOptionSchema,
  categories: CategorySchema,
  categoryCombos: CategoryComboSchema,
  categoryOptionCombos: CategoryOptionComboSchema,
  optionSets: OptionSetSchema,
  dataElements: DataElementSchema,
  dataSets: DataSetSchema,
  organisationUnits: OrgUnitSchema,
};

export const ReferenceRecordSchema = z
  .object({ id: z.string().min(1), name: text, code: text, shortName: text, level: num })
  .transform((raw): ReferenceRecord => ({
    id: raw.id,
    name: raw.name ?? null,
    code: raw.code ?? null,
    shortName: raw.shortName ?? null,
    level: raw.level ?? null,
  }));

/** /api/me with the fields the sync asks for. */
export const MeSchema = z
  .object({
    id: z.string().min(1),
    username: z.string().min(1),
    name: text,
    displayName: text,
    organisationUnits: Refs,
    dataViewOrganisationUnits: Refs,
    authorities: z.array(z.string()).nullish(),
  })
  .transform((raw): MetadataUser => ({
    id: raw.id,
    username: raw.username,
    name: raw.name ?? raw.displayName ?? null,
    organisationUnits: refIds(raw.organisationUnits),
    dataViewOrganisationUnits: refIds(raw.dataViewOrganisationUnits),
    authorities: raw.authorities ?? [],
  }));

/** A user of a metadata export: authorities come from its roles (the `userRoles` collection). */
export const FileUserSchema = z.object({
  id: z.string().min(1),
  username: text,
  userCredentials: z.object({ username: text, userRoles: Refs }).nullish(),
  name: text,
  displayName: text,
  firstName: text,
  surname: text,
  organisationUnits: Refs,
  dataViewOrganisationUnits: Refs,
  userRoles: Refs,
});
export type FileUser = z.output<typeof FileUserSchema>;

export const UserRoleSchema = z.object({ id: z.string().min(1), authorities: z.array(z.string()).nullish() });

export function fileUserName(user: FileUser): string | null {
  // Before 2.36 the user name lived under userCredentials.
  return user.username ?? user.userCredentials?.username ?? null;
}

export function toMetadataUser(user: FileUser, roleAuthorities: ReadonlyMap<string, readonly string[]>): MetadataUser {
  const roles = [...refIds(user.userRoles), ...refIds(user.userCredentials?.userRoles)];
  const authorities = new Set<string>();
  for (const role of roles) for (const authority of roleAuthorities.get(role) ?? []) authorities.add(authority);
  const fullName = [user.firstName, user.surname].filter(Boolean).join(' ');
  return {
    id: user.id,
    username: fileUserName(user) ?? user.id,
    name: user.name ?? user.displayName ?? (fullName || null),
    organisationUnits: refIds(user.organisationUnits),
    dataViewOrganisationUnits: refIds(user.dataViewOrganisationUnits),
    authorities: [...authorities],
  };
}

/** The first problems of a failed parse, as `path: message`, for one line of a report. */
export function describeIssues(error: z.ZodError, prefix = '', max = 3): string {
  const parts = error.issues.slice(0, max).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  if (error.issues.length > max) parts.push(`and ${error.issues.length - max} more`);
  return parts.join('; ');
}
