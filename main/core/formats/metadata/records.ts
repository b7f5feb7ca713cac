/** One metadata object of a file, as DHIS2 would build it, with where it came from. */
export interface MetadataObjectRecord {
  /** The collection it is in: `dataElements`. */
  type: string;
  /** Position within its collection, counted from 0 as DHIS2's object reports count. */
  index: number;
  /** 1-based line of the file where the object starts (CSV: its row); 0 when unknown. */
  line: number;
  object: Record<string, unknown>;
  /** CSV rows without an id: DHIS2 gives the object a new random id, so it is always created. */
  generatedId?: boolean;
  /**
   * CSV references DHIS2 resolves while reading the file (an indicator's type): when the target does not
   * exist the property ends up empty, so the server reports it missing (E4000), not as a bad reference.
   */
  resolvedWhileReading?: readonly string[];
}

/** What a reader tells besides objects: collections it skipped, cut values, rows DHIS2 drops without a word. */
export interface ReadNote {
  line: number | null;
  message: string;
}

export interface MetadataReadResult {
  /** Top-level values that are not collections (`system`, `date`). */
  header: Record<string, unknown>;
  notes: ReadNote[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"id": "x"}` or `{"code": "y"}`: the identifier a reference carries, by the import's identifier. */
export function referenceKey(value: unknown, identifier: 'UID' | 'CODE'): string | null {
  if (!isPlainObject(value)) return typeof value === 'string' && value !== '' ? value : null;
  const key = identifier === 'CODE' ? value.code : value.id;
  return typeof key === 'string' && key !== '' ? key : null;
}

export function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** Top-level keys of a DHIS2 metadata export that are not collections of objects. */
export const HEADER_KEYS: ReadonlySet<string> = new Set(['system', 'date']);
