import {
  LEGACY_KINDS,
  METADATA_TYPE_LABELS,
  METADATA_TYPES,
  isMetadataType,
  type ReferenceKind,
  type ReferenceRecord,
  type SnapshotKind,
  type Attribute,
  type Category,
  type CategoryCombo,
  type CategoryOption,
  type CategoryOptionCombo,
  type DataElement,
  type DataSet,
  type MetadataRecords,
  type MetadataType,
  type MetadataUser,
  type OptionRecord,
  type OptionSet,
  type OrgUnit,
} from './model';
import { formatIdScheme, parseIdScheme, type IdScheme } from './id-scheme';
import type { MetadataSnapshot } from '../../../shared/contract';

/** Everything a snapshot holds, as plain records. */
export interface MetadataContent {
  records: { [T in MetadataType]: readonly MetadataRecords[T][] };
  /** Objects of the kinds kept only to tell whether they exist. */
  references?: { readonly [K in ReferenceKind]?: readonly ReferenceRecord[] };
  /** The kinds held, even with no objects; null or absent for a snapshot made before kinds were recorded. */
  kinds?: readonly SnapshotKind[] | null;
  user: MetadataUser | null;
}

/** An org unit whose path and level are known (derived from its parents when the source left them out). */
export type PlacedOrgUnit = OrgUnit & { path: string; level: number };

type IndexedRecords = Omit<MetadataRecords, 'organisationUnits'> & { organisationUnits: PlacedOrgUnit };

export type Resolution =
  | { ok: true; uid: string }
  | {
      ok: false;
      /** unknown: nothing matches; ambiguous: several do (NAME, or a code shared in a file); scheme: the scheme cannot be used here. */
      reason: 'unknown' | 'ambiguous' | 'scheme';
      message: string;
      candidates: string[];
    };

/** One UID, or several when a code, name or attribute value is shared. Most keys have one, so no array for them. */
type Bucket = string | string[];

function addTo(map: Map<string, Bucket>, key: string, uid: string): void {
  const existing = map.get(key);
  if (existing === undefined) map.set(key, uid);
  else if (typeof existing === 'string') {
    if (existing !== uid) map.set(key, [existing, uid]);
  } else if (!existing.includes(uid)) existing.push(uid);
}

function optionsKey(options: readonly string[]): string {
  return [...options].sort().join(',');
}

const NO_ORG_UNITS: ReadonlySet<string> = new Set();

const DEFAULT_NAME = 'default';
// The UIDs DHIS2 gives its default category objects on every instance; used when names are missing.
const DEFAULT_COMBO_UID = 'bjDvmb4bfuf';
const DEFAULT_OPTION_COMBO_UID = 'HllvX50cXC0';

/**
 * The offline metadata, indexed for validating millions of values: every lookup is a Map access.
 * Code, name and attribute-value maps are built on first use, since most files use one scheme.
 */
export class MetadataIndex {
  readonly user: MetadataUser | null;
  readonly defaultCategoryCombo: string | null;
  readonly defaultCategoryOptionCombo: string | null;

  /** False for a snapshot made before kinds were recorded: what it holds is inferred (LEGACY_KINDS). */
  readonly kindsRecorded: boolean;

  private readonly records: { [T in MetadataType]: Map<string, IndexedRecords[T]> };
  private readonly references = new Map<ReferenceKind, Map<string, ReferenceRecord>>();
  private readonly held: ReadonlySet<SnapshotKind>;
  private readonly referenceMaps = new Map<string, Map<string, Bucket>>();
  private readonly codeMaps = new Map<MetadataType, Map<string, Bucket>>();
  private readonly nameMaps = new Map<MetadataType, Map<string, Bucket>>();
  private readonly attributeMaps = new Map<string, Map<string, Bucket>>();

  private readonly elementsOfDataSet = new Map<string, Map<string, string | null>>();
  private readonly orgUnitsOfDataSet = new Map<string, Set<string>>();
  private readonly dataSetsOfElementMap = new Map<string, string[]>();
  private readonly optionCombosOfCombo = new Map<string, string[]>();
  private readonly optionComboSets = new Map<string, Set<string>>();
  private readonly comboOfOptionComboMap = new Map<string, string>();
  private readonly optionComboByOptions = new Map<string, Map<string, string>>();
  private readonly optionsOfCategory = new Map<string, Set<string>>();
  private readonly optionsByCode = new Map<string, Map<string, OptionRecord>>();
  private readonly captureCache = new Map<string, boolean>();
  private readonly viewCache = new Map<string, boolean>();

  private constructor(
    content: MetadataContent,
    readonly snapshot: MetadataSnapshot | null,
  ) {
    this.user = content.user;
    const maps = {} as { [T in MetadataType]: Map<string, IndexedRecords[T]> };
    for (const type of METADATA_TYPES) {
      if (type === 'organisationUnits') continue;
      const map = new Map<string, MetadataRecords[typeof type]>();
      for (const record of content.records[type]) map.set(record.id, record);
      (maps as Record<MetadataType, Map<string, unknown>>)[type] = map;
    }
    maps.organisationUnits = placeOrgUnits(content.records.organisationUnits);
    this.records = maps;

    for (const [kind, list] of Object.entries(content.references ?? {}) as [ReferenceKind, readonly ReferenceRecord[]][]) {
      const map = new Map<string, ReferenceRecord>();
      for (const record of list) map.set(record.id, record);
      this.references.set(kind, map);
    }
    this.kindsRecorded = Array.isArray(content.kinds);
    if (content.kinds) this.held = new Set(content.kinds);
    // Before kinds were recorded a sync fetched LEGACY_KINDS, all of them; a file told only what it had objects of.
    else if (snapshot?.source === 'server') this.held = new Set(LEGACY_KINDS);
    else this.held = new Set(LEGACY_KINDS.filter((type) => maps[type].size > 0));

    for (const dataSet of maps.dataSets.values()) {
      const elements = new Map<string, string | null>();
      for (const element of dataSet.dataSetElements) {
        elements.set(element.dataElement, element.categoryCombo);
        const sets = this.dataSetsOfElementMap.get(element.dataElement);
        if (sets) sets.push(dataSet.id);
        else this.dataSetsOfElementMap.set(element.dataElement, [dataSet.id]);
      }
      this.elementsOfDataSet.set(dataSet.id, elements);
      this.orgUnitsOfDataSet.set(dataSet.id, new Set(dataSet.organisationUnits));
    }

    for (const category of maps.categories.values()) this.optionsOfCategory.set(category.id, new Set(category.categoryOptions));

    // A combo's option combos: those the combo lists, plus those that name the combo (exports keep only the latter).
    const linkOptionCombo = (combo: string, optionCombo: string) => {
      let set = this.optionComboSets.get(combo);
      if (!set) this.optionComboSets.set(combo, (set = new Set()));
      set.add(optionCombo);
      if (!this.comboOfOptionComboMap.has(optionCombo)) this.comboOfOptionComboMap.set(optionCombo, combo);
    };
    for (const combo of maps.categoryCombos.values()) for (const optionCombo of combo.categoryOptionCombos) linkOptionCombo(combo.id, optionCombo);
    for (const optionCombo of maps.categoryOptionCombos.values()) if (optionCombo.categoryCombo) linkOptionCombo(optionCombo.categoryCombo, optionCombo.id);
    for (const [combo, set] of this.optionComboSets) {
      this.optionCombosOfCombo.set(combo, [...set]);
      const byOptions = new Map<string, string>();
      for (const uid of set) {
        const optionCombo = maps.categoryOptionCombos.get(uid);
        if (optionCombo) byOptions.set(optionsKey(optionCombo.categoryOptions), uid);
      }
      this.optionComboByOptions.set(combo, byOptions);
    }

    for (const optionSet of maps.optionSets.values()) {
      const byCode = new Map<string, OptionRecord>();
      for (const option of optionSet.options) if (option.code !== null) byCode.set(option.code, option);
      this.optionsByCode.set(optionSet.id, byCode);
    }

    this.defaultCategoryCombo = findDefault(maps.categoryCombos, DEFAULT_COMBO_UID, (combo) => combo.isDefault);
    this.defaultCategoryOptionCombo = findDefault(maps.categoryOptionCombos, DEFAULT_OPTION_COMBO_UID, (optionCombo) =>
      this.defaultCategoryCombo === null ? false : optionCombo.categoryCombo === this.defaultCategoryCombo && optionCombo.name === DEFAULT_NAME,
    );
  }

  static build(content: MetadataContent, snapshot: MetadataSnapshot | null = null): MetadataIndex {
    return new MetadataIndex(content, snapshot);
  }

  // ------------------------------------------------------------ by UID

  get<T extends MetadataType>(type: T, uid: string): IndexedRecords[T] | undefined {
    return this.records[type].get(uid);
  }

  has(type: MetadataType, uid: string): boolean {
    return this.records[type].has(uid);
  }

  count(type: MetadataType): number {
    return this.records[type].size;
  }

  // ------------------------------------------------------------ any kind held

  /** Whether the snapshot holds every object of this kind the server has: then one it lacks is not on the server. */
  holds(kind: SnapshotKind): boolean {
    return this.held.has(kind);
  }

  /** Whether an object of this kind with this UID is in the snapshot. */
  hasObject(kind: SnapshotKind, uid: string): boolean {
    return isMetadataType(kind) ? this.records[kind].has(uid) : (this.references.get(kind)?.has(uid) ?? false);
  }

  /** The code of an object of the snapshot; undefined when it is not there. */
  codeOf(kind: SnapshotKind, uid: string): string | null | undefined {
    const record = isMetadataType(kind) ? this.records[kind].get(uid) : this.references.get(kind)?.get(uid);
    return record === undefined ? undefined : record.code;
  }

  /** The UIDs of the objects of a kind whose code, or name, is this value. */
  lookup(kind: SnapshotKind, property: 'code' | 'name', value: string): readonly string[] {
    let bucket: Bucket | undefined;
    if (isMetadataType(kind)) bucket = (property === 'code' ? this.codeMap(kind) : this.nameMap(kind)).get(value);
    else {
      const key = `${kind}|${property}`;
      let map = this.referenceMaps.get(key);
      if (!map) {
        map = new Map();
        for (const record of this.references.get(kind)?.values() ?? []) {
          const text = record[property];
          if (text !== null) addTo(map, text, record.id);
        }
        this.referenceMaps.set(key, map);
      }
      bucket = map.get(value);
    }
    return bucket === undefined ? [] : typeof bucket === 'string' ? [bucket] : bucket;
  }

  all<T extends MetadataType>(type: T): IterableIterator<IndexedRecords[T]> {
    return this.records[type].values();
  }

  orgUnit(uid: string): PlacedOrgUnit | undefined {
    return this.records.organisationUnits.get(uid);
  }

  dataSet(uid: string): DataSet | undefined {
    return this.records.dataSets.get(uid);
  }

  dataElement(uid: string): DataElement | undefined {
    return this.records.dataElements.get(uid);
  }

  categoryCombo(uid: string): CategoryCombo | undefined {
    return this.records.categoryCombos.get(uid);
  }

  category(uid: string): Category | undefined {
    return this.records.categories.get(uid);
  }

  categoryOption(uid: string): CategoryOption | undefined {
    return this.records.categoryOptions.get(uid);
  }

  categoryOptionCombo(uid: string): CategoryOptionCombo | undefined {
    return this.records.categoryOptionCombos.get(uid);
  }

  optionSet(uid: string): OptionSet | undefined {
    return this.records.optionSets.get(uid);
  }

  attribute(uid: string): Attribute | undefined {
    return this.records.attributes.get(uid);
  }

  // ------------------------------------------------------------ id schemes

  /** The UID an identifier stands for under a scheme (`UID`, `CODE`, `NAME`, `ATTRIBUTE:<uid>`, any case). */
  resolve(type: MetadataType, identifier: string, scheme: IdScheme | string = 'UID'): Resolution {
    const parsed = typeof scheme === 'string' ? parseIdScheme(scheme) : scheme;
    const label = METADATA_TYPE_LABELS[type];
    switch (parsed.kind) {
      case 'UID':
        return this.records[type].has(identifier) ? { ok: true, uid: identifier } : unknown(`No ${label.one} with id "${identifier}" in the offline metadata.`);
      case 'CODE':
        return this.fromBucket(this.codeMap(type).get(identifier), type, `code "${identifier}"`);
      case 'NAME':
        return this.fromBucket(this.nameMap(type).get(identifier), type, `name "${identifier}"`);
      case 'ATTRIBUTE': {
        const attribute = this.records.attributes.get(parsed.attribute);
        if (attribute && !attribute.unique) {
          return schemeFailure(`Attribute ${attributeLabel(attribute)} is not unique, so ${formatIdScheme(parsed)} cannot identify ${label.many}.`);
        }
        // An attribute that lists no types either predates the flags or came without them: let its values speak.
        if (attribute && attribute.appliesTo.length > 0 && !attribute.appliesTo.includes(type)) {
          return schemeFailure(`Attribute ${attributeLabel(attribute)} is not assigned to ${label.many}, so ${formatIdScheme(parsed)} cannot identify them.`);
        }
        return this.fromBucket(this.attributeMap(type, parsed.attribute).get(identifier), type, `value "${identifier}" of attribute ${parsed.attribute}`);
      }
    }
  }

  private fromBucket(bucket: Bucket | undefined, type: MetadataType, what: string): Resolution {
    const label = METADATA_TYPE_LABELS[type];
    if (bucket === undefined) return unknown(`No ${label.one} with ${what} in the offline metadata.`);
    if (typeof bucket === 'string') return { ok: true, uid: bucket };
    const shown = bucket.slice(0, 5).join(', ');
    return {
      ok: false,
      reason: 'ambiguous',
      message: `The ${what} matches ${bucket.length} ${label.many} (${shown}${bucket.length > 5 ? ', …' : ''}); use their ids instead.`,
      candidates: [...bucket],
    };
  }

  private codeMap(type: MetadataType): Map<string, Bucket> {
    let map = this.codeMaps.get(type);
    if (!map) {
      map = new Map();
      for (const record of this.records[type].values()) if (record.code !== null) addTo(map, record.code, record.id);
      this.codeMaps.set(type, map);
    }
    return map;
  }

  private nameMap(type: MetadataType): Map<string, Bucket> {
    let map = this.nameMaps.get(type);
    if (!map) {
      map = new Map();
      for (const record of this.records[type].values()) if (record.name !== null) addTo(map, record.name, record.id);
      this.nameMaps.set(type, map);
    }
    return map;
  }

  private attributeMap(type: MetadataType, attribute: string): Map<string, Bucket> {
    const key = `${type}|${attribute}`;
    let map = this.attributeMaps.get(key);
    if (!map) {
      map = new Map();
      for (const record of this.records[type].values()) {
        if (!('attributeValues' in record)) continue;
        for (const value of record.attributeValues) if (value.attribute === attribute) addTo(map, value.value, record.id);
      }
      this.attributeMaps.set(key, map);
    }
    return map;
  }

  // ------------------------------------------------------------ org unit hierarchy

  /** True when `orgUnit` is `ancestor` or lies below it. */
  isWithin(orgUnit: string, ancestor: string): boolean {
    if (orgUnit === ancestor) return this.records.organisationUnits.has(orgUnit);
    const path = this.records.organisationUnits.get(orgUnit)?.path;
    return path !== undefined && `${path}/`.includes(`/${ancestor}/`);
  }

  isWithinAny(orgUnit: string, ancestors: readonly string[]): boolean {
    for (const ancestor of ancestors) if (this.isWithin(orgUnit, ancestor)) return true;
    return false;
  }

  /** Inside the user's data capture org units; null when the snapshot has no user to ask. */
  inCaptureHierarchy(orgUnit: string): boolean | null {
    if (!this.user) return null;
    return cached(this.captureCache, orgUnit, () => this.isWithinAny(orgUnit, this.user!.organisationUnits));
  }

  /** Inside the user's data view org units (DHIS2 falls back to the capture ones when none are set). */
  inViewHierarchy(orgUnit: string): boolean | null {
    if (!this.user) return null;
    const roots = this.user.dataViewOrganisationUnits.length > 0 ? this.user.dataViewOrganisationUnits : this.user.organisationUnits;
    return cached(this.viewCache, orgUnit, () => this.isWithinAny(orgUnit, roots));
  }

  // ------------------------------------------------------------ data sets

  dataSetHasElement(dataSet: string, dataElement: string): boolean {
    return this.elementsOfDataSet.get(dataSet)?.has(dataElement) ?? false;
  }

  dataSetHasOrgUnit(dataSet: string, orgUnit: string): boolean {
    return this.orgUnitsOfDataSet.get(dataSet)?.has(orgUnit) ?? false;
  }

  /** The org units a data set is assigned to (empty for an unknown data set); for asking it a million times. */
  dataSetOrgUnits(dataSet: string): ReadonlySet<string> {
    return this.orgUnitsOfDataSet.get(dataSet) ?? NO_ORG_UNITS;
  }

  dataSetsOfElement(dataElement: string): readonly string[] {
    return this.dataSetsOfElementMap.get(dataElement) ?? [];
  }

  /** The data element's category combo, as a data set overrides it; the default combo when none is set. */
  categoryComboOf(dataElement: string, dataSet?: string): string | null {
    if (dataSet !== undefined) {
      const override = this.elementsOfDataSet.get(dataSet)?.get(dataElement);
      if (override) return override;
    }
    const element = this.records.dataElements.get(dataElement);
    if (!element) return null;
    return element.categoryCombo ?? this.defaultCategoryCombo;
  }

  // ------------------------------------------------------------ categories

  optionCombosOf(categoryCombo: string): readonly string[] {
    return this.optionCombosOfCombo.get(categoryCombo) ?? [];
  }

  comboHasOptionCombo(categoryCombo: string, optionCombo: string): boolean {
    return this.optionComboSets.get(categoryCombo)?.has(optionCombo) ?? false;
  }

  comboOfOptionCombo(optionCombo: string): string | null {
    return this.comboOfOptionComboMap.get(optionCombo) ?? this.records.categoryOptionCombos.get(optionCombo)?.categoryCombo ?? null;
  }

  categoryHasOption(category: string, option: string): boolean {
    return this.optionsOfCategory.get(category)?.has(option) ?? false;
  }

  /** The option combo of a combo made of exactly these category options (any order). */
  optionComboOf(categoryCombo: string, options: readonly string[]): string | undefined {
    return this.optionComboByOptions.get(categoryCombo)?.get(optionsKey(options));
  }

  /**
   * ADX names a value's disaggregation as category -> option. Every category of the combo must be
   * given, with one of its own options, and nothing else; the answer is the matching option combo.
   */
  optionComboFor(categoryCombo: string, byCategory: Readonly<Record<string, string>>): Resolution {
    const combo = this.records.categoryCombos.get(categoryCombo);
    if (!combo) return unknown(`No category combo with id "${categoryCombo}" in the offline metadata.`);
    const given = Object.keys(byCategory);
    if (given.length === 0 && this.isDefaultCategoryCombo(categoryCombo) && this.defaultCategoryOptionCombo) {
      return { ok: true, uid: this.defaultCategoryOptionCombo };
    }
    for (const category of given) {
      if (!combo.categories.includes(category)) return unknown(`Category ${category} is not part of category combo ${comboLabel(combo)}.`);
    }
    const options: string[] = [];
    for (const category of combo.categories) {
      const option = byCategory[category];
      if (option === undefined) return unknown(`No option given for category ${category} of category combo ${comboLabel(combo)}.`);
      if (this.optionsOfCategory.has(category) && !this.categoryHasOption(category, option)) {
        return unknown(`Category option ${option} does not belong to category ${category}.`);
      }
      options.push(option);
    }
    const uid = this.optionComboOf(categoryCombo, options);
    return uid ? { ok: true, uid } : unknown(`Category combo ${comboLabel(combo)} has no option combo for the options ${options.join(', ')}.`);
  }

  isDefaultCategoryCombo(uid: string): boolean {
    return uid === this.defaultCategoryCombo;
  }

  isDefaultCategoryOptionCombo(uid: string): boolean {
    return uid === this.defaultCategoryOptionCombo;
  }

  // ------------------------------------------------------------ option sets

  optionByCode(optionSet: string, code: string): OptionRecord | undefined {
    return this.optionsByCode.get(optionSet)?.get(code);
  }
}

function unknown(message: string): Resolution {
  return { ok: false, reason: 'unknown', message, candidates: [] };
}

function schemeFailure(message: string): Resolution {
  return { ok: false, reason: 'scheme', message, candidates: [] };
}

function attributeLabel(attribute: Attribute): string {
  return attribute.name ? `"${attribute.name}" (${attribute.id})` : attribute.id;
}

function comboLabel(combo: CategoryCombo): string {
  return combo.name ? `"${combo.name}" (${combo.id})` : combo.id;
}

function cached(cache: Map<string, boolean>, key: string, compute: () => boolean): boolean {
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = compute()));
  return value;
}

function findDefault<R extends { id: string; name: string | null }>(map: Map<string, R>, wellKnownUid: string, extra: (record: R) => boolean): string | null {
  for (const record of map.values()) if (extra(record)) return record.id;
  for (const record of map.values()) if (record.name === DEFAULT_NAME) return record.id;
  return map.has(wellKnownUid) ? wellKnownUid : null;
}

/**
 * Paths and levels for every org unit. Exports may leave `path` out (it is derived data); then it
 * is rebuilt from the parents known here, as far up as they go.
 */
function placeOrgUnits(units: readonly OrgUnit[]): Map<string, PlacedOrgUnit> {
  const byId = new Map<string, OrgUnit>();
  for (const unit of units) byId.set(unit.id, unit);
  const paths = new Map<string, string>();
  const pathOf = (start: OrgUnit): string => {
    const chain: OrgUnit[] = [];
    const seen = new Set<string>();
    let current: OrgUnit | undefined = start;
    let prefix = '';
    while (current) {
      const known = paths.get(current.id) ?? (current.path ? normalisePath(current.path, current.id) : undefined);
      if (known !== undefined) {
        prefix = known;
        break;
      }
      if (seen.has(current.id)) break; // a parent cycle in a hand-made file: stop climbing
      seen.add(current.id);
      chain.push(current);
      const parentId: string | null = current.parent;
      current = parentId ? byId.get(parentId) : undefined;
      if (parentId && !current) prefix = `/${parentId}`;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      prefix = `${prefix}/${chain[i]!.id}`;
      paths.set(chain[i]!.id, prefix);
    }
    return paths.get(start.id) ?? prefix;
  };
  const placed = new Map<string, PlacedOrgUnit>();
  for (const unit of byId.values()) {
    const path = pathOf(unit);
    paths.set(unit.id, path);
    placed.set(unit.id, { ...unit, path, level: unit.level ?? path.split('/').length - 1 });
  }
  return placed;
}

function normalisePath(path: string, id: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const withRoot = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return withRoot.endsWith(`/${id}`) ? withRoot : `${withRoot}/${id}`;
}
