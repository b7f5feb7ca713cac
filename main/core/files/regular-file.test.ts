import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers';
import { openRegularFile } from './regular-file';

describe('openRegularFile', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('opens a plain file', async () => {
    writeFileSync(join(dir.path, 'metadata.json'), '{}');
    const handle = await openRegularFile(join(dir.path, 'metadata.json'), 'metadata.json');
    expect((await handle.readFile()).toString()).toBe('{}');
    await handle.close();
  });

  it('refuses a named pipe at once instead of waiting for a writer, and a device or folder', async () => {
    const fifo = join(dir.path, 'metadata.json');
    execFileSync('mkfifo', [fifo]);
    await expect(openRegularFile(fifo, 'metadata.json')).rejects.toMatchObject({
      code: 'NOT_A_FILE',
      message: '"metadata.json" is a named pipe, not a file. Give the path of a file saved on a disk (or a USB drive).',
    });
    await expect(openRegularFile('/dev/zero', 'zero')).rejects.toMatchObject({ code: 'NOT_A_FILE', message: expect.stringMatching(/is a device/) });
    await expect(openRegularFile(dir.path, 'usb')).rejects.toMatchObject({ code: 'NOT_A_FILE', message: expect.stringMatching(/is a folder/) });
  });
});
