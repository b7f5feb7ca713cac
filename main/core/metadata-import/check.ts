import type { ImportMetadataParams, MetadataOfflineCheck, PreviewAction, PreviewItem, PreviewType } from '../../../shared/metadata-import';
import type { ErrorReport, ObjectReport, ReportStatus, Stats, TypeReport } from '../../../shared/import-report';
import { emptyStats } from '../../../shared/import-report';
import type { MetadataIndex } from '../metadata/index';
import { isUid } from '../metadata/id-scheme';
import { metadataLabel } from '../datavalues/check-file';
import { DEFAULT_OBJECT_UIDS, hasRules, simpleKlass, typeSpec, USER_REFERENCE_PROPERTIES, type ReferenceSpec, type TypeSpec } from './schema';
import { isPlainObject, referenceKey, textOf, type MetadataObjectRecord, type ReadNote } from '../formats/metadata/records';
import { formatMessage } from './messages';
import { javaStringHash } from '../datavalues/validation/java-hash-map';

/**
 * The offline check of a metadata file: the checks DHIS2 2.41 runs on an import (ObjectBundle
 * validation: duplicate ids, existence for CREATE/UPDATE/DELETE, required and over-long properties,
 * unique properties, references, UID format), in its order and with its error codes and messages,
 * against the objects of the file and the offline copy of the server's metadata. Whatever the offline
 * copy cannot tell (a type it does not hold) is said in `notes` and never reported as an error.
 */

export type Identifier = 'UID' | 'CODE';

/** What a reference is, shared by every reference of the same property (files can hold millions of them). */
interface ReferenceKind {
  property: string;
  target: string;
  collection: boolean;
  /** The reference sits in an embedded object (`dataSetElements`): reported under the embedding property. */
  embeddedIn: string | null;
  /** Which property of the object the error names. */
  reportProperty: string;
  resolvedWhileReading: boolean;
}

interface ReferenceUse {
  kind: ReferenceKind;
  /** The identifier the import matches by; null when the reference has none (DHIS2 then finds nothing: E5002 `[null]`). */
  key: string | null;
  /** With identifier CODE, the reference's id too: DHIS2 knows its default objects by id whatever the identifier. */
  id: string | null;
  /** The name the file gives the referenced object, if any (for DHIS2's `Name [id] (Klass)`). */
  name: string | null;
  duplicate: boolean;
}

const KINDS = new Map<string, ReferenceKind>();

function kindOf(
  property: string,
  target: string,
  collection: boolean,
  embeddedIn: string | null,
  resolvedWhileReading: boolean,
  reportProperty?: string,
): ReferenceKind {
  const key = `${property}|${target}|${collection}|${embeddedIn}|${resolvedWhileReading}|${reportProperty}`;
  let kind = KINDS.get(key);
  if (!kind) {
    // DHIS2 names a collection association by its XML item name: `organisationUnit` for `organisationUnits`.
    const named = reportProperty ?? embeddedIn ?? (collection ? itemName(property) : property);
    KINDS.set(key, (kind = { property, target, collection, embeddedIn, reportProperty: named, resolvedWhileReading }));
  }
  return kind;
}

/** What is kept of each object after reading it: enough to check it, never the object itself (files can be big). */
interface ObjectSummary {
  type: string;
  index: number;
  line: number;
  id: string | null;
  code: string | null;
  name: string | null;
  generatedId: boolean;
  membership: boolean;
  /** E4000 and E4001, in property order; null when there are none (most objects), to keep big files small. */
  schemaErrors: ErrorReport[] | null;
  /** Unique properties and their values, flat: property, value, property, value. */
  uniqueValues: string[] | null;
  references: ReferenceUse[] | null;
}

export interface CheckOptions {
  params: Pick<ImportMetadataParams, 'identifier' | 'importStrategy' | 'atomicMode' | 'skipSharing' | 'skipValidation'>;
  index: MetadataIndex | null;
  /** Items listed per type in the preview. */
  itemsPerType?: number;
}

const DEFAULT_ITEMS_PER_TYPE = 200;
/** Distinct ids kept per type the offline copy cannot check; past this the note says "more than". */
const MAX_UNRESOLVED_KEYS = 10_000;

/** Property types as DHIS2 names them in `errorKlass` of an E4000. */
const PROPERTY_KLASSES: Record<string, string> = {
  valueType: 'org.hisp.dhis.common.ValueType',
  domainType: 'org.hisp.dhis.dataelement.DataElementDomain',
  aggregationType: 'org.hisp.dhis.analytics.AggregationType',
  openingDate: 'java.util.Date',
  periodType: 'org.hisp.dhis.period.PeriodType',
  operator: 'org.hisp.dhis.expression.Operator',
  programType: 'org.hisp.dhis.program.ProgramType',
};

export class MetadataChecker {
  private readonly summaries: ObjectSummary[] = [];
  private readonly typeOrder: string[] = [];
  private readonly unknownTypes = new Map<string, number>();
  private readonly identifier: Identifier;
  private readonly itemsPerType: number;

  constructor(private readonly options: CheckOptions) {
    this.identifier = options.params.identifier === 'CODE' ? 'CODE' : 'UID';
    this.itemsPerType = options.itemsPerType ?? DEFAULT_ITEMS_PER_TYPE;
  }

  /** Takes one object as it is read. */
  add(record: MetadataObjectRecord): void {
    const spec = typeSpec(record.type);
    if (!spec) {
      this.unknownTypes.set(record.type, (this.unknownTypes.get(record.type) ?? 0) + 1);
      return;
    }
    if (!this.typeOrder.includes(record.type)) this.typeOrder.push(record.type);
    this.summaries.push(summarise(record, spec, this.identifier, this.options.params.skipSharing));
  }

  get objectCount(): number {
    return this.summaries.length;
  }

  finish(readNotes: readonly ReadNote[]): MetadataOfflineCheck {
    return new Verdict(this.options, this.identifier, this.summaries, this.typeOrder, this.unknownTypes, this.itemsPerType).build(readNotes);
  }
}

function summarise(record: MetadataObjectRecord, spec: TypeSpec, identifier: Identifier, skipSharing: boolean): ObjectSummary {
  const o = record.object;
  const id = own(textOf(o.id));
  const name = own(textOf(o.name));
  const membership = record.resolvedWhileReading?.includes('id') ?? false;
  const summary: ObjectSummary = {
    type: record.type,
    index: record.index,
    line: record.line,
    id,
    code: own(textOf(o.code)),
    name,
    generatedId: record.generatedId === true,
    membership,
    schemaErrors: null,
    uniqueValues: null,
    references: null,
  };
  const schemaErrors: ErrorReport[] = [];
  const uniqueValues: string[] = [];
  const references: ReferenceUse[] = [];
  const klass = spec.klass;
  const resolvedWhileReading = new Set(record.resolvedWhileReading ?? []);

  if (!membership) {
    for (const property of spec.required) {
      const value = o[property];
      if (value === undefined || value === null || value === '') schemaErrors.push(missing(klass, property, PROPERTY_KLASSES[property] ?? 'java.lang.String'));
    }
    for (const reference of spec.references) {
      if (!reference.required) continue;
      const value = o[reference.property];
      if (value === undefined || value === null || (isPlainObject(value) && Object.keys(value).length === 0)) {
        schemaErrors.push(missing(klass, reference.property, typeSpec(reference.target)?.klass ?? 'java.lang.Object'));
      }
    }
    const lengths: Record<string, number> = { ...(spec.codeNotUnique ? {} : { code: 50 }), ...spec.lengths };
    for (const [property, max] of Object.entries(lengths)) {
      const value = o[property];
      if (typeof value === 'string' && value.length > max) {
        schemaErrors.push({
          message: formatMessage('E4001', [property, max, value.length]),
          mainKlass: klass,
          errorKlass: 'java.lang.String',
          errorProperty: property,
          errorProperties: [property, max, value.length],
          errorCode: 'E4001',
          args: [property, String(max), String(value.length)],
        });
      }
    }
    if (schemaErrors.length > 0) summary.schemaErrors = inSchemaOrder(schemaErrors, (error) => error.errorProperty ?? '');
    const unique = inSchemaOrder(spec.codeNotUnique ? [...spec.unique] : ['code', ...spec.unique], (property) => property);
    for (const property of unique) {
      const value = property === 'code' ? summary.code : property === 'name' ? name : own(textOf(o[property]));
      if (value !== null) uniqueValues.push(property, value);
    }
  }

  const use = (spec2: ReferenceSpec, value: unknown, embeddedIn: string | null) => {
    if (USER_REFERENCE_PROPERTIES.has(spec2.property)) return;
    const list = spec2.collection ? (Array.isArray(value) ? value : []) : value === undefined || value === null ? [] : [value];
    const seen = new Set<string>();
    for (const item of list) {
      // A bare string is read as an id (DHIS2 builds `{"id": ...}` from it), so under CODE it has no code.
      if (typeof item === 'string' ? item === '' : !isPlainObject(item)) continue;
      const key = typeof item === 'string' ? (identifier === 'UID' ? item : null) : referenceKey(item, identifier);
      const id = identifier === 'CODE' ? (typeof item === 'string' ? item : textOf(item.id)) : null;
      // Only a reference by id met by identifier CODE is known to find nothing; one with no identifier at all is
      // a CSV row's (DHIS2 gives it an id while reading).
      if (key === null && id === null) continue;
      const duplicate = spec2.collection && key !== null && seen.has(key);
      if (key !== null) seen.add(key);
      references.push({
        kind: kindOf(spec2.property, spec2.target, spec2.collection, embeddedIn, resolvedWhileReading.has(spec2.property)),
        key: own(key),
        id: own(id),
        name: isPlainObject(item) ? own(textOf(item.name)) : null,
        duplicate,
      });
    }
  };
  for (const reference of spec.references) use(reference, o[reference.property], null);
  for (const embedded of spec.embedded ?? []) {
    const value = o[embedded.property];
    const items = embedded.collection ? (Array.isArray(value) ? value : []) : [value];
    for (const item of items) {
      if (!isPlainObject(item)) continue;
      for (const reference of embedded.references) use(reference, item[reference.property], embedded.property);
    }
  }
  // Attribute values and sharing are references on every type that has them.
  if (Array.isArray(o.attributeValues)) {
    for (const value of o.attributeValues) {
      if (isPlainObject(value)) use({ property: 'attribute', target: 'attributes', collection: false }, value.attribute, 'attributeValues');
    }
  }
  if (!skipSharing && isPlainObject(o.sharing)) {
    const sharing = o.sharing;
    for (const [property, target, accesses] of [
      ['users', 'users', 'userAccesses'],
      ['userGroups', 'userGroups', 'userGroupAccesses'],
    ] as const) {
      const map = sharing[property];
      if (!isPlainObject(map)) continue;
      // Sharing always names users and groups by UID, whatever the import's identifier.
      for (const [key, access] of Object.entries(map)) {
        const uid = isPlainObject(access) ? (textOf(access.id) ?? key) : key;
        references.push({ kind: kindOf(accesses, target, false, null, false, accesses), key: uid, id: null, name: null, duplicate: false });
      }
    }
  }
  // Exact-size copies: arrays grown by push keep room for 17 elements, which adds up over millions of objects.
  if (uniqueValues.length > 0) summary.uniqueValues = uniqueValues.slice();
  if (references.length > 0) summary.references = references.slice();
  return summary;
}

/**
 * A copy of a string that does not pin the text it was cut from: the JSON parser's strings are slices of
 * whole lines, and keeping one id per object would otherwise keep every line of a big file in memory.
 */
function own(text: string | null): string | null {
  return text === null || text.length < 13 ? text : (' ' + text).slice(1);
}

function itemName(property: string): string {
  return property.endsWith('ies') ? `${property.slice(0, -3)}y` : property.replace(/s$/, '');
}

function missing(klass: string, property: string, propertyKlass: string): ErrorReport {
  return {
    message: formatMessage('E4000', [property]),
    mainKlass: klass,
    errorKlass: propertyKlass,
    errorProperty: property,
    errorProperties: [property],
    errorCode: 'E4000',
    args: [property],
  };
}

/**
 * DHIS2 walks a schema's properties in the order of the HashMap that holds them, so errors about several
 * properties come in that order: by hash bucket (a 128-bucket table, as the classes' 64 to 96 properties
 * make), then by position.
 */
function inSchemaOrder<T>(items: readonly T[], name: (item: T) => string): T[] {
  const bucket = (key: string) => {
    const h = javaStringHash(key);
    return (h ^ (h >>> 16)) & 127;
  };
  return items
    .map((item, position) => ({ item, position, bucket: bucket(name(item)) }))
    .sort((a, b) => a.bucket - b.bucket || a.position - b.position)
    .map((entry) => entry.item);
}

/** DHIS2's PreheatIdentifier.getIdentifiersWithName: `Name [id] (Klass)`, or `[id] (Klass)` without a name. */
export function describe(name: string | null, key: string | null, klass: string): string {
  const ids = `[${key ?? 'null'}]`;
  return name ? `${name} ${ids} (${simpleKlass(klass)})` : `${ids} (${simpleKlass(klass)})`;
}

type Existence = 'exists' | 'absent' | 'unknown';

interface TypeOutcome {
  spec: TypeSpec;
  report: TypeReport;
  /** What happens to each object (skipped ones are not here). */
  actions: Map<ObjectSummary, { action: PreviewAction; existence: Existence }>;
  /** Objects DHIS2 would keep whose creation or update the offline copy cannot tell: in no count of the stats. */
  undecided: number;
  undecidedByReference: number;
}

class Verdict {
  private readonly index: MetadataIndex | null;
  private readonly inFile = new Map<string, Set<string>>();
  private readonly optionKeys: { ids: Set<string>; codes: Set<string> } | null;
  private readonly unresolvedOffline = new Map<string, { references: number; keys: Set<string> }>();
  /** Objects with a reference into a kind the offline copy does not hold: DHIS2 may refuse them (E5002), so no action is claimed. */
  private readonly uncertainReferences = new Set<ObjectSummary>();
  private readonly notes: string[] = [];
  /** References without a code inside embedded objects (`dataSetElements`), per embedding property. */
  private readonly uncodedEmbedded = new Map<string, number>();

  constructor(
    private readonly options: CheckOptions,
    private readonly identifier: Identifier,
    private readonly summaries: ObjectSummary[],
    private readonly typeOrder: string[],
    private readonly unknownTypes: Map<string, number>,
    private readonly itemsPerType: number,
  ) {
    this.index = options.index;
    for (const summary of summaries) {
      const key = this.keyOf(summary);
      if (key === null) continue;
      let set = this.inFile.get(summary.type);
      if (!set) this.inFile.set(summary.type, (set = new Set()));
      set.add(key);
    }
    this.optionKeys = this.index ? collectOptions(this.index) : null;
  }

  private keyOf(summary: ObjectSummary): string | null {
    return this.identifier === 'CODE' ? summary.code : summary.id;
  }

  /**
   * Whether the offline copy can say if objects of this type exist on the server: it holds the kind (all of
   * its objects, perhaps none). A kind it does not hold is never taken as empty.
   */
  private checkable(type: string): boolean {
    const offline = typeSpec(type)?.offline;
    if (!this.index || !offline) return false;
    return this.index.holds(offline === 'options' ? 'optionSets' : offline);
  }

  private exists(type: string, key: string): Existence {
    if (!this.checkable(type)) return 'unknown';
    return this.storedUid(type, key) !== null ? 'exists' : 'absent';
  }

  /** The UID of the server's object the identifier matches (as the preheat does), or null; only for checkable types. */
  private storedUid(type: string, key: string): string | null {
    const index = this.index!;
    const offline = typeSpec(type)!.offline!;
    if (offline === 'options') return (this.identifier === 'CODE' ? this.optionKeys!.codes : this.optionKeys!.ids).has(key) ? key : null;
    if (this.identifier === 'UID') return index.hasObject(offline, key) ? key : null;
    return index.lookup(offline, 'code', key)[0] ?? null;
  }

  /** A reference to one of DHIS2's default objects, which never fails (Preheat.isDefault compares ids, whatever the identifier). */
  private isDefaultReference(target: string, use: ReferenceUse): boolean {
    if (this.identifier === 'UID') return use.key !== null && this.isDefault(target, use.key);
    return (use.id !== null && this.isDefault(target, use.id, 'UID')) || (use.key !== null && this.isDefault(target, use.key));
  }

  private isDefault(target: string, key: string, identifier: Identifier = this.identifier): boolean {
    if (identifier === 'CODE') return key === 'default' && target in DEFAULT_OBJECT_UIDS;
    if (DEFAULT_OBJECT_UIDS[target] === key) return true;
    const index = this.index;
    if (!index) return false;
    return (
      (target === 'categoryCombos' && key === index.defaultCategoryCombo) || (target === 'categoryOptionCombos' && key === index.defaultCategoryOptionCombo)
    );
  }

  build(readNotes: readonly ReadNote[]): MetadataOfflineCheck {
    const { atomicMode } = this.options.params;
    const byType = new Map<string, ObjectSummary[]>();
    for (const summary of this.summaries) {
      const list = byType.get(summary.type);
      if (list) list.push(summary);
      else byType.set(summary.type, [summary]);
    }

    const skipped = new Map<ObjectSummary, string>();
    const outcomes: TypeOutcome[] = [];
    let defaultsSkipped = 0;
    for (const type of this.typeOrder) {
      const list: ObjectSummary[] = [];
      for (const summary of byType.get(type) ?? []) {
        // DefaultObjectBundleValidationService.cleanDefaults: DHIS2's own default objects are never imported or counted.
        if (summary.id !== null && this.isDefault(type, summary.id, 'UID')) {
          skipped.set(summary, '');
          defaultsSkipped++;
          continue;
        }
        const reason = this.skippedWhileReading(summary);
        if (reason === null) list.push(summary);
        else skipped.set(summary, reason);
      }
      outcomes.push(this.validateType(typeSpec(type)!, list));
    }

    // atomicMode ALL: one error anywhere and nothing is saved; every count becomes "ignored" (Stats.ignored()).
    const anyErrors = outcomes.some((outcome) => outcome.report.objectReports.length > 0);
    const allIgnored = anyErrors && atomicMode === 'ALL';
    const total = emptyStats();
    const previewTypes: PreviewType[] = [];
    const items: PreviewItem[] = [];
    let undecided = 0;
    let undecidedByReference = 0;
    for (const { spec, report, actions, undecided: undecidedOfType, undecidedByReference: byReferenceOfType } of outcomes) {
      const stats = report.stats;
      if (allIgnored) {
        stats.ignored += stats.created + stats.updated + stats.deleted + undecidedOfType;
        stats.created = stats.updated = stats.deleted = 0;
      } else {
        undecided += undecidedOfType;
        undecidedByReference += byReferenceOfType;
      }
      stats.total = stats.created + stats.updated + stats.deleted + stats.ignored;
      addStats(total, stats);

      const counts: PreviewType = {
        type: spec.plural,
        klass: spec.klass,
        label: spec.many,
        total: actions.size,
        create: 0,
        update: 0,
        delete: 0,
        ignore: 0,
        unknown: 0,
        checkedOffline: this.checkable(spec.plural),
      };
      for (const [summary, decided] of actions) {
        const action = allIgnored ? 'ignore' : decided.action;
        if (action === 'ignore') counts.ignore++;
        else if (decided.existence === 'unknown') counts.unknown++;
        else if (action === 'create') counts.create++;
        else if (action === 'update') counts.update++;
        else if (action === 'delete') counts.delete++;
        actions.set(summary, { ...decided, action });
      }
      previewTypes.push(counts);
      for (const summary of (byType.get(spec.plural) ?? []).slice(0, this.itemsPerType)) {
        const action = actions.get(summary)?.action ?? 'skip';
        items.push({ type: spec.plural, id: summary.id, code: summary.code, name: summary.name, action, line: summary.line > 0 ? summary.line : null });
      }
    }

    const status: ReportStatus = !anyErrors ? 'OK' : atomicMode === 'ALL' ? 'ERROR' : 'WARNING';
    const typeReports = outcomes.map((outcome) => outcome.report).filter((type) => type.stats.total > 0 || type.objectReports.length > 0);
    const notes = this.buildNotes(readNotes, previewTypes);
    if (defaultsSkipped > 0) {
      notes.push(
        `${defaultsSkipped} of DHIS2's own default objects (named "default") ${defaultsSkipped === 1 ? 'is' : 'are'} in the file; DHIS2 never imports those, so they are left out.`,
      );
    }
    for (const reason of skipped.values()) if (reason) notes.push(reason);
    if (undecided > 0) {
      // Without offline metadata the note saying so comes first; it already says existence is not checked.
      notes.splice(
        this.index ? 0 : notes.length,
        0,
        `${undecided.toLocaleString('en')} ${undecided === 1 ? 'object is' : 'objects are'} in no count of the report: whether the server already has ${undecided === 1 ? 'it' : 'them'}, or ${undecided === 1 ? 'has what it refers to' : 'what they refer to'}, cannot be told offline, so neither can what DHIS2 does with ${undecided === 1 ? 'it' : 'them'}.`,
      );
    }
    let uncheckedReferences = 0;
    for (const entry of this.unresolvedOffline.values()) uncheckedReferences += entry.references;
    for (const [property, count] of this.uncodedEmbedded) {
      uncheckedReferences += count;
      notes.push(
        `${count.toLocaleString('en')} ${count === 1 ? 'reference' : 'references'} inside ${property} ${count === 1 ? 'has' : 'have'} no code: matching by code, DHIS2 finds nothing for ${count === 1 ? 'it' : 'them'} and refuses ${count === 1 ? 'it' : 'them'} (E5002). Export the file with codes, or import it by UID.`,
      );
    }
    const unchecked = uncheckedReferences + undecided - undecidedByReference;
    if (unchecked > 0 && status === 'OK' && this.index) {
      notes.unshift('No error was found, but not everything could be checked offline (see below): the server may still refuse some objects.');
    }
    return {
      report: { status, stats: total, typeReports },
      unchecked,
      preview: { types: previewTypes, items, itemsPerType: this.itemsPerType },
      objects: this.summaries.length,
      notes,
      metadataLabel: this.index ? metadataLabel(this.index) : null,
    };
  }

  /**
   * One type through DHIS2's check chain for the strategy (ServiceConfig.validatorsByImportStrategy), counting as
   * DHIS2 does: every failed ObjectValidationCheck is one "ignored" and removes the object; reference errors
   * (ReferencesCheck) leave the object in (the bad references are dropped) and, under atomicMode ALL, count one
   * "ignored" for the whole type; what is left counts as created, updated or deleted.
   */
  private validateType(spec: TypeSpec, list: ObjectSummary[]): TypeOutcome {
    const { importStrategy, atomicMode } = this.options.params;
    const reports = new Map<number, ObjectReport>();
    const removed = new Set<ObjectSummary>();
    let ignored = 0;
    const addError = (summary: ObjectSummary, error: ErrorReport) => {
      let report = reports.get(summary.index);
      if (!report) {
        report = { klass: spec.klass, index: summary.index, errorReports: [] };
        if (summary.id) report.uid = summary.id;
        if (summary.name) report.displayName = summary.name;
        if (summary.line > 0) report.line = summary.line;
        reports.set(summary.index, report);
      }
      report.errorReports.push(error);
    };
    const fail = (summary: ObjectSummary, errors: readonly ErrorReport[]) => {
      if (errors.length === 0) return;
      for (const error of errors) addError(summary, error);
      ignored++;
      removed.add(summary);
    };

    const existence = new Map<ObjectSummary, Existence>();
    for (const summary of list) {
      const key = this.keyOf(summary);
      const state = summary.generatedId || key === null ? 'absent' : this.exists(spec.plural, key);
      existence.set(summary, state);
      // Matched by code, the object takes the stored object's id (DefaultPreheatService), as every report then shows it.
      if (state === 'exists' && this.identifier === 'CODE' && spec.offline !== 'options') summary.id = this.storedUid(spec.plural, key!) ?? summary.id;
    }

    if (importStrategy === 'DELETE') {
      for (const summary of list) if (existence.get(summary) === 'absent') fail(summary, [this.notFound(spec, summary, false)]);
    } else {
      this.duplicateIds(spec, list, fail);
      for (const summary of list) {
        const state = existence.get(summary)!;
        if (importStrategy === 'CREATE' && state === 'exists') fail(summary, [this.foundForCreate(spec, summary)]);
        if (importStrategy === 'UPDATE' && state === 'absent') fail(summary, [this.notFound(spec, summary, true)]);
      }
      if (!this.options.params.skipValidation) for (const summary of this.selected(list, existence)) fail(summary, summary.schemaErrors ?? []);
      this.uniqueness(spec, this.selected(list, existence), fail);
      let referenceErrors = false;
      for (const summary of list) {
        for (const error of this.references(spec, summary)) {
          addError(summary, error);
          referenceErrors = true;
        }
      }
      if (referenceErrors && atomicMode === 'ALL') ignored++;
      if (importStrategy !== 'UPDATE') {
        for (const summary of list) {
          if (summary.generatedId || summary.membership || existence.get(summary) === 'exists') continue;
          if (this.identifier === 'UID' && summary.id !== null && !isUid(summary.id)) {
            const args = [summary.id, simpleKlass(spec.klass)];
            fail(summary, [{ message: formatMessage('E4014', args), mainKlass: spec.klass, errorProperties: args, errorCode: 'E4014', args }]);
          }
        }
      }
    }

    const stats: Stats = { ...emptyStats(), ignored };
    let undecided = 0;
    // Of those, the ones undecided only because of a reference: the reference is already in the unchecked count.
    let undecidedByReference = 0;
    const actions = new Map<ObjectSummary, { action: PreviewAction; existence: Existence }>();
    for (const summary of list) {
      const state = existence.get(summary)!;
      if (removed.has(summary)) {
        actions.set(summary, { action: 'ignore', existence: state });
        continue;
      }
      const action: PreviewAction = summary.membership && importStrategy === 'CREATE_AND_UPDATE' ? 'update' : actionFor(importStrategy, state);
      // A reference that cannot be checked offline may make DHIS2 refuse the object: its action is not known either.
      const known = state !== 'unknown' && !this.uncertainReferences.has(summary);
      actions.set(summary, { action, existence: known ? state : 'unknown' });
      // Whether the server has it decides between created and updated, or E5000/E5001: not a count to claim.
      if (!known && !summary.membership) {
        undecided++;
        if (state !== 'unknown') undecidedByReference++;
      } else if (action === 'update') stats.updated++;
      else if (action === 'delete') stats.deleted++;
      else stats.created++;
    }
    const objectReports = [...reports.values()].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return { spec, report: { klass: spec.klass, stats, objectReports }, actions, undecided, undecidedByReference };
  }

  /** SchemaCheck and UniquenessCheck look at the objects the strategy acts on (ValidationUtils.selectObjectsBasedOnImportStrategy). */
  private selected(list: ObjectSummary[], existence: Map<ObjectSummary, Existence>): ObjectSummary[] {
    const strategy = this.options.params.importStrategy;
    if (strategy === 'CREATE') return list.filter((summary) => existence.get(summary) !== 'exists');
    if (strategy === 'UPDATE') return list.filter((summary) => existence.get(summary) !== 'absent');
    return list;
  }

  /**
   * CSV rows whose option set DHIS2 looks up while reading the file (option groups and group sets): when
   * it is not on the server, DHIS2 drops the row without a word. Null when the object is kept.
   */
  private skippedWhileReading(summary: ObjectSummary): string | null {
    for (const { kind: reference, key } of summary.references ?? []) {
      if (!reference.resolvedWhileReading || reference.collection || key === null) continue;
      if (typeSpec(summary.type)?.references.some((r) => r.property === reference.property && r.required)) continue;
      if (this.inFile.get(reference.target)?.has(key)) continue;
      if (this.exists(reference.target, key) !== 'absent') continue;
      const label = typeSpec(reference.target)?.one ?? reference.target;
      return `Line ${summary.line}: ${label} ${key} is not on the server (as of the offline metadata), so DHIS2 skips this row without saying so.`;
    }
    return null;
  }

  private duplicateIds(spec: TypeSpec, list: ObjectSummary[], fail: (summary: ObjectSummary, errors: ErrorReport[]) => void): void {
    const seen = new Set<string>();
    for (const summary of list) {
      if (summary.generatedId || summary.id === null) continue;
      if (!seen.has(summary.id)) {
        seen.add(summary.id);
        continue;
      }
      const args = [summary.id, `class ${spec.klass}`];
      fail(summary, [
        {
          message: formatMessage('E5004', args),
          mainKlass: spec.klass,
          mainId: summary.id,
          errorProperty: 'id',
          errorProperties: args,
          errorCode: 'E5004',
          args,
        },
      ]);
    }
  }

  private foundForCreate(spec: TypeSpec, summary: ObjectSummary): ErrorReport {
    const args = [this.identifier, describe(summary.name, this.keyOf(summary), spec.klass)];
    const error: ErrorReport = { message: formatMessage('E5000', args), mainKlass: spec.klass, errorProperties: args, errorCode: 'E5000', args };
    if (summary.id) error.mainId = summary.id;
    return error;
  }

  private notFound(spec: TypeSpec, summary: ObjectSummary, withProperty: boolean): ErrorReport {
    const args = [this.identifier, describe(summary.name, this.keyOf(summary), spec.klass)];
    const error: ErrorReport = { message: formatMessage('E5001', args), mainKlass: spec.klass, errorProperties: args, errorCode: 'E5001', args };
    if (withProperty) error.errorProperty = 'id';
    if (summary.id) error.mainId = summary.id;
    return error;
  }

  /** E5003: a unique property's value is already used, by the server's objects or an earlier object of the file. */
  private uniqueness(spec: TypeSpec, list: ObjectSummary[], fail: (summary: ObjectSummary, errors: ErrorReport[]) => void): void {
    const offline = spec.offline && spec.offline !== 'options' && this.checkable(spec.plural) ? spec.offline : null;
    const taken = new Map<string, Map<string, string>>();
    for (const summary of list) {
      if (this.isDefault(spec.plural, summary.id ?? '')) continue;
      const own = this.keyOf(summary);
      const errors: ErrorReport[] = [];
      const uniques = summary.uniqueValues ?? [];
      for (let at = 0; at < uniques.length; at += 2) {
        const property = uniques[at]!;
        const value = uniques[at + 1]!;
        let values = taken.get(property);
        if (!values) taken.set(property, (values = new Map()));
        let holder = values.get(value) ?? null;
        if (holder === null && offline && (property === 'code' || property === 'name')) {
          const other = this.index!.lookup(offline, property, value)[0] ?? null;
          // The preheat's uniqueness map names stored objects by the identifier; under CODE one without a code is not in it.
          if (other !== null) holder = this.identifier === 'CODE' ? (this.index!.codeOf(offline, other) ?? null) : other;
        }
        if (holder !== null && holder !== own) {
          const args = [property, value, describe(summary.name, own, spec.klass), holder];
          errors.push({
            message: formatMessage('E5003', args),
            mainKlass: spec.klass,
            mainId: holder,
            errorProperty: property,
            errorProperties: args,
            errorCode: 'E5003',
            args,
          });
        } else if (own !== null) {
          values.set(value, own);
        }
      }
      fail(summary, errors);
    }
  }

  private references(spec: TypeSpec, summary: ObjectSummary): ErrorReport[] {
    const errors: ErrorReport[] = [];
    if (!summary.references) return errors;
    const objectDescribed = describe(summary.name, this.keyOf(summary), spec.klass);
    for (const use of summary.references) {
      const { kind, key } = use;
      if (this.isDefaultReference(kind.target, use)) continue;
      if (use.duplicate) {
        errors.push(this.referenceError('E5007', spec, summary, use, objectDescribed));
        continue;
      }
      if (key === null) {
        // Nothing to match by: the preheat finds nothing, whatever the server holds. Inside an embedded object
        // DHIS2 words the error its own way, which this check does not reproduce, so it is left to the server.
        if (kind.embeddedIn === null || kind.embeddedIn === 'attributeValues') errors.push(this.referenceError('E5002', spec, summary, use, objectDescribed));
        else this.uncodedEmbedded.set(kind.embeddedIn, (this.uncodedEmbedded.get(kind.embeddedIn) ?? 0) + 1);
        continue;
      }
      if (this.inFile.get(kind.target)?.has(key)) continue;
      if (kind.target === 'users' && this.index?.user?.id === key) continue;
      const state = this.exists(kind.target, key);
      if (state === 'exists') continue;
      if (state === 'unknown') {
        this.uncertainReferences.add(summary);
        let entry = this.unresolvedOffline.get(kind.target);
        if (!entry) this.unresolvedOffline.set(kind.target, (entry = { references: 0, keys: new Set() }));
        entry.references++;
        if (entry.keys.size < MAX_UNRESOLVED_KEYS) entry.keys.add(key);
        continue;
      }
      if (kind.resolvedWhileReading && kind.collection) {
        this.notes.push(
          `Line ${summary.line}: ${typeSpec(kind.target)?.one ?? kind.target} ${key} is not on the server (as of the offline metadata), so DHIS2 leaves it out of ${summary.name ?? summary.id ?? 'the object'} without saying so.`,
        );
        continue;
      }
      // DHIS2 looks these up while reading the CSV; a miss leaves the property empty.
      if (kind.resolvedWhileReading && spec.references.some((r) => r.property === kind.property && r.required)) {
        errors.push(missing(spec.klass, kind.property, typeSpec(kind.target)?.klass ?? 'java.lang.Object'));
        continue;
      }
      errors.push(this.referenceError('E5002', spec, summary, use, objectDescribed));
    }
    return errors;
  }

  private referenceError(code: 'E5002' | 'E5007', spec: TypeSpec, summary: ObjectSummary, use: ReferenceUse, objectDescribed: string): ErrorReport {
    const { kind } = use;
    // Sharing is checked by UID whatever the identifier, and names the object by UID too (ReferencesCheck.checkSharing).
    const sharing = kind.property === 'userGroupAccesses' || kind.property === 'userAccesses';
    const owner = sharing ? describe(summary.name, summary.id, spec.klass) : objectDescribed;
    const args = [describe(use.name, use.key, typeSpec(kind.target)?.klass ?? kind.target), owner, kind.reportProperty];
    const error: ErrorReport = {
      message: formatMessage(code, args),
      mainKlass: spec.klass,
      errorProperty: kind.reportProperty,
      errorProperties: args,
      errorCode: code,
      args,
    };
    if (summary.id) error.mainId = summary.id;
    // As PreheatErrorReport does: the item class of a collection; a single reference has none.
    if (kind.collection && kind.embeddedIn === null) error.errorKlass = typeSpec(kind.target)?.klass ?? kind.target;
    return error;
  }

  private buildNotes(readNotes: readonly ReadNote[], types: PreviewType[]): string[] {
    const notes = [...this.notes];
    const { identifier } = this.options.params;
    if (identifier === 'AUTO') notes.push('Identifier AUTO was removed in DHIS2 2.36; newer servers match by UID, and so did this check.');
    if (this.options.params.skipValidation)
      notes.push('Skip validation is on: the server will not check required fields and lengths, so neither did this check.');
    if (!this.index) {
      notes.push(
        'There is no offline metadata for this server, so only the file itself was checked (ids, duplicates, required fields, references between its own objects). References to objects on the server, and whether objects already exist, are checked by the server.',
      );
    }
    for (const [type, count] of this.unknownTypes) {
      notes.push(
        `"${type}" (${count} ${count === 1 ? 'object' : 'objects'}) is not a DHIS2 metadata type this app knows; DHIS2 ignores collections it does not know.`,
      );
    }
    for (const type of types) {
      if (!hasRules(type.type)) {
        notes.push(`${capitalise(type.label)}: only ids and duplicates were checked offline; the server checks their other fields and references.`);
      }
      if (this.index && !type.checkedOffline && type.total > 0 && this.options.params.importStrategy !== 'CREATE_AND_UPDATE') {
        notes.push(
          `Whether the ${type.label} in the file already exist on the server cannot be told offline (the offline metadata does not hold ${type.label}).`,
        );
      }
    }
    for (const [target, entry] of this.unresolvedOffline) {
      const label = typeSpec(target)?.many ?? target;
      const why = this.index ? `the offline metadata does not hold ${label}` : 'there is no offline metadata';
      notes.push(
        `Cannot check references to ${label} offline (${why}): ${entry.references} ${entry.references === 1 ? 'reference' : 'references'} to ${entry.keys.size >= MAX_UNRESOLVED_KEYS ? `more than ${MAX_UNRESOLVED_KEYS.toLocaleString('en')}` : entry.keys.size} ${entry.keys.size === 1 ? 'object' : 'objects'} not in this file${sample(entry.keys)}. The server checks them.`,
      );
    }
    for (const note of readNotes) notes.push(note.message);
    return notes;
  }
}

function actionFor(strategy: ImportMetadataParams['importStrategy'], existence: Existence): PreviewAction {
  switch (strategy) {
    case 'CREATE':
      return 'create';
    case 'UPDATE':
      return 'update';
    case 'DELETE':
      return 'delete';
    default:
      return existence === 'exists' ? 'update' : existence === 'absent' ? 'create' : 'create-or-update';
  }
}

function addStats(total: Stats, stats: Stats): void {
  total.created += stats.created;
  total.updated += stats.updated;
  total.deleted += stats.deleted;
  total.ignored += stats.ignored;
  total.total += stats.total;
}

function collectOptions(index: MetadataIndex): { ids: Set<string>; codes: Set<string> } {
  const ids = new Set<string>();
  const codes = new Set<string>();
  for (const set of index.all('optionSets')) {
    for (const option of set.options) {
      ids.add(option.id);
      if (option.code !== null) codes.add(option.code);
    }
  }
  return { ids, codes };
}

function sample(keys: Set<string>): string {
  const shown = [...keys].slice(0, 5);
  return ` (${shown.join(', ')}${keys.size > shown.length ? ', …' : ''})`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
