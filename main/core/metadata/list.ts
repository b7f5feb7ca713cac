import type { MetadataIndex } from './index';

export interface ListedObject {
  id: string;
  name: string | null;
  code: string | null;
  detail: string | null;
}

export type ListableType = 'dataSets' | 'attributes' | 'organisationUnits' | 'categoryCombos' | 'optionSets';

/**
 * Pickers on the pages: data sets (with period type), unique attributes (with what they apply to),
 * org units (with level), category combos (with their number of categories) and option sets (with
 * their number of options).
 */
export function listMetadata(index: MetadataIndex | null, type: ListableType, query: string | undefined, limit: number): ListedObject[] {
  if (!index) return [];
  const needle = query?.trim().toLowerCase() ?? '';
  const matches = (o: { id: string; name: string | null; code: string | null }) =>
    needle === '' || o.id.toLowerCase() === needle || (o.name ?? '').toLowerCase().includes(needle) || (o.code ?? '').toLowerCase().includes(needle);
  const out: ListedObject[] = [];
  const push = (o: ListedObject) => {
    if (out.length < limit && matches(o)) out.push(o);
  };
  if (type === 'dataSets') for (const d of index.all('dataSets')) push({ id: d.id, name: d.name, code: d.code, detail: d.periodType });
  if (type === 'attributes') {
    for (const a of index.all('attributes')) if (a.unique) push({ id: a.id, name: a.name, code: a.code, detail: a.appliesTo.join(', ') || null });
  }
  if (type === 'organisationUnits') for (const o of index.all('organisationUnits')) push({ id: o.id, name: o.name, code: o.code, detail: `level ${o.level}` });
  if (type === 'categoryCombos') {
    for (const c of index.all('categoryCombos')) push({ id: c.id, name: c.name, code: c.code, detail: countOf(c.categories.length, 'category', 'categories') });
  }
  if (type === 'optionSets')
    for (const o of index.all('optionSets')) push({ id: o.id, name: o.name, code: o.code, detail: countOf(o.options.length, 'option', 'options') });
  return out.sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id));
}

function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
