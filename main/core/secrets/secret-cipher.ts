/**
 * The port through which core keeps passwords and tokens encrypted at rest. The desktop app
 * plugs in Electron's safeStorage (main/app/safe-storage-cipher.ts); headless modes use a key
 * file readable only by the user (key-file-cipher.ts).
 */
export interface SecretCipher {
  readonly kind: string;
  /** False where the platform offers no real protection (Linux without a keyring: safeStorage "basic_text"). */
  readonly strong: boolean;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(sealed: Buffer): Promise<string>;
}
