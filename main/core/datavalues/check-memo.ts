import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OfflineValidation, type ImportDataParams } from '../../../shared/data-import';
import type { MetadataIndex } from '../metadata/index';
import { localIsoDate } from '../periods/iso-dates';

/** What a check decided, without the values: enough for the import job to send without checking again. */
const RememberedCheck = z.object({
  validation: OfflineValidation,
  abort: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type RememberedCheck = z.infer<typeof RememberedCheck>;

/** What makes two offline checks of a data file the same check. */
export interface CheckKey {
  sha256: string;
  fileName: string;
  params: ImportDataParams;
  index: Pick<MetadataIndex, 'snapshot'>;
}

/** Bump when the offline check changes what it decides for the same input. */
const CHECK_VERSION = 1;
/** Memos are for the time between queueing and sending; older ones are removed as new ones are written. */
const KEEP_MS = 7 * 24 * 3600_000;

/**
 * The offline check made when a data file was queued, kept so that the import job does not read and check the
 * file a second time before sending it (a second full pass over a large file, with the server idle meanwhile).
 * A memo is used only for provably the same check: the same stored bytes (sha256) under the same name, the same
 * parameters, the same metadata snapshot, the same day (expiry and future-period checks depend on today) and the
 * same app version. Anything else checks again. A memo is a cache, not a record: losing one costs only a check.
 */
export class CheckMemo {
  constructor(
    private readonly dir: string,
    private readonly appVersion: string,
  ) {}

  /** Keeps what the check of `key` decided, when it was made today against a snapshot with an id. */
  put(key: CheckKey, check: RememberedCheck, checkedOn: string): void {
    const name = this.nameOf(key, checkedOn);
    if (!name) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      this.prune();
      const temp = join(this.dir, `${name}.${process.pid}.tmp`);
      writeFileSync(temp, JSON.stringify(RememberedCheck.parse(check)));
      renameSync(temp, join(this.dir, name));
    } catch {
      // Not kept: the job checks the file again, as it would without a memo.
    }
  }

  /** The check remembered for `key` today, or null. */
  get(key: CheckKey): RememberedCheck | null {
    const name = this.nameOf(key, localIsoDate(new Date()));
    if (!name) return null;
    try {
      const parsed = RememberedCheck.safeParse(JSON.parse(readFileSync(join(this.dir, name), 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private nameOf(key: CheckKey, day: string): string | null {
    const snapshot = key.index.snapshot;
    if (!snapshot) return null;
    const digest = createHash('sha256')
      .update(JSON.stringify([CHECK_VERSION, this.appVersion, key.sha256, key.fileName, key.params, snapshot.id, snapshot.loadedAt, day]))
      .digest('hex');
    return `${key.sha256.slice(0, 16)}-${digest.slice(0, 32)}.json`;
  }

  private prune(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const entry of readdirSync(this.dir)) {
      const path = join(this.dir, entry);
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { force: true });
    }
  }
}

/**
 * Keeps the check `storeAndCheckDataFile` made of a file about to be queued, when it was made against `index` within
 * one day (`day` is the date before the check began): the job that sends the file then reuses it.
 */
export function rememberQueuedCheck(
  memo: CheckMemo,
  stored: { ref: { sha256: string; name: string }; validation: OfflineValidation | null; abort: RememberedCheck['abort'] },
  params: ImportDataParams,
  index: MetadataIndex | null,
  day: string,
): void {
  if (!index || !stored.validation || localIsoDate(new Date()) !== day) return;
  memo.put({ sha256: stored.ref.sha256, fileName: stored.ref.name, params, index }, { validation: stored.validation, abort: stored.abort }, day);
}
