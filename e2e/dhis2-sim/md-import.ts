import { dhis2Date } from './dates';
import type { DataValueStore } from './dv-store';
import { COMPUTED_PROPERTIES, type PropertyModel, schemaPropertyOrder, typeModel, type TypeModel } from './md-model';
import { type Identifier, type MetadataImportParams, strategyKind } from './md-params';
import { type Arg, ErrorReport, ImportReport, ObjectReport, TypeReport } from './md-report';
import { METADATA_SCHEMAS, schemaByPlural } from './md-schema-table';
import { attributeValue, type MetadataObject, type MetadataStore, refId } from './metadata';
import { generateUid, isValidUid } from './uid';
import { isSuperuser, type SimUser } from './users';

/**
 * POST /api/metadata as DefaultMetadataImportService runs it in 2.41: the payload becomes a bundle
 * (objects per type, split into existing and new by the identifier, uids reused or generated, DHIS2's
 * default category objects dropped), each type is validated in schema order by the check chain of the
 * import strategy (ServiceConfig.validatorsByImportStrategy), invalid objects leave the bundle, and
 * then atomicMode decides: ALL commits nothing when any check failed, NONE commits what is left.
 * Statistics, report cleaning and the counting quirks follow the 2.41 sources; the checks the
 * simulator leaves out are listed in the README.
 */

export interface MetadataImportEnv {
  store: MetadataStore;
  user: SimUser;
  /** The server's accounts: user references and sharing entries may name them. */
  accounts: readonly SimUser[];
  values: DataValueStore;
  /** Job progress: stage messages, as NotifierJobProgress sends them. */
  progress?: (message: string) => void;
}

/** An exception DHIS2 does not catch: the request ends with a 500 WebMessage carrying this message. */
export class MetadataImportCrash extends Error {
  override name = 'MetadataImportCrash';
}

interface Entry {
  type: string;
  model: TypeModel;
  object: MetadataObject;
  /** The stored object the identifier matched, for updates and deletes. */
  existing: MetadataObject | null;
}

type Lists = { persisted: Entry[]; nonPersisted: Entry[] };

function isObject(value: unknown): value is MetadataObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

const DEFAULT_TYPES = ['categoryOptions', 'categories', 'categoryCombos', 'categoryOptionCombos'] as const;
const USER_REFERENCES = new Set(['user', 'createdBy', 'lastUpdatedBy']);

/** Empty strings read as null (EmptyStringToNullStdDeserializer); a copy, so the caller's payload stays as it was. */
function readObject(value: MetadataObject): MetadataObject {
  const copy = structuredClone(value);
  for (const [key, child] of Object.entries(copy)) if (child === '' || child === null) delete copy[key];
  return copy;
}

class Bundle {
  /** Objects per plural type, in schema order of first appearance. */
  readonly lists = new Map<string, Lists>();
  private readonly indexes = new Map<string, Map<object, number>>();
  /** Payload objects by identifier per type: the preheat "placeholders" references may point to. */
  private readonly payload = new Map<string, Map<string, MetadataObject>>();
  private readonly uniqueness = new Map<string, Map<string, Map<string, string>>>();
  readonly marked = new Set<object>();

  constructor(
    readonly params: MetadataImportParams,
    readonly env: MetadataImportEnv,
  ) {}

  get identifier(): Identifier {
    return this.params.identifier;
  }

  /** IndexedObjectContainer.mergeObjectIndex: the position of an object within its type, new objects get the next one. */
  indexOf(type: string, object: object): number {
    let map = this.indexes.get(type);
    if (!map) {
      map = new Map();
      this.indexes.set(type, map);
    }
    const known = map.get(object);
    if (known !== undefined) return known;
    map.set(object, map.size);
    return map.size - 1;
  }

  keyOf(object: MetadataObject): string | null {
    return this.identifier === 'UID' ? str(object['id']) : str(object['code']);
  }

  /** The stored object an identifier names (the "database" side of the preheat). */
  stored(type: string, key: string | null): MetadataObject | null {
    if (key === null) return null;
    const store = this.env.store;
    return this.identifier === 'UID' ? (store.get(type, key) ?? null) : store.find(type, { type: 'CODE' }, key);
  }

  addPayload(type: string, object: MetadataObject): void {
    const key = this.keyOf(object);
    if (key === null) return;
    const map = this.payload.get(type) ?? new Map<string, MetadataObject>();
    if (!map.has(key)) map.set(key, object);
    this.payload.set(type, map);
  }

  /** Preheat.get(identifier, reference): stored objects, then payload placeholders; users also as server accounts. */
  resolve(type: string, reference: MetadataObject): MetadataObject | null {
    const key = this.keyOf(reference);
    if (key === null) return null;
    const stored = this.stored(type, key);
    if (stored) return stored;
    const placeholder = this.payload.get(type)?.get(key);
    if (placeholder) return placeholder;
    if (type === 'users') {
      const account = this.env.accounts.find((user) => (this.identifier === 'UID' ? user.id === key : user.username === key));
      if (account) return { id: account.id, name: `${account.firstName} ${account.surname}`.trim() };
    }
    return null;
  }

  isDefault(type: string, reference: MetadataObject): boolean {
    const defaults = this.env.store.defaults();
    const id = str(reference['id']);
    switch (type) {
      case 'categoryOptions':
        return id === defaults.option;
      case 'categories':
        return id === defaults.category;
      case 'categoryCombos':
        return id === defaults.combo;
      case 'categoryOptionCombos':
        return id === defaults.coc;
      default:
        return false;
    }
  }

  /** PreheatIdentifier.getIdentifiersWithName: "Name [id] (Class)", or "[id] (Class)" without a name. */
  identifiersWithName(object: MetadataObject, simpleName: string): string {
    const id = this.identifier === 'UID' ? str(object['id']) : str(object['code']);
    const name = str(object['name']) ?? str(object['displayName']);
    return `${name === null ? '' : `${name} `}[${id ?? 'null'}] (${simpleName})`;
  }

  /** The preheat's uniqueness map of a type: property -> value -> identifier, from every stored object. */
  uniquenessOf(model: TypeModel): Map<string, Map<string, string>> {
    const cached = this.uniqueness.get(model.plural);
    if (cached) return cached;
    const map = new Map<string, Map<string, string>>();
    const unique = model.properties.filter((property) => property.unique);
    for (const property of unique) map.set(property.name, new Map());
    for (const object of this.env.store.list(model.plural)) {
      const identifier = this.keyOf(object);
      if (identifier === null) continue;
      for (const property of unique) {
        const value = uniqueValue(object[property.name]);
        if (value !== null && !map.get(property.name)?.has(value)) map.get(property.name)?.set(value, identifier);
      }
    }
    this.uniqueness.set(model.plural, map);
    return map;
  }
}

function uniqueValue(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function displayNameOf(object: MetadataObject | null): string | null {
  if (!object) return null;
  return str(object['name']) ?? str(object['displayName']);
}

function objectReport(bundle: Bundle, entry: { type: string; model: TypeModel }, object: MetadataObject, reports: ErrorReport[]): ObjectReport {
  const report = new ObjectReport(entry.model.klass, bundle.indexOf(entry.type, object), str(object['id']), displayNameOf(object));
  for (const error of reports) report.add(error);
  return report;
}

// -------------------------------------------------------------------------------------------------
// Bundle creation
// -------------------------------------------------------------------------------------------------

/** RenderService.fromMetadata: schema plural names that are identifiable metadata; other keys are skipped. */
function readPayload(payload: Record<string, unknown>): Map<string, MetadataObject[]> {
  const byType = new Map<string, MetadataObject[]>();
  for (const [key, value] of Object.entries(payload)) {
    const schema = schemaByPlural(key);
    if (!schema || !schema.identifiable || !schema.metadata) continue;
    const items = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
    byType.set(key, items.filter(isObject).map(readObject));
  }
  return byType;
}

function createBundle(payload: Record<string, unknown>, params: MetadataImportParams, env: MetadataImportEnv): Bundle {
  const bundle = new Bundle(params, env);
  const byType = readPayload(payload);
  const ordered = METADATA_SCHEMAS.map((schema) => schema.plural).filter((plural) => byType.has(plural));
  for (const type of ordered) {
    for (const object of byType.get(type) ?? []) bundle.addPayload(type, object);
  }
  for (const type of ordered) {
    const model = typeModel(type);
    if (!model) continue;
    const lists: Lists = { persisted: [], nonPersisted: [] };
    for (const object of byType.get(type) ?? []) {
      bundle.indexOf(type, object);
      const existing = bundle.stored(type, bundle.keyOf(object));
      // DefaultPreheatService: a matched object keeps the stored uid, one without any gets a new one.
      if (existing && typeof existing['id'] === 'string') object['id'] = existing['id'];
      if (str(object['id']) === null) object['id'] = generateUid();
      (existing ? lists.persisted : lists.nonPersisted).push({ type, model, object, existing });
    }
    bundle.lists.set(type, lists);
  }
  return bundle;
}

// -------------------------------------------------------------------------------------------------
// Validation checks
// -------------------------------------------------------------------------------------------------

type Strategy = 'CREATE' | 'UPDATE' | 'CREATE_AND_UPDATE' | 'DELETE';

interface CheckContext {
  bundle: Bundle;
  type: string;
  model: TypeModel;
  persisted: Entry[];
  nonPersisted: Entry[];
  strategy: Strategy;
}

/** ObjectValidationCheck: every object report is one ignored object and marks the object for removal. */
type ObjectCheck = (ctx: CheckContext, report: (object: MetadataObject, errors: ErrorReport[], marked?: object) => void) => void;
type Check = (ctx: CheckContext) => TypeReport;

function objectCheck(check: ObjectCheck): Check {
  return (ctx) => {
    const typeReport = new TypeReport(ctx.model.klass);
    check(ctx, (object, errors, marked) => {
      typeReport.addObjectReport(objectReport(ctx.bundle, ctx, object, errors));
      typeReport.stats.ignored++;
      ctx.bundle.marked.add(marked ?? object);
    });
    return typeReport;
  };
}

function selected(ctx: CheckContext): Entry[] {
  switch (ctx.strategy) {
    case 'CREATE_AND_UPDATE':
      return [...ctx.persisted, ...ctx.nonPersisted];
    case 'CREATE':
      return ctx.nonPersisted;
    case 'UPDATE':
      return ctx.persisted;
    default:
      return [];
  }
}

/** DuplicateIdsCheck: compares each object with the previous one only, so only neighbours are caught (as in 2.41). */
const duplicateIds = objectCheck((ctx, report) => {
  let previous: string | null = null;
  for (const entry of [...ctx.persisted, ...ctx.nonPersisted]) {
    const id = str(entry.object['id']);
    if (previous !== null && id === previous) {
      const error = new ErrorReport(ctx.model.klass, 'E5004', [id, { javaClass: ctx.model.klass }]).setMainId(id).setErrorProperty('id');
      report(entry.object, [error]);
    } else {
      previous = id;
    }
  }
});

function authorities(model: TypeModel, types: readonly string[]): string[] {
  return model.schema.authorities.filter((authority) => types.includes(authority.type)).flatMap((authority) => authority.authorities);
}

/** AclService for users who are not superusers: the schema's create/delete authorities decide (sharing is not evaluated). */
function allowed(user: SimUser, model: TypeModel, action: 'create' | 'update' | 'delete'): boolean {
  if (isSuperuser(user)) return true;
  const needed = action === 'delete' ? authorities(model, ['DELETE']) : authorities(model, ['CREATE', 'CREATE_PUBLIC', 'CREATE_PRIVATE']);
  return needed.length === 0 || needed.some((authority) => user.authorities.includes(authority));
}

const security = objectCheck((ctx, report) => {
  const { bundle, model } = ctx;
  const user = bundle.env.user;
  const who = bundle.identifiersWithName({ id: user.id, name: `${user.firstName} ${user.surname}`.trim() }, 'User');
  const run = (entries: Entry[], action: 'create' | 'update' | 'delete') => {
    for (const entry of entries) {
      if (allowed(user, model, action)) continue;
      const code = action === 'create' ? 'E3000' : action === 'update' ? 'E3001' : 'E3002';
      report(entry.object, [new ErrorReport(model.klass, code, [who, bundle.identifiersWithName(entry.object, model.simpleName)])]);
    }
  };
  if (ctx.strategy === 'UPDATE' || ctx.strategy === 'CREATE_AND_UPDATE') run(ctx.persisted, 'update');
  if (ctx.strategy === 'CREATE' || ctx.strategy === 'CREATE_AND_UPDATE') run(ctx.nonPersisted, 'create');
  if (ctx.strategy === 'DELETE') run(ctx.persisted, 'delete');
});

/** CreationCheck: the report is about the stored object (so its index comes after the payload's), mainId is the payload's uid. */
const creation = objectCheck((ctx, report) => {
  for (const entry of ctx.persisted) {
    const stored = entry.existing ?? entry.object;
    const error = new ErrorReport(ctx.model.klass, 'E5000', [
      ctx.bundle.identifier,
      ctx.bundle.identifiersWithName(entry.object, ctx.model.simpleName),
    ]).setMainId(str(entry.object['id']));
    report(stored, [error], entry.object);
  }
});

const update = objectCheck((ctx, report) => {
  for (const entry of ctx.nonPersisted) {
    const error = new ErrorReport(ctx.model.klass, 'E5001', [ctx.bundle.identifier, ctx.bundle.identifiersWithName(entry.object, ctx.model.simpleName)])
      .setErrorProperty('id')
      .setMainId(str(entry.object['id']));
    report(entry.object, [error]);
  }
});

const deletion = objectCheck((ctx, report) => {
  for (const entry of ctx.nonPersisted) {
    const error = new ErrorReport(ctx.model.klass, 'E5001', [
      ctx.bundle.identifier,
      ctx.bundle.identifiersWithName(entry.object, ctx.model.simpleName),
    ]).setMainId(str(entry.object['id']));
    report(entry.object, [error]);
  }
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** SchemaValidator: required, maximum length and e-mail format, in schema property order. */
function schemaErrors(model: TypeModel, object: MetadataObject): ErrorReport[] {
  const errors: ErrorReport[] = [];
  for (const property of schemaPropertyOrder(model.properties)) {
    const value = object[property.name];
    const error = (code: 'E4000' | 'E4001' | 'E4003', args: Arg[]) =>
      errors.push(new ErrorReport(model.klass, code, args).setErrorKlass(property.klass).setErrorProperty(property.name));
    if (isMissing(value)) {
      if (property.required && !defaultClass(property)) error('E4000', [property.name]);
      continue;
    }
    if (typeof value !== 'string') continue;
    if (property.length !== undefined && value.length > property.length) {
      error('E4001', [property.name, property.length, value.length]);
      continue;
    }
    if (property.email && !EMAIL.test(value)) error('E4003', [property.name, value]);
  }
  return errors;
}

/** Preheat.isDefaultClass: a missing category combo and the like is filled with the default, never an error. */
function defaultClass(property: PropertyModel): boolean {
  return property.ref !== undefined && (DEFAULT_TYPES as readonly string[]).includes(property.ref);
}

const schema = objectCheck((ctx, report) => {
  for (const entry of selected(ctx)) {
    const errors = schemaErrors(ctx.model, entry.object);
    if (errors.length > 0) report(entry.object, errors);
  }
});

const uniqueness = objectCheck((ctx, report) => {
  const { bundle, model } = ctx;
  const unique = schemaPropertyOrder(model.properties).filter((property) => property.unique);
  if (unique.length === 0) return;
  const map = bundle.uniquenessOf(model);
  for (const entry of selected(ctx)) {
    if (bundle.isDefault(ctx.type, entry.object)) continue;
    const identifier = bundle.keyOf(entry.object);
    const errors: ErrorReport[] = [];
    for (const property of unique) {
      const value = uniqueValue(entry.object[property.name]);
      if (value === null) continue;
      const values = map.get(property.name) ?? new Map<string, string>();
      map.set(property.name, values);
      const owner = values.get(value);
      if (owner === undefined) {
        if (identifier !== null) values.set(value, identifier);
      } else if (owner !== identifier) {
        const shown: Arg = typeof entry.object[property.name] === 'number' ? Number(value) : value;
        errors.push(
          new ErrorReport(model.klass, 'E5003', [property.name, shown, bundle.identifiersWithName(entry.object, model.simpleName), owner])
            .setMainId(owner)
            .setErrorProperty(property.name),
        );
      }
    }
    if (errors.length > 0) report(entry.object, errors);
  }
});

/** Attribute objects that apply to a type: `<singular>Attribute: true` on the attribute (or its objectTypes). */
function attributesFor(bundle: Bundle, model: TypeModel): MetadataObject[] {
  const flag = `${model.schema.singular}Attribute`;
  return bundle.env.store
    .list('attributes')
    .filter((attribute) => attribute[flag] === true || (Array.isArray(attribute['objectTypes']) && attribute['objectTypes'].includes(model.simpleName)));
}

const mandatoryAttributes = objectCheck((ctx, report) => {
  const mandatory = attributesFor(ctx.bundle, ctx.model).filter((attribute) => attribute['mandatory'] === true);
  if (mandatory.length === 0) return;
  for (const entry of selected(ctx)) {
    if (ctx.bundle.isDefault(ctx.type, entry.object)) continue;
    const errors = mandatory
      .filter((attribute) => attributeValue(entry.object, String(attribute['id'])) === null)
      .map((attribute) =>
        new ErrorReport('org.hisp.dhis.attribute.Attribute', 'E4011', [String(attribute['id'])]).setMainId(String(attribute['id'])).setErrorProperty('value'),
      );
    if (errors.length > 0) report(entry.object, errors);
  }
});

const uniqueAttributes = objectCheck((ctx, report) => {
  const unique = attributesFor(ctx.bundle, ctx.model).filter((attribute) => attribute['unique'] === true);
  if (unique.length === 0) return;
  const seen = new Map<string, Map<string, string>>();
  for (const attribute of unique) {
    const id = String(attribute['id']);
    const values = new Map<string, string>();
    for (const object of ctx.bundle.env.store.list(ctx.type)) {
      const value = attributeValue(object, id);
      if (value !== null && typeof object['id'] === 'string') values.set(value, object['id']);
    }
    seen.set(id, values);
  }
  for (const entry of selected(ctx)) {
    const errors: ErrorReport[] = [];
    for (const attribute of unique) {
      const id = String(attribute['id']);
      const value = attributeValue(entry.object, id);
      if (value === null) continue;
      const values = seen.get(id) ?? new Map<string, string>();
      const owner = values.get(value);
      if (owner !== undefined && owner !== entry.object['id']) {
        errors.push(
          new ErrorReport(ctx.model.klass, 'E4009', [str(attribute['name']) ?? id, value]).setMainId(str(entry.object['id'])).setErrorProperty('value'),
        );
      } else if (typeof entry.object['id'] === 'string') {
        values.set(value, entry.object['id']);
      }
    }
    if (errors.length > 0) report(entry.object, errors);
  }
});

function asReference(value: unknown): MetadataObject | null {
  if (typeof value === 'string') return { id: value };
  return isObject(value) ? value : null;
}

function referenceError(
  bundle: Bundle,
  model: TypeModel,
  object: MetadataObject,
  target: TypeModel,
  reference: MetadataObject,
  property: PropertyModel,
  association: string,
  collection: boolean,
): ErrorReport {
  return new ErrorReport(model.klass, 'E5002', [
    bundle.identifiersWithName(reference, target.simpleName),
    bundle.identifiersWithName(object, model.simpleName),
    association,
  ])
    .setMainId(str(object['id']))
    .setErrorProperty(association)
    .setErrorKlass(collection ? target.klass : null);
}

/**
 * A reference inside an embedded object (a data set element, an operand) is reported the way 2.41's
 * ReferencesCheck does it: with the embedded class as mainKlass and the Property as the only
 * argument, so `{1}` and `{2}` stay in the message. The Property's toString is abbreviated here.
 */
function embeddedReferenceError(owner: TypeModel, property: PropertyModel, key: string, target: TypeModel): ErrorReport {
  const embeddedClass: Record<string, string> = {
    dataSetElements: 'org.hisp.dhis.dataset.DataSetElement',
    compulsoryDataElementOperands: 'org.hisp.dhis.dataelement.DataElementOperand',
    greyedFields: 'org.hisp.dhis.dataelement.DataElementOperand',
    programStageDataElements: 'org.hisp.dhis.program.ProgramStageDataElement',
    programTrackedEntityAttributes: 'org.hisp.dhis.program.ProgramTrackedEntityAttribute',
    trackedEntityTypeAttributes: 'org.hisp.dhis.trackedentity.TrackedEntityTypeAttribute',
    dashboardItems: 'org.hisp.dhis.dashboard.DashboardItem',
  };
  const description = `Property{klass=class ${target.klass}, propertyType=REFERENCE, name=${key}, fieldName=${key}, persisted=true, owner=true}`;
  return new ErrorReport(embeddedClass[property.name] ?? owner.klass, 'E5002', [description]);
}

/** ReferencesCheck: reports without removing the object; under atomicMode ALL the type counts one more ignored. */
const references: Check = (ctx) => {
  const { bundle, model } = ctx;
  const typeReport = new TypeReport(model.klass);
  const known = new Set(bundle.env.accounts.map((account) => account.id));
  for (const entry of [...ctx.persisted, ...ctx.nonPersisted]) {
    const object = entry.object;
    const errors: ErrorReport[] = [];
    for (const property of model.properties) {
      const value = object[property.name];
      if (value === undefined || value === null) continue;
      const single = property.ref;
      const many = property.refs;
      if (single !== undefined && !USER_REFERENCES.has(property.name)) {
        const target = typeModel(single);
        const reference = asReference(value);
        if (target && reference && !bundle.isDefault(single, reference) && !bundle.resolve(single, reference)) {
          errors.push(referenceError(bundle, model, object, target, reference, property, property.name, false));
          // connectReferences finds nothing in the preheat at commit and leaves the property empty.
          delete object[property.name];
        }
      }
      if (many !== undefined && Array.isArray(value)) {
        const target = typeModel(many);
        if (!target) continue;
        const seen = new Set<string>();
        const kept: unknown[] = [];
        for (const item of value) {
          const reference = asReference(item);
          if (!reference) continue;
          if (bundle.isDefault(many, reference)) {
            kept.push(item);
            continue;
          }
          const found = bundle.resolve(many, reference) ?? (many === 'users' && known.has(String(reference['id'])) ? reference : null);
          if (!found) errors.push(referenceError(bundle, model, object, target, reference, property, property.item ?? property.name, true));
          else kept.push(item);
          const key = bundle.keyOf(reference);
          if (key !== null) {
            if (seen.has(key))
              errors.push(
                new ErrorReport(model.klass, 'E5007', [
                  bundle.identifiersWithName(reference, target.simpleName),
                  bundle.identifiersWithName(object, model.simpleName),
                  property.item ?? property.name,
                ])
                  .setMainId(str(object['id']))
                  .setErrorProperty(property.item ?? property.name)
                  .setErrorKlass(target.klass),
              );
            seen.add(key);
          }
        }
        // checkCollection sets the collection to the references that resolved.
        object[property.name] = kept;
      }
      if (property.embedded) {
        const items = Array.isArray(value) ? value : [value];
        const broken = new Set<unknown>();
        for (const item of items) {
          if (!isObject(item)) continue;
          for (const [key, targetType] of Object.entries(property.embedded)) {
            const reference = asReference(item[key]);
            const target = typeModel(targetType);
            if (!reference || !target || bundle.isDefault(targetType, reference) || bundle.resolve(targetType, reference)) continue;
            errors.push(embeddedReferenceError(model, property, key, target));
            broken.add(item);
          }
        }
        // Kept out of the stored object: a real server could not save an embedded object pointing nowhere.
        if (broken.size > 0) object[property.name] = Array.isArray(value) ? value.filter((item) => !broken.has(item)) : undefined;
      }
    }
    errors.push(...attributeReferenceErrors(bundle, model, object));
    if (!bundle.params.skipSharing) errors.push(...sharingReferenceErrors(bundle, model, object, known));
    if (errors.length > 0) {
      const report = new ObjectReport(model.klass, bundle.indexOf(ctx.type, object), str(object['id']), displayNameOf(object));
      for (const error of errors) report.add(error);
      typeReport.addObjectReport(report);
    }
  }
  if (typeReport.hasErrors() && bundle.params.atomicMode === 'ALL') typeReport.stats.ignored++;
  return typeReport;
};

function attributeReferenceErrors(bundle: Bundle, model: TypeModel, object: MetadataObject): ErrorReport[] {
  const values = object['attributeValues'];
  if (!Array.isArray(values)) return [];
  const errors: ErrorReport[] = [];
  for (const entry of values) {
    if (!isObject(entry)) continue;
    const attribute = asReference(entry['attribute']);
    if (!attribute || bundle.resolve('attributes', attribute)) continue;
    errors.push(
      new ErrorReport(model.klass, 'E5002', [
        bundle.identifiersWithName(attribute, 'Attribute'),
        bundle.identifiersWithName(object, model.simpleName),
        'attributeValues',
      ]),
    );
  }
  return errors;
}

/** Sharing entries must name existing user groups and users (always matched by UID). */
function sharingReferenceErrors(bundle: Bundle, model: TypeModel, object: MetadataObject, accounts: Set<string>): ErrorReport[] {
  const sharing = object['sharing'];
  if (!isObject(sharing)) return [];
  const errors: ErrorReport[] = [];
  const uidName = (id: string, klass: string) => `[${id}] (${klass})`;
  const self = `${displayNameOf(object) === null ? '' : `${displayNameOf(object)} `}[${String(object['id'])}] (${model.simpleName})`;
  const groups = isObject(sharing['userGroups']) ? Object.keys(sharing['userGroups']) : [];
  for (const id of groups) {
    if (!bundle.env.store.get('userGroups', id)) errors.push(new ErrorReport(model.klass, 'E5002', [uidName(id, 'UserGroup'), self, 'userGroupAccesses']));
  }
  const users = isObject(sharing['users']) ? Object.keys(sharing['users']) : [];
  for (const id of users) {
    if (!accounts.has(id) && !bundle.env.store.get('users', id))
      errors.push(new ErrorReport(model.klass, 'E5002', [uidName(id, 'User'), self, 'userAccesses']));
  }
  return errors;
}

const uidFormat = objectCheck((ctx, report) => {
  for (const entry of ctx.nonPersisted) {
    const id = str(entry.object['id']) ?? '';
    if (!isValidUid(id)) report(entry.object, [new ErrorReport(ctx.model.klass, 'E4014', [id, ctx.model.simpleName])]);
  }
});

/** ServiceConfig.validatorsByImportStrategy (ValidationHooks, UniqueMultiProperties, NotOwnerReferences, Translations, GeoJson, MetadataAttribute and Dashboard checks are not simulated). */
const CHAINS: Record<Strategy, Check[]> = {
  CREATE_AND_UPDATE: [duplicateIds, security, schema, uniqueness, mandatoryAttributes, uniqueAttributes, references, uidFormat],
  CREATE: [duplicateIds, security, creation, schema, uniqueness, mandatoryAttributes, uniqueAttributes, references, uidFormat],
  UPDATE: [duplicateIds, security, update, schema, uniqueness, mandatoryAttributes, uniqueAttributes, references],
  DELETE: [security, deletion],
};

function validate(bundle: Bundle): TypeReport[] {
  const kind = strategyKind(bundle.params.importStrategy);
  const reports: TypeReport[] = [];
  for (const [type, lists] of bundle.lists) {
    const model = typeModel(type);
    if (!model) continue;
    // DefaultObjectBundleValidationService.cleanDefaults: DHIS2's own default objects are never imported or counted.
    lists.persisted = lists.persisted.filter((entry) => !bundle.isDefault(type, entry.object));
    lists.nonPersisted = lists.nonPersisted.filter((entry) => !bundle.isDefault(type, entry.object));
    const strategy = kind === 'SYNC' || bundle.params.importStrategy !== kind ? null : kind;
    if (strategy === null) {
      // The chain map has no entry for SYNC or the legacy names; 2.41 fails with this NullPointerException.
      throw new MetadataImportCrash('Cannot invoke "java.util.List.iterator()" because "validationChecks" is null');
    }
    const ctx: CheckContext = { bundle, type, model, persisted: lists.persisted, nonPersisted: lists.nonPersisted, strategy };
    const typeReport = new TypeReport(model.klass);
    for (const check of CHAINS[strategy]) typeReport.merge(check(ctx));
    lists.persisted = lists.persisted.filter((entry) => !bundle.marked.has(entry.object));
    lists.nonPersisted = lists.nonPersisted.filter((entry) => !bundle.marked.has(entry.object));
    // ValidationFactory.addStatistics counts what is left.
    if (strategy === 'CREATE_AND_UPDATE') {
      typeReport.stats.created += lists.nonPersisted.length;
      typeReport.stats.updated += lists.persisted.length;
    } else if (strategy === 'CREATE') typeReport.stats.created += lists.nonPersisted.length;
    else if (strategy === 'UPDATE') typeReport.stats.updated += lists.persisted.length;
    else typeReport.stats.deleted += lists.persisted.length;
    reports.push(typeReport);
  }
  return reports;
}

// -------------------------------------------------------------------------------------------------
// Commit
// -------------------------------------------------------------------------------------------------

/** The object as DHIS2 stores it: owner properties of the payload, audit fields, defaults filled in. */
function storedForm(entry: Entry, user: SimUser, now: string, store: MetadataStore, params: MetadataImportParams): MetadataObject {
  const object: MetadataObject = { ...entry.object };
  for (const key of [...COMPUTED_PROPERTIES, ...entry.model.inverse]) delete object[key];
  const existing = entry.existing;
  if (existing) {
    object['id'] = existing['id'];
    if (existing['created'] !== undefined) object['created'] = existing['created'];
    if (existing['createdBy'] !== undefined) object['createdBy'] = existing['createdBy'];
    if (params.skipSharing && existing['sharing'] !== undefined) object['sharing'] = existing['sharing'];
    if (params.skipTranslation && existing['translations'] !== undefined) object['translations'] = existing['translations'];
  } else {
    if (object['created'] === undefined) object['created'] = now;
    const creator = refId(object['createdBy']) ?? refId(object['user']);
    if (creator === null) object['createdBy'] = { id: user.id };
  }
  object['lastUpdated'] = now;
  object['lastUpdatedBy'] = { id: user.id };
  if (['dataElements', 'dataSets', 'programs'].includes(entry.type) && refId(object['categoryCombo']) === null) {
    object['categoryCombo'] = { id: store.defaults().combo };
  }
  if (entry.model.schema.shareable && !isObject(object['sharing'])) {
    object['sharing'] = { owner: user.id, external: false, users: {}, userGroups: {}, public: 'rw------' };
  }
  return object;
}

/** DeletionManager vetoes the simulator knows: data values, child org units, option sets in use, categories in combos. */
function deletionVeto(entry: Entry, env: MetadataImportEnv): string | null {
  const id = String(entry.object['id']);
  const store = env.store;
  switch (entry.type) {
    case 'dataElements':
      return env.values.query({ dataElement: id, includeDeleted: true }).length > 0 ? 'DataValue' : null;
    case 'organisationUnits':
      if ((store.orgUnit(id)?.children.length ?? 0) > 0) return 'OrganisationUnit';
      return env.values.query({ orgUnit: id, includeDeleted: true }).length > 0 ? 'DataValue' : null;
    case 'optionSets':
      return store.list('dataElements').some((de) => refId(de['optionSet']) === id || refId(de['commentOptionSet']) === id) ? 'DataElement' : null;
    case 'categories': {
      const combo = store.list('categoryCombos').find((cc) => Array.isArray(cc['categories']) && cc['categories'].some((c) => refId(c) === id));
      return combo ? `CategoryCombo (${String(combo['name'])})` : null;
    }
    default:
      return null;
  }
}

/** Deletion handlers drop the deleted object from the collections of others (group members, data set elements, ...). */
function dropReferences(store: MetadataStore, ids: Set<string>): void {
  for (const type of store.types()) {
    const changed: MetadataObject[] = [];
    for (const object of store.list(type)) {
      let touched = false;
      const copy: MetadataObject = { ...object };
      for (const [key, value] of Object.entries(object)) {
        if (!Array.isArray(value)) continue;
        const kept = value.filter((item) => {
          const direct = refId(item);
          if (direct !== null && ids.has(direct)) return false;
          if (isObject(item)) {
            for (const nested of Object.values(item)) {
              const nestedId = refId(nested);
              if (nestedId !== null && ids.has(nestedId) && isObject(nested)) return false;
            }
          }
          return true;
        });
        if (kept.length !== value.length) {
          copy[key] = kept;
          touched = true;
        }
      }
      if (touched) changed.push(copy);
    }
    if (changed.length > 0) store.add(type, changed);
  }
}

function commit(bundle: Bundle, progress: (message: string) => void): TypeReport[] {
  const { env, params } = bundle;
  const kind = strategyKind(params.importStrategy);
  const now = dhis2Date(new Date());
  const username = env.user.username;
  const reports: TypeReport[] = [];
  const upserts = new Map<string, MetadataObject[]>();
  const deletes = new Map<string, Set<string>>();
  const stage = (message: string, items: number) => {
    progress(message);
    return () => progress(`${items} successful and 0 failed items`);
  };
  for (const [type, lists] of bundle.lists) {
    const model = typeModel(type);
    if (!model) continue;
    const report = new TypeReport(model.klass);
    const track = (entry: Entry) =>
      report.addObjectReport(new ObjectReport(model.klass, bundle.indexOf(type, entry.object), str(entry.object['id']), displayNameOf(entry.object)));
    const write = (entries: Entry[], verb: 'Creating' | 'Updating') => {
      if (entries.length === 0) return;
      const hook = verb === 'Creating' ? 'Create' : 'Update';
      stage(`Running pre${hook} ${model.simpleName} bundle hooks`, entries.length)();
      const done = stage(`${verb} ${entries.length} ${model.simpleName} object(s) as ${username}`, entries.length);
      const list = upserts.get(type) ?? [];
      for (const entry of entries) {
        track(entry);
        list.push(storedForm(entry, env.user, now, env.store, params));
      }
      upserts.set(type, list);
      done();
      stage(`Running post${hook} ${model.simpleName} bundle hooks`, entries.length)();
    };
    if (kind === 'CREATE_AND_UPDATE') {
      write(lists.nonPersisted, 'Creating');
      write(lists.persisted, 'Updating');
    } else if (kind === 'CREATE') write(lists.nonPersisted, 'Creating');
    else if (kind === 'UPDATE') write(lists.persisted, 'Updating');
    else if (kind === 'DELETE' && lists.persisted.length > 0) {
      const done = stage(`Deleting ${lists.persisted.length} ${model.simpleName} object(s) as ${username}`, lists.persisted.length);
      const gone = deletes.get(type) ?? new Set<string>();
      for (const entry of lists.persisted) {
        const objectReportFor = new ObjectReport(model.klass, bundle.indexOf(type, entry.object), str(entry.object['id']), displayNameOf(entry.existing));
        report.addObjectReport(objectReportFor);
        const veto = deletionVeto(entry, env);
        if (veto !== null) {
          objectReportFor.add(new ErrorReport(model.klass, 'E4030', [], `Object could not be deleted because it is associated with another object: ${veto}`));
          report.stats.ignored++;
          report.stats.deleted--;
        } else {
          gone.add(String(entry.object['id']));
        }
      }
      deletes.set(type, gone);
      done();
      progress(`Publish deletion event for ${lists.persisted.length} objects`);
    }
    reports.push(report);
  }
  for (const [type, objects] of upserts) env.store.add(type, objects);
  const deletedIds = new Set<string>();
  for (const [type, ids] of deletes) {
    if (ids.size === 0) continue;
    env.store.remove(type, ids);
    for (const id of ids) deletedIds.add(id);
    if (type === 'categoryCombos') {
      const cocs = env.store.list('categoryOptionCombos').filter((coc) => ids.has(refId(coc['categoryCombo']) ?? ''));
      env.store.remove('categoryOptionCombos', new Set(cocs.map((coc) => String(coc['id']))));
    }
  }
  if (deletedIds.size > 0) dropReferences(env.store, deletedIds);
  return reports;
}

// -------------------------------------------------------------------------------------------------
// importMetadata
// -------------------------------------------------------------------------------------------------

/** DefaultMetadataImportService.importMetadata for a parsed JSON payload. Throws MetadataImportCrash where 2.41 throws. */
export function importMetadata(payload: Record<string, unknown>, params: MetadataImportParams, env: MetadataImportEnv): ImportReport {
  const progress = env.progress ?? (() => undefined);
  progress('Running preCreateBundle');
  progress('Creating bundle');
  const bundle = createBundle(payload, params, env);
  progress('Running postCreateBundle');
  progress('Validating bundle');
  const report = new ImportReport(params);
  // Validation is skipped for superusers who ask for it (the report then counts nothing).
  const skip = params.skipValidation && isSuperuser(env.user);
  const validation = skip ? [] : validate(bundle);
  for (const typeReport of validation) report.addTypeReport(typeReport);
  const failed = validation.some((typeReport) => typeReport.hasErrors());
  if (!failed || params.atomicMode === 'NONE') {
    if (params.importMode === 'COMMIT') for (const typeReport of commit(bundle, progress)) report.addTypeReport(typeReport);
    if (report.hasErrors()) report.status = 'WARNING';
  } else {
    for (const typeReport of report.typeReports()) typeReport.stats.ignoreAll();
    report.status = 'ERROR';
  }
  if (params.importMode === 'VALIDATE') return report;
  report.clean();
  for (const typeReport of report.typeReports()) {
    if (params.importReportMode === 'ERRORS') typeReport.clean();
    if (params.importReportMode !== 'DEBUG') for (const objectReport of typeReport.objectReports()) objectReport.displayName = null;
  }
  return report;
}
