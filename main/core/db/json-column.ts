/** JSON columns: parse what we wrote; a row we cannot read is reported, not silently dropped. */
export function parseJsonColumn<T>(text: string | null, column: string, rowId: string): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`Column ${column} of row ${rowId} holds unreadable JSON`);
  }
}

export function toJsonColumn(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
