import { dhis2Date } from './dates';
import { generateUid } from './uid';

/**
 * Jobs and their notifications as 2.41 keeps them: in memory only (a restart forgets them), jobs
 * of one type run one after another, notifications are at least a millisecond apart and are listed
 * newest first, and a summary appears once the job has stored it.
 *
 * When a job starts follows 2.41's scheduler (dhis2-core 2.41.3, see README "Async job timing"):
 * `executeNow` only marks the job ONCE_ASAP; types with continuous execution (METADATA_IMPORT,
 * TRACKER_IMPORT_JOB, ...) are handed to a worker at once, every other type (DATAVALUE_IMPORT,
 * GEOJSON_IMPORT) waits for the scheduler loop, which runs every 20 s on the wall clock's 20 s marks
 * and starts at most one job per type, and none while a job of that type runs.
 */

/** How the simulator decides when a queued job starts. */
export interface SchedulerTiming {
  /** `immediate`: as soon as the jobs of its type before it are done (tests); `dhis2`: 2.41's loop. */
  mode: 'immediate' | 'dhis2';
  /** JobScheduler.LOOP_SECONDS (20 s in 2.41). */
  loopMs: number;
  /** JobType.isUsingContinuousExecution() in 2.41. */
  continuousTypes: string[];
}

export const DHIS2_241_SCHEDULER: SchedulerTiming = {
  mode: 'dhis2',
  loopMs: 20_000,
  continuousTypes: ['METADATA_IMPORT', 'TRACKER_IMPORT_JOB', 'DATA_INTEGRITY', 'DATA_INTEGRITY_DETAILS'],
};

export const IMMEDIATE_SCHEDULER: SchedulerTiming = { ...DHIS2_241_SCHEDULER, mode: 'immediate' };

export type JobStatus = 'NOT_STARTED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'STOPPED';
export type NotificationLevel = 'OFF' | 'DEBUG' | 'LOOP' | 'INFO' | 'WARN' | 'ERROR';

export interface Notification {
  uid: string;
  level: NotificationLevel;
  category: string;
  time: number;
  message: string;
  completed: boolean;
  dataType?: 'PARAMETERS';
  data?: unknown;
}

export interface Job {
  id: string;
  /** "DATAVALUE_IMPORT (1787837179871)" */
  name: string;
  type: string;
  created: number;
  status: JobStatus;
  parameters: Record<string, unknown>;
  notifications: Notification[];
  /** The stored summary JSON, or null while there is none. */
  summary: unknown;
  /** When the job was last touched, for ordering job lists. */
  touched: number;
}

/** What a running job can do; every call is a no-op once the server "restarted". */
export interface JobProgress {
  readonly job: Job;
  notify(message: string, options?: { level?: NotificationLevel; completed?: boolean; data?: unknown }): void;
  clear(): void;
  setSummary(summary: unknown): void;
  /** True once the job must stop. */
  stopped(): boolean;
}

/** Notification JSON: field order uid, level, category, time, message, completed, dataType, data, then id. */
export function notificationJson(n: Notification): Record<string, unknown> {
  const out: Record<string, unknown> = {
    uid: n.uid,
    level: n.level,
    category: n.category,
    time: dhis2Date(new Date(n.time)),
    message: n.message,
    completed: n.completed,
  };
  if (n.dataType !== undefined) out['dataType'] = n.dataType;
  if (n.data !== undefined) out['data'] = n.data;
  out['id'] = n.uid;
  return out;
}

export class TaskManager {
  private readonly jobs = new Map<string, Job>();
  private readonly queues = new Map<string, Promise<void>>();
  /** Jobs waiting for the scheduler loop, oldest first, with what starts them. */
  private readonly waiting: { job: Job; start: () => void }[] = [];
  private readonly running = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private loopTimer: NodeJS.Timeout | null = null;
  private lastTime = 0;
  private lastJobName = 0;
  /** Bumped by restart(); work started before sees a different epoch and stops. */
  private epoch = 0;

  constructor(private timing: SchedulerTiming = IMMEDIATE_SCHEDULER) {}

  get scheduler(): SchedulerTiming {
    return { ...this.timing, continuousTypes: [...this.timing.continuousTypes] };
  }

  /** Applies to jobs queued from now on and to the loop's next round. */
  setScheduler(timing: SchedulerTiming): void {
    this.timing = { ...timing, continuousTypes: [...timing.continuousTypes] };
    if (this.waiting.length > 0) this.armLoop(true);
  }

  /** JobConfiguration(type): name "<TYPE> (<unique millis>)", NOT_STARTED. */
  create(type: string, parameters: Record<string, unknown>): Job {
    const millis = Math.max(this.lastJobName + 1, Date.now());
    this.lastJobName = millis;
    const job: Job = {
      id: generateUid(),
      name: `${type} (${millis})`,
      type,
      created: Date.now(),
      status: 'NOT_STARTED',
      parameters,
      notifications: [],
      summary: null,
      touched: Date.now(),
    };
    this.jobs.set(job.id, job);
    return job;
  }

  /**
   * Runs the work when the scheduler starts the job (see the class comment), after the jobs of the
   * same type queued before it. Errors inside mark the job FAILED.
   */
  schedule(job: Job, work: (progress: JobProgress) => Promise<void>): Promise<void> {
    const epoch = this.epoch;
    const progress: JobProgress = {
      job,
      notify: (message, options = {}) => {
        if (this.epoch !== epoch) return;
        this.push(job, { level: options.level ?? 'INFO', message, completed: options.completed ?? false, data: options.data });
      },
      clear: () => {
        if (this.epoch === epoch) job.notifications = [];
      },
      setSummary: (summary) => {
        if (this.epoch === epoch) job.summary = summary;
      },
      stopped: () => this.epoch !== epoch,
    };
    const execute = async (): Promise<void> => {
      if (this.epoch !== epoch) return;
      job.status = 'RUNNING';
      this.running.add(job.type);
      try {
        await work(progress);
        if (this.epoch === epoch && job.status === 'RUNNING') job.status = 'COMPLETED';
      } catch (error) {
        if (this.epoch !== epoch) return;
        job.status = 'FAILED';
        progress.notify(`Process failed: ${error instanceof Error ? error.message : String(error)}`, { level: 'ERROR', completed: true });
      } finally {
        if (this.epoch === epoch) this.running.delete(job.type);
      }
    };
    let run: Promise<void>;
    if (this.timing.mode === 'immediate' || this.timing.continuousTypes.includes(job.type)) {
      // A continuous-execution worker takes queued jobs of its type one after another, at once.
      const previous = this.queues.get(job.type) ?? Promise.resolve();
      run = previous.then(execute);
      this.queues.set(
        job.type,
        run.catch(() => undefined),
      );
    } else {
      run = new Promise<void>((resolve) => {
        this.waiting.push({ job, start: () => void execute().finally(() => resolve()) });
      });
      this.armLoop(false);
    }
    const tracked = run.catch(() => undefined);
    this.pending.add(tracked);
    void tracked.then(() => this.pending.delete(tracked));
    return run;
  }

  /** The next round of the loop: on the next multiple of loopMs of the wall clock, as JobScheduler.start() aligns it. */
  private armLoop(rearm: boolean): void {
    if (this.loopTimer && !rearm) return;
    if (this.loopTimer) clearTimeout(this.loopTimer);
    const loop = Math.max(1, this.timing.loopMs);
    const wait = loop - (Date.now() % loop);
    this.loopTimer = setTimeout(() => {
      this.loopTimer = null;
      this.loopRound();
    }, wait);
    // The loop keeps no process alive on its own: a simulator being closed is not held open by it.
    this.loopTimer.unref();
  }

  /** JobScheduler.run(): per type, the oldest due job starts, unless a job of that type is running. */
  private loopRound(): void {
    const started = new Set<string>();
    for (let i = 0; i < this.waiting.length;) {
      const entry = this.waiting[i]!;
      if (this.running.has(entry.job.type) || started.has(entry.job.type)) {
        i++;
        continue;
      }
      started.add(entry.job.type);
      this.waiting.splice(i, 1);
      entry.start();
    }
    if (this.waiting.length > 0) this.armLoop(false);
  }

  private push(job: Job, n: { level: NotificationLevel; message: string; completed: boolean; data: unknown }): void {
    const time = Math.max(this.lastTime + 1, Date.now());
    this.lastTime = time;
    const notification: Notification = { uid: generateUid(), level: n.level, category: job.type, time, message: n.message, completed: n.completed };
    if (n.data !== undefined) {
      notification.dataType = 'PARAMETERS';
      notification.data = n.data;
    }
    job.notifications.push(notification);
    job.touched = time;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Jobs of a type, most recently active first. */
  ofType(type: string): Job[] {
    return [...this.jobs.values()].filter((job) => job.type === type).sort((a, b) => b.touched - a.touched);
  }

  types(): string[] {
    return [...new Set([...this.jobs.values()].map((job) => job.type))];
  }

  /** DELETE /api/system/tasks...: notifications go, jobs stay. */
  clearNotifications(type?: string, id?: string): void {
    for (const job of this.jobs.values()) {
      if ((type === undefined || job.type === type) && (id === undefined || job.id === id)) job.notifications = [];
    }
  }

  /** A server restart: every job, notification and summary is forgotten and running work stops. */
  restart(): void {
    this.epoch++;
    this.jobs.clear();
    this.queues.clear();
    this.running.clear();
    if (this.loopTimer) clearTimeout(this.loopTimer);
    this.loopTimer = null;
    // Jobs that never started end now, as their work sees the new epoch and stops at once.
    for (const entry of this.waiting.splice(0)) entry.start();
  }

  /** Waits until queued and running jobs are done (tests, close()). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

export const JOB_TYPES = [
  'DATA_INTEGRITY',
  'DATA_INTEGRITY_DETAILS',
  'RESOURCE_TABLE',
  'ANALYTICS_TABLE',
  'CONTINUOUS_ANALYTICS_TABLE',
  'DATA_SYNC',
  'TRACKER_PROGRAMS_DATA_SYNC',
  'EVENT_PROGRAMS_DATA_SYNC',
  'META_DATA_SYNC',
  'AGGREGATE_DATA_EXCHANGE',
  'SEND_SCHEDULED_MESSAGE',
  'PROGRAM_NOTIFICATIONS',
  'MONITORING',
  'PUSH_ANALYSIS',
  'HTML_PUSH_ANALYTICS',
  'TRACKER_SEARCH_OPTIMIZATION',
  'PREDICTOR',
  'MATERIALIZED_SQL_VIEW_UPDATE',
  'DISABLE_INACTIVE_USERS',
  'TEST',
  'LOCK_EXCEPTION_CLEANUP',
  'MOCK',
  'SMS_SEND',
  'TRACKER_IMPORT_JOB',
  'TRACKER_IMPORT_NOTIFICATION_JOB',
  'TRACKER_IMPORT_RULE_ENGINE_JOB',
  'IMAGE_PROCESSING',
  'COMPLETE_DATA_SET_REGISTRATION_IMPORT',
  'DATAVALUE_IMPORT_INTERNAL',
  'METADATA_IMPORT',
  'DATAVALUE_IMPORT',
  'GEOJSON_IMPORT',
  'EVENT_IMPORT',
  'ENROLLMENT_IMPORT',
  'TEI_IMPORT',
  'GML_IMPORT',
  'HOUSEKEEPING',
  'DATA_VALUE_TRIM',
  'DATA_SET_NOTIFICATION',
  'CREDENTIALS_EXPIRY_ALERT',
  'DATA_STATISTICS',
  'FILE_RESOURCE_CLEANUP',
  'ACCOUNT_EXPIRY_ALERT',
  'VALIDATION_RESULTS_NOTIFICATION',
  'REMOVE_USED_OR_EXPIRED_RESERVED_VALUES',
  'SYSTEM_VERSION_UPDATE_CHECK',
];
