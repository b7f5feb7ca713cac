import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ReceiptApplied } from '../../../shared/bundles';
import { TERMINAL_STATES, type Job, type JobError, type JobState } from '../../../shared/jobs';
import { ImportSummary } from '../../../shared/import-summary';
import type { Db } from '../db/database';
import type { JobsRepo } from '../db/jobs-repo';
import type { JobLogRepo } from '../db/job-log-repo';
import type { EventBus } from '../events';
import { AppError } from '../errors';
import { nowIso } from '../time';
import type { BundlesRepo, InBundleRow } from './bundles-repo';
import type { DeviceIdentityStore } from './device';
import { MAX_RECEIPT_BYTES, RECEIPT_FORMAT_VERSION, RECEIPT_KIND, Receipt, receiptFileName, type ReceiptJob, type ReceiptStatus } from './format';
import { z } from 'zod';

export interface ReceiptDeps {
  db: Db;
  repo: BundlesRepo;
  jobs: JobsRepo;
  log: JobLogRepo;
  bus: EventBus;
  device: DeviceIdentityStore;
}

const FINISHED: readonly ReceiptStatus[] = ['done', 'failed', 'needs-attention', 'cancelled', 'carried-on', 'rejected'];

const STATUS_OF: Record<JobState, ReceiptStatus> = {
  queued: 'waiting',
  'waiting-for-connection': 'waiting',
  validating: 'in-progress',
  uploading: 'in-progress',
  'server-processing': 'in-progress',
  running: 'in-progress',
  done: 'done',
  failed: 'failed',
  'needs-attention': 'needs-attention',
  cancelled: 'cancelled',
  carried: 'carried-on',
  delivered: 'carried-on',
  // Older facility apps know no "held"; waiting is what it is to them (it has not been sent).
  held: 'waiting',
};

const ServerResult = z.object({ server: ImportSummary, dryRun: z.boolean().optional() });

// ------------------------------------------------------------------ district: writing

/** What the district can tell the facility about one loaded bundle, right now. */
export function buildReceipt(deps: ReceiptDeps, row: InBundleRow): Receipt {
  const manifest = deps.repo.manifestOf(row);
  const rejections = deps.repo.rejectionsOf(row);
  const jobs: ReceiptJob[] = manifest.jobs.map((job) => {
    const base = { jobId: job.id, duplicate: false, districtJobId: null, message: null, finishedAt: null, result: null };
    const rejected = rejections[job.id];
    if (rejected !== undefined) return { ...base, status: 'rejected', message: rejected };
    const held = deps.repo.inJob(job.origin.deviceId, job.origin.jobId);
    const districtJob = held?.job_id ? deps.jobs.get(held.job_id) : null;
    if (!held || !districtJob) return { ...base, status: 'rejected', message: 'The job was removed at the district.' };
    const status = STATUS_OF[districtJob.state];
    const parsed = districtJob.state === 'done' ? ServerResult.safeParse(districtJob.result) : null;
    return {
      ...base,
      status,
      duplicate: held.bundle_id !== row.id,
      districtJobId: districtJob.id,
      message: districtJob.error?.message ?? null,
      finishedAt: districtJob.finishedAt,
      result: parsed?.success ? { server: parsed.data.server, dryRun: parsed.data.dryRun ?? false } : null,
    };
  });
  const device = deps.device.get();
  return {
    kind: RECEIPT_KIND,
    formatVersion: RECEIPT_FORMAT_VERSION,
    bundleId: row.id,
    bundleSequence: row.sequence,
    sourceDeviceId: row.source_device_id,
    district: { deviceId: device.deviceId, deviceName: device.name },
    stage: jobs.every((job) => FINISHED.includes(job.status)) ? 'finished' : 'received',
    writtenAt: nowIso(),
    jobs,
  };
}

/**
 * Writes the bundle's receipt into `folder` (temp name, flush, rename). When the folder is gone
 * (the drive went home) the receipt is marked pending and written the next time the folder is loaded.
 */
export function writeReceipt(deps: ReceiptDeps, row: InBundleRow, folder = row.folder): { fileName: string; stage: Receipt['stage'] } {
  const receipt = buildReceipt(deps, row);
  const fileName = receiptFileName(row.file_name);
  try {
    writeFileAtomic(join(folder, fileName), `${JSON.stringify(receipt, null, 1)}\n`);
  } catch (error) {
    deps.repo.setReceiptState(row.id, receipt.stage, null, true);
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new AppError(
      'RECEIPT_NOT_WRITTEN',
      `The receipt for ${row.file_name} could not be written to "${folder}" (${code === 'ENOENT' ? 'the drive is not there' : code === 'ENOSPC' ? 'the drive is full' : code}); it is written the next time that drive is loaded here.`,
    );
  }
  deps.repo.setReceiptState(row.id, receipt.stage, receipt.writtenAt, false, folder);
  return { fileName, stage: receipt.stage };
}

function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.part`;
  try {
    writeFileSync(tmp, text, { flag: 'w' });
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Called on every job change: when the last job of a loaded bundle finishes, its final receipt goes to the drive. */
export function receiptsOnJobChange(deps: ReceiptDeps, job: Job, onError: (error: unknown) => void): void {
  if (!TERMINAL_STATES.includes(job.state)) return;
  for (const row of deps.repo.bundlesHoldingJob(job.id)) {
    // Rewritten at each finish once all are done: a job retried at the district after a failure updates the receipt too.
    if (buildReceipt(deps, row).stage !== 'finished') continue;
    try {
      writeReceipt(deps, row);
    } catch (error) {
      // The drive went home with the facility: the receipt is pending and goes out with the next load of that drive.
      if (!(error instanceof AppError && error.code === 'RECEIPT_NOT_WRITTEN')) onError(error);
    }
  }
}

// ------------------------------------------------------------------ facility: reading

export type ReadReceipt = { ok: true; receipt: Receipt } | { ok: false; code: string; message: string };

/** Whether a file's first bytes say it is a receipt (before reading it all). */
export function looksLikeReceipt(head: string): boolean {
  return head.trimStart().startsWith('{') && head.includes(`"${RECEIPT_KIND}"`);
}

export function readReceiptFile(path: string): ReadReceipt {
  const fileName = basename(path);
  let text: string;
  try {
    if (statSync(path).size > MAX_RECEIPT_BYTES)
      return { ok: false, code: 'RECEIPT_DAMAGED', message: `"${fileName}" is far larger than a receipt; it was not read.` };
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, code: 'FILE_NOT_READABLE', message: `"${fileName}" could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: 'RECEIPT_DAMAGED', message: `"${fileName}" is not a complete receipt (was the copy interrupted?); it was not read.` };
  }
  const head = z.object({ kind: z.literal(RECEIPT_KIND), formatVersion: z.number().int() }).safeParse(raw);
  if (!head.success) return { ok: false, code: 'NOT_A_RECEIPT', message: `"${fileName}" is not a receipt.` };
  if (head.data.formatVersion > RECEIPT_FORMAT_VERSION) {
    return {
      ok: false,
      code: 'RECEIPT_TOO_NEW',
      message: `"${fileName}" was written by a newer version of the app (receipt format ${head.data.formatVersion}); update the app here to read it.`,
    };
  }
  const parsed = Receipt.safeParse(raw);
  if (!parsed.success) return { ok: false, code: 'RECEIPT_DAMAGED', message: `"${fileName}" is not a valid receipt; it was not read.` };
  return { ok: true, receipt: parsed.data };
}

export type ReceiptFit = { applies: true } | { applies: false; why: 'other-device' | 'own' | 'unknown-bundle' | 'seen'; message: string };

/** Whether this laptop should apply a receipt: it saved the bundle, and has not read this or a newer receipt for it. */
export function receiptFit(deps: ReceiptDeps, receipt: Receipt): ReceiptFit {
  const me = deps.device.get();
  if (receipt.district.deviceId === me.deviceId) return { applies: false, why: 'own', message: 'Written by this laptop for the laptop that made the bundle.' };
  if (receipt.sourceDeviceId !== me.deviceId) return { applies: false, why: 'other-device', message: 'For a bundle from another laptop.' };
  const bundle = deps.repo.getOut(receipt.bundleId);
  if (!bundle || bundle.state !== 'saved') {
    return { applies: false, why: 'unknown-bundle', message: 'For a bundle this laptop has no record of saving.' };
  }
  if (bundle.receipt_at !== null && bundle.receipt_at >= receipt.writtenAt) {
    return { applies: false, why: 'seen', message: 'Already read (this receipt or a newer one).' };
  }
  return { applies: true };
}

/** Marks the bundle's jobs delivered and gives them the server's result, as the district reported it. */
export function applyReceipt(deps: ReceiptDeps, receipt: Receipt, fileName: string): ReceiptApplied {
  const fit = receiptFit(deps, receipt);
  const district = receipt.district.deviceName;
  if (!fit.applies) {
    return { fileName, bundleId: receipt.bundleId, district, writtenAt: receipt.writtenAt, updatedJobs: 0, message: fit.message };
  }
  const inBundle = new Map(deps.repo.outJobs(receipt.bundleId).map((row) => [row.job_id, row]));
  const changed: Job[] = [];
  const entries = deps.db.transaction(() => {
    const logged = [];
    for (const line of receipt.jobs) {
      const row = inBundle.get(line.jobId);
      const job = row ? deps.jobs.get(line.jobId) : null;
      if (!row || !job) continue;
      deps.repo.setOutReceipt(receipt.bundleId, job.id, { ...line, district, writtenAt: receipt.writtenAt });
      // A receipt written again with nothing new (the district loaded the drive twice) changes nothing here.
      if (row.receipt !== null && sameOutcome(JSON.parse(row.receipt) as ReceiptJob, line)) continue;
      // Only jobs still out on a bundle change; one recreated or retried here keeps its own story.
      if (job.state !== 'carried' && job.state !== 'delivered') continue;
      const { state, error, result, message } = outcome(line, district);
      const patch: { state: JobState; error: JobError | null; result?: unknown; finishedAt?: string } = { state, error };
      if (result !== undefined) patch.result = result;
      if (state === 'delivered' && line.finishedAt) patch.finishedAt = line.finishedAt;
      changed.push(deps.jobs.update(job.id, patch));
      logged.push(deps.log.add(job.id, line.status === 'rejected' || error ? 'warn' : 'info', message));
    }
    deps.repo.setOutReceiptAt(receipt.bundleId, receipt.writtenAt);
    return logged;
  })();
  for (const entry of entries) deps.bus.emit('job.log', entry);
  for (const job of changed) deps.bus.emit('job.changed', job);
  const done = receipt.jobs.filter((line) => line.status === 'done').length;
  return {
    fileName,
    bundleId: receipt.bundleId,
    district,
    writtenAt: receipt.writtenAt,
    updatedJobs: changed.length,
    message: `Receipt from ${district}: ${receipt.jobs.length} job(s) received, ${done} imported by the server${receipt.stage === 'finished' ? '' : ' so far'}.`,
  };
}

function sameOutcome(a: ReceiptJob, b: ReceiptJob): boolean {
  const key = (l: ReceiptJob) => JSON.stringify([l.status, l.duplicate, l.districtJobId, l.message, l.finishedAt, l.result]);
  return key(a) === key(b);
}

function outcome(line: ReceiptJob, district: string): { state: JobState; error: JobError | null; result?: unknown; message: string } {
  const where = `at the district (${district})`;
  switch (line.status) {
    case 'rejected':
      return {
        state: 'carried',
        error: { code: 'REJECTED_AT_DISTRICT', message: `The district (${district}) could not queue this job: ${line.message ?? 'no reason given'}.` },
        message: `Receipt: the district (${district}) could not queue this job: ${line.message ?? 'no reason given'}.`,
      };
    case 'done': {
      const c = line.result?.server.importCount;
      return {
        state: 'delivered',
        error: null,
        result: line.result ? { server: line.result.server, validation: null, dryRun: line.result.dryRun, deliveredBy: district } : null,
        message: c
          ? `Receipt: imported ${where}. Server: ${line.result!.server.status}; ${c.imported} imported, ${c.updated} updated, ${c.ignored} ignored, ${c.deleted} deleted, ${line.result!.server.conflicts.length} conflicts.`
          : `Receipt: completed ${where}.`,
      };
    }
    case 'failed':
    case 'needs-attention':
    case 'cancelled': {
      const what = line.status === 'failed' ? 'failed' : line.status === 'cancelled' ? 'was cancelled' : 'needs attention';
      const text = `The import ${what} ${where}${line.message ? `: ${line.message}` : '.'}`;
      return { state: 'delivered', error: { code: `DISTRICT_${line.status.toUpperCase().replace('-', '_')}`, message: text }, message: `Receipt: ${text}` };
    }
    case 'carried-on':
      return { state: 'delivered', error: null, message: `Receipt: received ${where} and carried on from there on another bundle.` };
    default:
      return {
        state: 'delivered',
        error: null,
        message: `Receipt: received ${where}${line.duplicate ? ' (it had arrived before)' : ''}; ${line.status === 'in-progress' ? 'being sent to the server there' : 'waiting to be sent there'}.`,
      };
  }
}
