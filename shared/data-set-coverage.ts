import { z } from 'zod';

/** How many of a data set's assigned org units a chosen org unit selection reaches. */
export const DataSetCoverage = z.object({
  id: z.string(),
  /** Null when the offline metadata does not know the data set. */
  name: z.string().nullable(),
  known: z.boolean(),
  assignedCount: z.number().int().nonnegative(),
});
export type DataSetCoverage = z.infer<typeof DataSetCoverage>;

export const DataSetCoverageResult = z.object({
  /** False without offline metadata: nothing can be said, so no warning. */
  hasMetadata: z.boolean(),
  dataSets: z.array(DataSetCoverage),
});
export type DataSetCoverageResult = z.infer<typeof DataSetCoverageResult>;

/**
 * What to say about data sets the offline metadata assigns to none of the chosen units (nor below them, with
 * descendants): a warning, not a refusal, since the metadata may be older than the server's. `units` names the
 * chosen units (their names where known, else their ids).
 */
export function coverageWarnings(result: DataSetCoverageResult, units: readonly string[], includeDescendants: boolean): string[] {
  if (!result.hasMetadata || units.length === 0) return [];
  const one = units.length === 1;
  const where = one ? units[0]! : `any of the ${units.length} chosen organisation units`;
  const below = includeDescendants ? (one ? ' or any unit below it' : ' or any unit below them') : '';
  return result.dataSets
    .filter((set) => set.known && set.assignedCount === 0)
    .map((set) => `${set.name ?? set.id} is not assigned to ${where}${below}: the export will hold no values for it.`);
}
