import { safeStorage } from 'electron';
import type { SecretCipher } from '../core/secrets/secret-cipher';

/**
 * Server secrets sealed by the operating system's keyring (Keychain, DPAPI, libsecret/kwallet).
 * On Linux without a keyring Electron falls back to a fixed key ("basic_text"); we still use it
 * but report it as weak so the Servers page can warn.
 */
export async function createSafeStorageCipher(): Promise<SecretCipher | null> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return null;
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  return {
    kind: `safeStorage:${backend}`,
    strong: backend !== 'basic_text',
    encrypt: (plain) => safeStorage.encryptStringAsync(plain),
    decrypt: async (sealed) => (await safeStorage.decryptStringAsync(sealed)).result,
  };
}
