import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { SettingsRepo } from '../db/settings-repo';
import type { SecretCipher } from '../secrets/secret-cipher';
import { AppError } from '../errors';

/**
 * Each laptop's bundle signing key: Ed25519 from node:crypto, made on the laptop itself the first time it
 * is needed. The private key never leaves it: it is kept sealed by the app's secret cipher (the operating
 * system's keyring on the desktop, the 0600 key file otherwise), like server passwords, and is never logged,
 * shown or written into a bundle. The public key travels in every bundle and in the enrolment file.
 */

/** One setting holds both halves, so a key and its public half can never come from two different pairs. */
const KEY_SETTING = 'bundles.signingKey';
const StoredKey = z.object({ publicKey: z.string(), sealed: z.string() });

/** Separates bundle signatures from anything else the same key might ever sign. */
const BUNDLE_CONTEXT = Buffer.from('dhis2-ie bundle manifest v2\n', 'utf8');
const ENROLMENT_CONTEXT = Buffer.from('dhis2-ie laptop enrolment v1\n', 'utf8');

/** Raw 32-byte Ed25519 public keys travel as base64 (44 characters). */
const RAW_PUBLIC_KEY = /^[A-Za-z0-9+/]{43}=$/;

export interface SigningKey {
  /** Raw Ed25519 public key, base64. */
  readonly publicKey: string;
  readonly fingerprint: string;
  signManifest(manifestBytes: Buffer): string;
  signEnrolment(statement: Buffer): string;
}

/**
 * What people compare by eye (the laptop's screen against the district's): the first 96 bits of the
 * key's sha256, in six groups of four. A forger would need a key whose hash starts the same: 2^96 tries.
 */
export function fingerprintOf(publicKey: string): string {
  const hex = createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex').slice(0, 24).toUpperCase();
  return hex.match(/.{4}/g)!.join(' ');
}

/** The fingerprint as someone may type it: case, spaces and dashes do not matter. */
export function normaliseFingerprint(text: string): string {
  return text.replace(/[\s-]+/g, '').toUpperCase();
}

export function isRawPublicKey(value: string): boolean {
  return RAW_PUBLIC_KEY.test(value) && Buffer.from(value, 'base64').length === 32;
}

function publicKeyObject(publicKey: string): KeyObject | null {
  if (!isRawPublicKey(publicKey)) return null;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') }, format: 'jwk' });
  } catch {
    return null;
  }
}

function checkSignature(context: Buffer, message: Buffer, publicKey: string, signature: string): boolean {
  const key = publicKeyObject(publicKey);
  if (!key) return false;
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64) return false;
  try {
    return verify(null, Buffer.concat([context, message]), key, bytes);
  } catch {
    return false;
  }
}

export function verifyManifestSignature(manifestBytes: Buffer, publicKey: string, signature: string): boolean {
  return checkSignature(BUNDLE_CONTEXT, manifestBytes, publicKey, signature);
}

export function verifyEnrolmentSignature(statement: Buffer, publicKey: string, signature: string): boolean {
  return checkSignature(ENROLMENT_CONTEXT, statement, publicKey, signature);
}

function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('Ed25519 key without x');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

/** This laptop's key pair, made on first use and kept sealed in the settings table. */
export class SigningKeyStore {
  constructor(
    private readonly settings: SettingsRepo,
    private readonly cipher: SecretCipher,
  ) {}

  /** The public half only (null before the first bundle or enrolment made the key); never needs the cipher. */
  publicKey(): string | null {
    return this.stored()?.publicKey ?? null;
  }

  private stored(): z.infer<typeof StoredKey> | null {
    const text = this.settings.getInternal(KEY_SETTING);
    if (!text) return null;
    try {
      const parsed = StoredKey.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async get(): Promise<SigningKey> {
    const stored = this.stored();
    if (!stored) {
      if (this.settings.getInternal(KEY_SETTING)) throw unreadableKey();
      return this.replace(false);
    }
    let privateKey: KeyObject;
    try {
      const pem = await this.cipher.decrypt(Buffer.from(stored.sealed, 'base64'));
      privateKey = createPrivateKey(pem);
    } catch {
      throw unreadableKey();
    }
    return this.wrap(privateKey, rawPublicKey(createPublicKey(privateKey)));
  }

  /**
   * A new key pair. `force` replaces an existing one (a key thought stolen, or unreadable after the secret
   * store changed); the district then holds this laptop's next bundle until a person approves the new key.
   */
  async replace(force: boolean): Promise<SigningKey> {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const sealed = (await this.cipher.encrypt(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())).toString('base64');
    const raw = rawPublicKey(publicKey);
    // Two processes on one data folder may both make a key at first use: the first one stored wins, the other uses it.
    if (!force && this.settings.getInternal(KEY_SETTING)) return this.get();
    this.settings.setInternal(KEY_SETTING, JSON.stringify({ publicKey: raw, sealed }));
    return this.wrap(privateKey, raw);
  }

  private wrap(privateKey: KeyObject, publicKey: string): SigningKey {
    return signingKeyOf(privateKey, publicKey);
  }
}

/** Signing with a private key held in memory (this laptop's, once unsealed; tests make others to play a forger). */
export function signingKeyOf(privateKey: KeyObject, publicKey = rawPublicKey(createPublicKey(privateKey))): SigningKey {
  return {
    publicKey,
    fingerprint: fingerprintOf(publicKey),
    signManifest: (bytes) => sign(null, Buffer.concat([BUNDLE_CONTEXT, bytes]), privateKey).toString('base64'),
    signEnrolment: (statement) => sign(null, Buffer.concat([ENROLMENT_CONTEXT, statement]), privateKey).toString('base64'),
  };
}

function unreadableKey(): AppError {
  return new AppError(
    'SIGNING_KEY_UNREADABLE',
    "This laptop's bundle signing key cannot be read (the key that protects the app's secrets changed). Make a new one with: dhis2-ie bundle identity --new-key, then enrol this laptop at the district again.",
  );
}
