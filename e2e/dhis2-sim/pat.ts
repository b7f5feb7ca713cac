import { createHash, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Personal access tokens as DHIS2 2.41 makes and checks them
 * (dhis-api .../security/apikey/{ApiTokenType,ApiKeyTokenGenerator}.java, common/{CRC32Utils,Base62}.java).
 */

export type PatVersion = 1 | 2;
export type PatType = 'PERSONAL_ACCESS_TOKEN_V1' | 'PERSONAL_ACCESS_TOKEN_V2';

interface PatSpec {
  type: PatType;
  version: PatVersion;
  prefix: string;
  codeLength: number;
  checksum: 'CRC32' | 'CRC32_B62';
}

const PAT_SPECS: readonly PatSpec[] = [
  { type: 'PERSONAL_ACCESS_TOKEN_V1', version: 1, prefix: 'd2pat', codeLength: 32, checksum: 'CRC32' },
  { type: 'PERSONAL_ACCESS_TOKEN_V2', version: 2, prefix: 'd2p', codeLength: 44, checksum: 'CRC32_B62' },
];

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALPHANUMERIC = `0123456789${LETTERS}`;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** ApiTokenType.fromToken: the prefix is everything before the first underscore. */
export function patSpecOf(token: string): PatSpec | null {
  const underscore = token.indexOf('_');
  if (underscore < 0) return null;
  const prefix = token.slice(0, underscore);
  return PAT_SPECS.find((spec) => spec.prefix === prefix) ?? null;
}

/**
 * CRC32Utils.generateCRC32Checksum hashes `Charset.encode(chars).array()`, the encoder's whole backing
 * array, which the UTF-8 encoder sizes at (int)(length * 1.1f). So the CRC covers the code plus trailing
 * zero bytes (4 for a 44-char V2 code, 3 for a 32-char V1 code). The token fixtures in
 * ApiKeyTokenGeneratorTest only validate with those zeros included, so real clients' tokens need them too.
 */
export function dhis2Crc32(code: string): number {
  const bytes = Buffer.from(code, 'utf8');
  const allocated = Math.trunc(Math.fround(code.length * Math.fround(1.1)));
  const buffer = Buffer.alloc(Math.max(allocated, bytes.length));
  bytes.copy(buffer);
  return crc32(buffer) >>> 0;
}

/** Base62.encodeUnsigned32bitToBase62: fixed width 6, left-padded with '0'. */
export function base62Unsigned32(value: number): string {
  let rest = value;
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = BASE62.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

function checksumFor(spec: PatSpec, code: string): string {
  const crc = dhis2Crc32(code);
  return spec.checksum === 'CRC32' ? String(crc).padStart(10, '0') : base62Unsigned32(crc);
}

/** Java's Long.parseLong, which the V1 check uses: optional sign, decimal digits, 64-bit range. */
function parseJavaLong(text: string): bigint | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const value = BigInt(text);
  if (value > 9223372036854775807n || value < -9223372036854775808n) return null;
  return value;
}

/**
 * ApiKeyTokenGenerator.isValidTokenChecksum, where every exception it can throw (unknown prefix, token
 * too short, unparsable checksum) counts as a failed check, as ApiTokenResolver.validateChecksum does.
 */
export function isValidPatChecksum(token: string): boolean {
  const spec = patSpecOf(token);
  if (!spec) return false;
  const codeStart = spec.prefix.length + 1;
  const checksumStart = codeStart + spec.codeLength;
  if (token.length < checksumStart) return false;
  const code = token.slice(codeStart, checksumStart);
  const checksum = token.slice(checksumStart);
  const crc = dhis2Crc32(code);
  if (spec.checksum === 'CRC32') return parseJavaLong(checksum) === BigInt(crc);
  return base62Unsigned32(crc) === checksum;
}

/** A new token in DHIS2's format: prefix, underscore, secure-random code (letter first), checksum. */
export function generatePat(version: PatVersion = 2): string {
  const spec = PAT_SPECS.find((candidate) => candidate.version === version);
  if (!spec) throw new Error(`Unknown personal access token version ${String(version)}; use 1 or 2`);
  let code = LETTERS.charAt(randomInt(LETTERS.length));
  while (code.length < spec.codeLength) code += ALPHANUMERIC.charAt(randomInt(ALPHANUMERIC.length));
  return `${spec.prefix}_${code}${checksumFor(spec, code)}`;
}

/** The server keeps only this hash (ApiKeyTokenGenerator.hashToken, SHA-256 for both versions). */
export function hashPat(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
