import type { z } from 'zod';
import type { FileRef, Job, JobProgress, JobState, JobType, LogLevel } from '../../../shared/jobs';
import type { JobKindName, ParamsOf, ResultOf } from '../../../shared/job-kinds';
import type { Dhis2Client } from '../dhis2/client';

export type RunPhase = Extract<JobState, 'validating' | 'uploading' | 'server-processing' | 'running'>;

/** What a job's run step may use. Everything it writes through here is durable before the call returns. */
export interface JobContext<P> {
  readonly job: Job;
  readonly params: P;
  /** Aborted when the user cancels or the app shuts down; pass it to every request and wait. */
  readonly signal: AbortSignal;
  readonly files: ReadonlyArray<{ ref: FileRef; path: string }>;
  /** The last checkpoint saved by an earlier attempt (or by this one), null on a first run. */
  checkpoint<T>(): T | null;
  /** Saves the checkpoint, progress and an optional log line in one transaction. */
  saveCheckpoint(value: unknown, progress?: JobProgress, logMessage?: string): void;
  /** Progress for the UI; written at most a few times a second. */
  progress(done: number, total: number | null, message: string): void;
  log(level: LogLevel, message: string): void;
  setPhase(phase: RunPhase): void;
  /** A client for the job's server (the default server when the job names none). */
  server(): Promise<Dhis2Client>;
}

/**
 * How one kind of job does its work. The runner owns retries, backoff, progress events, cancellation and
 * checkpoints; a plugin does the work, resuming from `ctx.checkpoint()`. Its parameters and result are
 * those its kind declares in shared/job-kinds.ts (see `KindPlugin`).
 */
export interface JobPlugin<P = Record<string, unknown>, R = unknown> {
  readonly type: JobType;
  needsServer(params: P): boolean;
  title(params: P, files: readonly FileRef[]): string;
  run(ctx: JobContext<P>): Promise<R>;
}

/** The plugin of a declared kind: parameters and result typed from its declaration. */
export type KindPlugin<T extends JobKindName> = JobPlugin<ParamsOf<T>, ResultOf<T>> & { readonly type: T };

/** The schemas the runner checks a kind's parameters and results with. */
export interface KindSchemas<P, R> {
  params: z.ZodType<P>;
  result: z.ZodType<R> | null;
}

/**
 * A failure the plugin recognised. `fix`: the user must change something (needs attention);
 * `retry`: worth trying again later; `fatal`: cannot succeed as it stands (failed).
 */
export class JobFailure extends Error {
  constructor(
    readonly kind: 'fix' | 'retry' | 'fatal',
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}
