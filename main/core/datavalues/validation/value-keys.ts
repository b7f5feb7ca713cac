/**
 * Which data value keys (data element, period, org unit, option combos) a file has had so far, for finding
 * values written twice. A million keys as strings would cost a hundred megabytes; this keeps two 32-bit
 * hashes of each (a false match is about one in 10^7 for a million values) with where it was first seen,
 * in typed arrays: about 32 bytes a value.
 */
export class ValueKeySet {
  private capacity = 1 << 12;
  private size = 0;
  private first = new Uint32Array(this.capacity);
  private second = new Uint32Array(this.capacity);
  private indexes = new Uint32Array(this.capacity);
  private lines = new Uint32Array(this.capacity);
  private used = new Uint8Array(this.capacity);

  /** Records a key; when it was seen before, returns where it was first seen (and keeps that). */
  add(key: string, index: number, line: number): { index: number; line: number } | null {
    const [a, b] = hashes(key);
    const mask = this.capacity - 1;
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      if (!this.used[slot]) {
        this.used[slot] = 1;
        this.first[slot] = a;
        this.second[slot] = b;
        this.indexes[slot] = index;
        this.lines[slot] = line;
        if (++this.size * 2 > this.capacity) this.grow();
        return null;
      }
      if (this.first[slot] === a && this.second[slot] === b) return { index: this.indexes[slot]!, line: this.lines[slot]! };
    }
  }

  private grow(): void {
    const old = { first: this.first, second: this.second, indexes: this.indexes, lines: this.lines, used: this.used };
    this.capacity *= 2;
    this.first = new Uint32Array(this.capacity);
    this.second = new Uint32Array(this.capacity);
    this.indexes = new Uint32Array(this.capacity);
    this.lines = new Uint32Array(this.capacity);
    this.used = new Uint8Array(this.capacity);
    const mask = this.capacity - 1;
    for (let i = 0; i < old.used.length; i++) {
      if (!old.used[i]) continue;
      let slot = old.first[i]! & mask;
      while (this.used[slot]) slot = (slot + 1) & mask;
      this.used[slot] = 1;
      this.first[slot] = old.first[i]!;
      this.second[slot] = old.second[i]!;
      this.indexes[slot] = old.indexes[i]!;
      this.lines[slot] = old.lines[i]!;
    }
  }
}

/** FNV-1a and a multiplicative hash, independent enough to act as one 64-bit hash. */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  return [a >>> 0, b >>> 0];
}
