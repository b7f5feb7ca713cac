/**
 * Whether a job's options ask the server to delete: the data import's `strategy` and the metadata import's
 * `importStrategy` (and any later option named like them). Read from the options as they arrived, before any
 * schema: an older alias (DELETES) or a different case still counts, so nothing that deletes slips through.
 */
export function isDestructive(params: Record<string, unknown>): boolean {
  return Object.entries(params).some(([key, value]) => /strategy$/i.test(key) && typeof value === 'string' && /^\s*deletes?\s*$/i.test(value));
}
