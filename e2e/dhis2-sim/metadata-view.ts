import { type FieldNode, parseFields } from './fields';
import type { MetadataObject, MetadataStore } from './metadata';

/**
 * How /api/{type} shows seeded objects: the properties DHIS2 computes (displayName, path, level,
 * children, the inverse sides of associations) are added to the stored ones, `fields=` picks and
 * expands them (a reference like `categoryCombo[id,name]` is looked up by its UID), and `filter=` /
 * `order=` work on the same view.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const refs = (ids: readonly string[]): JsonObject[] => ids.map((id) => ({ id }));

/** The object with DHIS2's computed properties added where the seed does not have them. */
export function viewOf(store: MetadataStore, type: string, object: MetadataObject): JsonObject {
  const view: JsonObject = { ...object };
  const id = typeof object['id'] === 'string' ? object['id'] : '';
  const add = (key: string, value: () => Json) => {
    if (view[key] === undefined) view[key] = value();
  };
  if (typeof object['name'] === 'string') add('displayName', () => object['name']);
  if (typeof object['shortName'] === 'string') add('displayShortName', () => object['shortName']);
  if (typeof object['description'] === 'string') add('displayDescription', () => object['description']);
  switch (type) {
    case 'organisationUnits': {
      const node = store.orgUnit(id);
      if (node) {
        add('path', () => node.path);
        add('level', () => node.level);
        add('children', () => refs(node.children));
        add('ancestors', () => refs(node.path.split('/').filter((p) => p.length > 0 && p !== id)));
      }
      add('dataSets', () => refs(store.dataSetsOfOrgUnit(id)));
      add('organisationUnitGroups', () => refs(store.groupsOfOrgUnit(id)));
      break;
    }
    case 'dataElements':
      add('displayFormName', () => object['formName'] ?? object['name']);
      add('categoryCombo', () => ({ id: store.defaults().combo }));
      add('dataSetElements', () => store.dataSetElementsOfElement(id));
      add('dataElementGroups', () => refs(store.groupsOfElement(id)));
      break;
    case 'dataSets':
      add('categoryCombo', () => ({ id: store.defaults().combo }));
      break;
    case 'categoryCombos':
      add('categoryOptionCombos', () => refs(store.combosCocs(id)));
      break;
    case 'categoryOptionCombos': {
      const combo = store.cocCombo(id);
      if (combo !== undefined) add('categoryCombo', () => ({ id: combo }));
      break;
    }
    case 'categories':
      add('categoryCombos', () => refs(store.categoryCombosOfCategory(id)));
      break;
    case 'categoryOptions':
      add('categories', () => refs(store.categoriesOfOption(id)));
      break;
    case 'optionSets':
      add('options', () => refs(store.optionSetOptions(id)));
      break;
    case 'options': {
      const set = store.optionOptionSet(id);
      if (set !== undefined) add('optionSet', () => ({ id: set }));
      break;
    }
  }
  return view;
}

// -------------------------------------------------------------------------------------------------
// fields=
// -------------------------------------------------------------------------------------------------

export interface RenderContext {
  store: MetadataStore;
  /** http://host:port, for href. */
  baseUrl: string;
  /** Add computed properties (collection endpoints) or show objects as stored (metadata export). */
  computed: boolean;
}

// Preset.java
const PRESETS: Record<string, string[]> = {
  ':id': ['id'],
  ':code': ['code'],
  ':idName': ['id', 'displayName'],
  ':identifiable': ['id', 'name', 'code', 'created', 'lastUpdated', 'href'],
  ':nameable': ['id', 'name', 'shortName', 'description', 'code', 'created', 'lastUpdated'],
};

function expandPresets(nodes: FieldNode[]): FieldNode[] {
  const out: FieldNode[] = [];
  for (const node of nodes) {
    const preset = PRESETS[node.name];
    if (preset && !node.exclude) out.push(...preset.map((name) => ({ name, exclude: false, children: null })));
    else out.push(node);
  }
  return out;
}

function isAll(node: FieldNode): boolean {
  return node.name === '*' || node.name === ':all' || node.name === ':owner' || node.name === ':simple' || node.name === ':persisted';
}

function resolveRef(value: JsonObject, ctx: RenderContext): { type: string; object: JsonObject } | null {
  const id = value['id'];
  if (typeof id !== 'string') return null;
  const found = ctx.store.getAny(id);
  if (!found) return null;
  return { type: found.type, object: ctx.computed ? viewOf(ctx.store, found.type, found.object) : found.object };
}

/** What `*` shows for a nested value: references shrink to `{"id"}`, embedded objects are shown whole. */
function defaultNested(value: Json, ctx: RenderContext): Json {
  if (Array.isArray(value)) return value.map((item) => defaultNested(item, ctx));
  if (!isObject(value)) return value;
  if (typeof value['id'] === 'string' && ctx.store.getAny(value['id'])) return { id: value['id'] };
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) out[key] = defaultNested(child, ctx);
  return out;
}

function nested(value: Json, children: FieldNode[], ctx: RenderContext): Json {
  if (Array.isArray(value)) return value.map((item) => nested(item, children, ctx));
  if (!isObject(value)) return value;
  const resolved = resolveRef(value, ctx);
  return resolved ? renderObject(resolved.object, resolved.type, children, ctx) : renderObject(value, null, children, ctx);
}

/** One object through a parsed field list. */
export function renderObject(object: JsonObject, type: string | null, fieldNodes: readonly FieldNode[], ctx: RenderContext): JsonObject {
  const nodes = expandPresets([...fieldNodes]);
  const all = nodes.some((node) => isAll(node) && !node.exclude);
  const excluded = new Set(nodes.filter((node) => node.exclude).map((node) => node.name));
  const named = new Map<string, FieldNode>();
  for (const node of nodes) if (!node.exclude && !isAll(node)) named.set(node.name, node);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (excluded.has(key) || value === undefined) continue;
    const node = named.get(key);
    if (!node && !all) continue;
    out[key] = node?.children ? nested(value, node.children, ctx) : defaultNested(value, ctx);
  }
  if (type !== null && named.has('href') && !excluded.has('href') && typeof object['id'] === 'string') {
    out['href'] = `${ctx.baseUrl}/api/${type}/${object['id']}`;
  }
  return out;
}

export function fieldNodes(fields: readonly string[], fallback: string): FieldNode[] {
  const nodes = parseFields(fields.length > 0 ? fields : [fallback]);
  return nodes.length > 0 ? nodes : parseFields(fallback);
}

// -------------------------------------------------------------------------------------------------
// filter=
// -------------------------------------------------------------------------------------------------

export class QueryError extends Error {
  override name = 'QueryError';
}

interface Filter {
  path: string[];
  operator: string;
  arg: string | null;
}

const OPERATORS = new Set([
  'eq',
  'ieq',
  '!eq',
  'neq',
  'ne',
  'gt',
  'lt',
  'gte',
  'ge',
  'lte',
  'le',
  'like',
  '!like',
  '$like',
  '!$like',
  'like$',
  '!like$',
  'ilike',
  '!ilike',
  'startsWith',
  '$ilike',
  '!$ilike',
  'token',
  '!token',
  'endsWith',
  'ilike$',
  '!ilike$',
  'in',
  '!in',
  'null',
  '!null',
  'empty',
]);

/** DefaultJpaQueryParser.parse: "path:operator[:value]" where the value may itself contain colons. */
export function parseFilter(filter: string): Filter {
  const split = filter.split(':');
  if (split.length < 2) throw new QueryError(`Invalid filter => ${filter}`);
  const [path = '', operator = ''] = split;
  if (!OPERATORS.has(operator)) throw new QueryError(`\`${operator}\` is not a valid operator.`);
  const arg = split.length >= 3 ? filter.slice(path.length + operator.length + 2) : null;
  return { path: path.split('.'), operator, arg };
}

/** Terminal values along a path, following references (by UID) and lists. */
function valuesAt(object: JsonObject, path: readonly string[], ctx: RenderContext): { values: Json[] } {
  let current: Json[] = [object];
  path.forEach((segment, depth) => {
    const next: Json[] = [];
    for (const value of current) {
      let target: JsonObject | null = isObject(value) ? value : null;
      if (target && depth > 0 && typeof target['id'] === 'string' && !(segment in target)) target = resolveRef(target, ctx)?.object ?? target;
      if (!target) continue;
      const child = target[segment];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined && child !== null) next.push(child);
    }
    current = next;
  });
  return { values: current };
}

function text(value: Json): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isObject(value) && typeof value['id'] === 'string') return value['id'];
  return null;
}

function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  const da = /^\d{4}-\d\d-\d\d/.test(a) ? Date.parse(a.slice(0, 23)) : NaN;
  const db = /^\d{4}-\d\d-\d\d/.test(b) ? Date.parse(b.slice(0, 23)) : NaN;
  if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
  return a < b ? -1 : a > b ? 1 : 0;
}

function inArgs(arg: string | null): string[] {
  if (arg === null) throw new QueryError('Invalid argument `null` for in operator.');
  const inner = arg.startsWith('[') && arg.endsWith(']') ? arg.slice(1, -1) : arg;
  const values = inner.split(',').filter((v) => v.length > 0);
  if (values.length === 0) throw new QueryError(`Invalid argument \`${arg}\` for in operator.`);
  return values;
}

function matchOne(value: string, operator: string, arg: string): boolean {
  const lower = value.toLowerCase();
  const argLower = arg.toLowerCase();
  switch (operator.replace(/^!/, '')) {
    case 'eq':
      return value === arg;
    case 'ieq':
      return lower === argLower;
    case 'neq':
    case 'ne':
      return value !== arg;
    case 'gt':
      return compare(value, arg) > 0;
    case 'lt':
      return compare(value, arg) < 0;
    case 'gte':
    case 'ge':
      return compare(value, arg) >= 0;
    case 'lte':
    case 'le':
      return compare(value, arg) <= 0;
    case 'like':
      return value.includes(arg);
    case '$like':
      return value.startsWith(arg);
    case 'like$':
      return value.endsWith(arg);
    case 'ilike':
      return lower.includes(argLower);
    case 'startsWith':
    case '$ilike':
      return lower.startsWith(argLower);
    case 'endsWith':
    case 'ilike$':
      return lower.endsWith(argLower);
    case 'token': {
      const words = lower.split(/[\s\-_.,]+/);
      return argLower.split(/\s+/).every((token) => words.some((word) => word.startsWith(token)));
    }
    default:
      return false;
  }
}

function matches(object: JsonObject, type: string, filter: Filter, ctx: RenderContext, knownProperties: Set<string>): boolean {
  if (filter.path.length === 1 && filter.path[0] === 'identifiable' && !knownProperties.has('identifiable')) {
    return ['id', 'code', 'name', 'shortName'].some((property) => matches(object, type, { ...filter, path: [property] }, ctx, knownProperties));
  }
  const head = filter.path[0] ?? '';
  if (!knownProperties.has(head)) throw new QueryError(`Unknown path property: ${filter.path.join('.')}`);
  const { values } = valuesAt(object, filter.path, ctx);
  const strings = values.map(text).filter((value): value is string => value !== null);
  const { operator, arg } = filter;
  switch (operator) {
    case 'null':
      return strings.length === 0;
    case '!null':
      return strings.length > 0;
    case 'empty':
      return values.length === 0;
    case 'in':
      return strings.some((value) => inArgs(arg).includes(value));
    case '!in': {
      const list = inArgs(arg);
      return !strings.some((value) => list.includes(value));
    }
  }
  if (arg === null) throw new QueryError(`Invalid filter => ${filter.path.join('.')}:${operator}`);
  if (operator === '!eq' || operator === 'neq' || operator === 'ne') return !strings.some((value) => value === arg);
  if (operator.startsWith('!')) return !strings.some((value) => matchOne(value, operator, arg));
  return strings.some((value) => matchOne(value, operator, arg));
}

const COMMON_PROPERTIES = [
  'id',
  'code',
  'name',
  'shortName',
  'displayName',
  'displayShortName',
  'description',
  'created',
  'lastUpdated',
  'href',
  'attributeValues',
  'translations',
  'sharing',
  'user',
  'createdBy',
  'lastUpdatedBy',
];

/** Applies the filters (AND, or OR with rootJunction=OR); throws QueryError for filters DHIS2 answers with 400. */
export function filterObjects(
  objects: readonly JsonObject[],
  type: string,
  filters: readonly string[],
  rootJunction: 'AND' | 'OR',
  ctx: RenderContext,
): JsonObject[] {
  if (filters.length === 0) return [...objects];
  const parsed = filters.map(parseFilter);
  const known = new Set(COMMON_PROPERTIES);
  for (const object of objects) for (const key of Object.keys(object)) known.add(key);
  if (objects.length === 0) return [];
  return objects.filter((object) =>
    rootJunction === 'OR'
      ? parsed.some((filter) => matches(object, type, filter, ctx, known))
      : parsed.every((filter) => matches(object, type, filter, ctx, known)),
  );
}

// -------------------------------------------------------------------------------------------------
// order=
// -------------------------------------------------------------------------------------------------

interface Order {
  property: string;
  direction: 'asc' | 'desc';
  ignoreCase: boolean;
}

/** OrderParams: "name:asc,code:idesc"; a missing direction is asc. Query.setDefaultOrder: name (ignoring case), then id. */
export function parseOrders(values: readonly string[]): Order[] {
  const orders: Order[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      const [property = '', direction = 'asc'] = part.trim().split(':');
      if (property === '') continue;
      const d = direction.toLowerCase();
      orders.push({ property, direction: d === 'desc' || d === 'idesc' ? 'desc' : 'asc', ignoreCase: d === 'iasc' || d === 'idesc' });
    }
  }
  return orders;
}

export function sortObjects(objects: JsonObject[], orders: readonly Order[]): JsonObject[] {
  const effective = orders.length > 0 ? orders : [{ property: 'name', direction: 'asc' as const, ignoreCase: true }];
  const all = [...effective, { property: 'id', direction: 'asc' as const, ignoreCase: false }];
  return objects
    .map((object, position) => ({ object, position }))
    .sort((a, b) => {
      for (const order of all) {
        const va = text(a.object[order.property]);
        const vb = text(b.object[order.property]);
        if (va === vb) continue;
        if (va === null) return 1;
        if (vb === null) return -1;
        const x = order.ignoreCase ? va.toLowerCase() : va;
        const y = order.ignoreCase ? vb.toLowerCase() : vb;
        const c = compare(x, y);
        if (c !== 0) return order.direction === 'asc' ? c : -c;
      }
      return a.position - b.position;
    })
    .map((entry) => entry.object);
}

/** java.net.URLEncoder.encode(value, "UTF-8"). */
export function javaUrlEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
