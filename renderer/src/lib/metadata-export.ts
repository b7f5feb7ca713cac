import { MetadataExportResult, type MetadataExportType } from '@shared/metadata-export';

export interface TypeGroup {
  group: string;
  types: MetadataExportType[];
}

/** True when the type's display name or plural contains the search text (any case, spaces ignored). */
export function typeMatches(type: MetadataExportType, search: string): boolean {
  const needle = search.trim().toLowerCase().replace(/\s+/g, '');
  if (needle === '') return true;
  return type.displayName.toLowerCase().replace(/\s+/g, '').includes(needle) || type.plural.toLowerCase().includes(needle);
}

/** The checklist's groups in the order the list has them, holding only the types that match the search. */
export function groupTypes(types: readonly MetadataExportType[], search: string): TypeGroup[] {
  const groups: TypeGroup[] = [];
  for (const type of types) {
    if (!typeMatches(type, search)) continue;
    let group = groups.find((g) => g.group === type.group);
    if (!group) groups.push((group = { group: type.group, types: [] }));
    group.types.push(type);
  }
  return groups;
}

/**
 * Types a recreated job names that the current list lacks (another server, an older list): they stay
 * selectable, in a group of their own, instead of disappearing from the job.
 */
export function withUnlisted(types: readonly MetadataExportType[], chosen: readonly string[]): MetadataExportType[] {
  const known = new Set(types.map((type) => type.plural));
  const extra = chosen.filter((plural) => !known.has(plural)).map((plural) => ({ plural, displayName: plural, group: 'Not in this list' }));
  return [...types, ...extra];
}

export function parseMetadataExportResult(result: unknown): MetadataExportResult | null {
  const parsed = MetadataExportResult.safeParse(result);
  return parsed.success ? parsed.data : null;
}

/** "12 dataElements, 3 organisationUnits and 5 more types" from the counts of a saved file. */
export function describeCounts(counts: Record<string, number>, shown = 4): string {
  const entries = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return 'no objects';
  const first = entries.slice(0, shown).map(([type, n]) => `${n.toLocaleString()} ${type}`);
  const rest = entries.length - first.length;
  if (rest === 0) return first.length === 1 ? first[0]! : `${first.slice(0, -1).join(', ')} and ${first.at(-1)}`;
  return `${first.join(', ')} and ${rest} more type${rest === 1 ? '' : 's'}`;
}

/** A finished metadata export as the export card shows it: the file, its size and what it holds. */
export function savedMetadataExport(result: unknown): { file: string; bytes: number; contents: string; notes: readonly string[] } | null {
  const parsed = parseMetadataExportResult(result);
  return parsed && { file: parsed.file, bytes: parsed.bytes, contents: describeCounts(parsed.counts), notes: parsed.notes };
}
