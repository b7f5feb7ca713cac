/**
 * `HashMap<String, String>.toString()` as Java prints it, for DHIS2 messages that include a map ("Invalid
 * attributes: {SEX=F, AGE=U5}"). Java iterates a HashMap by bucket (the spread string hash masked by the
 * table size, which starts at 16 and doubles past three quarters full), and by insertion within a bucket.
 */
export function javaHashMapToString(entries: readonly (readonly [string, string])[]): string {
  let tableSize = 16;
  while (entries.length > tableSize * 0.75) tableSize *= 2;
  const ordered = entries
    .map(([key, value], position) => ({ key, value, position, bucket: spread(javaStringHash(key)) & (tableSize - 1) }))
    .sort((a, b) => a.bucket - b.bucket || a.position - b.position);
  return `{${ordered.map(({ key, value }) => `${key}=${value}`).join(', ')}}`;
}

/** String.hashCode. */
export function javaStringHash(value: string): number {
  let hash = 0;
  for (let i = 0; i < value.length; i++) hash = (Math.imul(hash, 31) + value.charCodeAt(i)) | 0;
  return hash;
}

/** HashMap.hash: the high bits folded into the low ones. */
function spread(hash: number): number {
  return (hash ^ (hash >>> 16)) >>> 0;
}
