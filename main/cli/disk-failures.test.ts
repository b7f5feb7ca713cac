import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../core/core';
import { tempDir } from '../core/test/helpers';
import { captureOutput } from './capture-output';
import { runCli } from './index';

/**
 * Faults injected where the disk is met: node:fs for files, better-sqlite3 for the database. A full disk
 * refuses every new byte; SQLite on a full disk cannot make the shared-memory file WAL readers use, so any
 * statement fails with "disk I/O error" unless the connection locks the database for itself first (in that
 * mode SQLite needs no such file: this is checked against the real SQLite below).
 */
const fault = vi.hoisted(() => ({ files: 'ok' as 'ok' | 'full', db: 'ok' as 'ok' | 'full' | 'failing', unreadable: null as string | null }));

function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path, errno: -28 });
}

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const refuse = (syscall: string, path: unknown) => {
    if (fault.files === 'full') throw errno('ENOSPC', syscall, String(path));
  };
  const writes = (flags: unknown) => typeof flags === 'string' && /[wax+]/.test(flags);
  const mocked = {
    ...real,
    appendFileSync: ((path, ...rest) => (refuse('write', path), real.appendFileSync(path, ...rest))) as typeof real.appendFileSync,
    writeFileSync: ((path, ...rest) => (refuse('write', path), real.writeFileSync(path, ...rest))) as typeof real.writeFileSync,
    mkdirSync: ((path, options) => (real.existsSync(path) ? undefined : (refuse('mkdir', path), real.mkdirSync(path, options)))) as typeof real.mkdirSync,
    openSync: ((path, flags, mode) => {
      if (fault.unreadable && String(path).endsWith(fault.unreadable)) throw errno('EACCES', 'open', String(path));
      if (writes(flags)) refuse('open', path);
      return real.openSync(path, flags, mode);
    }) as typeof real.openSync,
    writeSync: ((fd, ...rest: unknown[]) => {
      // As Node reports it: a write to a file descriptor names no path.
      if (fault.files === 'full') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', errno: -28 });
      return (real.writeSync as (...args: unknown[]) => number)(fd, ...rest);
    }) as typeof real.writeSync,
    createWriteStream: ((path, options) => (refuse('open', path), real.createWriteStream(path, options))) as typeof real.createWriteStream,
  };
  return { ...mocked, default: mocked };
});

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = (async (path, flags, mode) => {
    if (fault.unreadable && String(path).endsWith(fault.unreadable)) throw errno('EACCES', 'open', String(path));
    if (fault.files === 'full' && typeof flags === 'string' && /[wax+]/.test(flags)) throw errno('ENOSPC', 'open', String(path));
    return real.open(path, flags, mode);
  }) as typeof real.open;
  return { ...real, open, default: { ...real, open } };
});

vi.mock('better-sqlite3', async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof import('better-sqlite3') }>()).default;
  class FaultyDatabase extends real {
    private lockedForItself = false;
    override pragma(source: string, options?: import('better-sqlite3').PragmaOptions): unknown {
      if (/^\s*locking_mode\s*=\s*exclusive\s*$/i.test(source)) this.lockedForItself = true;
      else this.fail();
      return super.pragma(source, options);
    }
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the signature better-sqlite3 declares, which an override must keep
    override prepare<P extends unknown[] | {} = unknown[], R = unknown>(source: string): import('better-sqlite3').Statement<P, R> {
      this.fail();
      const statement = super.prepare<P, R>(source);
      // A full disk takes no new page: whatever writes fails, as SQLite reports it.
      if (fault.db === 'full' && !statement.reader) {
        statement.run = () => {
          throw new real.SqliteError('database or disk is full', 'SQLITE_FULL');
        };
      }
      return statement;
    }
    private fail(): void {
      if (fault.db === 'failing') throw new real.SqliteError('disk I/O error', 'SQLITE_IOERR_READ');
      if (fault.db === 'full' && !this.lockedForItself) throw new real.SqliteError('disk I/O error', 'SQLITE_IOERR_SHMSIZE');
    }
  }
  return { default: FaultyDatabase };
});

describe('the CLI on a full or failing disk', () => {
  let dir: ReturnType<typeof tempDir>;
  let jobId: string;
  const run = async (...argv: string[]) => {
    const output = captureOutput();
    const code = await runCli([...argv, '--data-dir', dir.path], output);
    return { code, stdout: output.stdout, stderr: output.stderr };
  };

  beforeEach(async () => {
    dir = tempDir();
    const core = createCore({ dataDir: dir.path, mode: 'cli', appVersion: 'test', enableSelfTestJobs: true });
    await core.servers.add({ name: 'National', url: 'http://127.0.0.1:9', auth: { kind: 'token', token: 'd2p_test' }, makeDefault: true });
    jobId = core.runner.create({ type: 'self-test', params: { steps: 1, stepMs: 0 } }).id;
    await core.close();
    writeFileSync(join(dir.path, 'values.csv'), 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nDE_A,202401,OU_A,,,5\n');
  });
  afterEach(() => {
    fault.files = 'ok';
    fault.db = 'ok';
    fault.unreadable = null;
    dir.remove();
  });

  it('still answers jobs, jobs show, server list and metadata status, without making any file', async () => {
    // What a clean close leaves: no WAL or shared-memory file; a full disk cannot make one.
    expect(existsSync(join(dir.path, 'dhis2-ie.sqlite-shm'))).toBe(false);
    // A folder the desktop app made has no key file (it keeps secrets in the system keyring); none can be made now.
    rmSync(join(dir.path, 'secret.key'));
    fault.files = 'full';
    fault.db = 'full';
    const jobs = await run('jobs');
    expect(jobs).toMatchObject({ code: 0, stderr: '' });
    expect(jobs.stdout).toMatch(new RegExp(`${jobId.slice(0, 8)}\\s+self-test\\s+Queued`));
    const shown = await run('jobs', 'show', jobId);
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    expect(shown.stdout).toMatch(/Job queued\./);
    const servers = await run('server', 'list');
    expect(servers).toMatchObject({ code: 0, stderr: '' });
    expect(servers.stdout).toMatch(/National/);
    const metadata = await run('metadata', 'status');
    expect(metadata).toMatchObject({ code: 0, stderr: '' });
    expect(metadata.stdout).toMatch(/National/);
    // Read without the shared-memory file, by the real SQLite.
    expect(existsSync(join(dir.path, 'dhis2-ie.sqlite-shm'))).toBe(false);
  });

  it('a command that must write says in one line that the disk is full and what to do', async () => {
    // The database opens (the app, running, holds its shared-memory file); the copy of the data file cannot be written.
    fault.files = 'full';
    const imported = await run('import', 'data', join(dir.path, 'values.csv'));
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/^dhis2-ie: The disk is full: .* could not be written\. Free some space on that disk .*what was saved before is kept\.\n$/);
    expect(imported.stderr).not.toMatch(/\n\s+at /);
    // Nor can the database be opened to write: SQLite says only "disk I/O error", and so does the message, with what to try.
    fault.db = 'full';
    const again = await run('import', 'data', join(dir.path, 'values.csv'));
    expect(again.stderr).toMatch(
      /^dhis2-ie: The disk could not read or write .*dhis2-ie\.sqlite \(an input\/output error\): it is full, failing, or was unplugged\. Free some space .*\n$/,
    );
    fault.files = 'ok';
    fault.db = 'ok';
    // Nothing saved before was lost.
    expect((await run('jobs', '--json')).stdout).toContain(jobId);
  });

  it('flush on a full disk says so in one line instead of claiming another flush is sending', async () => {
    fault.files = 'full';
    const flushed = await run('flush');
    expect(flushed.code).toBe(1);
    expect(flushed.stdout).toBe('');
    expect(flushed.stderr).toMatch(/^dhis2-ie: The disk is full: .*runner\.lock could not be written\. Free some space .*\n$/);
    fault.files = 'ok';
    // No empty lock was left behind to hold the next flush back.
    expect(existsSync(join(dir.path, 'runner.lock'))).toBe(false);
  });

  it('a failing disk is named as such, for reading commands too, in one line', async () => {
    fault.db = 'failing';
    const jobs = await run('jobs');
    expect(jobs.code).toBe(1);
    expect(jobs.stderr).toMatch(/^dhis2-ie: The disk could not read or write .*dhis2-ie\.sqlite \(an input\/output error\).*check the drive.*\n$/);
    expect(jobs.stderr).not.toMatch(/SqliteError|\n\s+at /);
  });

  it('a data file this user may not read is refused in one line naming it', async () => {
    fault.unreadable = 'values.csv';
    const imported = await run('import', 'data', join(dir.path, 'values.csv'));
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/^dhis2-ie: Permission denied: this user may not use .*values\.csv\. Check who owns it.*\n$/);
    expect(imported.stderr).not.toMatch(/\n\s+at /);
  });
});
