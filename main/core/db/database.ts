import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';
import { AppError } from '../errors';

export type Db = Database.Database;

/**
 * Opens the app database and brings its schema up to date.
 * WAL lets the CLI read while the app writes; synchronous=FULL because a job state that was
 * reported to the user must survive a power cut on a clinic laptop.
 */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
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
