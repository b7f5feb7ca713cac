import type { ImportConflict } from '../../../../shared/import-summary';
import { DESCRIPTORS } from './conflict-descriptors';
import { errorMessage, i18n, type ErrorCode } from './messages';
import { ownCopy } from './own-copy';

/** A check's finding: the error code and its arguments in DHIS2's order (raw identifiers as the file has them). */
export interface FoundConflict {
  code: ErrorCode;
  args: readonly (string | null)[];
}

/** How many indexes (and lines) one conflict keeps; occurrences beyond are only counted. */
export const DEFAULT_INDEX_CAP = 10_000;

interface Entry {
  conflict: ImportConflict;
  indexes: number[] | null;
  lines: number[];
  occurrences: number;
}

/**
 * DHIS2's conflict list: one entry per error code and `objects` values (legacy conflicts: per object and
 * message), in first-seen order, each collecting the indexes of the values it rejected. Memory grows with
 * the number of distinct conflicts, not of values: indexes and lines stop being kept at the cap.
 */
export class ConflictLog {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  constructor(private readonly cap = DEFAULT_INDEX_CAP) {}

  /** `index` is DHIS2's (the value's position in what the server reads), -1 for set-level conflicts. */
  add(found: FoundConflict, index: number, line: number): void {
    const descriptor = DESCRIPTORS[found.code];
    const types = descriptor?.objectTypes ?? [];
    const property = descriptor?.property ?? null;
    // Java's LinkedHashMap: put keeps the first position, putIfAbsent (I18n arguments) keeps the first value.
    const map = new Map<string, string | null>();
    const messageArgs = [...found.args];
    types.forEach((type, i) => {
      const arg = found.args[i] ?? null;
      if (type === 'i18n') {
        messageArgs[i] = arg === null ? null : i18n(arg);
        if (property !== null && !map.has(property)) map.set(property, arg);
      } else map.set(type, arg);
    });
    const keyValues = [...map.values()];
    // Our summary type has no nulls: where DHIS2 writes `"period": null`, the key is left out.
    const objects: Record<string, string> = {};
    for (const [key, value] of map) if (value !== null) objects[key] = value;
    const groupingKey = `${found.code}:${keyValues.map((v) => v ?? 'null').join(':')}`;
    this.record(groupingKey, index, line, () => {
      const first = keyValues[0];
      // Kept for the whole run: copies, not pieces of the file's text (see ownCopy).
      for (const key of Object.keys(objects)) objects[key] = ownCopy(objects[key]!);
      return {
        ...(first !== undefined && first !== null ? { object: ownCopy(first) } : {}),
        objects,
        value: ownCopy(errorMessage(found.code, messageArgs)),
        errorCode: found.code,
        ...(property !== null ? { property } : {}),
      };
    });
  }

  /** A conflict without error code, as DHIS2 2.41's ADX import adds them: only `object` and `value`. */
  addLegacy(object: string, message: string, line: number): void {
    this.record(`${object}:${message}`, -1, line, () => ({ object: ownCopy(object), value: ownCopy(message) }));
  }

  get occurrences(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  list(): ImportConflict[] {
    return [...this.entries.values()].map(({ conflict, indexes, lines, occurrences }) => {
      const out: ImportConflict = { ...conflict };
      if (indexes) out.indexes = [...indexes];
      if (lines.length > 0) out.lines = [...lines];
      if (occurrences > this.cap) {
        out.occurrences = occurrences;
        out.indexesCapped = `only the first ${this.cap.toLocaleString('en')} of ${occurrences.toLocaleString('en')} occurrences are listed`;
      }
      return out;
    });
  }

  /** `line` < 0: not about a value of the file. */
  private record(groupingKey: string, index: number, line: number, make: () => ImportConflict): void {
    this.total++;
    let entry = this.entries.get(groupingKey);
    if (!entry) {
      entry = { conflict: make(), indexes: index >= 0 ? [] : null, lines: [], occurrences: 0 };
      this.entries.set(groupingKey, entry);
    }
    if (++entry.occurrences <= this.cap) {
      if (entry.indexes && index >= 0) entry.indexes.push(index);
      if (line >= 0) entry.lines.push(line);
    }
  }
}
