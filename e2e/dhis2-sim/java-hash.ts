/**
 * The iteration order of a java.util.HashMap with String keys: DHIS2 writes some attribute lists
 * (ADX category attributes) straight from a HashMap, so their order is the bucket order.
 */

/** String.hashCode(). */
export function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Entries in the order a HashMap filled with them in this order iterates them (default capacity, growing at 0.75 load). */
export function javaHashMapOrder<T>(entries: readonly (readonly [string, T])[]): [string, T][] {
  const unique = new Map<string, T>();
  for (const [key, value] of entries) unique.set(key, value);
  let capacity = 16;
  while (unique.size > capacity * 0.75) capacity *= 2;
  const buckets = new Map<number, [string, T][]>();
  for (const [key, value] of unique) {
    const h = javaStringHash(key);
    const bucket = (h ^ (h >>> 16)) & (capacity - 1);
    const list = buckets.get(bucket) ?? [];
    list.push([key, value]);
    buckets.set(bucket, list);
  }
  return [...buckets.keys()].sort((a, b) => a - b).flatMap((bucket) => buckets.get(bucket) ?? []);
}
