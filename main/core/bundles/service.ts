import type { Writable } from 'node:stream';
import type { OfflineValidation } from '../../../shared/data-import';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateBundleResult, DeviceIdentity, FolderScan, JobTransport, LoadReport, OrgUnitRef } from '../../../shared/bundles';
import { JOB_STATE_LABELS, type Job } from '../../../shared/jobs';
import type { Db } from '../db/database';
import type { JobsRepo } from '../db/jobs-repo';
import type { JobLogRepo } from '../db/job-log-repo';
import type { SettingsRepo } from '../db/settings-repo';
import type { FileStore } from '../files/file-store';
import type { MetadataIndex } from '../metadata/index';
import type { JobRegistry } from '../jobs/registry';
import type { JobRunner } from '../jobs/runner';
import type { ServerService } from '../servers/server-service';
import type { EventBus } from '../events';
import type { SecretCipher } from '../secrets/secret-cipher';
import { AppError, notFound } from '../errors';
import { nowIso } from '../time';
import { isDestructive } from './destructive';
import { BundlesRepo } from './bundles-repo';
import { DeviceIdentityStore } from './device';
import type { ServerRef } from './format';
import { applyReceiptsIn, loadFolder, scanFolder, type LoadDeps } from './load-folder';
import { receiptsOnJobChange } from './receipts';
import { recoverInterruptedSaves, writeBundle, type WriteDeps } from './write';
import { readEnrolment, writeEnrolment } from './enrolment';
import { SigningKeyStore, fingerprintOf } from './signing';
import { TrustRepo, type HoldRow, type SignerRow } from './trust';

export interface BundleServiceDeps {
  db: Db;
  jobs: JobsRepo;
  log: JobLogRepo;
  files: FileStore;
  bus: EventBus;
  settings: SettingsRepo;
  runner: JobRunner;
  registry: JobRegistry;
  servers: ServerService;
  /** Seals this laptop's bundle signing key, as it seals server passwords. */
  cipher: SecretCipher;
  appName: string;
  appVersion: string;
  validate(job: Job): Promise<OfflineValidation | null>;
  /** The offline metadata of a server profile (null: the default one), for checking loose files as they are loaded. */
  indexFor(serverId: string | null): MetadataIndex | null;
  facilityOrgUnits(jobs: readonly Job[]): OrgUnitRef[];
  onError?: (error: unknown, context: string) => void;
  openOutput?: (path: string) => Writable;
}

/** USB bundles: "Save to USB" at the facility, "Load collected files" at the district, receipts both ways. */
export class BundleService {
  readonly repo: BundlesRepo;
  readonly device: DeviceIdentityStore;
  readonly trust: TrustRepo;
  readonly signing: SigningKeyStore;
  private readonly writeDeps: WriteDeps;
  private readonly loadDeps: LoadDeps;

  constructor(private readonly deps: BundleServiceDeps) {
    this.repo = new BundlesRepo(deps.db);
    this.device = new DeviceIdentityStore(deps.settings);
    this.trust = new TrustRepo(deps.db);
    this.signing = new SigningKeyStore(deps.settings, deps.cipher);
    const base = { db: deps.db, repo: this.repo, jobs: deps.jobs, log: deps.log, bus: deps.bus, device: this.device };
    this.loadDeps = {
      ...base,
      trust: this.trust,
      files: deps.files,
      runner: deps.runner,
      registry: deps.registry,
      appVersion: deps.appVersion,
      serverIdFor: (ref) => this.serverIdFor(ref),
      indexFor: (serverId) => deps.indexFor(serverId),
    };
    this.writeDeps = {
      ...base,
      files: deps.files,
      appName: deps.appName,
      appVersion: deps.appVersion,
      serverRef: (serverId) => this.serverRef(serverId),
      validate: deps.validate,
      facilityOrgUnits: deps.facilityOrgUnits,
      applyReceipts: async (folder) => applyReceiptsIn(base, folder),
      signingKey: () => this.signing.get(),
      ...(deps.openOutput ? { openOutput: deps.openOutput } : {}),
    };
    recoverInterruptedSaves(base);
    deps.bus.on('job.changed', (job) => {
      try {
        receiptsOnJobChange(base, job, (error) => deps.onError?.(error, 'writing a receipt'));
      } catch (error) {
        deps.onError?.(error, 'receipts on job change');
      }
    });
  }

  identity(): DeviceIdentity {
    const publicKey = this.signing.publicKey();
    return { ...this.device.get(), fingerprint: publicKey ? fingerprintOf(publicKey) : null };
  }

  setDeviceName(name: string): DeviceIdentity {
    this.device.setName(name);
    return this.identity();
  }

  /**
   * This laptop's identity with its signing key made if it was not yet (`dhis2-ie bundle identity`), or a new
   * key (`--new-key`: after a reinstall of the secret store, or a key thought stolen; the district approves it once).
   */
  async signingIdentity(options: { newKey?: boolean } = {}): Promise<DeviceIdentity & { fingerprint: string }> {
    const key = options.newKey ? await this.signing.replace(true) : await this.signing.get();
    return { ...this.device.get(), fingerprint: key.fingerprint };
  }

  /** The enrolment file for the district, written into `folder`; returns its path. */
  async writeEnrolment(folder: string): Promise<string> {
    return writeEnrolment(folder, this.device.get(), await this.signing.get());
  }

  /** At the district: trusts a laptop's key from its enrolment file, once the fingerprint typed from the laptop's screen matches. */
  enrol(path: string, fingerprint: string | undefined): SignerRow {
    const e = readEnrolment(path, fingerprint);
    if (e.deviceId === this.device.get().deviceId) {
      throw new AppError(
        'OWN_ENROLMENT',
        'That enrolment file was made on this computer; enrol it at the district office, on the computer that loads the bundles.',
      );
    }
    return this.trust.trust({ public_key: e.publicKey, device_id: e.deviceId, device_name: e.deviceName, fingerprint: e.fingerprint, how: 'enrolled' });
  }

  signers(): SignerRow[] {
    return this.trust.signers();
  }

  heldBundles(): HoldRow[] {
    return this.trust.pendingHolds();
  }

  /**
   * A person approves a held bundle: its signing key is trusted for its laptop from now on (replacing the one
   * enrolled before, if it changed), or, unsigned, this bundle as it was seen (its manifest's sha256) may load.
   * It is then loaded from where it was seen, if the drive is still there.
   */
  async approve(idOrPrefix: string): Promise<{ hold: HoldRow; message: string; report: LoadReport | null }> {
    const hold = this.findHold(idOrPrefix);
    this.deps.db.transaction(() => {
      if (hold.public_key && hold.fingerprint) {
        this.trust.trust({
          public_key: hold.public_key,
          device_id: hold.device_id,
          device_name: hold.device_name,
          fingerprint: hold.fingerprint,
          how: 'approved',
        });
      }
      this.trust.markApproved(hold.bundle_id);
    })();
    const approved = this.trust.hold(hold.bundle_id)!;
    const message = hold.public_key
      ? `Approved: bundles signed by key ${hold.fingerprint} are trusted from ${hold.device_name} from now on.`
      : `Approved: ${hold.file_name} as it is now (it is not signed).`;
    if (!existsSync(join(hold.folder, hold.file_name))) {
      return { hold: approved, message: `${message} It is no longer in ${hold.folder}; load that drive again to load it.`, report: null };
    }
    return { hold: approved, message, report: await loadFolder(this.loadDeps, hold.folder, [`bundle:${hold.bundle_id}`]) };
  }

  /** A person confirms a delete that arrived by USB: the held job is queued and sent like any other. */
  /** A delete that arrived by USB goes back to held when retried: it was confirmed for one run, not for every later one. */
  holdOnRetry(job: Job): string | null {
    if (!isDestructive(job.params) || !this.repo.inJobByJobId(job.id)) return null;
    return 'Retry requested: this job arrived by USB and deletes on the server, so it is held again until a person here confirms the delete.';
  }

  confirmDelete(jobId: string): Job {
    const job = this.deps.jobs.get(jobId);
    if (!job) throw notFound('Job', jobId);
    if (job.state !== 'held') {
      throw new AppError('NOT_HELD', `"${job.title}" is not waiting for a delete to be confirmed (it is ${JOB_STATE_LABELS[job.state].toLowerCase()}).`);
    }
    const entry = this.deps.db.transaction(() => {
      const moved = this.deps.db.prepare(`UPDATE jobs SET state = 'queued', updated_at = ? WHERE id = ? AND state = 'held'`).run(nowIso(), jobId);
      if (moved.changes !== 1) throw new AppError('NOT_HELD', `"${job.title}" changed meanwhile; look at it again.`);
      return this.deps.log.add(jobId, 'warn', 'Delete confirmed here by a person: the job is queued and will delete on the server.');
    })();
    this.deps.bus.emit('job.log', entry);
    const queued = this.deps.jobs.require(jobId);
    this.deps.bus.emit('job.changed', queued);
    this.deps.runner.wake();
    return queued;
  }

  private findHold(idOrPrefix: string): HoldRow {
    const wanted = idOrPrefix.trim();
    const exact = this.trust.hold(wanted);
    if (exact && exact.approved_at === null) return exact;
    const matches = this.trust.pendingHolds().filter((hold) => wanted.length >= 4 && hold.bundle_id.startsWith(wanted));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new AppError('AMBIGUOUS_ID', `"${wanted}" matches several held bundles; give more of the id.`);
    if (exact)
      throw new AppError(
        'ALREADY_APPROVED',
        `That bundle was approved on ${exact.approved_at?.slice(0, 16).replace('T', ' ')}; load its folder again to load it.`,
      );
    throw new AppError('NOT_FOUND', `No bundle "${wanted}" is held here (see the held bundles with: dhis2-ie bundle load DIR or bundle scan DIR).`);
  }

  create(input: { folder: string; jobIds?: readonly string[] | undefined }): Promise<CreateBundleResult> {
    return writeBundle(this.writeDeps, input);
  }

  scan(folder: string): Promise<FolderScan> {
    return scanFolder(this.loadDeps, folder);
  }

  load(folder: string, keys?: readonly string[]): Promise<LoadReport> {
    return loadFolder(this.loadDeps, folder, keys);
  }

  /** How a job travels: carried out on which bundle, loaded from which, and the district's word. */
  transport(jobId: string): JobTransport {
    if (!this.deps.jobs.get(jobId)) throw notFound('Job', jobId);
    const out = this.repo.carriedOn(jobId);
    const loaded = this.repo.inJobByJobId(jobId);
    const receipt = this.repo.receiptOf(jobId);
    const districtJob = receipt?.receipt.districtJobId ?? null;
    return {
      carried: out ? { bundleId: out.id, sequence: out.sequence, fileName: out.file_name, folder: out.folder, savedAt: out.saved_at } : null,
      origin: loaded
        ? {
            bundleId: loaded.bundle_id,
            fileName: loaded.bundle.file_name,
            deviceId: loaded.origin_device_id,
            deviceName: loaded.bundle.source_device_name,
            sequence: loaded.bundle.sequence,
            originJobId: loaded.origin_job_id,
            loadedAt: loaded.bundle.loaded_at,
          }
        : null,
      receipt: receipt
        ? {
            district: receipt.receipt.district,
            writtenAt: receipt.receipt.writtenAt,
            status: receipt.receipt.status,
            districtJobId: districtJob,
            message: receipt.receipt.message,
          }
        : null,
    };
  }

  private serverRef(serverId: string | null): ServerRef | null {
    if (!serverId) return null;
    try {
      const server = this.deps.servers.get(serverId);
      // Name and address only: the account, password and token stay on this laptop.
      return { name: server.name, url: server.url };
    } catch {
      return null;
    }
  }

  private serverIdFor(ref: ServerRef | null): string | null {
    if (!ref) return null;
    return this.deps.servers.list().find((server) => server.url === ref.url)?.id ?? null;
  }
}
