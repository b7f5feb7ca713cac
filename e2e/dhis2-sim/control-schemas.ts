import { z } from 'zod';

/** Inputs of the control endpoint and of the matching Simulator methods; strict, so a typo is an error, not a no-op. */

export const FAIL_STATUSES = [413, 500, 502, 503, 504] as const;
export type FailStatus = (typeof FAIL_STATUSES)[number];

const PathPrefix = z
  .string()
  .regex(/^\/api(\/|$)/, 'path must start with /api, e.g. /api/dataValueSets')
  .optional();
const Count = z.number().int().min(1, 'count must be at least 1').max(1_000_000).optional();

export const OfflineInput = z.strictObject({
  offline: z.boolean(),
  mode: z.enum(['reset', 'hang'], { error: 'mode must be "reset" or "hang"' }).optional(),
});

export const LatencyInput = z.strictObject({
  ms: z.number().int().min(0, 'ms must be 0 or more').max(600_000, 'ms must be at most 600000 (10 minutes)'),
});

export const FailInput = z.strictObject({
  status: z.literal(FAIL_STATUSES, { error: `status must be one of ${FAIL_STATUSES.join(', ')}` }),
  count: Count,
  path: PathPrefix,
});

export const DropInput = z.strictObject({
  count: Count,
  path: PathPrefix,
  afterBytes: z.number().int().min(0, 'afterBytes must be 0 or more').optional(),
});

export const FailAsyncJobInput = z.strictObject({
  afterValues: z.number().int().min(0, 'afterValues must be 0 or more').optional(),
  mode: z.enum(['error', 'crash'], { error: 'mode must be "error" or "crash"' }).optional(),
  message: z.string().min(1, 'message must not be empty').optional(),
  jobType: z.enum(['DATAVALUE_IMPORT', 'METADATA_IMPORT'], { error: 'jobType must be "DATAVALUE_IMPORT" or "METADATA_IMPORT"' }).optional(),
});

export const SchedulerInput = z.strictObject({
  mode: z.enum(['immediate', 'dhis2'], { error: 'mode must be "immediate" or "dhis2"' }),
  loopMs: z.number().int().min(1, 'loopMs must be at least 1').max(600_000, 'loopMs must be at most 600000').optional(),
  continuousTypes: z.array(z.string().regex(/^[A-Z_]+$/, 'continuousTypes must be job type names such as METADATA_IMPORT')).optional(),
});

export const LinkInput = z.strictObject({
  bitsPerSecond: z.number().int().min(0, 'bitsPerSecond must be 0 (unlimited) or more').optional(),
  latencyMs: z.number().int().min(0, 'latencyMs must be 0 or more').max(600_000, 'latencyMs must be at most 600000').optional(),
});

export const SeedMetadataInput = z.strictObject({
  metadata: z.record(z.string(), z.unknown(), { error: 'metadata must be a DHIS2 metadata export object' }),
  replace: z.boolean().optional(),
});

export type OfflineInput = z.infer<typeof OfflineInput>;
export type FailAsyncJobInput = z.infer<typeof FailAsyncJobInput>;
export type FailInput = z.infer<typeof FailInput>;
export type DropInput = z.infer<typeof DropInput>;

/** One line naming each bad field, for a 400 body or a thrown Error. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Parses or throws an Error whose message is the same one line the control endpoint answers. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`Invalid ${what}: ${describeIssues(result.error)}`);
  return result.data;
}
