import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, schemaVersion } from './database';
import { MIGRATIONS } from './migrations';
import { tempDir } from '../test/helpers';

describe('database', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('creates the schema at the latest version with WAL and full sync', () => {
    const db = openDatabase(join(dir.path, 'a.sqlite'));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['jobs', 'job_log', 'job_files', 'files', 'servers', 'settings']));
    db.close();
  });

  it('reopens an up-to-date database without running migrations again', () => {
    const file = join(dir.path, 'b.sqlite');
    const first = openDatabase(file);
    first.prepare("INSERT INTO settings (key, value) VALUES ('k', '1')").run();
    first.close();
    const second = openDatabase(file);
    expect(second.prepare("SELECT value FROM settings WHERE key = 'k'").get()).toEqual({ value: '1' });
    second.close();
  });

  it('refuses a database from a newer app version and leaves it untouched', () => {
    const file = join(dir.path, 'c.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 3}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer version of the app/);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 3);
    expect(check.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    check.close();
  });

  it('enforces one default server at the schema level', () => {
    const db = openDatabase(join(dir.path, 'd.sqlite'));
    const insert = db.prepare(
      "INSERT INTO servers (id, name, url, auth_kind, is_default, created_at, updated_at) VALUES (?, ?, 'http://x', 'token', 1, 'now', 'now')",
    );
    insert.run('a', 'A');
    expect(() => insert.run('b', 'B')).toThrow(/UNIQUE/);
    db.close();
  });
});
