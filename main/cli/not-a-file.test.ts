import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../core/test/helpers';
import { captureOutput } from './capture-output';
import { runCli } from './index';

describe('a named pipe given as the file to read', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('metadata load refuses it in one line instead of waiting forever for a writer', async () => {
    const fifo = join(dir.path, 'metadata.json');
    execFileSync('mkfifo', [fifo]);
    const output = captureOutput();
    const code = await runCli(['metadata', 'load', fifo, '--data-dir', join(dir.path, 'data')], output);
    expect(code).toBe(1);
    expect(output.stderr).toBe('dhis2-ie: "metadata.json" is a named pipe, not a file. Give the path of a file saved on a disk (or a USB drive).\n');
  });
});
