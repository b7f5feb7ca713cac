import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import type { MetadataSnapshot } from '../../../shared/contract';
import { parseJsonColumn, toJsonColumn } from '../db/json-column';
import { AppError } from '../errors';
import { nowIso } from '../time';
import {
  METADATA_TYPES,
  REFERENCE_KINDS,
  SNAPSHOT_KINDS,
  isMetadataType,
  isReferenceKind,
  isSnapshotKind,
  kindLabel,
  type MetadataRecords,
  type MetadataType,
  type MetadataUser,
  type ReferenceKind,
  type ReferenceRecord,
  type SnapshotKind,
} from './model';
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

/** The record type of each kind a snapshot holds. */
export type SnapshotRecords = MetadataRecords & Record<ReferenceKind, ReferenceRecord>;

export interface SnapshotFinish {
  version: string | null;
  /** When DHIS2 produced the metadata; null: now. */
  takenAt: string | null;
  user: MetadataUser | null;
  notes: string[];
}

const BATCH_ROWS = 1000;

/**
 * The type under which a snapshot records each kind it holds (uid: the kind), written when the kind is
 * complete, so a kind held with no objects is known to be empty. Snapshots made before this have no
 * such rows; they hold LEGACY_KINDS. Not a DHIS2 collection name, so it never meets a real one.
 */
const HELD = '#held';
/** The HELD row every snapshot finished since gets, so one that holds no kind is not taken for an old one. */
const RECORDED = '*';

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
    return row ? this.toSnapshot(row) : null;
  }

  /** The snapshot in use for a server (null: the one loaded with no server). */
  active(serverId: string | null): MetadataSnapshot | null {
    const row = this.db.prepare(`SELECT * FROM metadata_snapshots WHERE state = 'active' AND COALESCE(server_id, '') = ?`).get(serverId ?? '') as
      SnapshotRow | undefined;
    return row ? this.toSnapshot(row) : null;
  }

  listActive(): MetadataSnapshot[] {
    return (this.db.prepare(`SELECT * FROM metadata_snapshots WHERE state = 'active' ORDER BY created_at`).all() as SnapshotRow[]).map((row) =>
      this.toSnapshot(row),
    );
  }

  /** All objects of a snapshot, for building its index. */
  readContent(snapshotId: string): MetadataContent {
    const row = this.row(snapshotId);
    if (!row) throw new AppError('METADATA_GONE', 'This metadata snapshot no longer exists; it was replaced or removed.');
    const records = Object.fromEntries(METADATA_TYPES.map((type) => [type, []])) as unknown as { [T in MetadataType]: MetadataRecords[T][] };
    const references = Object.fromEntries(REFERENCE_KINDS.map((kind) => [kind, []])) as unknown as Record<ReferenceKind, ReferenceRecord[]>;
    const kinds: SnapshotKind[] = [];
    const select = this.db.prepare('SELECT type, uid, data FROM metadata_objects WHERE snapshot_id = ?').raw(true);
    for (const [type, uid, data] of select.iterate(snapshotId) as IterableIterator<[string, string, string]>) {
      if (isMetadataType(type)) (records[type] as unknown[]).push(JSON.parse(data));
      else if (isReferenceKind(type)) references[type].push(JSON.parse(data) as ReferenceRecord);
      else if (type === HELD && isSnapshotKind(uid)) kinds.push(uid);
    }
    return { records, references, kinds: this.recordsKinds(snapshotId) ? kinds : null, user: parseJsonColumn<MetadataUser>(row.user, 'user', row.id) };
  }

  /** The kinds a snapshot records holding so far (none yet: empty). */
  heldKinds(snapshotId: string): SnapshotKind[] {
    const rows = this.db.prepare('SELECT uid FROM metadata_objects WHERE snapshot_id = ? AND type = ?').pluck().all(snapshotId, HELD) as string[];
    return rows.filter(isSnapshotKind);
  }

  /** False for a snapshot finished before the kinds it holds were recorded. */
  recordsKinds(snapshotId: string): boolean {
    return this.db.prepare('SELECT 1 FROM metadata_objects WHERE snapshot_id = ? AND type = ? AND uid = ?').get(snapshotId, HELD, RECORDED) !== undefined;
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

  private toSnapshot(row: SnapshotRow): MetadataSnapshot {
    const snapshot = toSnapshot(row);
    if (row.state !== 'building' && !this.recordsKinds(row.id)) snapshot.notes = [...snapshot.notes, LEGACY_NOTE];
    return snapshot;
  }
}

const LEGACY_NOTE = `This copy was made before the app kept ${REFERENCE_KINDS.slice(0, 4)
  .map((kind) => kindLabel(kind).many)
  .join(', ')} and similar kinds: references to them cannot be checked offline. Sync again (or load the file again) to check them.`;

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
  put<K extends SnapshotKind>(type: K, record: SnapshotRecords[K]): void {
    this.pending.push([type, record.id, JSON.stringify(record)]);
    if (this.pending.length >= BATCH_ROWS) this.flush();
  }

  /** Writes a whole page now, in one transaction. */
  putAll<K extends SnapshotKind>(type: K, records: readonly SnapshotRecords[K][]): void {
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
  clearType(type: SnapshotKind): void {
    this.pending = this.pending.filter(([pendingType]) => pendingType !== type);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM metadata_objects WHERE snapshot_id = ? AND type = ?').run(this.id, type);
      this.db.prepare('DELETE FROM metadata_objects WHERE snapshot_id = ? AND type = ? AND uid = ?').run(this.id, HELD, type);
    })();
  }

  /** Records that the snapshot holds every object of these kinds there is (none, if none were put). */
  markHeld(kinds: readonly SnapshotKind[]): void {
    this.flush();
    this.db.transaction(() => {
      for (const kind of kinds) this.insert.run(this.id, HELD, kind, '{}');
    })();
  }

  counts(): Record<SnapshotKind, number> {
    this.flush();
    const counts = Object.fromEntries(SNAPSHOT_KINDS.map((type) => [type, 0])) as Record<SnapshotKind, number>;
    const rows = this.db.prepare('SELECT type, COUNT(*) AS n FROM metadata_objects WHERE snapshot_id = ? GROUP BY type').all(this.id) as {
      type: string;
      n: number;
    }[];
    for (const { type, n } of rows) if (isSnapshotKind(type)) counts[type] = n;
    return counts;
  }

  /** The swap: in one transaction the old active snapshot retires and this one takes its place. */
  finish(meta: SnapshotFinish): MetadataSnapshot {
    this.assertBuilding();
    this.flush();
    const all = this.counts();
    const held = new Set(this.store.heldKinds(this.id));
    // Kinds not held have no count: a 0 there would read as "the server has none".
    const counts: Record<string, number> = {};
    for (const kind of SNAPSHOT_KINDS) if (isMetadataType(kind) || held.has(kind)) counts[kind] = all[kind];
    const loadedAt = nowIso();
    this.db.transaction(() => {
      this.assertBuilding();
      this.insert.run(this.id, HELD, RECORDED, '{}');
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
