import { ACTIVE_STATES, JOB_STATE_LABELS, TERMINAL_STATES, type Job, type JobProgress, type LogLevel } from '../../../shared/jobs';
import type { CreateJobInput } from '../../../shared/contract';
import type { Settings } from '../../../shared/settings';
import type { JobsRepo, JobPatch } from '../db/jobs-repo';
import type { JobLogRepo } from '../db/job-log-repo';
import type { Db } from '../db/database';
import type { FileStore } from '../files/file-store';
import type { ServerService } from '../servers/server-service';
import type { EventBus } from '../events';
import type { JobRegistry } from './registry';
import { JobFailure, type JobContext, type RunPhase } from './plugin';
import { backoffMs } from './backoff';
import { RunnerLock } from './runner-lock';
import { Dhis2Error } from '../dhis2/errors';
import { AppError, notFound } from '../errors';
import { nowIso } from '../time';
import type { z } from 'zod';

type ParsedCreateJob = z.output<typeof import('../../../shared/contract').CreateJobInput>;

export interface ConnectivityView {
  /** true/false once checked; null while unknown (the runner then just tries). */
  isOnline(serverId: string): boolean | null;
  /** A job could not reach the server: count it offline until a ping says otherwise. */
  reportUnreachable(serverId: string): void;
}

export interface JobRunnerDeps {
  db: Db;
  jobs: JobsRepo;
  log: JobLogRepo;
  files: FileStore;
  servers: ServerService;
  registry: JobRegistry;
  bus: EventBus;
  settings: () => Settings;
  connectivity: ConnectivityView;
  lockPath: string;
  /** Jobs running at once; at most one per server so a clinic's uplink is not split. */
  concurrency?: number;
  /** How often to look for work that arrived from another process (the CLI) or fell due. */
  pollMs?: number;
  onError?: (error: unknown, context: string) => void;
  /**
   * Why a job must wait for a person before it runs again, or null. A delete that arrived by USB was
   * held until confirmed; retrying it after a cancel must not skip that (main/core/bundles).
   */
  holdOnRetry?: (job: Job) => string | null;
}

const PROGRESS_WRITE_MS = 300;

/**
 * The durable job state machine. Every transition is written to SQLite before it is announced,
 * so a kill at any moment leaves a state that `start()` can resume from.
 */
export class JobRunner {
  private readonly running = new Map<string, { controller: AbortController; serverId: string | null; done: Promise<void> }>();
  private readonly lock: RunnerLock;
  private timer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private started = false;
  private stopping = false;
  private ticking = false;
  private tickAgain = false;

  constructor(private readonly deps: JobRunnerDeps) {
    this.lock = new RunnerLock(deps.lockPath);
  }

  /** Queues a job. Works offline and without any server set up: the job waits. */
  create(input: ParsedCreateJob | CreateJobInput): Job {
    const { plugin, schemas } = this.deps.registry.require(input.type);
    const parsed = schemas.params.safeParse(input.params);
    if (!parsed.success) {
      throw new AppError(
        'INVALID_PARAMS',
        `The options for this job are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`,
      );
    }
    const files = input.files ?? [];
    for (const file of files) {
      if (!this.deps.files.has(file.sha256)) throw new AppError('FILE_MISSING', `The file "${file.name}" is not in the app's store; add it again.`);
    }
    const serverId = input.serverId ?? null;
    if (serverId) this.deps.servers.get(serverId);
    const job = this.deps.jobs.insert({
      type: input.type,
      title: input.title?.trim() || plugin.title(parsed.data, files),
      state: 'queued',
      params: parsed.data,
      files,
      serverId,
      maxAttempts: this.deps.settings().maxAttempts,
      recreatedFrom: input.recreatedFrom ?? null,
    });
    this.appendLog(job.id, 'info', input.recreatedFrom ? `Job recreated from job ${input.recreatedFrom} and queued.` : 'Job queued.');
    this.announce(job);
    this.wake();
    return job;
  }

  cancel(id: string): Job {
    const job = this.require(id);
    if (TERMINAL_STATES.includes(job.state)) {
      throw new AppError('NOT_CANCELLABLE', `This job is already in the state "${JOB_STATE_LABELS[job.state]}"; there is nothing to cancel.`);
    }
    const active = this.running.get(id);
    if (active) {
      // The run step sees the abort and stops at its next request or checkpoint; finish() records it.
      active.controller.abort(new CancelledByUser());
      this.appendLog(id, 'warn', 'Cancelling: stopping after the current step.');
      return this.require(id);
    }
    return this.transition(id, { state: 'cancelled', finishedAt: nowIso(), nextAttemptAt: null }, 'warn', 'Job cancelled.');
  }

  /** Tries again from the last checkpoint, with a fresh count of attempts. */
  retry(id: string): Job {
    const job = this.require(id);
    if (!['failed', 'needs-attention', 'cancelled'].includes(job.state)) {
      throw new AppError('NOT_RETRYABLE', `Only failed, cancelled or needs-attention jobs can be retried; this one is "${JOB_STATE_LABELS[job.state]}".`);
    }
    this.deps.registry.require(job.type);
    const hold = this.deps.holdOnRetry?.(job) ?? null;
    if (hold) return this.transition(id, { state: 'held', attempts: 0, error: null, nextAttemptAt: null, finishedAt: null }, 'warn', hold);
    const updated = this.transition(
      id,
      { state: 'queued', attempts: 0, error: null, nextAttemptAt: null, finishedAt: null, maxAttempts: this.deps.settings().maxAttempts } as JobPatch,
      'info',
      'Retry requested: the job is queued again and continues from where it stopped.',
    );
    this.wake();
    return updated;
  }

  /** Resumes interrupted jobs and starts working. Safe to call once per process. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.pollTimer = setInterval(() => this.wake(), this.deps.pollMs ?? 2000);
    this.pollTimer.unref?.();
    this.wake();
  }

  /** Stops taking work; running jobs are interrupted and go back to the queue to resume next time. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    for (const entry of this.running.values()) entry.controller.abort(new ShuttingDown());
    await Promise.allSettled([...this.running.values()].map((entry) => entry.done));
    this.lock.release();
    this.started = false;
  }

  get isActive(): boolean {
    return this.lock.isHeld;
  }

  /** Look for work now (new job, connection back, retry due). Coalesces bursts of calls. */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    queueMicrotask(() => {
      try {
        this.tick();
      } catch (error) {
        this.deps.onError?.(error, 'job runner tick');
      } finally {
        this.ticking = false;
        if (this.tickAgain) {
          this.tickAgain = false;
          this.wake();
        }
      }
    });
  }

  private tick(): void {
    if (!this.lock.tryAcquire()) return;
    if (!this.recovered) this.recoverInterrupted();
    this.releaseWaitingWhereOnline();

    const concurrency = this.deps.concurrency ?? 2;
    const busyServers = new Set([...this.running.values()].map((r) => r.serverId).filter((s): s is string => s !== null));
    for (const job of this.deps.jobs.runnable(nowIso())) {
      if (this.running.size >= concurrency) break;
      if (this.running.has(job.id)) continue;
      const plugin = this.deps.registry.get(job.type)?.plugin;
      if (!plugin) {
        this.transition(
          job.id,
          { state: 'needs-attention', error: { code: 'JOB_TYPE_UNAVAILABLE', message: `This version of the app cannot run "${job.type}" jobs.` } },
          'error',
          `This version of the app cannot run "${job.type}" jobs.`,
        );
        continue;
      }
      let serverId: string | null = null;
      if (plugin.needsServer(job.params)) {
        serverId = job.serverId ?? this.defaultServerId();
        if (!serverId) {
          this.toWaiting(job, 'No DHIS2 server is set up yet; the job waits until one is added.');
          continue;
        }
        if (this.deps.connectivity.isOnline(serverId) === false) {
          this.toWaiting(job, 'The server is offline; the job will start when the connection returns.');
          continue;
        }
        if (busyServers.has(serverId)) continue;
        busyServers.add(serverId);
      }
      this.launch(job, serverId);
    }
    this.scheduleNextDue();
  }

  private recovered = false;

  /** After a crash or kill, jobs found mid-run go back to the queue; the interrupted try does not count. */
  private recoverInterrupted(): void {
    this.recovered = true;
    for (const job of this.deps.jobs.inStates(ACTIVE_STATES)) {
      if (this.running.has(job.id)) continue;
      this.transition(
        job.id,
        { state: 'queued', attempts: Math.max(0, job.attempts - 1), nextAttemptAt: null },
        'warn',
        `The app stopped while this job was ${JOB_STATE_LABELS[job.state].toLowerCase()}; resuming from the last checkpoint.`,
      );
    }
  }

  private releaseWaitingWhereOnline(): void {
    for (const job of this.deps.jobs.inStates(['waiting-for-connection'])) {
      const serverId = job.serverId ?? this.defaultServerId();
      if (serverId && this.deps.connectivity.isOnline(serverId) === true) {
        this.transition(job.id, { state: 'queued', nextAttemptAt: null }, 'info', 'Connection available: the job is queued to start.');
      }
    }
  }

  private toWaiting(job: Job, message: string): void {
    this.transition(job.id, { state: 'waiting-for-connection', nextAttemptAt: null }, 'info', message);
  }

  private defaultServerId(): string | null {
    try {
      return this.deps.servers.resolve().id;
    } catch {
      return null;
    }
  }

  private scheduleNextDue(): void {
    if (this.timer) clearTimeout(this.timer);
    const next = this.deps.jobs.nextDueAt();
    if (!next) return;
    const delay = Math.max(0, Date.parse(next) - Date.now());
    this.timer = setTimeout(() => this.wake(), Math.min(delay + 5, 2 ** 31 - 1));
    this.timer.unref?.();
  }

  private launch(job: Job, serverId: string | null): void {
    const controller = new AbortController();
    const entry = { controller, serverId, done: Promise.resolve() };
    this.running.set(job.id, entry);
    const started = this.transition(
      job.id,
      {
        state: 'running',
        attempts: job.attempts + 1,
        startedAt: job.startedAt ?? nowIso(),
        nextAttemptAt: null,
        error: null,
        serverId: job.serverId ?? serverId,
      },
      'info',
      job.attempts > 0 ? `Started again (attempt ${job.attempts + 1} of ${job.maxAttempts}).` : 'Started.',
    );
    entry.done = this.execute(started, controller).finally(() => {
      this.running.delete(job.id);
      this.wake();
    });
  }

  private async execute(job: Job, controller: AbortController): Promise<void> {
    const { plugin, schemas } = this.deps.registry.require(job.type);
    const ctx = this.contextFor(job, controller.signal);
    try {
      const params = schemas.params.parse(job.params);
      const result = await plugin.run({ ...ctx, params });
      if (controller.signal.aborted) throw controller.signal.reason;
      // The result is what the Job overview, the CLI and receipts read through the kind's schema: a plugin
      // drifting from its declaration is caught here, not by a page that cannot show it. Stored as returned.
      const checked = schemas.result?.safeParse(result);
      if (checked && !checked.success) throw new Error(`the ${job.type} result does not match its declaration: ${checked.error.issues[0]?.message ?? ''}`);
      this.transition(job.id, { state: 'done', result: result ?? null, finishedAt: nowIso(), error: null }, 'info', 'Completed.');
    } catch (error) {
      this.finishWithError(this.deps.jobs.require(job.id), error, controller.signal);
    }
  }

  private finishWithError(job: Job, error: unknown, signal: AbortSignal): void {
    const reason: unknown = signal.aborted ? signal.reason : error;
    if (reason instanceof CancelledByUser) {
      this.transition(job.id, { state: 'cancelled', finishedAt: nowIso() }, 'warn', 'Job cancelled.');
      return;
    }
    if (reason instanceof ShuttingDown) {
      this.transition(
        job.id,
        { state: 'queued', attempts: Math.max(0, job.attempts - 1) },
        'info',
        'Paused because the app is closing; it will resume from the last checkpoint.',
      );
      return;
    }
    const { kind, code, message } = describeFailure(error);
    if (kind === 'offline') {
      // A lost connection is not the job's fault: it does not use up a try.
      const serverId = job.serverId ?? this.defaultServerId();
      if (serverId) this.deps.connectivity.reportUnreachable(serverId);
      this.transition(
        job.id,
        { state: 'waiting-for-connection', attempts: Math.max(0, job.attempts - 1), error: { code, message } },
        'warn',
        `${message} The job will continue when the connection returns.`,
      );
      return;
    }
    if (kind === 'retry' && job.attempts < job.maxAttempts) {
      const settings = this.deps.settings();
      const at = new Date(Date.now() + backoffMs(job.attempts, settings.retryBaseSeconds, settings.retryMaxSeconds));
      this.transition(
        job.id,
        { state: 'queued', nextAttemptAt: at.toISOString(), error: { code, message } },
        'warn',
        `${message} Trying again at ${at.toISOString()} (attempt ${job.attempts + 1} of ${job.maxAttempts}).`,
      );
      return;
    }
    if (kind === 'fix') {
      this.transition(job.id, { state: 'needs-attention', finishedAt: nowIso(), error: { code, message } }, 'error', message);
      return;
    }
    if (kind === 'internal') this.deps.onError?.(error, `job ${job.id}`);
    const final = kind === 'retry' ? `${message} Gave up after ${job.attempts} attempts; use Retry to try again.` : message;
    this.transition(job.id, { state: 'failed', finishedAt: nowIso(), error: { code, message: final } }, 'error', final);
  }

  private contextFor(job: Job, signal: AbortSignal): Omit<JobContext<never>, 'params'> {
    const { jobs } = this.deps;
    let lastProgressWrite = 0;
    return {
      job,
      signal,
      files: job.files.map((ref) => ({ ref, path: this.deps.files.pathOf(ref.sha256) })),
      checkpoint: <T>() => jobs.checkpoint<T>(job.id),
      saveCheckpoint: (value: unknown, progress?: JobProgress, logMessage?: string) => {
        this.assertNotAborted(signal);
        let entry = null;
        const updated = this.deps.db.transaction(() => {
          const patch: JobPatch = { checkpoint: value };
          if (progress) patch.progress = progress;
          if (logMessage) entry = this.deps.log.add(job.id, 'info', logMessage);
          return jobs.update(job.id, patch);
        })();
        lastProgressWrite = Date.now();
        if (entry) this.deps.bus.emit('job.log', entry);
        this.announce(updated);
      },
      progress: (done: number, total: number | null, message: string) => {
        const now = Date.now();
        if (now - lastProgressWrite < PROGRESS_WRITE_MS && total !== null && done < total) return;
        lastProgressWrite = now;
        this.announce(jobs.update(job.id, { progress: { done, total, message } }));
      },
      log: (level: LogLevel, message: string) => this.appendLog(job.id, level, message),
      setPhase: (phase: RunPhase) => {
        this.assertNotAborted(signal);
        this.announce(jobs.update(job.id, { state: phase }));
      },
      server: async () => {
        const serverId = jobs.require(job.id).serverId ?? this.defaultServerId();
        if (!serverId) throw new JobFailure('fix', 'NO_SERVER', 'No DHIS2 server is set up. Add one on the Servers page.');
        return this.deps.servers.clientFor(serverId, this.deps.settings().pingTimeoutMs * 3);
      },
    };
  }

  private assertNotAborted(signal: AbortSignal): void {
    if (signal.aborted) throw signal.reason;
  }

  private transition(id: string, patch: JobPatch & { maxAttempts?: number }, level: LogLevel, message: string): Job {
    const { maxAttempts, ...rest } = patch;
    const [job, entry] = this.deps.db.transaction(() => {
      if (maxAttempts !== undefined) this.deps.db.prepare('UPDATE jobs SET max_attempts = ? WHERE id = ?').run(maxAttempts, id);
      const updated = this.deps.jobs.update(id, rest);
      return [updated, this.deps.log.add(id, level, message)] as const;
    })();
    this.deps.bus.emit('job.log', entry);
    this.announce(job);
    return job;
  }

  private appendLog(id: string, level: LogLevel, message: string): void {
    this.deps.bus.emit('job.log', this.deps.log.add(id, level, message));
  }

  private announce(job: Job): void {
    this.deps.bus.emit('job.changed', job);
  }

  private require(id: string): Job {
    const job = this.deps.jobs.get(id);
    if (!job) throw notFound('Job', id);
    return job;
  }
}

class CancelledByUser extends Error {
  constructor() {
    super('cancelled by the user');
  }
}

class ShuttingDown extends Error {
  constructor() {
    super('the app is shutting down');
  }
}

function describeFailure(error: unknown): { kind: 'offline' | 'retry' | 'fix' | 'fatal' | 'internal'; code: string; message: string } {
  if (error instanceof Dhis2Error) return { kind: error.kind, code: error.code, message: error.message };
  if (error instanceof JobFailure) return { kind: error.kind, code: error.code, message: error.message };
  if (error instanceof AppError) return { kind: 'fix', code: error.code, message: error.message };
  return {
    kind: 'internal',
    code: 'INTERNAL',
    message: `The job stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}. It is in the app log.`,
  };
}
