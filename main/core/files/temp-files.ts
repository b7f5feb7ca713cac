import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Temp files of the file store, and the sweep that removes the ones a crash left behind.
 *
 * The desktop app, `serve` and every CLI command open the same data folder, often at once: a sweep
 * must never take the temp file of a copy another process (or another store in this process) is
 * still writing. So a temp file's name says who writes it (host and pid), and it is removed only
 * when it is provably abandoned: untouched for a while AND its writer is gone.
 */

/** A copy in progress writes at least this often (a stalled upload is given this long too). */
export const ABANDONED_AFTER_MS = 15 * 60 * 1000;

/** A writer on another computer (a data folder on a shared drive) cannot be asked whether it lives: only a day of silence counts. */
export const FOREIGN_ABANDONED_AFTER_MS = 24 * 3600 * 1000;

const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 12);

/** Temp files this process is writing; a file named with our pid but not here was left by an earlier process that had our pid. */
const writingHere = new Set<string>();

const NAME = /^(\d+)-([0-9a-f]{12})-[0-9a-f-]{36}$/;

/** The name a temp file of process `pid` on this computer gets. */
export function tempFileName(pid: number): string {
  return `${pid}-${HOST}-${randomUUID()}`;
}

/** A new temp file's path in `dir`, counted as being written until `done` is called. */
export function claimTempPath(dir: string): { path: string; done(): void } {
  const path = join(dir, tempFileName(process.pid));
  writingHere.add(path);
  return { path, done: () => void writingHere.delete(path) };
}

/**
 * Removes the temp files in `dir` that are abandoned; returns their names. Best effort: a disk that
 * cannot be listed or written (full, read-only) leaves them for a later sweep.
 */
export function sweepAbandonedTemp(dir: string, now = Date.now(), isAlive: (pid: number) => boolean = processIsAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      const idleMs = now - statSync(path).mtimeMs;
      if (!isAbandoned(path, name, idleMs, isAlive)) continue;
      rmSync(path, { force: true });
      removed.push(name);
    } catch {
      // Gone already (its writer renamed it) or not removable now: either way, not ours to fuss over.
    }
  }
  return removed;
}

function isAbandoned(path: string, name: string, idleMs: number, isAlive: (pid: number) => boolean): boolean {
  const match = NAME.exec(name);
  // Another computer's writer, or a name from an older version of the app: only long silence tells.
  if (!match || match[2] !== HOST) return idleMs >= FOREIGN_ABANDONED_AFTER_MS;
  if (idleMs < ABANDONED_AFTER_MS) return false;
  const pid = Number(match[1]);
  if (pid === process.pid) return !writingHere.has(path);
  return !isAlive(pid);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
