import { randomUUID } from 'node:crypto';
import type { Db } from './database';
import type { AuthKind, ServerProfile } from '../../../shared/servers';
import { nowIso } from '../time';

interface ServerRow {
  id: string;
  name: string;
  url: string;
  auth_kind: AuthKind;
  username: string | null;
  secret: Buffer | null;
  is_default: number;
  last_version: string | null;
  last_user: string | null;
  last_tested_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface StoredServer {
  profile: ServerProfile;
  /** Encrypted by the SecretCipher; never leaves core. */
  secret: Buffer | null;
}

export class ServersRepo {
  constructor(private readonly db: Db) {}

  list(): StoredServer[] {
    const rows = this.db.prepare('SELECT * FROM servers ORDER BY is_default DESC, name COLLATE NOCASE').all() as ServerRow[];
    return rows.map(toStored);
  }

  get(id: string): StoredServer | null {
    const row = this.db.prepare('SELECT * FROM servers WHERE id = ?').get(id) as ServerRow | undefined;
    return row ? toStored(row) : null;
  }

  getDefault(): StoredServer | null {
    const row = this.db.prepare('SELECT * FROM servers WHERE is_default = 1').get() as ServerRow | undefined;
    return row ? toStored(row) : null;
  }

  findByName(name: string): StoredServer | null {
    const row = this.db.prepare('SELECT * FROM servers WHERE name = ? COLLATE NOCASE').get(name) as ServerRow | undefined;
    return row ? toStored(row) : null;
  }

  insert(input: { name: string; url: string; authKind: AuthKind; username: string | null; secret: Buffer; makeDefault: boolean }): StoredServer {
    const id = randomUUID();
    const now = nowIso();
    this.db.transaction(() => {
      // The first server becomes the default: a single-server laptop should never have to choose.
      const isFirst = (this.db.prepare('SELECT COUNT(*) AS n FROM servers').get() as { n: number }).n === 0;
      const makeDefault = input.makeDefault || isFirst;
      if (makeDefault) this.db.prepare('UPDATE servers SET is_default = 0 WHERE is_default = 1').run();
      this.db
        .prepare(
          `INSERT INTO servers (id, name, url, auth_kind, username, secret, is_default, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, input.name, input.url, input.authKind, input.username, input.secret, makeDefault ? 1 : 0, now, now);
    })();
    return this.get(id)!;
  }

  update(id: string, patch: { name?: string; url?: string; authKind?: AuthKind; username?: string | null; secret?: Buffer }): StoredServer | null {
    const sets: string[] = [];
    const args: unknown[] = [];
    const column = { name: 'name', url: 'url', authKind: 'auth_kind', username: 'username', secret: 'secret' } as const;
    for (const key of Object.keys(column) as (keyof typeof column)[]) {
      if (patch[key] !== undefined) {
        sets.push(`${column[key]} = ?`);
        args.push(patch[key]);
      }
    }
    if (sets.length) this.db.prepare(`UPDATE servers SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`).run(...args, nowIso(), id);
    return this.get(id);
  }

  recordTest(id: string, version: string | null, user: string | null): void {
    this.db
      .prepare('UPDATE servers SET last_version = COALESCE(?, last_version), last_user = COALESCE(?, last_user), last_tested_at = ? WHERE id = ?')
      .run(version, user, nowIso(), id);
  }

  setDefault(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE servers SET is_default = 0 WHERE is_default = 1').run();
      this.db.prepare('UPDATE servers SET is_default = 1 WHERE id = ?').run(id);
    })();
  }

  remove(id: string): void {
    this.db.transaction(() => {
      const wasDefault = this.get(id)?.profile.isDefault ?? false;
      this.db.prepare('DELETE FROM servers WHERE id = ?').run(id);
      if (wasDefault) {
        this.db.prepare('UPDATE servers SET is_default = 1 WHERE id = (SELECT id FROM servers ORDER BY created_at LIMIT 1)').run();
      }
    })();
  }
}

function toStored(row: ServerRow): StoredServer {
  return {
    secret: row.secret,
    profile: {
      id: row.id,
      name: row.name,
      url: row.url,
      authKind: row.auth_kind,
      username: row.username,
      hasSecret: row.secret !== null && row.secret.length > 0,
      isDefault: row.is_default === 1,
      lastVersion: row.last_version,
      lastUser: row.last_user,
      lastTestedAt: row.last_tested_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
  };
}
