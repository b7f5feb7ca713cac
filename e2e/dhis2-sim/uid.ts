import { createHash, randomInt } from 'node:crypto';

// CodeGenerator.java: first char a letter, then 10 letters or digits.
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALPHANUMERIC = `0123456789${LETTERS}`;

export const UID_LENGTH = 11;
export const UID_REGEX = /^[a-zA-Z][a-zA-Z0-9]{10}$/;

export function isValidUid(value: string): boolean {
  return UID_REGEX.test(value);
}

export function generateUid(): string {
  let uid = LETTERS.charAt(randomInt(LETTERS.length));
  for (let i = 1; i < UID_LENGTH; i++) uid += ALPHANUMERIC.charAt(randomInt(ALPHANUMERIC.length));
  return uid;
}

/** A UID that is the same every run for the same seed text, so derived objects keep stable ids across restarts. */
export function stableUid(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let uid = LETTERS.charAt((bytes[0] ?? 0) % LETTERS.length);
  for (let i = 1; i < UID_LENGTH; i++) uid += ALPHANUMERIC.charAt((bytes[i] ?? 0) % ALPHANUMERIC.length);
  return uid;
}
