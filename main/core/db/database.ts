import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';
import { AppError } from '../errors';

export type Db = Database.Database;

/**
 * Opens the app database and brings its schema up to date.
 * WAL lets the CLI read while the app writes; synchronous=FULL because a job state that was
 * reported to the user must survive a power cut on a clinic laptop.
 *
 * `readOnly`: the caller only reads (`dhis2-ie jobs`, `server list`). When the disk is full, the shared-memory
 * file WAL readers need cannot be made and the first read fails with a disk I/O error; such a caller then
 * reads with the database locked for itself, which needs no such file (a few milliseconds of waiting for others).
 */
export function openDatabase(file: string, options: { readOnly?: boolean } = {}): Db {
  try {
    return openWith(file, ['journal_mode = WAL', 'synchronous = FULL']);
  } catch (error) {
    if (!options.readOnly || !isDiskFailure(error)) throw error;
    // Set before anything is read: in exclusive mode SQLite keeps the WAL index in memory instead of a -shm file.
    return openWith(file, ['locking_mode = EXCLUSIVE']);
  }
}

/** Opens the file with the mode's pragmas first, then the ones every connection needs, and migrates; closed again when any step fails. */
function openWith(file: string, modePragmas: readonly string[]): Db {
  const db = new Database(file);
  try {
    for (const pragma of [...modePragmas, 'foreign_keys = ON', 'busy_timeout = 5000']) db.pragma(pragma);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** A full or failing disk, as SQLite reports it. */
function isDiskFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN');
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db): void {
  const current = schemaVersion(db);
  const latest = MIGRATIONS.length;
  if (current > latest) {
    throw new AppError(
      'DATABASE_TOO_NEW',
      `This data folder was used by a newer version of the app (database version ${current}, this app knows ${latest}). Install the newer version to open it; nothing was changed.`,
    );
  }
  for (let version = current + 1; version <= latest; version++) {
    const migration = MIGRATIONS[version - 1];
    if (!migration) throw new Error(`migration ${version} missing`);
    // Each step commits with its version number, so a crash mid-upgrade resumes at the failed step.
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
