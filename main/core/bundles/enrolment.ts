import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors';
import { deviceSlug } from './format';
import { fingerprintOf, isRawPublicKey, normaliseFingerprint, verifyEnrolmentSignature, type SigningKey } from './signing';

/**
 * The enrolment file: a laptop's public key, handed to the district while the laptop is being prepared (the
 * trip that brings it the offline laptop package). Its self-signature only proves the file was made by whoever
 * holds the key; what makes it trusted is the person at the district typing the fingerprint the laptop itself
 * shows (`dhis2-ie bundle enrol FILE --fingerprint "…"`): a file swapped on the stick does not match.
 */

export const ENROLMENT_KIND = 'dhis2-ie-enrolment' as const;
const MAX_ENROLMENT_BYTES = 16 * 1024;

export const Enrolment = z
  .object({
    kind: z.literal(ENROLMENT_KIND),
    formatVersion: z.literal(1),
    deviceId: z.string().min(1).max(100),
    deviceName: z.string().max(200),
    publicKey: z.string().max(100),
    createdAt: z.string().max(40),
    signature: z.string().max(200),
  })
  .strict();
export type Enrolment = z.infer<typeof Enrolment>;

/** The signed statement: fixed order, so the same fields always give the same bytes. */
function statement(e: Omit<Enrolment, 'signature'>): Buffer {
  return Buffer.from(JSON.stringify([e.kind, e.formatVersion, e.deviceId, e.deviceName, e.publicKey, e.createdAt]), 'utf8');
}

export function enrolmentFileName(deviceName: string): string {
  return `dhis2-enrol-${deviceSlug(deviceName)}.json`;
}

/** Writes the enrolment file into a folder (temp name, flush, rename): nothing secret, only the public key. */
export function writeEnrolment(folder: string, device: { deviceId: string; name: string }, key: SigningKey): string {
  try {
    if (!statSync(folder).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new AppError('FOLDER_MISSING', `The folder "${folder}" is not there (is the USB drive plugged in?). Choose the drive's folder and try again.`);
  }
  const body = {
    kind: ENROLMENT_KIND,
    formatVersion: 1 as const,
    deviceId: device.deviceId,
    deviceName: device.name,
    publicKey: key.publicKey,
    createdAt: new Date().toISOString(),
  };
  const enrolment: Enrolment = { ...body, signature: key.signEnrolment(statement(body)) };
  const path = join(folder, enrolmentFileName(device.name));
  const part = `${path}.part`;
  writeFileSync(part, `${JSON.stringify(enrolment, null, 1)}\n`);
  const fd = openSync(part, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(part, path);
  return path;
}

/** Reads and checks an enrolment file, and holds its fingerprint against the one the person typed from the laptop's screen. */
export function readEnrolment(path: string, typedFingerprint: string | undefined): Enrolment & { fingerprint: string } {
  const name = basename(path);
  let text: string;
  try {
    if (statSync(path).size > MAX_ENROLMENT_BYTES) throw new AppError('NOT_AN_ENROLMENT', `"${name}" is far larger than an enrolment file; it was not read.`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('FILE_NOT_READABLE', `"${path}" cannot be read (is the USB drive plugged in?).`);
  }
  let parsed;
  try {
    parsed = Enrolment.safeParse(JSON.parse(text));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) {
    throw new AppError('NOT_AN_ENROLMENT', `"${name}" is not a laptop enrolment file (make one on the laptop with: dhis2-ie bundle identity --out DIR).`);
  }
  const e = parsed.data;
  if (!isRawPublicKey(e.publicKey) || !verifyEnrolmentSignature(statement(e), e.publicKey, e.signature)) {
    throw new AppError('ENROLMENT_INVALID', `"${name}" was changed after the laptop wrote it; nothing was enrolled. Make it again on the laptop.`);
  }
  const fingerprint = fingerprintOf(e.publicKey);
  if (typedFingerprint === undefined) {
    throw new AppError(
      'FINGERPRINT_NEEDED',
      `"${name}" holds the key of ${e.deviceName} with fingerprint ${fingerprint}. Check that the laptop shows the same fingerprint (dhis2-ie bundle identity on it), then run this again with --fingerprint "${fingerprint}"; nothing was enrolled yet.`,
    );
  }
  if (normaliseFingerprint(typedFingerprint) !== normaliseFingerprint(fingerprint)) {
    throw new AppError(
      'FINGERPRINT_MISMATCH',
      `The fingerprint given (${typedFingerprint.trim().slice(0, 60)}) is not the one in "${name}" (${fingerprint}). The file may not be the laptop's own; nothing was enrolled. Make the file again on the laptop and compare once more.`,
    );
  }
  return { ...e, fingerprint };
}
