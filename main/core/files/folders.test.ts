import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FolderListing } from '../../../shared/folders';
import { invoke } from '../services';
import { tempDir, testCore } from '../test/helpers';
import { browseFolders, checkFolder, defaultMountParents, listPlaces, MAX_ENTRIES, normaliseFolderPath, windowsDrives, type FolderEnv } from './folders';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function temp(): string {
  const dir = tempDir('dhis2-ie-folders-');
  cleanups.push(dir.remove);
  return dir.path;
}

/**
 * A folder nobody may write to. Permission bits stop ordinary users; root ignores them, so as root
 * the folder is made immutable (chattr +i), which stops root too.
 */
function unwritableFolder(): string {
  const dir = join(temp(), 'locked');
  mkdirSync(dir);
  writeFileSync(join(dir, 'existing.txt'), 'x');
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', dir]);
    cleanups.push(() => execFileSync('chattr', ['-i', dir]));
  } else {
    chmodSync(dir, 0o555);
    cleanups.push(() => chmodSync(dir, 0o755));
  }
  return dir;
}

const linux = { platform: 'linux' as const, home: '/home/amina' };

describe('folder paths people type', () => {
  it('refuses relative paths and paths that climb with "..", in words', () => {
    for (const raw of ['exports', './exports', 'media/usb', '../../etc']) {
      const result = normaliseFolderPath(raw, linux);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.message).toMatch(/not a full path.*for example \/media\/usb\/exports/);
    }
    const climbing = normaliseFolderPath('/media/usb/../../etc', linux);
    expect(!climbing.ok && climbing.message).toMatch(/goes up a level with "\.\."/);
    expect(normaliseFolderPath('   ', linux)).toEqual({ ok: false, message: 'Type or choose a folder.' });
    expect(normaliseFolderPath('/tmp/a\0b', linux).ok).toBe(false);
  });

  it('tidies full paths and reads ~ as the home folder', () => {
    expect(normaliseFolderPath(' /media/amina//USB/ ', linux)).toEqual({ ok: true, path: '/media/amina/USB' });
    expect(normaliseFolderPath('~', linux)).toEqual({ ok: true, path: '/home/amina' });
    expect(normaliseFolderPath('~/exports', linux)).toEqual({ ok: true, path: '/home/amina/exports' });
  });

  it('wants a drive letter on Windows', () => {
    const windows = { platform: 'win32' as const, home: 'C:\\Users\\amina' };
    expect(normaliseFolderPath('E:\\exports\\', windows)).toEqual({ ok: true, path: 'E:\\exports' });
    expect(normaliseFolderPath('\\\\server\\share\\exports', windows)).toEqual({ ok: true, path: '\\\\server\\share\\exports' });
    const rooted = normaliseFolderPath('\\exports', windows);
    expect(!rooted.ok && rooted.message).toMatch(/for example E:\\exports/);
  });
});

describe('checkFolder', () => {
  it('says a writable folder is fine and how much space its drive has, leaving nothing behind', () => {
    const dir = temp();
    const check = checkFolder(dir);
    expect(check).toMatchObject({ path: dir, exists: true, writable: true, severity: 'ok', message: null });
    expect(check.freeBytes).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('warns, without refusing, when the drive has little space left', () => {
    const dir = temp();
    const check = checkFolder(dir, linux, Number.MAX_SAFE_INTEGER);
    expect(check).toMatchObject({ exists: true, writable: true, severity: 'warning' });
    expect(check.message).toMatch(/^Only [\d.]+ (MB|GB) free on this drive: a large export may not fit\.$/);
  });

  it('says a missing folder is not there (a USB drive pulled out)', () => {
    const dir = join(temp(), 'USB', 'exports');
    expect(checkFolder(dir)).toEqual({
      path: dir,
      exists: false,
      writable: false,
      freeBytes: null,
      severity: 'error',
      message: `The folder "${dir}" is not there. Is the USB drive plugged in? Check the path or choose another folder.`,
    });
  });

  it('says a file is not a folder', () => {
    const file = join(temp(), 'report.csv');
    writeFileSync(file, 'a,b');
    expect(checkFolder(file)).toMatchObject({ exists: false, severity: 'error', message: `"${file}" is a file, not a folder. Choose a folder.` });
  });

  it('says an unwritable folder is not writable, before any job is queued', () => {
    const dir = unwritableFolder();
    const check = checkFolder(dir);
    expect(check).toMatchObject({ path: dir, exists: true, writable: false, severity: 'error' });
    expect(check.message).toMatch(/not writable|may not save/);
    expect(readdirSync(dir)).toEqual(['existing.txt']);
  });

  it('refuses a relative path rather than guessing where it is', () => {
    expect(checkFolder('exports')).toMatchObject({ path: 'exports', exists: false, writable: false, severity: 'error' });
    expect(checkFolder('exports').message).toMatch(/not a full path/);
    expect(checkFolder('/tmp/../etc').message).toMatch(/"\.\."/);
  });
});

describe('browseFolders', () => {
  function env(root: string): FolderEnv {
    return {
      platform: 'linux',
      home: join(root, 'home'),
      username: 'amina',
      mountParents: [
        { path: join(root, 'media', 'amina'), kind: 'removable' },
        { path: join(root, 'media'), kind: 'removable' },
        { path: join(root, 'mnt'), kind: 'drive' },
      ],
      driveLetters: () => [],
    };
  }

  it('lists sub-folders only, sorted as people read, with the parent and the places', () => {
    const root = temp();
    const home = join(root, 'home');
    for (const dir of ['Documents', 'exports 10', 'exports 9', '.cache']) mkdirSync(join(home, dir), { recursive: true });
    writeFileSync(join(home, 'secret.txt'), 'not listed');
    symlinkSync(join(home, 'Documents'), join(home, 'Docs link'));
    mkdirSync(join(root, 'media', 'amina', 'KINGSTON'), { recursive: true });
    mkdirSync(join(root, 'media', 'usb0'), { recursive: true });
    mkdirSync(join(root, 'mnt', 'data'), { recursive: true });

    const listing = browseFolders(undefined, {}, env(root));
    expect(listing.path).toBe(home);
    expect(listing.parent).toBe(root);
    expect(listing.entries.map((e) => e.name)).toEqual(['Docs link', 'Documents', 'exports 9', 'exports 10']);
    expect(listing.entries[1]).toEqual({ name: 'Documents', path: join(home, 'Documents') });
    expect(listing.truncated).toBe(false);
    expect(listing.places).toEqual([
      { label: 'Home folder', path: home, kind: 'home' },
      { label: 'KINGSTON', path: join(root, 'media', 'amina', 'KINGSTON'), kind: 'removable' },
      { label: 'usb0', path: join(root, 'media', 'usb0'), kind: 'removable' },
      { label: `data (${join(root, 'mnt')})`, path: join(root, 'mnt', 'data'), kind: 'drive' },
    ]);
    expect(browseFolders(home, { showHidden: true }, env(root)).entries.map((e) => e.name)).toContain('.cache');
  });

  it('stops at the top of the drive', () => {
    expect(browseFolders('/', {}, env(temp())).parent).toBeNull();
  });

  it('cuts a huge folder short and says so', () => {
    const root = temp();
    const big = join(root, 'big');
    for (let i = 0; i < MAX_ENTRIES + 5; i++) mkdirSync(join(big, `d${i}`), { recursive: true });
    const listing = browseFolders(big, {}, env(root));
    expect(listing.entries).toHaveLength(MAX_ENTRIES);
    expect(listing.truncated).toBe(true);
  });

  it('refuses missing folders, files and relative paths with their own codes', () => {
    const root = temp();
    writeFileSync(join(root, 'file.txt'), 'x');
    expect(() => browseFolders(join(root, 'gone'), {}, env(root))).toThrow(expect.objectContaining({ code: 'FOLDER_MISSING' }));
    expect(() => browseFolders(join(root, 'file.txt'), {}, env(root))).toThrow(expect.objectContaining({ code: 'NOT_A_FOLDER' }));
    expect(() => browseFolders('home/amina', {}, env(root))).toThrow(expect.objectContaining({ code: 'FOLDER_PATH_INVALID' }));
  });
});

describe('places on each system', () => {
  it('knows where Linux and macOS mount USB drives', () => {
    expect(defaultMountParents('linux', 'amina').map((p) => p.path)).toEqual(['/media/amina', '/run/media/amina', '/media', '/mnt']);
    expect(defaultMountParents('darwin', 'amina')).toEqual([{ path: '/Volumes', kind: 'removable' }]);
    expect(defaultMountParents('win32', 'amina')).toEqual([]);
  });

  it('lists the Windows drive letters that exist', () => {
    expect(windowsDrives((root) => root === 'C:\\' || root === 'E:\\')).toEqual(['C:\\', 'E:\\']);
    const places = listPlaces({ platform: 'win32', home: 'C:\\Users\\amina', username: 'amina', mountParents: [], driveLetters: () => ['C:\\', 'E:\\'] });
    expect(places.map((p) => [p.label, p.kind])).toEqual([
      ['Home folder', 'home'],
      ['C:', 'drive'],
      ['E:', 'drive'],
    ]);
  });
});

describe('folder calls through the contract', () => {
  it('check and browse in browser mode; the native dialog is refused there in words', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const core = testCore(dir.path);
    try {
      expect(await invoke(core, 'files.checkFolder', { path: dir.path })).toMatchObject({ exists: true, writable: true, severity: 'ok' });
      expect(await invoke(core, 'files.checkFolder', { path: 'relative/exports' })).toMatchObject({ severity: 'error' });
      const listing = (await invoke(core, 'files.browseFolders', { path: dir.path })) as FolderListing;
      expect(listing.entries.map((e) => e.name)).toContain('files');
      await expect(invoke(core, 'files.pickFolder', {})).rejects.toMatchObject({ code: 'NO_NATIVE_DIALOGS' });
    } finally {
      await core.close();
    }
  });

  it('ask the desktop shell for a folder when it has dialogs', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const asked: unknown[] = [];
    const core = testCore(dir.path, {
      dialogs: {
        openFiles: () => Promise.resolve([]),
        chooseFolder: (options) => {
          asked.push(options);
          return Promise.resolve('/media/amina/USB');
        },
      },
    });
    try {
      expect(await invoke(core, 'files.pickFolder', { title: 'Where to save the export' })).toEqual({ path: '/media/amina/USB' });
      expect(asked).toEqual([{ title: 'Where to save the export' }]);
    } finally {
      await core.close();
    }
  });
});
