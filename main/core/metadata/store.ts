import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import type { MetadataSnapshot } from '../../../shared/contract';
import { parseJsonColumn, toJsonColumn } from '../db/json-column';
import { AppError } from '../errors';
import { nowIso } from '../time';
import { METADATA_TYPES, isMetadataType, type MetadataRecords, type MetadataType, type MetadataUser } from './model';
import type { MetadataContent } from './index';

export type SnapshotSource = MetadataSnapshot['source'];
type SnapshotState = 'building' | 'active' | 'retired';

interface SnapshotRow {
  id: string;
  server_id: string | null;
  state: SnapshotState;
  source: SnapshotSource;
  label: string;
  version: string | null;
  taken_at: string | null;
  loaded_at: string | null;
  counts: string | null;
  notes: string | null;
  user: string | null;
  job_id: string | null;
  created_at: string;
}

export interface SnapshotTarget {
  serverId: string | null;
  source: SnapshotSource;
  label: string;
  /** The sync job building it; a file load has none. */
  jobId?: string | null;
}

export interface SnapshotFinish {
  version: string | null;
  /** When DHIS2 produced the metadata; null: now. */
  takenAt: string | null;
  user: MetadataUser | null;
  notes: string[];
}

const BATCH_ROWS = 1000;

/**
 * Snapshots of offline metadata in SQLite. A new one is written beside the active one and swapped
 * in by a single transaction, so a failed or interrupted load or sync leaves the old one in use.
 */
export class MetadataStore {
  constructor(private readonly db: Db) {}

  begin(target: SnapshotTarget): SnapshotBuilder {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO metadata_snapshots (id, server_id, state, source, label, job_id, created_at)
         VALUES (?, ?, 'building', ?, ?, ?, ?)`,
      )
      .run(id, target.serverId, target.source, target.label, target.jobId ?? null, nowIso());
    return new SnapshotBuilder(this.db, this, id, target.serverId);
  }

  /** The builder of a snapshot still being built (a sync resuming), or null when it is gone or done. */
  resume(snapshotId: string): SnapshotBuilder | null {
    const row = this.row(snapshotId);
    return row?.state === 'building' ? new SnapshotBuilder(this.db, this, row.id, row.server_id) : null;
  }

  stateOf(snapshotId: string): SnapshotState | null {
    return this.row(snapshotId)?.state ?? null;
  }

  get(snapshotId: string): MetadataSnapshot | null {
    const row = this.row(snapshotId);
    return row ? toSnapshot(row) : null;
  }

  /** The snapshot in use for a server (null: the one loaded with no server). */
  active(serverId: string | null): MetadataSnapshot | null {
    const row = this.db.prepare(`SELECT * FROM metadata_snapshots WHERE state = 'active' AND COALESCE(server_id, '') = ?`).get(serverId ?? '') as
      SnapshotRow | undefined;
    return row ? toSnapshot(row) : null;
  }

  listActive(): MetadataSnapshot[] {
    return (this.db.prepare(`SELECT * FROM metadata_snapshots WHERE state = 'active' ORDER BY created_at`).all() as SnapshotRow[]).map(toSnapshot);
  }

  /** All objects of a snapshot, for building its index. */
  readContent(snapshotId: string): MetadataContent {
    const row = this.row(snapshotId);
    if (!row) throw new AppError('METADATA_GONE', 'This metadata snapshot no longer exists; it was replaced or removed.');
    const records = Object.fromEntries(METADATA_TYPES.map((type) => [type, []])) as unknown as { [T in MetadataType]: MetadataRecords[T][] };
    const select = this.db.prepare('SELECT type, data FROM metadata_objects WHERE snapshot_id = ?').raw(true);
    for (const [type, data] of select.iterate(snapshotId) as IterableIterator<[string, string]>) {
      if (isMetadataType(type)) (records[type] as unknown[]).push(JSON.parse(data));
    }
    return { records, user: parseJsonColumn<MetadataUser>(row.user, 'user', row.id) };
  }

  /**
   * Drops sync-built snapshots of this server other than `keep`: a sync that starts afresh
   * supersedes whatever an earlier, abandoned one left behind. File loads are left alone.
   */
  discardBuilding(serverId: string | null, keep?: string): void {
    this.db
      .prepare(`DELETE FROM metadata_snapshots WHERE state = 'building' AND job_id IS NOT NULL AND COALESCE(server_id, '') = ? AND id != ?`)
      .run(serverId ?? '', keep ?? '');
  }

  /** File loads that died mid-way (no job owns them) and are old enough not to be running still. */
  discardStaleFileLoads(olderThanMs = 24 * 3600 * 1000): void {
    const cutoff = new Date(Date.now() - olderThanMs).toISOString();
    this.db.prepare(`DELETE FROM metadata_snapshots WHERE state = 'building' AND job_id IS NULL AND created_at < ?`).run(cutoff);
  }

  purgeRetired(): void {
    this.db.prepare(`DELETE FROM metadata_snapshots WHERE state = 'retired'`).run();
  }

  private row(snapshotId: string): SnapshotRow | undefined {
    return this.db.prepare('SELECT * FROM metadata_snapshots WHERE id = ?').get(snapshotId) as SnapshotRow | undefined;
  }
}

/** Writes one snapshot's objects; `finish` makes it the server's active snapshot. */
export class SnapshotBuilder {
  private pending: Array<[string, string, string]> = [];
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly store: MetadataStore,
    readonly id: string,
    readonly serverId: string | null,
  ) {
    // Last one wins: a file that lists an object twice is read as DHIS2 would import it.
    this.insert = db.prepare('INSERT OR REPLACE INTO metadata_objects (snapshot_id, type, uid, data) VALUES (?, ?, ?, ?)');
  }

  /** Buffers one object; rows are written in batches, each batch one transaction. */
  put<T extends MetadataType>(type: T, record: MetadataRecords[T]): void {
    this.pending.push([type, record.id, JSON.stringify(record)]);
    if (this.pending.length >= BATCH_ROWS) this.flush();
  }

  /** Writes a whole page now, in one transaction. */
  putAll<T extends MetadataType>(type: T, records: readonly MetadataRecords[T][]): void {
    for (const record of records) this.pending.push([type, record.id, JSON.stringify(record)]);
    this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const [type, uid, data] of rows) this.insert.run(this.id, type, uid, data);
    })();
  }

  /** Forgets what an interrupted attempt wrote for one type, before fetching it again. */
  clearType(type: MetadataType): void {
    this.pending = this.pending.filter(([pendingType]) => pendingType !== type);
    this.db.prepare('DELETE FROM metadata_objects WHERE snapshot_id = ? AND type = ?').run(this.id, type);
  }

  counts(): Record<MetadataType, number> {
    this.flush();
    const counts = Object.fromEntries(METADATA_TYPES.map((type) => [type, 0])) as Record<MetadataType, number>;
    const rows = this.db.prepare('SELECT type, COUNT(*) AS n FROM metadata_objects WHERE snapshot_id = ? GROUP BY type').all(this.id) as {
      type: string;
      n: number;
    }[];
    for (const { type, n } of rows) if (isMetadataType(type)) counts[type] = n;
    return counts;
  }

  /** The swap: in one transaction the old active snapshot retires and this one takes its place. */
  finish(meta: SnapshotFinish): MetadataSnapshot {
    this.assertBuilding();
    this.flush();
    const counts = this.counts();
    const loadedAt = nowIso();
    this.db.transaction(() => {
      this.assertBuilding();
      this.db.prepare(`UPDATE metadata_snapshots SET state = 'retired' WHERE state = 'active' AND COALESCE(server_id, '') = ?`).run(this.serverId ?? '');
      this.db
        .prepare(`UPDATE metadata_snapshots SET state = 'active', version = ?, taken_at = ?, loaded_at = ?, counts = ?, notes = ?, user = ? WHERE id = ?`)
        .run(meta.version, meta.takenAt ?? loadedAt, loadedAt, JSON.stringify(counts), JSON.stringify(meta.notes), toJsonColumn(meta.user), this.id);
    })();
    // Deleting the old rows can take a while on a big snapshot; the new one is already in use.
    this.store.purgeRetired();
    return this.store.get(this.id)!;
  }

  private assertBuilding(): void {
    if (this.store.stateOf(this.id) !== 'building') {
      this.pending = [];
      throw new AppError('METADATA_SUPERSEDED', 'This metadata copy was discarded while it was being built (a newer sync or load replaced it).');
    }
  }

  discard(): void {
    this.pending = [];
    this.db.prepare(`DELETE FROM metadata_snapshots WHERE id = ? AND state = 'building'`).run(this.id);
  }
}

function toSnapshot(row: SnapshotRow): MetadataSnapshot {
  const user = parseJsonColumn<MetadataUser>(row.user, 'user', row.id);
  return {
    id: row.id,
    serverId: row.server_id,
    source: row.source,
    label: row.label,
    version: row.version,
    takenAt: row.taken_at ?? row.loaded_at ?? row.created_at,
    loadedAt: row.loaded_at ?? row.created_at,
    username: user?.username ?? null,
    counts: parseJsonColumn<Record<string, number>>(row.counts, 'counts', row.id) ?? {},
    notes: parseJsonColumn<string[]>(row.notes, 'notes', row.id) ?? [],
  };
}
