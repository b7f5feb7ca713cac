import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { ZipArchiveWriter } from './zip-archive';

/** Takes `okBytes`, then fails every write with `code` a moment later, as a file stream on a full drive does. */
function drive(okBytes: number, code: string): Writable {
  let taken = 0;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      taken += chunk.length;
      const error = Object.assign(new Error(`${code}: simulated`), { code });
      setImmediate(() => callback(taken > okBytes ? error : null));
    },
  });
}

describe('ZipArchiveWriter', () => {
  it('fails with the drive error itself, not the abort of the streams behind it', async () => {
    for (const content of [randomBytes(2_000_000), Readable.from([randomBytes(700_000), randomBytes(700_000), randomBytes(700_000)])]) {
      const zip = new ZipArchiveWriter(drive(64 * 1024, 'ENOSPC'));
      await expect(zip.add('big', content, { compress: true })).rejects.toMatchObject({ code: 'ENOSPC' });
    }
    const stored = new ZipArchiveWriter(drive(10_000, 'EIO'));
    await expect(stored.add('big', randomBytes(500_000), { compress: false })).rejects.toMatchObject({ code: 'EIO' });
  });

  it('refuses to grow past the size limit in words', async () => {
    const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const zip = new ZipArchiveWriter(sink, { sizeLimit: 100_000 });
    await expect(zip.add('big', randomBytes(200_000), { compress: false })).rejects.toMatchObject({ code: 'BUNDLE_TOO_LARGE' });
  });
});
