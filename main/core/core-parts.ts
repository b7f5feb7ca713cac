import type { Db } from './db/database';
import type { JobsRepo } from './db/jobs-repo';
import type { JobLogRepo } from './db/job-log-repo';
import type { SettingsRepo } from './db/settings-repo';
import type { FileStore } from './files/file-store';
import type { ServerService } from './servers/server-service';
import type { ConnectivityMonitor } from './connectivity/monitor';
import type { JobRegistry } from './jobs/registry';
import type { JobRunner } from './jobs/runner';
import type { EventBus } from './events';
import type { AppLog } from './app-log';
import type { MetadataService } from './metadata/service';
import type { BundleService } from './bundles/service';
import type { CheckMemo } from './datavalues/check-memo';

/**
 * The services the core wires, as the contract's handlers and other helpers take them. Apart from
 * core.ts, which builds them and adds the handlers: a module that needs the parts does not import the
 * module that imports it.
 */
export interface CoreParts {
  readonly dataDir: string;
  readonly db: Db;
  readonly bus: EventBus;
  readonly log: AppLog;
  readonly runner: JobRunner;
  readonly connectivity: ConnectivityMonitor;
  readonly servers: ServerService;
  readonly files: FileStore;
  readonly jobs: JobsRepo;
  readonly jobLog: JobLogRepo;
  readonly settings: SettingsRepo;
  readonly registry: JobRegistry;
  /** Offline metadata per server: status, file loads, syncs and the validation index. */
  readonly metadata: MetadataService;
  /** USB bundles: save the queue to a drive, load bundles and loose files, receipts. */
  readonly bundles: BundleService;
  /** Offline checks of data files made when they were queued, so their import job need not check them again. */
  readonly checks: CheckMemo;
}
