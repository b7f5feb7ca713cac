import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/**
 * One runner per data folder. The desktop app, `serve` and `dhis2-ie flush` may all be open on
 * the same folder; only the holder of this lock sends jobs, so a job never runs twice at once.
 * A lock left by a process that died is taken over.
 */
export class RunnerLock {
  private held = false;

  constructor(private readonly path: string) {}

  tryAcquire(): boolean {
    if (this.held) return true;
    for (let tries = 0; tries < 2; tries++) {
      try {
        const fd = openSync(this.path, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.held = true;
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number.parseInt(readSafe(this.path), 10);
        if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) return false;
        rmSync(this.path, { force: true });
      }
    }
    return false;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (readSafe(this.path) === String(process.pid)) rmSync(this.path, { force: true });
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
