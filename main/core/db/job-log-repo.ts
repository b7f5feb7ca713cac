import type { Db } from './database';
import type { JobLogEntry, LogLevel } from '../../../shared/jobs';
import { nowIso } from '../time';

export class JobLogRepo {
  constructor(private readonly db: Db) {}

  add(jobId: string, level: LogLevel, message: string): JobLogEntry {
    const at = nowIso();
    const info = this.db.prepare('INSERT INTO job_log (job_id, at, level, message) VALUES (?, ?, ?, ?)').run(jobId, at, level, message);
    return { seq: Number(info.lastInsertRowid), jobId, at, level, message };
  }

  list(jobId: string, afterSeq = 0): JobLogEntry[] {
    return this.db
      .prepare('SELECT seq, job_id AS jobId, at, level, message FROM job_log WHERE job_id = ? AND seq > ? ORDER BY seq')
      .all(jobId, afterSeq) as JobLogEntry[];
  }
}
