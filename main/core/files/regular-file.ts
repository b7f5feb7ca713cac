import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../errors';

/**
 * Opens a file the user named for reading, refusing anything that is not a plain file on a disk. Opening a
 * named pipe waits for a writer that may never come (the command hung forever), and a device such as
 * /dev/zero never ends. O_NONBLOCK makes the open itself return at once whatever the path is; on a plain
 * file it changes nothing.
 */
export async function openRegularFile(path: string, name: string): Promise<FileHandle> {
  // Windows has no named pipes in the file system and no O_NONBLOCK.
  const flags = process.platform === 'win32' ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NONBLOCK;
  const handle = await open(path, flags);
  try {
    const stats = await handle.stat();
    if (stats.isFile()) return handle;
    const what = stats.isDirectory() ? 'a folder' : stats.isFIFO() ? 'a named pipe' : stats.isSocket() ? 'a socket' : 'a device';
    throw new AppError('NOT_A_FILE', `"${name}" is ${what}, not a file. Give the path of a file saved on a disk (or a USB drive).`);
  } catch (error) {
    await handle.close();
    throw error;
  }
}
