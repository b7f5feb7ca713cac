import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretCipher } from './secret-cipher';
import { AppError } from '../errors';

const KEY_FILE = 'secret.key';
const VERSION = 1;

/**
 * AES-256-GCM with a random key kept in a 0600 file in the data folder. It protects secrets
 * from other users of the machine and from a copied database alone; it cannot protect them from
 * someone who copies the whole data folder, which is why desktop mode uses safeStorage instead.
 */
export function createKeyFileCipher(dataDir: string): SecretCipher {
  const keyPath = join(dataDir, KEY_FILE);
  const key = loadOrCreateKey(keyPath);
  return {
    kind: 'key-file',
    strong: process.platform !== 'win32',
    async encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    async decrypt(sealed) {
      if (sealed.length < 29 || sealed[0] !== VERSION) throw unreadable();
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
      decipher.setAuthTag(sealed.subarray(13, 29));
      try {
        return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
      } catch {
        throw unreadable();
      }
    },
  };
}

function unreadable(): AppError {
  return new AppError(
    'SECRET_UNREADABLE',
    'The saved password or token for this server cannot be read (the key file changed). Edit the server and enter it again.',
  );
}

function loadOrCreateKey(keyPath: string): Buffer {
  if (existsSync(keyPath)) {
    if (process.platform !== 'win32' && (statSync(keyPath).mode & 0o077) !== 0) chmodSync(keyPath, 0o600);
    const key = readFileSync(keyPath);
    if (key.length !== 32) throw new AppError('SECRET_KEY_DAMAGED', `The key file ${keyPath} is damaged. Remove it and enter server passwords again.`);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(keyPath, key, { mode: 0o600, flag: 'wx' });
  return key;
}
