import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../test/helpers';
import { RunnerLock, runnerLockIsFree } from './runner-lock';

/** A disk that takes the new (empty) lock file but not the bytes written into it: full, as far as data goes. */
const fault = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...args: Parameters<typeof real.writeSync>) => {
    if (fault.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    return (real.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof real.writeSync;
  return { ...real, writeSync, default: { ...real, writeSync } };
});

describe('RunnerLock', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  beforeEach(() => {
    dir = tempDir();
    path = join(dir.path, 'runner.lock');
  });
  afterEach(() => {
    fault.full = false;
    dir.remove();
  });

  it('one holder at a time; released, it is free again', () => {
    const first = new RunnerLock(path);
    expect(first.tryAcquire()).toBe(true);
    expect(new RunnerLock(path).tryAcquire()).toBe(false);
    expect(runnerLockIsFree(path)).toBe(false);
    first.release();
    expect(runnerLockIsFree(path)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('a full disk fails the attempt with its error and leaves no empty lock that would hold everyone back', () => {
    fault.full = true;
    expect(() => new RunnerLock(path).tryAcquire()).toThrow(/ENOSPC/);
    expect(() => runnerLockIsFree(path)).toThrow(/ENOSPC/);
    expect(existsSync(path)).toBe(false);
    // Space again: the next runner starts at once (an empty lock would have kept it out for ten seconds).
    fault.full = false;
    const next = new RunnerLock(path);
    expect(next.tryAcquire()).toBe(true);
    expect(readFileSync(path, 'utf8')).toMatch(/^\d+ /);
    next.release();
  });
});
