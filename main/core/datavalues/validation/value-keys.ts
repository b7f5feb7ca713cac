/**
 * The data value keys (data element, period, org unit, option combos) of a file, for finding values
 * written twice. A key is five small numbers (ImportRun ordinals), so keys compare exactly without a string
 * per value. Keys are only written down while the file is read (a hash table probed at random per value
 * costs more than checking the value); the repeats are found once, at the end, by grouping on a hash of the
 * key. The hash and the size of each group are worked out as keys are written, in the reading loop that is
 * already fast, so the end is one pass to group and one through a small table: run once on a cold
 * process, a loop over a million keys costs its own compilation, and each loop saved at the end saves that too.
 * A million keys take about 37 MB, and 8 MB more at the end (12 when keys repeat). They are kept in pages of 64K
 * entries, so that growing never copies them nor holds half as much again in reserve.
 */
export class ValueKeyLog {
  private size = 0;
  /** Entry i is in page i >> 16, at i & 0xffff: its five key numbers at 5j…5j+4; their hash; where it is in the file; the caller's mark. */
  private readonly keyPages: Int32Array[] = [];
  private readonly hashPages: Uint32Array[] = [];
  private readonly indexPages: Uint32Array[] = [];
  private readonly linePages: Uint32Array[] = [];
  private readonly markPages: Uint8Array[] = [];
  /** The last page, written into by `add`, and how many entries it has room for. */
  private keys: Int32Array = new Int32Array(0);
  private hashes: Uint32Array = new Uint32Array(0);
  private indexes: Uint32Array = new Uint32Array(0);
  private lines: Uint32Array = new Uint32Array(0);
  private marks: Uint8Array = new Uint8Array(0);
  private room = 0;
  /** How many entries each group (see repeats) has, counted as keys come. */
  private readonly groupSizes = new Int32Array(GROUPS);

  get count(): number {
    return this.size;
  }

  add(a: number, b: number, c: number, d: number, e: number, index: number, line: number, mark: number): void {
    const entry = this.size++;
    const slot = entry & PAGE_MASK;
    if (slot === 0 || slot === this.room) this.makeRoom(entry);
    const at = slot * 5;
    const keys = this.keys;
    keys[at] = a;
    keys[at + 1] = b;
    keys[at + 2] = c;
    keys[at + 3] = d;
    keys[at + 4] = e;
    const h = hash(a, b, c, d, e);
    this.hashes[slot] = h;
    this.groupSizes[h >>> GROUP_SHIFT]!++;
    this.indexes[slot] = index;
    this.lines[slot] = line;
    this.marks[slot] = mark;
  }

  private makeRoom(entry: number): void {
    const page = entry >>> PAGE_BITS;
    if (page === this.keyPages.length) this.addPage();
    else this.growFirstPage();
    this.keys = this.keyPages[page]!;
    this.hashes = this.hashPages[page]!;
    this.indexes = this.indexPages[page]!;
    this.lines = this.linePages[page]!;
    this.marks = this.markPages[page]!;
    this.room = this.indexes.length;
  }

  index(entry: number): number {
    return this.indexPages[entry >>> PAGE_BITS]![entry & PAGE_MASK]!;
  }

  line(entry: number): number {
    return this.linePages[entry >>> PAGE_BITS]![entry & PAGE_MASK]!;
  }

  mark(entry: number): number {
    return this.markPages[entry >>> PAGE_BITS]![entry & PAGE_MASK]!;
  }

  key(entry: number): [number, number, number, number, number] {
    const k = this.keyPages[entry >>> PAGE_BITS]!;
    const at = (entry & PAGE_MASK) * 5;
    return [k[at]!, k[at + 1]!, k[at + 2]!, k[at + 3]!, k[at + 4]!];
  }

  /**
   * The repeats: for every entry whose key an earlier entry has, the first entry with that key; -1 for every other
   * entry. Null when no key repeats (the usual file), so that nothing a million entries long is made or read for them.
   */
  repeats(): Int32Array | null {
    const n = this.size;
    let firsts: Int32Array | null = null;
    // Entries grouped by the top bits of their key hash: one stable scatter, so each group keeps entry order.
    const counts = this.groupSizes;
    const starts = new Int32Array(GROUPS + 1);
    let largest = 0;
    for (let group = 0; group < GROUPS; group++) {
      const size = counts[group]!;
      starts[group + 1] = starts[group]! + size;
      if (size > largest) largest = size;
    }
    const hashes = new Uint32Array(n);
    const order = new Int32Array(n);
    const next = starts.slice(0, GROUPS);
    for (let page = 0; page < this.hashPages.length; page++) {
      const pageHashes = this.hashPages[page]!;
      const first = page << PAGE_BITS;
      const size = Math.min(pageHashes.length, n - first);
      for (let slot = 0; slot < size; slot++) {
        const h = pageHashes[slot]!;
        const to = next[h >>> GROUP_SHIFT]!++;
        hashes[to] = h;
        order[to] = first + slot;
      }
    }
    // Each group then goes through a small hash table on the hash's low bits, sized for the largest group so that it
    // stays in the fastest cache. It holds positions in `order` plus one; a position before the group's start is one
    // left by an earlier group, and counts as empty (so the table is never cleared).
    let tableSize = 16;
    while (tableSize < 2 * largest) tableSize *= 2;
    const table = new Int32Array(tableSize);
    const mask = tableSize - 1;
    for (let group = 0; group < GROUPS; group++) {
      const from = starts[group]!;
      const to = starts[group + 1]!;
      for (let at = from; at < to; at++) {
        const h = hashes[at]!;
        const entry = order[at]!;
        for (let slot = h & mask; ; slot = (slot + 1) & mask) {
          const held = table[slot]! - 1;
          if (held < from) {
            table[slot] = at + 1;
            break;
          }
          if (hashes[held] === h && this.sameKey(order[held]!, entry)) {
            (firsts ??= new Int32Array(n).fill(-1))[entry] = order[held]!;
            break;
          }
        }
      }
    }
    return firsts;
  }

  private sameKey(x: number, y: number): boolean {
    const k = this.keyPages[x >>> PAGE_BITS]!;
    const l = this.keyPages[y >>> PAGE_BITS]!;
    const a = (x & PAGE_MASK) * 5;
    const b = (y & PAGE_MASK) * 5;
    return k[a] === l[b] && k[a + 1] === l[b + 1] && k[a + 2] === l[b + 2] && k[a + 3] === l[b + 3] && k[a + 4] === l[b + 4];
  }

  private addPage(): void {
    // The first page starts small: most files have a few thousand values.
    const size = this.keyPages.length === 0 ? 1 << 12 : PAGE_SIZE;
    this.keyPages.push(new Int32Array(size * 5));
    this.hashPages.push(new Uint32Array(size));
    this.indexPages.push(new Uint32Array(size));
    this.linePages.push(new Uint32Array(size));
    this.markPages.push(new Uint8Array(size));
  }

  /** The small first page becomes a whole one once it is full. */
  private growFirstPage(): void {
    const keys = new Int32Array(PAGE_SIZE * 5);
    keys.set(this.keyPages[0]!);
    this.keyPages[0] = keys;
    const hashes = new Uint32Array(PAGE_SIZE);
    hashes.set(this.hashPages[0]!);
    this.hashPages[0] = hashes;
    const indexes = new Uint32Array(PAGE_SIZE);
    indexes.set(this.indexPages[0]!);
    this.indexPages[0] = indexes;
    const lines = new Uint32Array(PAGE_SIZE);
    lines.set(this.linePages[0]!);
    this.linePages[0] = lines;
    const marks = new Uint8Array(PAGE_SIZE);
    marks.set(this.markPages[0]!);
    this.markPages[0] = marks;
  }
}

const PAGE_BITS = 16;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

/** repeats groups entries by the top 11 bits of their hash: about 500 entries a group for a million values. */
const GROUP_BITS = 11;
const GROUPS = 1 << GROUP_BITS;
const GROUP_SHIFT = 32 - GROUP_BITS;

/**
 * Spreads five small numbers over 32 bits: each multiplied by its own odd constant, then murmur3's final
 * mix. Equal hashes are only a hint (keys are compared in full), so this need not be more than well spread.
 */
function hash(a: number, b: number, c: number, d: number, e: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d) ^ Math.imul(d, 0x27d4eb2f) ^ Math.imul(e, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
