import type { Writable } from 'node:stream';
import type { OfflineValidation } from '../../../shared/data-import';
import type { CreateBundleResult, DeviceIdentity, FolderScan, JobTransport, LoadReport, OrgUnitRef } from '../../../shared/bundles';
import type { Job } from '../../../shared/jobs';
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
import { notFound } from '../errors';
import { BundlesRepo } from './bundles-repo';
import { DeviceIdentityStore } from './device';
import type { ServerRef } from './format';
import { applyReceiptsIn, loadFolder, scanFolder, type LoadDeps } from './load-folder';
import { receiptsOnJobChange } from './receipts';
import { recoverInterruptedSaves, writeBundle, type WriteDeps } from './write';

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
  private readonly writeDeps: WriteDeps;
  private readonly loadDeps: LoadDeps;

  constructor(private readonly deps: BundleServiceDeps) {
    this.repo = new BundlesRepo(deps.db);
    this.device = new DeviceIdentityStore(deps.settings);
    const base = { db: deps.db, repo: this.repo, jobs: deps.jobs, log: deps.log, bus: deps.bus, device: this.device };
    this.loadDeps = {
      ...base,
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
    return this.device.get();
  }

  setDeviceName(name: string): DeviceIdentity {
    return this.device.setName(name);
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
