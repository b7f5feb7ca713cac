/**
 * The `fields=` parameter, the part of DHIS2's field filter that clients use: names, `*` / `:all` (and
 * other `:presets`, treated as all), `!name` to leave a property out, and `name[sub,fields]` to pick
 * inside nested objects. Transformers (`~rename(x)`, `::size`) are parsed and ignored. Unknown names are
 * ignored, as DHIS2 does.
 *
 * A nested object that is a DHIS2 identifiable object (org unit, user role, ...) prints as `{"id": ...}`
 * unless sub-fields are asked for, which is what `*` gives on a real server. Objects that are not
 * identifiable (settings, access) print whole. Mark identifiable objects with `identifiable()`.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

export interface FieldNode {
  name: string;
  exclude: boolean;
  children: FieldNode[] | null;
}

const identifiables = new WeakSet<object>();

export function identifiable<T extends object>(value: T): T {
  identifiables.add(value);
  return value;
}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '[' || char === '(') depth++;
    if (char === ']' || char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

function parseOne(part: string): FieldNode {
  let rest = part;
  const exclude = rest.startsWith('!');
  if (exclude) rest = rest.slice(1);
  let children: FieldNode[] | null = null;
  const open = rest.search(/[[(]/);
  if (open >= 0) {
    const closeChar = rest.charAt(open) === '[' ? ']' : ')';
    const close = rest.lastIndexOf(closeChar);
    const inner = rest.slice(open + 1, close > open ? close : rest.length);
    children = parseFields(inner);
    rest = rest.slice(0, open);
  }
  const name = rest.split(/~|::/)[0]?.trim() ?? '';
  return { name, exclude, children };
}

/** Several `fields` parameters count as one comma list, as DHIS2 joins them. */
export function parseFields(fields: string | readonly string[]): FieldNode[] {
  const text = typeof fields === 'string' ? fields : fields.join(',');
  return splitTopLevel(text)
    .map(parseOne)
    .filter((node) => node.name.length > 0);
}

function isAll(node: FieldNode): boolean {
  return node.name === '*' || node.name.startsWith(':');
}

/** What `*` gives for a nested value: identifiable objects shrink to their id. */
function defaultNested(value: Json): Json {
  if (Array.isArray(value)) return value.map(defaultNested);
  if (isObject(value) && identifiables.has(value)) return { id: value['id'] };
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) out[key] = defaultNested(child);
    return out;
  }
  return value;
}

function applyNested(value: Json, children: FieldNode[]): Json {
  if (Array.isArray(value)) return value.map((item) => applyNested(item, children));
  if (isObject(value)) return applyFields(value, children);
  return value;
}

/** The object with only the asked-for properties, in the object's own property order. */
export function applyFields(object: JsonObject, nodes: readonly FieldNode[]): JsonObject {
  const all = nodes.some((node) => isAll(node) && !node.exclude);
  const excluded = new Set(nodes.filter((node) => node.exclude).map((node) => node.name));
  const named = new Map<string, FieldNode>();
  for (const node of nodes) if (!node.exclude && !isAll(node)) named.set(node.name, node);

  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (excluded.has(key)) continue;
    const node = named.get(key);
    if (!node && !all) continue;
    out[key] = node?.children ? applyNested(value, node.children) : defaultNested(value);
  }
  return out;
}

/** `fields` query values to a filtered copy; no `fields` means `*`. */
export function filterFields(object: JsonObject, fields: readonly string[]): JsonObject {
  const nodes = parseFields(fields.length > 0 ? fields : ['*']);
  return applyFields(object, nodes.length > 0 ? nodes : parseFields('*'));
}
