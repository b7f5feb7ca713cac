import { createHash, randomUUID } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { OfflineValidation } from '../../../shared/data-import';
import type { CreateBundleResult, OrgUnitRef, ReceiptApplied } from '../../../shared/bundles';
import { JOB_STATE_LABELS, type Job, type JobState } from '../../../shared/jobs';
import { jobKind } from '../../../shared/job-kinds';
import type { Db } from '../db/database';
import type { JobsRepo } from '../db/jobs-repo';
import type { JobLogRepo } from '../db/job-log-repo';
import type { FileStore } from '../files/file-store';
import type { EventBus } from '../events';
import { AppError } from '../errors';
import { nowIso } from '../time';
import { sniffCompression } from '../formats/sniff';
import { readMagic } from '../formats/open-input';
import type { BundlesRepo } from './bundles-repo';
import type { DeviceIdentityStore } from './device';
import {
  BUNDLE_FORMAT_VERSION,
  BUNDLE_KIND,
  BUNDLE_MIN_APP_VERSION,
  MANIFEST_ENTRY,
  README_ENTRY,
  SIGNATURE_ENTRY,
  SIGNATURE_KIND,
  README_TEXT,
  bundleFileName,
  payloadEntryName,
  type JobOrigin,
  type Manifest,
  type ManifestJob,
  type ServerRef,
} from './format';
import { verifyBundle } from './read-verify';
import { assertNoSecrets } from './secrets';
import type { SigningKey } from './signing';
import { ZipArchiveWriter } from './zip-archive';

export interface WriteDeps {
  db: Db;
  repo: BundlesRepo;
  jobs: JobsRepo;
  log: JobLogRepo;
  files: FileStore;
  bus: EventBus;
  device: DeviceIdentityStore;
  appName: string;
  appVersion: string;
  /** A server by name and address only; never its account. */
  serverRef(serverId: string | null): ServerRef | null;
  /** The offline check of a job's file against this laptop's metadata; null when there is none. */
  validate(job: Job): Promise<OfflineValidation | null>;
  /** The org units this laptop reports for (its metadata user's), for the district to see whose data it is. */
  facilityOrgUnits(jobs: readonly Job[]): OrgUnitRef[];
  /** Receipts in the folder are read before saving, so jobs the district already has are not carried again by mistake. */
  applyReceipts(folder: string): Promise<ReceiptApplied[]>;
  /** This laptop's signing key (made on first use). */
  signingKey(): Promise<SigningKey>;
  /** Tests put a failing stream here to play a full or pulled-out drive. */
  openOutput?: (path: string) => Writable;
}

export interface WriteInput {
  folder: string;
  jobIds?: readonly string[] | undefined;
}

/** States a job may leave on a bundle from. A carried job may be chosen again (its drive was lost); the district dedupes it. */
const WAITING: readonly JobState[] = ['queued', 'waiting-for-connection'];
const CARRIABLE_STATES: readonly JobState[] = [...WAITING, 'carried'];

/** What a district can do for a facility, as each kind declares it (an export would land on the district's disk). */
export function isCarriableType(type: Job['type']): boolean {
  return jobKind(type).usb;
}

/**
 * "Save to USB": claims the jobs (state `carried`, so the runner leaves them alone), writes the
 * bundle under a temporary name, flushes it, renames it, reads it back and checks every checksum.
 * Only then is the save recorded. Any failure puts every job back as it was and removes what was
 * written, and says what happened in plain words.
 */
export async function writeBundle(deps: WriteDeps, input: WriteInput): Promise<CreateBundleResult> {
  const folder = input.folder;
  checkFolder(folder);
  const receipts = await deps.applyReceipts(folder);
  const chosen = chooseJobs(deps, input.jobIds);
  // Before anything is claimed: a key that cannot be read stops the save with the queue untouched.
  const key = await deps.signingKey();
  const device = deps.device.get();
  const created = new Date();
  const bundleId = randomUUID();

  // Claim first: from here the runner cannot start these jobs, and a crash is undone on the next start.
  const claim = deps.db.transaction(() => {
    const sequence = deps.repo.nextSequence();
    const fileName = freeName(folder, bundleFileName(device.name, sequence, created));
    deps.repo.insertOut({ id: bundleId, sequence, folder, file_name: fileName, writer_pid: process.pid, created_at: created.toISOString() });
    const take = deps.db.prepare(`UPDATE jobs SET state = 'carried', updated_at = ? WHERE id = ? AND state = ?`);
    for (const job of chosen) {
      if (take.run(nowIso(), job.id, job.state).changes !== 1) {
        throw new AppError('JOB_BUSY', `"${job.title}" changed while the bundle was being prepared (it may have started sending). Save again.`);
      }
      deps.repo.addOutJob(bundleId, job.id, job.state);
    }
    return { sequence, fileName };
  });
  const { sequence, fileName } = claim();
  announce(deps, chosen);

  const finalPath = join(folder, fileName);
  const partPath = `${finalPath}.part`;
  let renamed = false;
  try {
    const manifest = await buildManifest(deps, { bundleId, sequence, created, device, publicKey: key.publicKey, jobs: chosen });
    const written = await writeZip(deps, partPath, manifest, key, created);
    fsyncFile(partPath);
    renameSync(partPath, finalPath);
    renamed = true;
    fsyncDir(folder);
    await readBack(finalPath, manifest, deps.appVersion);

    const savedAt = nowIso();
    const entries = deps.db.transaction(() => {
      for (const job of chosen) {
        if (deps.jobs.require(job.id).state !== 'carried') {
          throw new AppError('JOB_BUSY', `"${job.title}" changed while the bundle was being saved. Save again.`);
        }
      }
      deps.repo.markSaved(bundleId, written.bytes, written.sha256, savedAt);
      return chosen.map((job) =>
        deps.log.add(
          job.id,
          'info',
          `Carried on USB: bundle ${fileName} in ${folder} (bundle ${sequence} of this laptop). It will not be sent from this laptop; the district sends it, and its receipt tells what the server did.`,
        ),
      );
    })();
    for (const entry of entries) deps.bus.emit('job.log', entry);
    announce(deps, chosen);
    const values = manifest.jobs.reduce<number | null>((sum, job) => (job.validation ? (sum ?? 0) + job.validation.checked : sum), null);
    return {
      bundleId,
      sequence,
      path: finalPath,
      fileName,
      bytes: written.bytes,
      sha256: written.sha256,
      jobIds: chosen.map((job) => job.id),
      values,
      receipts,
    };
  } catch (error) {
    rmSync(partPath, { force: true });
    if (renamed) rmSync(finalPath, { force: true });
    const problem = driveError(error, folder, fileName);
    releaseJobs(deps, bundleId, `Saving to USB failed: ${problem.message} The job is back in the queue as it was.`);
    throw problem;
  }
}

/** Puts a bundle's jobs back as they were before it was claimed, and forgets the bundle. */
export function releaseJobs(deps: Pick<WriteDeps, 'db' | 'repo' | 'jobs' | 'log' | 'bus'>, bundleId: string, message: string): void {
  const released: Job[] = [];
  const entries = deps.db.transaction(() => {
    const restore = deps.db.prepare(`UPDATE jobs SET state = ?, updated_at = ? WHERE id = ? AND state = 'carried'`);
    const logged = [];
    for (const row of deps.repo.outJobs(bundleId)) {
      if (row.previous_state !== 'carried') restore.run(row.previous_state, nowIso(), row.job_id);
      const job = deps.jobs.get(row.job_id);
      if (job) {
        released.push(job);
        logged.push(deps.log.add(job.id, 'warn', message));
      }
    }
    deps.repo.deleteOut(bundleId);
    return logged;
  })();
  for (const entry of entries) deps.bus.emit('job.log', entry);
  announce(deps, released);
}

function announce(deps: Pick<WriteDeps, 'jobs' | 'bus'>, jobs: readonly Job[]): void {
  for (const job of jobs) {
    const fresh = deps.jobs.get(job.id);
    if (fresh) deps.bus.emit('job.changed', fresh);
  }
}

function chooseJobs(deps: WriteDeps, jobIds: readonly string[] | undefined): Job[] {
  if (jobIds === undefined) {
    const waiting = deps.jobs.inStates(WAITING).filter((job) => isCarriableType(job.type));
    if (waiting.length === 0) {
      throw new AppError('NOTHING_TO_CARRY', 'No import is waiting to be sent, so there is nothing to save to USB.');
    }
    return waiting;
  }
  if (jobIds.length === 0) throw new AppError('NOTHING_TO_CARRY', 'Choose at least one job to save to USB.');
  const jobs: Job[] = [];
  for (const id of new Set(jobIds)) {
    const job = deps.jobs.get(id) ?? null;
    if (!job) throw new AppError('NOT_FOUND', `Job "${id}" does not exist (it may have been removed).`);
    if (!isCarriableType(job.type)) throw new AppError('NOT_CARRIABLE', `"${job.title}" is not an import; only imports can be carried to the district.`);
    if (!CARRIABLE_STATES.includes(job.state)) {
      throw new AppError('NOT_CARRIABLE', `"${job.title}" is ${JOB_STATE_LABELS[job.state].toLowerCase()}; only jobs waiting to be sent can be saved to USB.`);
    }
    jobs.push(job);
  }
  return jobs;
}

async function buildManifest(
  deps: WriteDeps,
  b: { bundleId: string; sequence: number; created: Date; device: { deviceId: string; name: string }; publicKey: string; jobs: readonly Job[] },
): Promise<Manifest> {
  const files = new Map<string, { sha256: string; size: number }>();
  const jobs: ManifestJob[] = [];
  for (const job of b.jobs) {
    assertNoSecrets(job.params, `the options of "${job.title}"`);
    for (const file of job.files) {
      if (!deps.files.has(file.sha256)) {
        throw new AppError('FILE_MISSING', `The file "${file.name}" of "${job.title}" is no longer in the app's store; the job cannot be carried.`);
      }
      files.set(file.sha256, { sha256: file.sha256, size: file.size });
    }
    const loaded = deps.repo.inJobByJobId(job.id);
    const origin: JobOrigin = loaded ? { deviceId: loaded.origin_device_id, jobId: loaded.origin_job_id } : { deviceId: b.device.deviceId, jobId: job.id };
    jobs.push({
      id: job.id,
      type: job.type,
      title: job.title,
      createdAt: job.createdAt,
      params: job.params,
      files: job.files.map((file) => ({ sha256: file.sha256, name: file.name, size: file.size })),
      origin,
      server: deps.serverRef(job.serverId),
      validation: await deps.validate(job),
    });
  }
  return {
    kind: BUNDLE_KIND,
    formatVersion: BUNDLE_FORMAT_VERSION,
    minAppVersion: BUNDLE_MIN_APP_VERSION,
    bundleId: b.bundleId,
    createdAt: b.created.toISOString(),
    app: { name: deps.appName, version: deps.appVersion },
    source: { deviceId: b.device.deviceId, deviceName: b.device.name, sequence: b.sequence, publicKey: b.publicKey },
    facility: { orgUnits: deps.facilityOrgUnits(b.jobs) },
    jobs,
    files: [...files.values()],
  };
}

async function writeZip(deps: WriteDeps, partPath: string, manifest: Manifest, key: SigningKey, created: Date): Promise<{ bytes: number; sha256: string }> {
  const output = deps.openOutput ? deps.openOutput(partPath) : createWriteStream(partPath, { flags: 'wx' });
  const whole = createHash('sha256');
  const zip = new ZipArchiveWriter(output, { modified: created, onChunk: (chunk) => whole.update(chunk) });
  try {
    // The signature is over these exact bytes, which list every payload's sha256: nothing in the bundle can change unseen.
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 1));
    const signature = { kind: SIGNATURE_KIND, algorithm: 'Ed25519', publicKey: key.publicKey, signature: key.signManifest(manifestBytes) };
    await zip.add(MANIFEST_ENTRY, manifestBytes, { compress: true });
    await zip.add(SIGNATURE_ENTRY, Buffer.from(JSON.stringify(signature, null, 1)), { compress: true });
    await zip.add(README_ENTRY, Buffer.from(README_TEXT), { compress: true });
    for (const file of manifest.files) {
      const path = deps.files.pathOf(file.sha256);
      // Gzip and zip payloads are stored as they are; deflating them again only costs time.
      const compress = sniffCompression(readMagic(path, file.sha256)).compression === 'none';
      const result = await zip.add(payloadEntryName(file.sha256), deps.files.read(file.sha256), { compress, sha256: true });
      if (result.sha256 !== file.sha256 || result.size !== file.size) {
        throw new AppError(
          'FILE_DAMAGED',
          `The app's stored copy of a file (${file.sha256.slice(0, 12)}…) is damaged; it was not carried. Add the file again.`,
        );
      }
    }
    const bytes = await zip.finish();
    return { bytes, sha256: whole.digest('hex') };
  } catch (error) {
    output.destroy();
    throw error;
  }
}

async function readBack(path: string, written: Manifest, appVersion: string): Promise<void> {
  let read: Manifest;
  try {
    // Signature included: a bundle this laptop cannot verify would be refused at the district too.
    read = await verifyBundle(path, { appVersion });
  } catch (error) {
    if (isDriveError(error)) throw error;
    throw new AppError(
      'BUNDLE_VERIFY_FAILED',
      `The bundle did not read back correctly from the drive (${error instanceof Error ? error.message : String(error)}); it was removed. The drive may be failing: try another one.`,
    );
  }
  const same = read.bundleId === written.bundleId && read.files.every((file, i) => file.sha256 === written.files[i]?.sha256);
  if (!same) throw new AppError('BUNDLE_VERIFY_FAILED', 'The bundle read back from the drive is not the one written; it was removed. Try another drive.');
}

function checkFolder(folder: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(folder).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new AppError('FOLDER_MISSING', `The folder "${folder}" is not there (is the USB drive plugged in?). Choose the drive's folder and save again.`);
  }
}

/** Never overwrite: a name already there (another laptop with the same name) gets " (2)". */
function freeName(folder: string, name: string): string {
  if (!existsSync(join(folder, name)) && !existsSync(join(folder, `${name}.part`))) return name;
  for (let n = 2; ; n++) {
    const candidate = name.replace(/\.zip$/, ` (${n}).zip`);
    if (!existsSync(join(folder, candidate)) && !existsSync(join(folder, `${candidate}.part`))) return candidate;
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(path: string): void {
  // Windows cannot fsync a folder; the rename is as durable as it gets there.
  if (process.platform === 'win32') return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const DRIVE_GONE = new Set(['ENOENT', 'EIO', 'ENXIO', 'ENODEV', 'ESTALE', 'EBADF']);

function isDriveError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && (code === 'ENOSPC' || code === 'EDQUOT' || DRIVE_GONE.has(code) || code === 'EROFS');
}

/** Errors of the drive in words; anything else keeps its own message. */
export function driveError(error: unknown, folder: string, fileName: string): AppError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError(
      'DRIVE_FULL',
      `The drive of "${folder}" is full: the bundle ${fileName} did not fit. Nothing was saved. Free some space on the drive or use another one, then save again.`,
    );
  }
  if (code && DRIVE_GONE.has(code)) {
    return new AppError(
      'DRIVE_REMOVED',
      `The drive of "${folder}" went away while the bundle was being saved (was the USB drive removed?). Nothing was saved. Plug it in and save again.`,
    );
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new AppError('FOLDER_READ_ONLY', `The app may not write to "${folder}" (the drive may be locked or read-only). Choose another folder.`);
  }
  if (error instanceof AppError) return error;
  return new AppError('BUNDLE_SAVE_FAILED', `The bundle could not be saved to "${folder}": ${error instanceof Error ? error.message : String(error)}.`);
}

/** Saves left half-done by a process that died: their jobs go back to the queue and the part file goes away. */
export function recoverInterruptedSaves(deps: Pick<WriteDeps, 'db' | 'repo' | 'jobs' | 'log' | 'bus'>, staleAfterMs = 24 * 3600 * 1000): number {
  let recovered = 0;
  for (const row of deps.repo.writingOut()) {
    const stale = Date.now() - Date.parse(row.created_at) > staleAfterMs;
    if (!stale && row.writer_pid !== null && isAlive(row.writer_pid)) continue;
    rmSync(join(row.folder, `${row.file_name}.part`), { force: true });
    releaseJobs(deps, row.id, `The app stopped while saving bundle ${row.file_name} to USB; the job is back in the queue as it was.`);
    recovered++;
  }
  return recovered;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
