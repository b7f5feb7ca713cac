import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { openDatabase } from './db/database';
import { JobsRepo } from './db/jobs-repo';
import { JobLogRepo } from './db/job-log-repo';
import { ServersRepo } from './db/servers-repo';
import { SettingsRepo } from './db/settings-repo';
import { FileStore } from './files/file-store';
import { ServerService } from './servers/server-service';
import { ConnectivityMonitor } from './connectivity/monitor';
import { JobRegistry } from './jobs/registry';
import { JobRunner } from './jobs/runner';
import { selfTestJob } from './jobs/self-test';
import { EventBus } from './events';
import { AppLog } from './app-log';
import { ensureDataDir } from './data-dir';
import type { SecretCipher } from './secrets/secret-cipher';
import { createKeyFileCipher } from './secrets/key-file-cipher';
import type { DialogsPort } from './ports';
import type { FileRef } from '../../shared/jobs';
import { createHandlers, type Handlers } from './services';
import type { CoreParts } from './core-parts';
import { MetadataStore } from './metadata/store';
import { MetadataService } from './metadata/service';
import { createSyncMetadataJob } from './metadata/sync';
import { exportDataJob } from './jobs/export-data';
import { exportMetadataJob } from './jobs/export-metadata';
import { exportMetadataDependenciesJob } from './jobs/export-metadata-dependencies';
import { importDataJob } from './jobs/import-data';
import { importMetadataJob } from './jobs/import-metadata';
import { importGeometryJob } from './jobs/import-geometry';
import { checkDataFile } from './datavalues/check-file';
import { CheckMemo } from './datavalues/check-memo';
import { BundleService } from './bundles/service';
import { facilityOrgUnits, validateForBundle } from './bundles/core-glue';

export interface CoreOptions {
  dataDir: string;
  mode: 'desktop' | 'browser' | 'cli';
  appVersion: string;
  /** Defaults to the 0600 key-file cipher; the desktop shell passes safeStorage. */
  cipher?: SecretCipher;
  dialogs?: DialogsPort;
  /** Registers the queue self-test job type (tests, support). Also on with DHIS2_IE_SELF_TEST_JOBS=1. */
  enableSelfTestJobs?: boolean;
  echoLog?: boolean;
  /**
   * The caller only reads (`dhis2-ie jobs`, `server list`): opening must not need to write, so that these
   * still answer on a full disk. The database is read even when its shared-memory file cannot be made, and
   * the key file for secrets is read (or made) only once a secret is.
   */
  readOnly?: boolean;
}

/** Everything the transports and the CLI need, wired once. */
export interface Core extends CoreParts {
  readonly handlers: Handlers;
  upload(source: Readable, name: string): Promise<FileRef>;
  /** Starts the connectivity monitor and the job runner (not wanted for one-shot CLI commands). */
  startBackground(): void;
  close(): Promise<void>;
}

export function createCore(options: CoreOptions): Core {
  const dataDir = ensureDataDir(options.dataDir);
  const log = new AppLog(dataDir, options.echoLog);
  const db = openDatabase(join(dataDir, 'dhis2-ie.sqlite'), { readOnly: options.readOnly });
  const bus = new EventBus();
  const settings = new SettingsRepo(db);
  const jobs = new JobsRepo(db);
  const jobLog = new JobLogRepo(db);
  const files = new FileStore(dataDir, db);
  const cipher = options.cipher ?? (options.readOnly ? deferredCipher(() => createKeyFileCipher(dataDir)) : createKeyFileCipher(dataDir));
  const servers = new ServerService(new ServersRepo(db), cipher, bus, options.appVersion);

  const registry = new JobRegistry();
  if (options.enableSelfTestJobs ?? process.env.DHIS2_IE_SELF_TEST_JOBS === '1') registry.register(selfTestJob);

  let runner: JobRunner | null = null;
  const connectivity = new ConnectivityMonitor(
    servers,
    bus,
    () => settings.get(),
    () => runner?.wake(),
  );
  runner = new JobRunner({
    db,
    jobs,
    log: jobLog,
    files,
    servers,
    registry,
    bus,
    settings: () => settings.get(),
    connectivity,
    lockPath: join(dataDir, 'runner.lock'),
    onError: (error, context) => log.error(`Unexpected error in ${context}`, error),
    holdOnRetry: (job): string | null => bundles.holdOnRetry(job),
  });
  const jobRunner = runner;
  const metadataStore = new MetadataStore(db);
  const metadata = new MetadataService({ store: metadataStore, servers, files, jobs, runner: jobRunner, bus });
  registry.register(exportDataJob);
  registry.register(exportMetadataJob);
  registry.register(exportMetadataDependenciesJob);
  const checks = new CheckMemo(join(dataDir, 'checks'), options.appVersion);
  registry.register(importDataJob({ indexFor: (serverId) => metadata.indexFor(serverId), check: checkDataFile, checks }));
  registry.register(importMetadataJob({ indexFor: (serverId) => metadata.indexFor(serverId), requestSync: (serverId) => metadata.requestSync(serverId) }));
  registry.register(importGeometryJob({ indexFor: (serverId) => metadata.indexFor(serverId) }));
  registry.register(createSyncMetadataJob({ store: metadataStore, onSwapped: (serverId, snapshot) => metadata.announce(serverId, snapshot) }));
  const bundles = new BundleService({
    db,
    jobs,
    log: jobLog,
    files,
    bus,
    settings,
    runner: jobRunner,
    registry,
    servers,
    cipher,
    appName: 'DHIS2 Import/Export (offline)',
    appVersion: options.appVersion,
    validate: (job) => validateForBundle(job, metadata, files),
    indexFor: (serverId) => metadata.indexFor(serverId ?? undefined),
    facilityOrgUnits: (list) => facilityOrgUnits(list, metadata),
    onError: (error, context) => log.error(`Unexpected error in ${context}`, error),
  });

  const core: Core = {
    dataDir,
    db,
    bus,
    log,
    runner: jobRunner,
    connectivity,
    servers,
    files,
    jobs,
    jobLog,
    settings,
    registry,
    metadata,
    bundles,
    checks,
    handlers: undefined as unknown as Handlers,
    upload: (source, name) => files.put(source, name),
    startBackground() {
      connectivity.start();
      jobRunner.start();
      // Uploads never turned into jobs are kept for a week, in case the user comes back to the form.
      files.collectGarbage(7 * 24 * 3600 * 1000);
    },
    async close() {
      // Server checks and running jobs still read and write the database: both are over before it closes.
      await Promise.all([connectivity.stop(), jobRunner.stop()]);
      db.close();
    },
  };
  (core as { handlers: Handlers }).handlers = createHandlers(core, {
    mode: options.mode === 'desktop' ? 'desktop' : 'browser',
    appVersion: options.appVersion,
    dialogs: options.dialogs,
  });
  log.info(`Core opened in ${options.mode} mode on ${dataDir}`);
  return core;
}

/** The key-file cipher, made (which may write its key file) only when a secret is first sealed or opened. */
function deferredCipher(make: () => SecretCipher): SecretCipher {
  let made: SecretCipher | null = null;
  const cipher = () => (made ??= make());
  return {
    kind: 'key-file',
    strong: process.platform !== 'win32',
    encrypt: async (plain) => cipher().encrypt(plain),
    decrypt: async (sealed) => cipher().decrypt(sealed),
  };
}
