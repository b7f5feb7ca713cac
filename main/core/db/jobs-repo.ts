import { randomUUID } from 'node:crypto';
import type { Db } from './database';
import { parseJsonColumn, toJsonColumn } from './json-column';
import { ACTIVE_STATES, type FileRef, type Job, type JobError, type JobProgress, type JobState, type JobType } from '../../../shared/jobs';
import type { JobCounts, JobListQuery } from '../../../shared/contract';
import { nowIso } from '../time';

interface JobRow {
  id: string;
  type: string;
  title: string;
  state: string;
  params: string;
  server_id: string | null;
  attempts: number;
  max_attempts: number;
  next_attempt_at: string | null;
  progress: string | null;
  checkpoint: string | null;
  result: string | null;
  error: string | null;
  recreated_from: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface NewJob {
  type: JobType;
  title: string;
  state: JobState;
  params: Record<string, unknown>;
  files: FileRef[];
  serverId: string | null;
  maxAttempts: number;
  recreatedFrom?: string | null;
}

export type JobPatch = Partial<{
  state: JobState;
  attempts: number;
  nextAttemptAt: string | null;
  progress: JobProgress | null;
  checkpoint: unknown;
  result: unknown;
  error: JobError | null;
  startedAt: string | null;
  finishedAt: string | null;
  serverId: string | null;
}>;

const PATCH_COLUMNS: Record<keyof JobPatch, string> = {
  state: 'state',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  progress: 'progress',
  checkpoint: 'checkpoint',
  result: 'result',
  error: 'error',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  serverId: 'server_id',
};
const JSON_PATCH_KEYS = new Set<keyof JobPatch>(['progress', 'checkpoint', 'result', 'error']);

/** Job rows and their file references; knows SQL, not the state machine (that is jobs/runner.ts). */
export class JobsRepo {
  constructor(private readonly db: Db) {}

  insert(job: NewJob): Job {
    const id = randomUUID();
    const now = nowIso();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO jobs (id, type, title, state, params, server_id, attempts, max_attempts, recreated_from, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
        )
        .run(id, job.type, job.title, job.state, JSON.stringify(job.params), job.serverId, job.maxAttempts, job.recreatedFrom ?? null, now, now);
      const addFile = this.db.prepare('INSERT INTO job_files (job_id, position, sha256, name) VALUES (?, ?, ?, ?)');
      job.files.forEach((file, position) => addFile.run(id, position, file.sha256, file.name));
    })();
    return this.require(id);
  }

  get(id: string): Job | null {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? this.toJob(row) : null;
  }

  require(id: string): Job {
    const job = this.get(id);
    if (!job) throw new Error(`job ${id} vanished`);
    return job;
  }

  checkpoint<T>(id: string): T | null {
    const row = this.db.prepare('SELECT checkpoint FROM jobs WHERE id = ?').get(id) as { checkpoint: string | null } | undefined;
    return row ? parseJsonColumn<T>(row.checkpoint, 'checkpoint', id) : null;
  }

  update(id: string, patch: JobPatch): Job {
    const keys = Object.keys(patch) as (keyof JobPatch)[];
    if (keys.length > 0) {
      const sets = keys.map((key) => `${PATCH_COLUMNS[key]} = ?`).join(', ');
      const values = keys.map((key) => (JSON_PATCH_KEYS.has(key) ? toJsonColumn(patch[key]) : (patch[key] ?? null)));
      this.db.prepare(`UPDATE jobs SET ${sets}, updated_at = ? WHERE id = ?`).run(...values, nowIso(), id);
    }
    return this.require(id);
  }

  list(query: Required<Pick<JobListQuery, 'limit' | 'offset'>> & Pick<JobListQuery, 'types' | 'states'>): { jobs: Job[]; total: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.types?.length) {
      where.push(`type IN (${query.types.map(() => '?').join(',')})`);
      args.push(...query.types);
    }
    if (query.states?.length) {
      where.push(`state IN (${query.states.map(() => '?').join(',')})`);
      args.push(...query.states);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM jobs ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${clause} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`)
      .all(...args, query.limit, query.offset) as JobRow[];
    return { jobs: rows.map((row) => this.toJob(row)), total };
  }

  counts(): JobCounts {
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as { state: JobState; n: number }[];
    const by = (states: readonly JobState[]) => rows.filter((r) => states.includes(r.state)).reduce((sum, r) => sum + r.n, 0);
    return {
      active: by(ACTIVE_STATES),
      waiting: by(['queued', 'waiting-for-connection']),
      needsAttention: by(['needs-attention']),
      failed: by(['failed']),
      done: by(['done']),
      total: rows.reduce((sum, r) => sum + r.n, 0),
    };
  }

  /** Jobs that may start now, oldest first. */
  runnable(now: string): Job[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
         ORDER BY created_at, rowid`,
      )
      .all(now) as JobRow[];
    return rows.map((row) => this.toJob(row));
  }

  inStates(states: readonly JobState[]): Job[] {
    const rows = this.db
      .prepare(`SELECT * FROM jobs WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY created_at, rowid`)
      .all(...states) as JobRow[];
    return rows.map((row) => this.toJob(row));
  }

  /** The earliest time a queued job becomes due, so the runner can sleep until then. */
  nextDueAt(): string | null {
    const row = this.db.prepare(`SELECT MIN(next_attempt_at) AS at FROM jobs WHERE state = 'queued'`).get() as { at: string | null };
    return row.at;
  }

  filesOf(id: string): FileRef[] {
    return this.db
      .prepare(
        `SELECT jf.sha256, jf.name, f.size FROM job_files jf JOIN files f ON f.sha256 = jf.sha256
         WHERE jf.job_id = ? ORDER BY jf.position`,
      )
      .all(id) as FileRef[];
  }

  private toJob(row: JobRow): Job {
    return {
      id: row.id,
      type: row.type as JobType,
      title: row.title,
      state: row.state as JobState,
      params: parseJsonColumn<Record<string, unknown>>(row.params, 'params', row.id) ?? {},
      files: this.filesOf(row.id),
      serverId: row.server_id,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      nextAttemptAt: row.next_attempt_at,
      progress: parseJsonColumn<JobProgress>(row.progress, 'progress', row.id),
      result: parseJsonColumn<unknown>(row.result, 'result', row.id),
      error: parseJsonColumn<JobError>(row.error, 'error', row.id),
      recreatedFrom: row.recreated_from,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
    };
  }
}
