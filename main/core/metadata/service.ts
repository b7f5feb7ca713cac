import type { FileRef, Job } from '../../../shared/jobs';
import { ACTIVE_STATES, WAITING_STATES } from '../../../shared/jobs';
import type { MetadataSnapshot, MetadataStatus } from '../../../shared/contract';
import type { ServerProfile } from '../../../shared/servers';
import type { EventBus } from '../events';
import type { FileStore } from '../files/file-store';
import type { JobsRepo } from '../db/jobs-repo';
import type { JobRunner } from '../jobs/runner';
import type { ServerService } from '../servers/server-service';
import { AppError } from '../errors';
import { MetadataIndex } from './index';
import { loadMetadataFile, type LoadReport } from './load-file';
import type { MetadataStore } from './store';
import { validationGaps } from './gaps';
import type { ExpansionLimits } from './file-source';

export interface MetadataServiceDeps {
  store: MetadataStore;
  servers: ServerService;
  files: FileStore;
  jobs: JobsRepo;
  runner: JobRunner;
  bus: EventBus;
  limits?: ExpansionLimits;
}

export interface LoadOutcome {
  status: MetadataStatus;
  report: LoadReport;
}

/** How many indexes stay built in memory: the default server's and perhaps one more. */
const INDEX_CACHE_SIZE = 2;

/**
 * The offline metadata per server profile: status, loading a file, queueing a sync, and the index
 * validation reads. `serverId` undefined means the default server (or none if there is none yet);
 * null means the snapshot kept for no server at all.
 */
export class MetadataService {
  private readonly indexes = new Map<string, MetadataIndex>();

  constructor(private readonly deps: MetadataServiceDeps) {}

  status(serverId?: string | null): MetadataStatus[] {
    const { store, servers } = this.deps;
    if (serverId === null) return [{ serverId: null, serverName: null, snapshot: store.active(null) }];
    if (serverId !== undefined) {
      const server = servers.get(serverId);
      return [{ serverId: server.id, serverName: server.name, snapshot: store.active(server.id) }];
    }
    const list: MetadataStatus[] = servers.list().map((server) => ({ serverId: server.id, serverName: server.name, snapshot: store.active(server.id) }));
    const loose = store.active(null);
    if (loose) list.push({ serverId: null, serverName: null, snapshot: loose });
    return list;
  }

  /** Loads a file already in the store (an upload or a picked file). */
  async loadFile(input: { file: FileRef; serverId?: string | null }): Promise<MetadataStatus> {
    const { files } = this.deps;
    if (!files.has(input.file.sha256)) throw new AppError('FILE_MISSING', `The file "${input.file.name}" is not in the app's store; add it again.`);
    return (await this.loadPath(files.pathOf(input.file.sha256), input.file.name, input.serverId)).status;
  }

  /** Reads a metadata export into a new snapshot and swaps it in; on any failure the old one stays. */
  async loadPath(path: string, name: string, serverId?: string | null, signal?: AbortSignal): Promise<LoadOutcome> {
    const { store } = this.deps;
    const server = this.target(serverId);
    store.discardStaleFileLoads();
    const builder = store.begin({ serverId: server?.id ?? null, source: 'file', label: name });
    let snapshot: MetadataSnapshot;
    let report: LoadReport;
    try {
      report = await loadMetadataFile({
        path,
        name,
        builder,
        username: server?.lastUser ?? server?.username ?? null,
        signal,
        limits: this.deps.limits,
      });
      snapshot = builder.finish({
        version: report.version,
        takenAt: report.exportedAt,
        user: report.user,
        notes: [...report.notes, ...validationGaps(report.counts, 'file', report.user !== null)],
      });
    } catch (error) {
      builder.discard();
      throw error;
    }
    return { status: this.announce(server?.id ?? null, snapshot), report };
  }

  /** Queues a sync of the server (default: the default server); a sync already waiting or running is returned instead. */
  requestSync(serverId?: string | null): Job {
    const { servers, jobs, runner } = this.deps;
    const server = serverId ? servers.get(serverId) : servers.resolve();
    const pending = jobs
      .list({ types: ['sync-metadata'], states: [...WAITING_STATES, ...ACTIVE_STATES], limit: 100, offset: 0 })
      .jobs.find((job) => (job.serverId ?? this.defaultServerId()) === server.id);
    if (pending) return pending;
    return runner.create({ type: 'sync-metadata', params: {}, serverId: server.id });
  }

  /**
   * The index validation uses for a server: its own snapshot, else the one loaded with no server
   * (a laptop prepared from a USB drive before any server was added). Null when there is neither.
   */
  indexFor(serverId?: string | null): MetadataIndex | null {
    const { store } = this.deps;
    const id = serverId === undefined ? this.defaultServerId() : serverId;
    const snapshot = (id !== null ? store.active(id) : null) ?? store.active(null);
    if (!snapshot) return null;
    const cached = this.indexes.get(snapshot.id);
    if (cached) return cached;
    const index = MetadataIndex.build(store.readContent(snapshot.id), snapshot);
    if (this.indexes.size >= INDEX_CACHE_SIZE) this.indexes.delete(this.indexes.keys().next().value!);
    this.indexes.set(snapshot.id, index);
    return index;
  }

  /** A snapshot was swapped in (here or by the sync job): forget stale indexes and tell the UI. */
  announce(serverId: string | null, snapshot: MetadataSnapshot): MetadataStatus {
    for (const id of [...this.indexes.keys()]) if (this.deps.store.stateOf(id) !== 'active') this.indexes.delete(id);
    const name = serverId ? this.serverName(serverId) : null;
    const status: MetadataStatus = { serverId, serverName: name, snapshot };
    this.deps.bus.emit('metadata.changed', status);
    return status;
  }

  private target(serverId: string | null | undefined): ServerProfile | null {
    if (serverId === null) return null;
    if (serverId !== undefined) return this.deps.servers.get(serverId);
    const id = this.defaultServerId();
    return id ? this.deps.servers.get(id) : null;
  }

  private defaultServerId(): string | null {
    return this.deps.servers.list().find((server) => server.isDefault)?.id ?? null;
  }

  private serverName(serverId: string): string | null {
    return this.deps.servers.list().find((server) => server.id === serverId)?.name ?? null;
  }
}
