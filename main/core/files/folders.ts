import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, statfsSync, statSync, unlinkSync, writeSync, type Dirent } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import path from 'node:path';
import type { FolderCheck, FolderEntry, FolderListing, FolderPlace } from '../../../shared/folders';
import { AppError } from '../errors';

/** Below this much free space a folder gets a warning: a national export can run to hundreds of MB. */
export const LOW_SPACE_BYTES = 64 * 1024 * 1024;
/** A folder with more sub-folders than this is cut short; the path can still be typed. */
export const MAX_ENTRIES = 2000;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export interface FolderEnv {
  platform: NodeJS.Platform;
  home: string;
  username: string;
  /** Folders whose sub-folders are drives (USB sticks mount under /media/<user>); tests point these at temp folders. */
  mountParents: ReadonlyArray<{ path: string; kind: 'removable' | 'drive' }>;
  /** Windows drive letters that exist (C:\, E:\ ...). */
  driveLetters: () => string[];
}

export function defaultFolderEnv(): FolderEnv {
  const platform = process.platform;
  const username = safeUsername();
  return {
    platform,
    home: homedir(),
    username,
    mountParents: defaultMountParents(platform, username),
    driveLetters: () => (platform === 'win32' ? windowsDrives((root) => existsSync(root)) : []),
  };
}

/** Where each system mounts USB drives and other disks. */
export function defaultMountParents(platform: NodeJS.Platform, username: string): FolderEnv['mountParents'] {
  if (platform === 'darwin') return [{ path: '/Volumes', kind: 'removable' }];
  if (platform === 'win32') return [];
  const own = username ? [`/media/${username}`, `/run/media/${username}`] : [];
  return [...own.map((p) => ({ path: p, kind: 'removable' as const })), { path: '/media', kind: 'removable' }, { path: '/mnt', kind: 'drive' }];
}

/** C: to Z: (A: and B: are floppy drives that make Windows wait). */
export function windowsDrives(exists: (root: string) => boolean): string[] {
  const out: string[] = [];
  for (let code = 'C'.charCodeAt(0); code <= 'Z'.charCodeAt(0); code++) {
    const root = `${String.fromCharCode(code)}:\\`;
    if (exists(root)) out.push(root);
  }
  return out;
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

export type PathCheck = { ok: true; path: string } | { ok: false; message: string };

/**
 * A folder typed or chosen by a person, made absolute and tidy, or refused in words. Relative
 * paths would resolve against wherever the app happened to start, and ".." hides where a path
 * really goes; both are refused rather than guessed at. "~" is the home folder, as in a terminal.
 */
export function normaliseFolderPath(raw: string, env: Pick<FolderEnv, 'platform' | 'home'> = defaultFolderEnv()): PathCheck {
  const p = pathApi(env.platform);
  let text = raw.trim();
  if (text === '') return { ok: false, message: 'Type or choose a folder.' };
  if (text.includes('\0')) return { ok: false, message: 'The folder path holds a character that cannot be in a path.' };
  if (text === '~') text = env.home;
  else if (text.startsWith('~/') || (env.platform === 'win32' && text.startsWith('~\\'))) text = p.join(env.home, text.slice(2));
  const example = env.platform === 'win32' ? 'E:\\exports' : env.platform === 'darwin' ? '/Volumes/USB/exports' : '/media/usb/exports';
  if (!p.isAbsolute(text) || (env.platform === 'win32' && !/^([A-Za-z]:[\\/]|\\\\[^\\]+\\[^\\]+)/.test(text))) {
    return { ok: false, message: `"${raw.trim()}" is not a full path. Type the whole path of the folder, for example ${example}.` };
  }
  if (text.split(/[\\/]+/).includes('..')) {
    return { ok: false, message: `The path "${raw.trim()}" goes up a level with "..". Type the folder's own full path, for example ${example}.` };
  }
  return { ok: true, path: p.resolve(text) };
}

function mb(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 10 * 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/**
 * Whether a job can save into a folder, checked the only honest way: by writing a small file there
 * and removing it (permission bits say nothing about read-only drives, FAT sticks or network
 * shares). Never throws: the answer says what is wrong in words the form can show.
 */
export function checkFolder(raw: string, env: Pick<FolderEnv, 'platform' | 'home'> = defaultFolderEnv(), lowSpaceBytes: number = LOW_SPACE_BYTES): FolderCheck {
  const normalised = normaliseFolderPath(raw, env);
  if (!normalised.ok) return { path: raw, exists: false, writable: false, freeBytes: null, severity: 'error', message: normalised.message };
  const dir = normalised.path;
  const fail = (exists: boolean, message: string): FolderCheck => ({ path: dir, exists, writable: false, freeBytes: null, severity: 'error', message });

  try {
    if (!statSync(dir).isDirectory()) return fail(false, `"${dir}" is a file, not a folder. Choose a folder.`);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return fail(false, `The folder "${dir}" is not there. Is the USB drive plugged in? Check the path or choose another folder.`);
    if (code === 'EACCES' || code === 'EPERM') return fail(false, `The app may not open "${dir}". Choose another folder.`);
    return fail(false, `The app cannot look at "${dir}" (${code ?? 'unknown error'}). Choose another folder.`);
  }

  const freeBytes = freeSpace(dir);
  const probe = path.join(dir, `.dhis2-ie-write-test-${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(probe, 'wx');
    try {
      writeSync(fd, 'x');
    } finally {
      closeSync(fd);
    }
    unlinkSync(probe);
  } catch (error) {
    const code = errorCode(error);
    const base = { path: dir, exists: true, writable: false, freeBytes, severity: 'error' as const };
    if (code === 'EROFS') return { ...base, message: `The drive of "${dir}" is read-only (a USB drive with its lock switch on?). Choose another folder.` };
    if (code === 'ENOSPC') return { ...base, message: `The drive of "${dir}" is full. Free some space or choose another folder.` };
    if (code === 'EACCES' || code === 'EPERM')
      return { ...base, message: `This folder is not writable: the app may not save files in "${dir}". Choose another folder.` };
    return { ...base, message: `The app cannot save files in "${dir}" (${code ?? 'unknown error'}). Choose another folder.` };
  }

  if (freeBytes !== null && freeBytes < lowSpaceBytes) {
    return {
      path: dir,
      exists: true,
      writable: true,
      freeBytes,
      severity: 'warning',
      message: `Only ${mb(freeBytes)} free on this drive: a large export may not fit.`,
    };
  }
  return { path: dir, exists: true, writable: true, freeBytes, severity: 'ok', message: null };
}

function freeSpace(dir: string): number | null {
  try {
    const stats = statfsSync(dir);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return null;
  }
}

function isFolder(dir: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(path.join(dir, entry.name)).isDirectory();
  } catch {
    return false;
  }
}

function folderNames(dir: string, entries: readonly Dirent[], showHidden: boolean): string[] {
  return entries
    .filter((entry) => (showHidden || !entry.name.startsWith('.')) && isFolder(dir, entry))
    .map((entry) => entry.name)
    .sort(collator.compare);
}

function subFolders(dir: string): string[] {
  try {
    return folderNames(dir, readdirSync(dir, { withFileTypes: true }), false);
  } catch {
    return [];
  }
}

/**
 * The sub-folders of a folder, for browsing where no native dialog exists (browser mode). Only
 * names of directories are returned, never files or their contents.
 */
export function browseFolders(raw: string | undefined, options: { showHidden?: boolean } = {}, env: FolderEnv = defaultFolderEnv()): FolderListing {
  const p = pathApi(env.platform);
  const normalised = normaliseFolderPath(raw === undefined || raw.trim() === '' ? env.home : raw, env);
  if (!normalised.ok) throw new AppError('FOLDER_PATH_INVALID', normalised.message);
  const dir = normalised.path;
  let entries: Dirent[];
  try {
    if (!statSync(dir).isDirectory()) throw new AppError('NOT_A_FOLDER', `"${dir}" is a file, not a folder.`);
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new AppError('FOLDER_MISSING', `The folder "${dir}" is not there. Is the USB drive plugged in?`);
    if (code === 'EACCES' || code === 'EPERM') throw new AppError('FOLDER_UNREADABLE', `The app may not look into "${dir}". Choose another folder.`);
    throw new AppError('FOLDER_UNREADABLE', `The app cannot look into "${dir}" (${code ?? 'unknown error'}).`);
  }
  const names = folderNames(dir, entries, options.showHidden ?? false);
  const listed: FolderEntry[] = names.slice(0, MAX_ENTRIES).map((name) => ({ name, path: p.join(dir, name) }));
  const parent = p.dirname(dir);
  return { path: dir, parent: parent === dir ? null : parent, entries: listed, truncated: names.length > MAX_ENTRIES, places: listPlaces(env) };
}

/** Home, then each mounted drive (USB sticks first), then Windows drive letters. */
export function listPlaces(env: FolderEnv): FolderPlace[] {
  const p = pathApi(env.platform);
  const places: FolderPlace[] = [{ label: 'Home folder', path: env.home, kind: 'home' }];
  const parents = new Set(env.mountParents.map((parent) => parent.path));
  const seen = new Set<string>([env.home]);
  for (const parent of env.mountParents) {
    for (const name of subFolders(parent.path)) {
      const full = p.join(parent.path, name);
      // /media/<user> is where drives go, not a drive.
      if (parents.has(full) || seen.has(full)) continue;
      seen.add(full);
      places.push({ label: parent.kind === 'removable' ? name : `${name} (${parent.path})`, path: full, kind: parent.kind });
    }
  }
  for (const root of env.driveLetters()) {
    if (seen.has(root)) continue;
    seen.add(root);
    places.push({ label: root.replace(/\\$/, ''), path: root, kind: 'drive' });
  }
  return places;
}
