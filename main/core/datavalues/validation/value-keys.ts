/**
 * The data value keys (data element, period, org unit, option combos) of a file, for finding values
 * written twice. A key is five small numbers (ImportRun ordinals), so keys compare exactly without a string
 * per value. Keys are only written down while the file is read (a hash table probed at random per value
 * costs more than checking the value); the repeats are found once, at the end, by sorting on a hash of the
 * key. A million keys take about 33 MB, and 17 MB more while they are sorted.
 */
export class ValueKeyLog {
  private size = 0;
  /** Entry i: its five key numbers at 5i…5i+4; where it is in the file; the caller's mark. */
  private keys = new Int32Array(5 << 10);
  private indexes = new Uint32Array(1 << 10);
  private lines = new Uint32Array(1 << 10);
  private marks = new Uint8Array(1 << 10);

  get count(): number {
    return this.size;
  }

  add(a: number, b: number, c: number, d: number, e: number, index: number, line: number, mark: number): void {
    const entry = this.size++;
    if (entry === this.indexes.length) this.grow();
    const at = entry * 5;
    const keys = this.keys;
    keys[at] = a;
    keys[at + 1] = b;
    keys[at + 2] = c;
    keys[at + 3] = d;
    keys[at + 4] = e;
    this.indexes[entry] = index;
    this.lines[entry] = line;
    this.marks[entry] = mark;
  }

  index(entry: number): number {
    return this.indexes[entry]!;
  }

  line(entry: number): number {
    return this.lines[entry]!;
  }

  mark(entry: number): number {
    return this.marks[entry]!;
  }

  key(entry: number): [number, number, number, number, number] {
    const at = entry * 5;
    const k = this.keys;
    return [k[at]!, k[at + 1]!, k[at + 2]!, k[at + 3]!, k[at + 4]!];
  }

  /** For every entry, the first entry with the same key: itself when it is the first, else the earlier one (in entry order). */
  firsts(): Int32Array {
    const n = this.size;
    const firsts = new Int32Array(n);
    for (let i = 0; i < n; i++) firsts[i] = i;
    if (n < 2) return firsts;
    // Entries ordered by key hash (a stable radix sort, so equal keys stay in entry order), then runs of equal hashes compared key by key.
    let hashes = new Uint32Array(n);
    let order = new Int32Array(n);
    const k = this.keys;
    for (let i = 0; i < n; i++) {
      const at = i * 5;
      hashes[i] = hash(k[at]!, k[at + 1]!, k[at + 2]!, k[at + 3]!, k[at + 4]!);
      order[i] = i;
    }
    let hashesOut = new Uint32Array(n);
    let orderOut = new Int32Array(n);
    for (const [shift, bits] of PASSES) {
      const mask = (1 << bits) - 1;
      const starts = new Int32Array(mask + 2);
      for (let i = 0; i < n; i++) starts[((hashes[i]! >>> shift) & mask) + 1]!++;
      for (let b = 1; b <= mask + 1; b++) starts[b]! += starts[b - 1]!;
      for (let i = 0; i < n; i++) {
        const to = starts[(hashes[i]! >>> shift) & mask]!++;
        hashesOut[to] = hashes[i]!;
        orderOut[to] = order[i]!;
      }
      [hashes, hashesOut] = [hashesOut, hashes];
      [order, orderOut] = [orderOut, order];
    }
    const distinct: number[] = [];
    for (let start = 0; start < n;) {
      let end = start + 1;
      while (end < n && hashes[end] === hashes[start]) end++;
      if (end - start > 1) {
        distinct.length = 0;
        for (let i = start; i < end; i++) {
          const entry = order[i]!;
          const earlier = distinct.find((other) => this.sameKey(other, entry));
          if (earlier === undefined) distinct.push(entry);
          else firsts[entry] = earlier;
        }
      }
      start = end;
    }
    return firsts;
  }

  private sameKey(x: number, y: number): boolean {
    const k = this.keys;
    const a = x * 5;
    const b = y * 5;
    return k[a] === k[b] && k[a + 1] === k[b + 1] && k[a + 2] === k[b + 2] && k[a + 3] === k[b + 3] && k[a + 4] === k[b + 4];
  }

  private grow(): void {
    // Half again rather than double: this is most of the memory, and it only ever grows.
    const capacity = Math.ceil(this.indexes.length * 1.5);
    const keys = new Int32Array(capacity * 5);
    keys.set(this.keys);
    this.keys = keys;
    const indexes = new Uint32Array(capacity);
    indexes.set(this.indexes);
    this.indexes = indexes;
    const lines = new Uint32Array(capacity);
    lines.set(this.lines);
    this.lines = lines;
    const marks = new Uint8Array(capacity);
    marks.set(this.marks);
    this.marks = marks;
  }
}

/** Three radix passes of at most 11 bits: their counters stay in the fastest cache. */
const PASSES: readonly [number, number][] = [
  [0, 11],
  [11, 11],
  [22, 10],
];

/** Mixes five small numbers into 32 well-spread bits (murmur3's multiply-rotate steps). */
function hash(a: number, b: number, c: number, d: number, e: number): number {
  let h = 0x9747b28c;
  h = mix(h, a);
  h = mix(h, b);
  h = mix(h, c);
  h = mix(h, d);
  h = mix(h, e);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
