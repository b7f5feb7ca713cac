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
