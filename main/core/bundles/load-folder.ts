import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BundleHold, FolderScan, LoadReport, LoadedItem, ScanItem, ScannedBundle, ScannedBundleJob } from '../../../shared/bundles';
import type { FileRef } from '../../../shared/jobs';
import { ImportDataParams } from '../../../shared/data-import';
import type { FileStore } from '../files/file-store';
import { DEFAULT_MAX_FILE_BYTES } from '../files/file-store';
import type { JobRegistry } from '../jobs/registry';
import type { JobRunner } from '../jobs/runner';
import { AppError } from '../errors';
import { FormatError } from '../formats/format-error';
import { readMagic } from '../formats/open-input';
import { sniffCompression } from '../formats/sniff';
import { openDataFile } from '../datavalues/open-data-file';
import { previewRows } from '../datavalues/inspect';
import { checkSummary, storeAndCheckDataFile } from '../datavalues/store-and-check';
import { offlineCheckLine } from '../jobs/offline-check';
import type { MetadataIndex } from '../metadata/index';
import { nowIso } from '../time';
import type { InBundleRow } from './bundles-repo';
import type { Manifest, ManifestJob, ServerRef } from './format';
import { looksLikeBundle, openBundle, type BundleError } from './read-verify';
import { isDestructive } from './destructive';
import { judge, type Examined, type HoldReason, type TrustRepo } from './trust';
import { applyReceipt, looksLikeReceipt, readReceiptFile, receiptFit, writeReceipt, type ReceiptDeps } from './receipts';

export interface LoadDeps extends ReceiptDeps {
  trust: TrustRepo;
  files: FileStore;
  runner: JobRunner;
  registry: JobRegistry;
  appVersion: string;
  /** The server profile here with the same address as the facility's, if any (else the default server is used). */
  serverIdFor(ref: ServerRef | null): string | null;
  /** The offline metadata of a server profile (null: the default one), if there is any. */
  indexFor(serverId: string | null): MetadataIndex | null;
}

/** Folders a drive keeps for the system, never the user's files. */
const SYSTEM_FOLDERS = new Set(['System Volume Information', '$RECYCLE.BIN', 'RECYCLER', 'LOST.DIR', 'lost+found']);
const MAX_FILES = 2000;
/** Format and compression problems that mean "a damaged data file", as opposed to "not a data file at all". */
const DAMAGE_CODES = new Set(['GZIP_DAMAGED', 'ZIP_DAMAGED', 'COMPRESSION_BOMB', 'ZIP_UNSAFE_NAME', 'TOO_LARGE', 'ZIP_ENCRYPTED', 'FILE_NOT_READABLE']);

interface Found {
  path: string;
  relativePath: string;
  size: number;
}

/** The folder and its direct sub-folders (a drive often has one folder per facility). */
function listFiles(folder: string, notes: string[]): Found[] {
  let top;
  try {
    if (!statSync(folder).isDirectory()) throw new AppError('FOLDER_MISSING', `"${folder}" is a file, not a folder. Choose the folder that holds it.`);
    top = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('FOLDER_MISSING', `The folder "${folder}" cannot be opened (is the USB drive plugged in?).`);
  }
  const found: Found[] = [];
  const visit = (dir: string, entries: Dirent[], depth: number) => {
    for (const entry of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || SYSTEM_FOLDERS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth > 0) continue;
        try {
          visit(path, readdirSync(path, { withFileTypes: true }), depth + 1);
        } catch {
          notes.push(`The folder "${relative(folder, path)}" could not be opened; its files were not looked at.`);
        }
        continue;
      }
      if (!entry.isFile() || entry.name.endsWith('.part')) continue;
      if (found.length >= MAX_FILES) {
        notes.push(`Only the first ${MAX_FILES} files were looked at; put the bundles in a folder of their own.`);
        return;
      }
      let size: number;
      try {
        size = statSync(path).size;
      } catch {
        continue;
      }
      found.push({ path, relativePath: relative(folder, path), size });
    }
  };
  visit(folder, top, 0);
  return found;
}

function blankItem(f: Found, kind: ScanItem['kind'], key: string): ScanItem {
  return {
    key,
    kind,
    fileName: basename(f.path),
    relativePath: f.relativePath,
    size: f.size,
    status: 'new',
    message: null,
    problemCode: null,
    bundle: null,
    file: null,
    receipt: null,
    hold: null,
  };
}

/** A bundle that is whole but may not load until a person approves it (trust.ts says why). */
export class HeldBundleError extends AppError {
  constructor(
    message: string,
    readonly hold: BundleHold,
  ) {
    super('BUNDLE_HELD', message);
    this.name = 'HeldBundleError';
  }
}

/** Remembers the hold (so `bundle approve ID` and the page's button can find it) and says what a person compares. */
function recordHold(deps: LoadDeps, examined: Examined, reason: HoldReason, path: string): BundleHold {
  const { manifest, signer } = examined;
  const enrolled = deps.trust.currentSigner(manifest.source.deviceId);
  deps.trust.recordHold({
    bundle_id: manifest.bundleId,
    reason,
    manifest_sha256: examined.manifestSha256,
    device_id: manifest.source.deviceId,
    device_name: manifest.source.deviceName,
    public_key: signer?.publicKey ?? null,
    fingerprint: signer?.fingerprint ?? null,
    folder: join(path, '..'),
    file_name: basename(path),
  });
  return {
    bundleId: manifest.bundleId,
    reason,
    deviceId: manifest.source.deviceId,
    deviceName: manifest.source.deviceName,
    fingerprint: signer?.fingerprint ?? null,
    enrolledFingerprint: reason === 'changed-key' ? (enrolled?.fingerprint ?? null) : null,
  };
}

function readHead(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Looks at everything in a folder and says what each thing is and whether it is new here. Nothing is queued. */
export async function scanFolder(deps: LoadDeps, folder: string): Promise<FolderScan> {
  const notes: string[] = [];
  const items: ScanItem[] = [];
  const seenKeys = new Set<string>();
  const note = (item: ScanItem) => {
    if (seenKeys.has(item.key) && item.status === 'new') {
      item.status = 'duplicate';
      item.message = 'Another copy of this is in the same folder; it is loaded once.';
    }
    seenKeys.add(item.key);
    items.push(item);
  };
  for (const f of listFiles(folder, notes)) {
    if (f.size === 0) continue;
    let compression;
    try {
      compression = sniffCompression(readMagic(f.path, basename(f.path))).compression;
    } catch {
      continue;
    }
    if (compression === 'zip' && (await looksLikeBundle(f.path))) {
      note(await scanBundle(deps, f));
      continue;
    }
    if (compression === 'none' && f.size <= 64 * 1024 * 1024 && looksLikeReceipt(readHead(f.path, 4096))) {
      note(scanReceipt(deps, f));
      continue;
    }
    const loose = await scanLooseFile(deps, f);
    if (loose) note(loose);
  }
  return { folder, scannedAt: nowIso(), items, notes };
}

async function scanBundle(deps: LoadDeps, f: Found): Promise<ScanItem> {
  let examined: Examined;
  try {
    const bundle = await openBundle(f.path, { appVersion: deps.appVersion });
    try {
      await bundle.verifyPayloads();
      examined = { manifest: bundle.manifest, signer: bundle.signer, manifestSha256: bundle.manifestSha256 };
    } finally {
      bundle.close();
    }
  } catch (error) {
    const item = blankItem(f, 'bundle', `bundle-file:${f.relativePath}`);
    item.status = 'rejected';
    item.problemCode = error instanceof AppError ? error.code : 'BUNDLE_DAMAGED';
    item.message = error instanceof AppError ? error.message : `"${basename(f.path)}" could not be read; nothing was loaded from it.`;
    return item;
  }
  const manifest = examined.manifest;
  const item = blankItem(f, 'bundle', `bundle:${manifest.bundleId}`);
  item.bundle = describeBundle(deps, manifest);
  const me = deps.device.get();
  const loaded = deps.repo.getIn(manifest.bundleId);
  const verdict = manifest.source.deviceId === me.deviceId || loaded ? null : judge(deps.trust, examined, item.fileName);
  if (manifest.source.deviceId === me.deviceId) {
    item.status = 'ignored';
    item.message = 'This bundle was saved on this laptop: take it to the district office and load it there.';
  } else if (loaded) {
    item.status = 'duplicate';
    item.message = `Already loaded here on ${new Date(loaded.loaded_at).toLocaleString('en-GB')}; loading it again queues nothing.`;
  } else if (verdict && !verdict.trusted) {
    item.status = 'held';
    item.message = verdict.message;
    item.hold = recordHold(deps, examined, verdict.reason, f.path);
  } else if (item.bundle.jobs.every((job) => job.status !== 'new')) {
    item.status = item.bundle.jobs.some((job) => job.status === 'duplicate') ? 'duplicate' : 'rejected';
    item.message =
      item.status === 'duplicate' ? 'Every job in it arrived here before (on another bundle); loading it queues nothing.' : 'None of its jobs can be run here.';
    if (item.status === 'rejected') item.problemCode = 'NOTHING_TO_LOAD';
  }
  return item;
}

function describeBundle(deps: LoadDeps, manifest: Manifest): ScannedBundle {
  const jobs: ScannedBundleJob[] = manifest.jobs.map((job) => ({
    id: job.id,
    type: job.type,
    title: job.title,
    files: job.files.map((file) => ({ name: file.name, size: file.size })),
    values: job.validation?.checked ?? null,
    conflicts: job.validation ? job.validation.summary.conflicts.length : null,
    destructive: isDestructive(job.params),
    ...classifyJob(deps, job, manifest.bundleId),
  }));
  return {
    bundleId: manifest.bundleId,
    formatVersion: manifest.formatVersion,
    createdAt: manifest.createdAt,
    appVersion: manifest.app.version,
    source: { deviceId: manifest.source.deviceId, deviceName: manifest.source.deviceName, sequence: manifest.source.sequence },
    facility: manifest.facility,
    jobs,
    notes: sequenceNotes(deps, manifest),
  };
}

function classifyJob(deps: LoadDeps, job: ManifestJob, bundleId: string): Pick<ScannedBundleJob, 'status' | 'note' | 'existingJobId'> {
  const held = deps.repo.inJob(job.origin.deviceId, job.origin.jobId);
  if (held) {
    const from = deps.repo.getIn(held.bundle_id);
    const note =
      held.bundle_id === bundleId ? 'Queued here from this bundle.' : `Arrived before${from ? ` on ${from.file_name}` : ''}; it is not queued again.`;
    return { status: 'duplicate', note, existingJobId: held.job_id };
  }
  if (job.origin.deviceId === deps.device.get().deviceId) {
    return { status: 'duplicate', note: 'This job was first queued on this laptop.', existingJobId: job.origin.jobId };
  }
  const registered = deps.registry.get(job.type);
  if (!registered) return { status: 'rejected', note: `This version of the app cannot run "${job.type}" jobs.`, existingJobId: null };
  const params = registered.schemas.params.safeParse(job.params);
  if (!params.success) {
    return { status: 'rejected', note: `Its options are not valid here (${params.error.issues[0]?.message ?? 'unknown problem'}).`, existingJobId: null };
  }
  return { status: 'new', note: null, existingJobId: null };
}

/** Bundles from the same laptop that have not arrived: they may still be on another drive. */
function sequenceNotes(deps: LoadDeps, manifest: Manifest): string[] {
  const seen = new Set(deps.repo.sequencesFrom(manifest.source.deviceId));
  const missing: number[] = [];
  for (let n = 1; n < manifest.source.sequence && missing.length < 6; n++) if (!seen.has(n)) missing.push(n);
  if (missing.length === 0) return [];
  const list = missing.length > 5 ? `${missing.slice(0, 5).join(', ')}, …` : missing.join(', ');
  return [
    `This is bundle ${manifest.source.sequence} from ${manifest.source.deviceName}; bundle${missing.length === 1 ? '' : 's'} ${list} from that laptop ${missing.length === 1 ? 'has' : 'have'} not been loaded here (${missing.length === 1 ? 'it may be' : 'they may be'} on another drive, or already sent from there).`,
  ];
}

function scanReceipt(deps: LoadDeps, f: Found): ScanItem {
  const item = blankItem(f, 'receipt', `receipt:${f.relativePath}`);
  const read = readReceiptFile(f.path);
  if (!read.ok) {
    item.status = 'rejected';
    item.problemCode = read.code;
    item.message = read.message;
    return item;
  }
  const r = read.receipt;
  item.receipt = { bundleId: r.bundleId, district: r.district.deviceName, stage: r.stage, writtenAt: r.writtenAt, jobs: r.jobs.length };
  const fit = receiptFit(deps, r);
  if (!fit.applies) {
    item.status = fit.why === 'seen' ? 'duplicate' : 'ignored';
    item.message = fit.message;
  } else {
    item.message = `From ${r.district.deviceName}: ${r.stage === 'finished' ? 'every job has its outcome' : 'received, not all sent yet'}.`;
  }
  return item;
}

/**
 * Names only decide what is worth opening (a drive also holds photos and documents); what a file is,
 * and how it is compressed, is still told by its content.
 */
const DATA_FILE_NAME = /\.(json|csv|txt|xml|adx|pdf|gz|gzip|zip)$/i;

async function scanLooseFile(deps: LoadDeps, f: Found): Promise<ScanItem | null> {
  const name = basename(f.path);
  if (f.size > DEFAULT_MAX_FILE_BYTES || !DATA_FILE_NAME.test(name)) return null;
  let format: string;
  let formatReason: string;
  try {
    const opened = await openDataFile(f.path, name, ImportDataParams.parse({}));
    const first = await previewRows(opened, 1);
    if (first.length === 0) return ignored(f, 'It holds no data values.');
    format = opened.format;
    formatReason = opened.formatReason;
  } catch (error) {
    if (error instanceof FormatError && DAMAGE_CODES.has(error.code)) {
      const item = blankItem(f, 'file', `file-path:${f.relativePath}`);
      item.status = 'rejected';
      item.problemCode = error.code;
      item.message = error.message;
      return item;
    }
    if (error instanceof FormatError) return ignored(f, `Not a DHIS2 data value file (${error.message})`);
    throw error;
  }
  const sha256 = await sha256Of(f.path);
  const item = blankItem(f, 'file', `file:${sha256}`);
  const seen = deps.repo.looseFile(sha256);
  const existing = seen?.job_id ?? deps.repo.importJobWithFile(sha256);
  item.file = { sha256, format, formatReason, existingJobId: existing };
  if (seen || existing) {
    item.status = 'duplicate';
    item.message = seen
      ? `Loaded here before (as "${seen.name}"); it is not queued again.`
      : 'This file is already in an import job here; it is not queued again.';
  }
  return item;
}

function ignored(f: Found, why: string): ScanItem {
  const item = blankItem(f, 'file', `other:${f.relativePath}`);
  item.status = 'ignored';
  item.message = why;
  return item;
}

/**
 * Loads what was chosen (by key; by default everything new and every receipt for this laptop). The
 * folder is looked at again first: nothing is taken on trust from an earlier scan.
 */
export async function loadFolder(deps: LoadDeps, folder: string, keys: readonly string[] | undefined): Promise<LoadReport> {
  const scan = await scanFolder(deps, folder);
  const wanted = keys ? new Set(keys) : null;
  const report: LoadReport = { folder, loaded: [], duplicate: [], rejected: [], held: [], receipts: [], receiptsWritten: [], notes: [...scan.notes] };
  const entry = (item: ScanItem, jobIds: string[], message: string, heldJobIds: string[] = []): LoadedItem => ({
    key: item.key,
    kind: item.kind,
    fileName: item.relativePath,
    jobIds,
    heldJobIds,
    message,
  });

  for (const item of scan.items) {
    const chosen = wanted ? wanted.has(item.key) : true;
    if (item.kind === 'receipt') {
      if (!chosen || item.status !== 'new') continue;
      const read = readReceiptFile(join(folder, item.relativePath));
      if (read.ok) report.receipts.push(applyReceipt(deps, read.receipt, item.fileName));
      continue;
    }
    if (item.status === 'rejected') {
      if (chosen) report.rejected.push({ ...entry(item, [], item.message ?? 'Not loaded.'), code: item.problemCode ?? 'REJECTED' });
      continue;
    }
    if (item.status === 'held') {
      if (chosen && item.hold) report.held.push({ ...entry(item, [], item.message ?? 'Held.'), hold: item.hold });
      continue;
    }
    if (item.status === 'ignored') continue;
    if (item.status === 'duplicate') {
      if (!chosen) continue;
      // A bundle never loaded whose jobs all came before (a re-carried copy): recorded, so it gets a receipt too.
      if (item.kind === 'bundle' && item.bundle && !deps.repo.getIn(item.bundle.bundleId)) {
        try {
          await loadBundle(deps, folder, item);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
        }
      }
      report.duplicate.push(entry(item, [], item.message ?? 'Seen before.'));
      continue;
    }
    if (!chosen) continue;
    try {
      if (item.kind === 'bundle') {
        const { queued, held } = await loadBundle(deps, folder, item);
        const from = item.bundle?.source.deviceName ?? 'the bundle';
        const waiting =
          held.length === 0
            ? ''
            : ` ${held.length} of them ${held.length === 1 ? 'deletes' : 'delete'} on the server: held until you confirm ${held.length === 1 ? 'it' : 'each one'}.`;
        report.loaded.push(entry(item, queued, `${queued.length} job(s) queued from ${from}.${waiting}`, held));
      } else {
        const loose = await loadLooseFile(deps, folder, item);
        report.loaded.push(entry(item, [loose.jobId], loose.message));
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error instanceof HeldBundleError) report.held.push({ ...entry(item, [], error.message), hold: error.hold });
      else if (error.code === 'ALREADY_LOADED') report.duplicate.push(entry(item, [], error.message));
      else report.rejected.push({ ...entry(item, [], error.message), code: error.code });
    }
  }

  // Every bundle of this folder that was loaded here (now or before) gets its receipt, as things stand.
  const bundleIds = new Set(scan.items.filter((item) => item.kind === 'bundle' && item.bundle).map((item) => item.bundle!.bundleId));
  for (const id of bundleIds) {
    const row = deps.repo.getIn(id);
    if (!row) continue;
    const bundleItem = scan.items.find((item) => item.bundle?.bundleId === id)!;
    const dir = join(folder, bundleItem.relativePath, '..');
    try {
      const written = writeReceipt(deps, { ...row, file_name: bundleItem.fileName } satisfies InBundleRow, dir);
      report.receiptsWritten.push({ fileName: join(relative(folder, dir), written.fileName), bundleId: id, stage: written.stage });
    } catch (error) {
      report.notes.push(error instanceof AppError ? error.message : String(error));
    }
  }
  return report;
}

async function loadBundle(deps: LoadDeps, folder: string, item: ScanItem): Promise<{ queued: string[]; held: string[] }> {
  const path = join(folder, item.relativePath);
  const bundle = await openBundle(path, { appVersion: deps.appVersion });
  const stored = new Map<string, FileRef>();
  try {
    // Judged again on what is read now: the file may have been swapped since the folder was looked at.
    if (bundle.manifest.bundleId !== item.bundle?.bundleId) {
      throw new AppError('BUNDLE_CHANGED', `"${item.fileName}" changed while it was being loaded; look in the folder again.`);
    }
    const verdict = judge(deps.trust, bundle, item.fileName);
    if (!verdict.trusted) throw new HeldBundleError(verdict.message, recordHold(deps, bundle, verdict.reason, path));
    await bundle.verifyPayloads(async (file, content) => {
      stored.set(file.sha256, await deps.files.put(content, file.sha256));
    });
  } catch (error) {
    throw error instanceof AppError ? error : new AppError('BUNDLE_DAMAGED', `"${item.fileName}" could not be read: ${(error as BundleError).message}`);
  } finally {
    bundle.close();
  }
  const manifest = bundle.manifest;
  const queued: string[] = [];
  const held: string[] = [];
  deps.db.transaction(() => {
    if (deps.repo.getIn(manifest.bundleId)) throw new AppError('ALREADY_LOADED', 'Already loaded here; loading it again queues nothing.');
    const rejections: Record<string, string> = {};
    deps.repo.insertIn({
      id: manifest.bundleId,
      source_device_id: manifest.source.deviceId,
      source_device_name: manifest.source.deviceName,
      sequence: manifest.source.sequence,
      created_at: manifest.createdAt,
      loaded_at: nowIso(),
      folder: join(folder, item.relativePath, '..'),
      file_name: item.fileName,
      manifest: JSON.stringify(manifest),
      rejections: '{}',
    });
    for (const job of manifest.jobs) {
      const verdict = classifyJob(deps, job, manifest.bundleId);
      if (verdict.status === 'duplicate') continue;
      if (verdict.status === 'rejected') {
        rejections[job.id] = verdict.note ?? 'It cannot be run here.';
        continue;
      }
      try {
        const created = deps.runner.create({
          type: job.type,
          params: job.params,
          files: job.files.map((file) => ({ sha256: file.sha256, name: file.name, size: stored.get(file.sha256)?.size ?? file.size })),
          serverId: deps.serverIdFor(job.server),
          title: `${job.title} (from ${manifest.source.deviceName})`.slice(0, 300),
        });
        deps.repo.addInJob({
          origin_device_id: job.origin.deviceId,
          origin_job_id: job.origin.jobId,
          bundle_id: manifest.bundleId,
          source_job_id: job.id,
          job_id: created.id,
        });
        const entry = deps.log.add(
          created.id,
          'info',
          `Loaded from USB: bundle ${item.fileName} (bundle ${manifest.source.sequence} of ${manifest.source.deviceName}), where it was job ${job.id}.`,
        );
        deps.bus.emit('job.log', entry);
        queued.push(created.id);
        if (isDestructive(job.params)) {
          holdForConfirmation(deps, created.id);
          held.push(created.id);
        }
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        rejections[job.id] = error.message;
      }
    }
    deps.db.prepare('UPDATE bundles_in SET rejections = ? WHERE id = ?').run(JSON.stringify(rejections), manifest.bundleId);
  })();
  for (const id of held) {
    const job = deps.jobs.get(id);
    if (job) deps.bus.emit('job.changed', job);
  }
  await checkHere(deps, queued);
  return { queued, held };
}

/**
 * Each job queued from a bundle is checked here too, against the district's own offline metadata, as its kind
 * declares: the facility's check was made against the facility's copy, which may be older. Said in the job's log.
 */
async function checkHere(deps: LoadDeps, jobIds: readonly string[]): Promise<void> {
  for (const id of jobIds) {
    const job = deps.jobs.get(id);
    if (!job) continue;
    let line: string | null;
    try {
      line = await offlineCheckLine(job, { files: deps.files, indexFor: deps.indexFor });
    } catch (error) {
      line = `Could not be checked offline here: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (line) deps.bus.emit('job.log', deps.log.add(id, 'info', `Checked here at the district. ${line}`));
  }
}

/**
 * A delete that arrived by USB waits in `held`, which the runner never starts, until a person here confirms it.
 * Called inside the transaction that created the job, so no runner (in this process or another) sees it queued.
 */
function holdForConfirmation(deps: LoadDeps, jobId: string): void {
  deps.db.prepare(`UPDATE jobs SET state = 'held', updated_at = ? WHERE id = ? AND state = 'queued'`).run(nowIso(), jobId);
  const logged = deps.log.add(
    jobId,
    'warn',
    'This job arrived by USB and deletes on the server (strategy DELETE). It is held: it runs only after a person here confirms it (Load collected files, or dhis2-ie bundle confirm ID).',
  );
  deps.bus.emit('job.log', logged);
}

/**
 * A loose data file becomes a data import with the default options, checked offline as it is stored (as
 * `dhis2-ie import data` does), so the district sees what DHIS2 would say before anything is sent. A file that
 * cannot be read to its end is not queued: the message names the line to fix.
 */
async function loadLooseFile(deps: LoadDeps, folder: string, item: ScanItem): Promise<{ jobId: string; message: string }> {
  const path = join(folder, item.relativePath);
  const stored = await storeAndCheckDataFile(deps.files, path, item.fileName, ImportDataParams.parse({}), deps.indexFor(null));
  if (stored.problem) throw new AppError(stored.problem.code, `Not queued: ${stored.problem.message}`);
  const ref = stored.ref;
  const checked = checkSummary(stored) ?? 'Not checked offline: there is no offline metadata here yet';
  return deps.db.transaction(() => {
    const existing = deps.repo.looseFile(ref.sha256)?.job_id ?? deps.repo.importJobWithFile(ref.sha256);
    if (existing) throw new AppError('ALREADY_LOADED', 'This file is already in an import job here; it is not queued again.');
    const job = deps.runner.create({ type: 'import-data', params: {}, files: [ref], serverId: null });
    deps.repo.addLooseFile(ref.sha256, ref.name, folder, job.id, nowIso());
    const logged = deps.log.add(job.id, 'info', `Loaded from USB: loose file ${item.relativePath} in ${folder}, with the default import options. ${checked}.`);
    deps.bus.emit('job.log', logged);
    return { jobId: job.id, message: `Queued as a data import with the default options. ${checked}.` };
  })();
}

/** Reads every receipt in a folder meant for this laptop and applies it (before a save, so the list is current). */
export function applyReceiptsIn(deps: ReceiptDeps, folder: string): ReturnType<typeof applyReceipt>[] {
  const applied = [];
  let files: Found[];
  try {
    files = listFiles(folder, []);
  } catch {
    return [];
  }
  for (const f of files) {
    if (f.size === 0 || f.size > 64 * 1024 * 1024 || !f.path.endsWith('.json')) continue;
    let head: string;
    try {
      head = readHead(f.path, 4096);
    } catch {
      continue;
    }
    if (!looksLikeReceipt(head)) continue;
    const read = readReceiptFile(f.path);
    if (read.ok && receiptFit(deps, read.receipt).applies) applied.push(applyReceipt(deps, read.receipt, basename(f.path)));
  }
  return applied;
}
