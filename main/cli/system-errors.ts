/**
 * Failures of the disk and the operating system, as a health data officer reads them: what is wrong
 * and what to do, in one line. A stack trace tells them nothing and hides the one thing they can act on.
 */

interface SystemFailure {
  code: string;
  path: string | null;
}

/** Node's errno errors carry `code` and `path`; better-sqlite3's SqliteError carries `code` (SQLITE_FULL, SQLITE_IOERR_WRITE, ...). */
function systemFailure(error: unknown): SystemFailure | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, path } = error as { code?: unknown; path?: unknown };
  if (typeof code !== 'string') return null;
  return { code, path: typeof path === 'string' ? path : null };
}

/**
 * One line for a disk or system failure, or null when `error` is not one. `database` names the data folder's
 * database, since SQLite's errors do not say which file they are about.
 */
export function describeSystemError(error: unknown, database: string): string | null {
  const failure = systemFailure(error);
  if (!failure) return null;
  const { code } = failure;
  const where = failure.path ?? database;
  const kept = 'what was saved before is kept';
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL')
    return `The disk is full: ${where} could not be written. Free some space on that disk (or use another folder), then run the command again; ${kept}.`;
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY'))
    return `${where} is on a disk that is read-only (a locked USB drive, or one mounted read-only): nothing can be saved there. Unlock the drive or use another folder, then try again; ${kept}.`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH')
    return `Permission denied: this user may not use ${where}. Check who owns it and its permissions (or use another file or folder), then try again.`;
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR'))
    return `The disk could not read or write ${where} (an input/output error): it is full, failing, or was unplugged. Free some space on it or check the drive (plug it back in), then run the command again; ${kept}.`;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB')
    return `The app's database ${database} is damaged. Do not delete the data folder: copy it somewhere safe and ask your support team to look at it.`;
  if (code === 'SQLITE_CANTOPEN')
    return `The app's database ${database} cannot be opened. Check that the data folder exists, that this user may write to it and that its disk is connected, then try again.`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return `The app's database ${database} is busy: the app or another dhis2-ie command is using it. Try again in a moment.`;
  if (code === 'EMFILE' || code === 'ENFILE') return 'Too many files are open on this computer. Close some programs, then run the command again.';
  if (code === 'ENOENT' && failure.path) return `${failure.path} does not exist (or was removed while the command ran). Check the name, then try again.`;
  if (code === 'ENOTDIR' && failure.path) return `${failure.path} is not a folder. Check the name, then try again.`;
  if (code === 'EISDIR' && failure.path) return `${failure.path} is a folder, not a file. Name the file inside it, then try again.`;
  if (code === 'EPIPE' || code === 'ECONNRESET') return 'A connection was closed while the command was writing to it. Run the command again.';
  return null;
}

/** stdout's reader went away (`dhis2-ie jobs | head`): not an error, just nobody left to print for. */
export function isClosedPipe(error: unknown): boolean {
  return systemFailure(error)?.code === 'EPIPE';
}
