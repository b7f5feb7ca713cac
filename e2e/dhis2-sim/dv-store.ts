/**
 * The datavalue table: one row per data element, period, org unit, category option combo and
 * attribute option combo (UIDs and the canonical ISO period), with DHIS2's bookkeeping columns.
 * Deletion is soft, as in DHIS2: the row stays with deleted=true.
 */

export interface StoredDataValue {
  dataElement: string;
  /** Canonical ISO period: "202401", "2024W5". */
  period: string;
  orgUnit: string;
  categoryOptionCombo: string;
  attributeOptionCombo: string;
  value: string | null;
  storedBy: string;
  /** Epoch milliseconds. */
  created: number;
  lastUpdated: number;
  comment: string | null;
  followup: boolean;
  deleted: boolean;
}

export interface DataValueFilter {
  dataElement?: string | readonly string[];
  period?: string | readonly string[];
  orgUnit?: string | readonly string[];
  categoryOptionCombo?: string | readonly string[];
  attributeOptionCombo?: string | readonly string[];
  /** Default false: soft-deleted rows are left out unless asked for. */
  includeDeleted?: boolean;
}

/** A stable text key of a value's identity (the engine's unflushed-batch map uses it). */
export function dataValueKey(de: string, pe: string, ou: string, coc: string, aoc: string): string {
  return `${de}|${pe}|${ou}|${coc}|${aoc}`;
}

function matcher(wanted: string | readonly string[] | undefined): (value: string) => boolean {
  if (wanted === undefined) return () => true;
  const set = new Set(typeof wanted === 'string' ? [wanted] : wanted);
  return (value) => set.has(value);
}

const INITIAL_CAPACITY = 1024;

/**
 * A copy that does not point into the text it was cut from: V8 slices of 13 or more characters keep
 * their whole parent string (a 64 KB chunk of the request) alive.
 */
function own(text: string): string;
function own(text: string | null): string | null;
function own(text: string | null): string | null {
  return text === null || text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}

/**
 * Rows are kept column-wise (typed arrays, identifiers interned to numbers) so a million values
 * cost a few hundred megabytes less than a million objects; reads hand out plain objects.
 */
export class DataValueStore {
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  private capacity = INITIAL_CAPACITY;
  private count = 0;
  private parts = new Int32Array(INITIAL_CAPACITY * 6);
  private times = new Float64Array(INITIAL_CAPACITY * 2);
  private flags = new Uint8Array(INITIAL_CAPACITY);
  private readonly texts: (string | null)[] = [];
  private readonly comments: (string | null)[] = [];

  get size(): number {
    return this.count;
  }

  private intern(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      const copy = own(name);
      this.names.push(copy);
      this.ids.set(copy, id);
    }
    return id;
  }

  private keyOf(de: string, pe: string, ou: string, coc: string, aoc: string, create: boolean): string | null {
    const parts = [de, pe, ou, coc, aoc];
    let key = '';
    for (const part of parts) {
      const id = create ? this.intern(part) : this.ids.get(part);
      if (id === undefined) return null;
      key += `${id.toString(36)}|`;
    }
    return key;
  }

  private grow(): void {
    this.capacity *= 2;
    const parts = new Int32Array(this.capacity * 6);
    parts.set(this.parts);
    this.parts = parts;
    const times = new Float64Array(this.capacity * 2);
    times.set(this.times);
    this.times = times;
    const flags = new Uint8Array(this.capacity);
    flags.set(this.flags);
    this.flags = flags;
  }

  private row(at: number): StoredDataValue {
    const p = at * 6;
    const name = (offset: number) => this.names[this.parts[p + offset] ?? 0] ?? '';
    const flags = this.flags[at] ?? 0;
    return {
      dataElement: name(0),
      period: name(1),
      orgUnit: name(2),
      categoryOptionCombo: name(3),
      attributeOptionCombo: name(4),
      value: this.texts[at] ?? null,
      storedBy: name(5),
      created: this.times[at * 2] ?? 0,
      lastUpdated: this.times[at * 2 + 1] ?? 0,
      comment: this.comments[at] ?? null,
      followup: (flags & 1) !== 0,
      deleted: (flags & 2) !== 0,
    };
  }

  get(de: string, pe: string, ou: string, coc: string, aoc: string): StoredDataValue | undefined {
    const key = this.keyOf(de, pe, ou, coc, aoc, false);
    const at = key === null ? undefined : this.index.get(key);
    return at === undefined ? undefined : this.row(at);
  }

  has(row: StoredDataValue): boolean {
    const key = this.keyOf(row.dataElement, row.period, row.orgUnit, row.categoryOptionCombo, row.attributeOptionCombo, false);
    return key !== null && this.index.has(key);
  }

  /** Inserts the row, or overwrites the one with the same identity. */
  put(row: StoredDataValue): void {
    const key = this.keyOf(row.dataElement, row.period, row.orgUnit, row.categoryOptionCombo, row.attributeOptionCombo, true) ?? '';
    let at = this.index.get(key);
    if (at === undefined) {
      if (this.count === this.capacity) this.grow();
      at = this.count++;
      this.index.set(key, at);
    }
    const p = at * 6;
    this.parts[p] = this.intern(row.dataElement);
    this.parts[p + 1] = this.intern(row.period);
    this.parts[p + 2] = this.intern(row.orgUnit);
    this.parts[p + 3] = this.intern(row.categoryOptionCombo);
    this.parts[p + 4] = this.intern(row.attributeOptionCombo);
    this.parts[p + 5] = this.intern(row.storedBy);
    this.times[at * 2] = row.created;
    this.times[at * 2 + 1] = row.lastUpdated;
    this.flags[at] = (row.followup ? 1 : 0) | (row.deleted ? 2 : 0);
    this.texts[at] = own(row.value);
    this.comments[at] = own(row.comment);
  }

  clear(): void {
    this.index.clear();
    this.names.length = 0;
    this.ids.clear();
    this.capacity = INITIAL_CAPACITY;
    this.count = 0;
    this.parts = new Int32Array(INITIAL_CAPACITY * 6);
    this.times = new Float64Array(INITIAL_CAPACITY * 2);
    this.flags = new Uint8Array(INITIAL_CAPACITY);
    this.texts.length = 0;
    this.comments.length = 0;
  }

  /** Rows in insertion order, the order a table scan would give. */
  *values(): Generator<StoredDataValue> {
    for (let at = 0; at < this.count; at++) yield this.row(at);
  }

  find(de: string, pe: string, ou: string, coc: string, aoc: string): StoredDataValue | undefined {
    return this.get(de, pe, ou, coc, aoc);
  }

  query(filter: DataValueFilter = {}): StoredDataValue[] {
    const de = matcher(filter.dataElement);
    const pe = matcher(filter.period);
    const ou = matcher(filter.orgUnit);
    const coc = matcher(filter.categoryOptionCombo);
    const aoc = matcher(filter.attributeOptionCombo);
    const out: StoredDataValue[] = [];
    for (const row of this.values()) {
      if (row.deleted && !filter.includeDeleted) continue;
      if (de(row.dataElement) && pe(row.period) && ou(row.orgUnit) && coc(row.categoryOptionCombo) && aoc(row.attributeOptionCombo)) out.push(row);
    }
    return out;
  }
}

/** CompleteDataSetRegistration rows written by completeDate on import. */
export interface Registration {
  dataSet: string;
  period: string;
  orgUnit: string;
  attributeOptionCombo: string;
  /** The completion day, UTC midnight. */
  date: number;
  storedBy: string;
  lastUpdated: number;
  completed: boolean;
}

export function registrationKey(ds: string, pe: string, ou: string, aoc: string): string {
  return `${ds}|${pe}|${ou}|${aoc}`;
}
