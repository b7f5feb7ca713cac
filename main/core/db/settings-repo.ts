import type { Db } from './database';
import { DEFAULT_SETTINGS, Settings, type SettingsUpdate } from '../../../shared/settings';

/** Settings as one validated object; a stored value that no longer validates falls back to the default. */
export class SettingsRepo {
  constructor(private readonly db: Db) {}

  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const row of rows) {
      try {
        merged[row.key] = JSON.parse(row.value);
      } catch {
        // A hand-edited or damaged value: ignore it, the default stands.
      }
    }
    const parsed = Settings.safeParse(merged);
    return parsed.success ? parsed.data : { ...DEFAULT_SETTINGS };
  }

  update(patch: SettingsUpdate): Settings {
    const next = Settings.parse({ ...this.get(), ...patch });
    const put = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) if (value !== undefined) put.run(key, JSON.stringify(value));
    })();
    return next;
  }

  /** Internal key/value (install id and the like), kept apart from user settings by a prefix. */
  getInternal(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(`internal:${key}`) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as string) : null;
  }

  setInternal(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(`internal:${key}`, JSON.stringify(value));
  }
}
