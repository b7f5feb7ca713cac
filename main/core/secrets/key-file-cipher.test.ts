import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyFileCipher } from './key-file-cipher';
import { tempDir } from '../test/helpers';

describe('key-file cipher', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('round-trips a secret and never stores it in clear', async () => {
    const cipher = createKeyFileCipher(dir.path);
    const sealed = await cipher.encrypt('d2p_secretToken123');
    expect(sealed.includes(Buffer.from('d2p_secretToken123'))).toBe(false);
    expect(await cipher.decrypt(sealed)).toBe('d2p_secretToken123');
    // A fresh cipher on the same folder reads it: the key persists.
    expect(await createKeyFileCipher(dir.path).decrypt(sealed)).toBe('d2p_secretToken123');
  });

  it('keeps its key readable by the owner only', () => {
    createKeyFileCipher(dir.path);
    if (process.platform !== 'win32') expect(statSync(join(dir.path, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir.path, 'secret.key')).length).toBe(32);
  });

  it('reports a tampered or foreign secret in words the user can act on', async () => {
    const cipher = createKeyFileCipher(dir.path);
    const sealed = await cipher.encrypt('password');
    sealed.writeUInt8(sealed.readUInt8(sealed.length - 1) ^ 0xff, sealed.length - 1);
    await expect(cipher.decrypt(sealed)).rejects.toMatchObject({ code: 'SECRET_UNREADABLE', message: expect.stringMatching(/enter it again/) });
    await expect(cipher.decrypt(Buffer.from('short'))).rejects.toMatchObject({ code: 'SECRET_UNREADABLE' });
  });

  it('refuses a damaged key file rather than silently making a new one', () => {
    writeFileSync(join(dir.path, 'secret.key'), 'too short');
    expect(() => createKeyFileCipher(dir.path)).toThrow(/key file .* is damaged/);
  });
});
