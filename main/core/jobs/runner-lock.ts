import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';

/**
 * One runner per data folder. The desktop app, `serve` and `dhis2-ie flush` may all be open on
 * the same folder; only the holder of this lock sends jobs, so a job never runs twice at once.
 * A lock left by a process that died is taken over.
 */
/** Locks held by runners of this very process: a lock naming our pid but none of these is a dead predecessor's. */
const heldHere = new Set<string>();

export class RunnerLock {
  private held = false;
  // pid alone cannot tell two runners of one process apart (tests, a CLI command inside the app).
  private readonly stamp = `${process.pid} ${randomUUID()}`;

  constructor(private readonly path: string) {}

  tryAcquire(): boolean {
    if (this.held) return true;
    for (let tries = 0; tries < 2; tries++) {
      try {
        const fd = openSync(this.path, 'wx', 0o600);
        try {
          writeSync(fd, this.stamp);
        } catch (error) {
          // A full disk: an empty lock left behind would keep every runner, ours included, waiting for nobody.
          rmSync(this.path, { force: true });
          // A failed write names no file; the message the user reads should.
          throw Object.assign(error as NodeJS.ErrnoException, { path: (error as NodeJS.ErrnoException).path ?? this.path });
        } finally {
          closeSync(fd);
        }
        this.held = true;
        heldHere.add(this.stamp);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const content = readSafe(this.path);
        // Empty: another process is between creating and writing it, unless it died right there long ago.
        if (content === '' && Date.now() - mtimeMs(this.path) < 10_000) return false;
        const owner = Number.parseInt(content.split(' ')[0] ?? '', 10);
        const live = owner === process.pid ? heldHere.has(content) : Number.isInteger(owner) && isAlive(owner);
        if (live) return false;
        rmSync(this.path, { force: true });
      }
    }
    return false;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    heldHere.delete(this.stamp);
    if (readSafe(this.path) === this.stamp) rmSync(this.path, { force: true });
  }

  get isHeld(): boolean {
    return this.held;
  }
}

function readSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function mtimeMs(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/**
 * Whether a runner could start on this data folder now, asked before starting one (`dhis2-ie flush`): false
 * when another holds the lock. A disk that cannot take the lock file throws, so the caller says why instead.
 */
export function runnerLockIsFree(path: string): boolean {
  const probe = new RunnerLock(path);
  if (!probe.tryAcquire()) return false;
  probe.release();
  return true;
}
