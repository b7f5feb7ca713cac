import type { Db } from '../db/database';
import { parseJsonColumn } from '../db/json-column';
import type { JobState } from '../../../shared/jobs';
import type { Manifest, ReceiptJob } from './format';

export interface OutBundleRow {
  id: string;
  sequence: number;
  state: 'writing' | 'saved';
  folder: string;
  file_name: string;
  bytes: number | null;
  sha256: string | null;
  writer_pid: number | null;
  created_at: string;
  saved_at: string | null;
  receipt_at: string | null;
}

export interface InBundleRow {
  id: string;
  source_device_id: string;
  source_device_name: string;
  sequence: number;
  created_at: string;
  loaded_at: string;
  folder: string;
  file_name: string;
  manifest: string;
  rejections: string;
  receipt_stage: string | null;
  receipt_written_at: string | null;
  receipt_pending: number;
}

export interface InJobRow {
  origin_device_id: string;
  origin_job_id: string;
  bundle_id: string;
  source_job_id: string;
  job_id: string | null;
}

/** SQL for the bundle tables (migration 3); the rules live in the service. */
export class BundlesRepo {
  constructor(private readonly db: Db) {}

  // ---------------------------------------------------------------- saved here

  nextSequence(): number {
    const row = this.db.prepare('SELECT COALESCE(MAX(sequence), 0) + 1 AS n FROM bundles_out').get() as { n: number };
    return row.n;
  }

  insertOut(row: Pick<OutBundleRow, 'id' | 'sequence' | 'folder' | 'file_name' | 'writer_pid' | 'created_at'>): void {
    this.db
      .prepare(`INSERT INTO bundles_out (id, sequence, state, folder, file_name, writer_pid, created_at) VALUES (?, ?, 'writing', ?, ?, ?, ?)`)
      .run(row.id, row.sequence, row.folder, row.file_name, row.writer_pid, row.created_at);
  }

  addOutJob(bundleId: string, jobId: string, previousState: JobState): void {
    this.db.prepare('INSERT INTO bundle_out_jobs (bundle_id, job_id, previous_state) VALUES (?, ?, ?)').run(bundleId, jobId, previousState);
  }

  markSaved(id: string, bytes: number, sha256: string, savedAt: string): void {
    this.db
      .prepare(`UPDATE bundles_out SET state = 'saved', bytes = ?, sha256 = ?, saved_at = ?, writer_pid = NULL WHERE id = ?`)
      .run(bytes, sha256, savedAt, id);
  }

  deleteOut(id: string): void {
    this.db.prepare('DELETE FROM bundles_out WHERE id = ?').run(id);
  }

  getOut(id: string): OutBundleRow | null {
    return (this.db.prepare('SELECT * FROM bundles_out WHERE id = ?').get(id) as OutBundleRow | undefined) ?? null;
  }

  writingOut(): OutBundleRow[] {
    return this.db.prepare(`SELECT * FROM bundles_out WHERE state = 'writing'`).all() as OutBundleRow[];
  }

  outJobs(bundleId: string): { job_id: string; previous_state: JobState; receipt: string | null }[] {
    return this.db.prepare('SELECT job_id, previous_state, receipt FROM bundle_out_jobs WHERE bundle_id = ?').all(bundleId) as {
      job_id: string;
      previous_state: JobState;
      receipt: string | null;
    }[];
  }

  /** The newest saved bundle that carried a job. */
  carriedOn(jobId: string): OutBundleRow | null {
    return (
      (this.db
        .prepare(
          `SELECT b.* FROM bundles_out b JOIN bundle_out_jobs j ON j.bundle_id = b.id
           WHERE j.job_id = ? AND b.state = 'saved' ORDER BY b.sequence DESC LIMIT 1`,
        )
        .get(jobId) as OutBundleRow | undefined) ?? null
    );
  }

  /** The newest receipt line about a job, from whichever of its bundles it came. */
  receiptOf(jobId: string): { receipt: ReceiptJob & { district: string; writtenAt: string }; bundleId: string } | null {
    const row = this.db
      .prepare(
        `SELECT j.receipt, j.bundle_id FROM bundle_out_jobs j JOIN bundles_out b ON b.id = j.bundle_id
         WHERE j.job_id = ? AND j.receipt IS NOT NULL ORDER BY b.receipt_at DESC LIMIT 1`,
      )
      .get(jobId) as { receipt: string; bundle_id: string } | undefined;
    if (!row) return null;
    const receipt = parseJsonColumn<ReceiptJob & { district: string; writtenAt: string }>(row.receipt, 'receipt', jobId);
    return receipt ? { receipt, bundleId: row.bundle_id } : null;
  }

  setOutReceipt(bundleId: string, jobId: string, receipt: unknown): void {
    this.db.prepare('UPDATE bundle_out_jobs SET receipt = ? WHERE bundle_id = ? AND job_id = ?').run(JSON.stringify(receipt), bundleId, jobId);
  }

  setOutReceiptAt(bundleId: string, at: string): void {
    this.db.prepare('UPDATE bundles_out SET receipt_at = ? WHERE id = ?').run(at, bundleId);
  }

  // ---------------------------------------------------------------- loaded here

  getIn(id: string): InBundleRow | null {
    return (this.db.prepare('SELECT * FROM bundles_in WHERE id = ?').get(id) as InBundleRow | undefined) ?? null;
  }

  insertIn(row: Omit<InBundleRow, 'receipt_stage' | 'receipt_written_at' | 'receipt_pending'>): void {
    this.db
      .prepare(
        `INSERT INTO bundles_in (id, source_device_id, source_device_name, sequence, created_at, loaded_at, folder, file_name, manifest, rejections)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.id,
        row.source_device_id,
        row.source_device_name,
        row.sequence,
        row.created_at,
        row.loaded_at,
        row.folder,
        row.file_name,
        row.manifest,
        row.rejections,
      );
  }

  manifestOf(row: InBundleRow): Manifest {
    return parseJsonColumn<Manifest>(row.manifest, 'manifest', row.id)!;
  }

  rejectionsOf(row: InBundleRow): Record<string, string> {
    return parseJsonColumn<Record<string, string>>(row.rejections, 'rejections', row.id) ?? {};
  }

  sequencesFrom(deviceId: string): number[] {
    return (this.db.prepare('SELECT sequence FROM bundles_in WHERE source_device_id = ? ORDER BY sequence').all(deviceId) as { sequence: number }[]).map(
      (r) => r.sequence,
    );
  }

  setReceiptState(id: string, stage: string, writtenAt: string | null, pending: boolean, folder?: string): void {
    this.db
      .prepare(
        'UPDATE bundles_in SET receipt_stage = ?, receipt_written_at = COALESCE(?, receipt_written_at), receipt_pending = ?, folder = COALESCE(?, folder) WHERE id = ?',
      )
      .run(stage, writtenAt, pending ? 1 : 0, folder ?? null, id);
  }

  inJob(originDeviceId: string, originJobId: string): InJobRow | null {
    return (
      (this.db.prepare('SELECT * FROM bundle_in_jobs WHERE origin_device_id = ? AND origin_job_id = ?').get(originDeviceId, originJobId) as
        InJobRow | undefined) ?? null
    );
  }

  inJobByJobId(jobId: string): (InJobRow & { bundle: InBundleRow }) | null {
    const row = this.db.prepare('SELECT * FROM bundle_in_jobs WHERE job_id = ?').get(jobId) as InJobRow | undefined;
    if (!row) return null;
    const bundle = this.getIn(row.bundle_id);
    return bundle ? { ...row, bundle } : null;
  }

  addInJob(row: InJobRow): void {
    this.db
      .prepare('INSERT INTO bundle_in_jobs (origin_device_id, origin_job_id, bundle_id, source_job_id, job_id) VALUES (?, ?, ?, ?, ?)')
      .run(row.origin_device_id, row.origin_job_id, row.bundle_id, row.source_job_id, row.job_id);
  }

  /** Bundles loaded here that hold any of these jobs (a job finishing may complete several bundles' receipts). */
  bundlesHoldingJob(jobId: string): InBundleRow[] {
    const row = this.db.prepare('SELECT origin_device_id, origin_job_id FROM bundle_in_jobs WHERE job_id = ?').get(jobId) as
      { origin_device_id: string; origin_job_id: string } | undefined;
    if (!row) return [];
    // A job re-carried on a second bundle is listed in both manifests; the manifest text is the cheap place to look.
    const candidates = this.db
      .prepare(`SELECT * FROM bundles_in WHERE source_device_id = ? OR manifest LIKE ?`)
      .all(row.origin_device_id, `%${row.origin_job_id}%`) as InBundleRow[];
    return candidates.filter((bundle) =>
      this.manifestOf(bundle).jobs.some((job) => job.origin.deviceId === row.origin_device_id && job.origin.jobId === row.origin_job_id),
    );
  }

  pendingReceipts(): InBundleRow[] {
    return this.db.prepare('SELECT * FROM bundles_in WHERE receipt_pending = 1').all() as InBundleRow[];
  }

  // ---------------------------------------------------------------- loose files

  looseFile(sha256: string): { sha256: string; name: string; job_id: string | null } | null {
    return (
      (this.db.prepare('SELECT sha256, name, job_id FROM loose_files_in WHERE sha256 = ?').get(sha256) as
        { sha256: string; name: string; job_id: string | null } | undefined) ?? null
    );
  }

  addLooseFile(sha256: string, name: string, folder: string, jobId: string, loadedAt: string): void {
    this.db.prepare('INSERT INTO loose_files_in (sha256, name, folder, job_id, loaded_at) VALUES (?, ?, ?, ?, ?)').run(sha256, name, folder, jobId, loadedAt);
  }

  /** An import job (not cancelled) that already holds this content: queued by hand, or from a bundle. */
  importJobWithFile(sha256: string): string | null {
    const row = this.db
      .prepare(
        `SELECT j.id FROM jobs j JOIN job_files f ON f.job_id = j.id
         WHERE f.sha256 = ? AND j.type LIKE 'import-%' AND j.state <> 'cancelled' ORDER BY j.created_at LIMIT 1`,
      )
      .get(sha256) as { id: string } | undefined;
    return row?.id ?? null;
  }
}
