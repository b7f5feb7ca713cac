import { z } from 'zod';
import { JOB_KINDS, type JobKindName } from './job-kinds';

/**
 * Every job type the app knows by name, in the order of shared/job-kinds.ts, where each is declared. A
 * type is listed (so the Job overview can filter on it and old rows stay readable) before this version
 * can make jobs of it: its declaration then has no parameters.
 */
export const JOB_TYPES = Object.keys(JOB_KINDS) as [JobKindName, ...JobKindName[]];
export const JobType = z.enum(JOB_TYPES);
export type JobType = z.infer<typeof JobType>;

/** Plain words for each type, shared by the Job overview chips and the CLI. */
export const JOB_TYPE_LABELS = Object.fromEntries(JOB_TYPES.map((type) => [type, JOB_KINDS[type].label])) as Record<JobType, string>;

/**
 * The durable state machine. Active states are the ones a process was in the middle of when it
 * died; on start-up they go back to `queued` and resume from the last checkpoint.
 */
export const JOB_STATES = [
  'queued',
  'waiting-for-connection',
  'validating',
  'uploading',
  'server-processing',
  'running',
  'done',
  'failed',
  'needs-attention',
  'cancelled',
  // Left this laptop on a USB bundle (main/core/bundles): the runner never picks it up, so it cannot also be sent from here.
  'carried',
  // A receipt from the district said it arrived there; the district's result, when known, is the job's result.
  'delivered',
  // Arrived by USB and would delete on the server: the runner never picks it up until a person here confirms it (main/core/bundles).
  'held',
] as const;
export const JobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobState>;

export const ACTIVE_STATES: readonly JobState[] = ['validating', 'uploading', 'server-processing', 'running'];
export const TERMINAL_STATES: readonly JobState[] = ['done', 'failed', 'needs-attention', 'cancelled', 'carried', 'delivered'];
export const WAITING_STATES: readonly JobState[] = ['queued', 'waiting-for-connection'];

export const JOB_STATE_LABELS: Record<JobState, string> = {
  queued: 'Queued',
  'waiting-for-connection': 'Waiting for connection',
  validating: 'Validating',
  uploading: 'Uploading',
  'server-processing': 'Server processing',
  running: 'Running',
  done: 'Completed',
  failed: 'Failed',
  'needs-attention': 'Needs attention',
  cancelled: 'Cancelled',
  carried: 'Carried on USB',
  delivered: 'Delivered by USB',
  held: 'Held: confirm the delete',
};

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lower-case hex');

/** A file the user handed over, kept in the content-addressed store. */
export const FileRef = z.object({
  sha256: Sha256,
  name: z.string().min(1).max(500),
  size: z.number().int().nonnegative(),
});
export type FileRef = z.infer<typeof FileRef>;

export const JobProgress = z.object({
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  message: z.string(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobError = z.object({
  code: z.string(),
  message: z.string(),
});
export type JobError = z.infer<typeof JobError>;

export const Job = z.object({
  id: z.string(),
  type: JobType,
  title: z.string(),
  state: JobState,
  params: z.record(z.string(), z.unknown()),
  files: z.array(FileRef),
  serverId: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  maxAttempts: z.number().int().positive(),
  nextAttemptAt: z.string().nullable(),
  progress: JobProgress.nullable(),
  result: z.unknown().nullable(),
  error: JobError.nullable(),
  recreatedFrom: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LogLevel = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevel>;

export const JobLogEntry = z.object({
  seq: z.number().int(),
  jobId: z.string(),
  at: z.string(),
  level: LogLevel,
  message: z.string(),
});
export type JobLogEntry = z.infer<typeof JobLogEntry>;
