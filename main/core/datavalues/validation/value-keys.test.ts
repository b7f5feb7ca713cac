import { describe, expect, it } from 'vitest';
import { ValueKeyLog } from './value-keys';

describe('ValueKeyLog', () => {
  it('points every key at its first entry, exactly, across page boundaries', () => {
    let state = 5;
    const next = (below: number) => Math.floor(((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) * below);
    // More entries than two pages (of 65,536) and few enough distinct keys for plenty of repeats.
    const count = 150_000;
    const log = new ValueKeyLog();
    const firstOf = new Map<string, number>();
    const expected: number[] = [];
    for (let i = 0; i < count; i++) {
      const key = [next(50), next(40), next(30), 1 + next(3), 7] as const;
      log.add(...key, i * 2, i + 2, i % 3);
      const text = key.join(',');
      if (!firstOf.has(text)) firstOf.set(text, i);
      expected.push(firstOf.get(text) === i ? -1 : firstOf.get(text)!);
    }
    const firsts = log.repeats();
    expect(log.count).toBe(count);
    expect(Array.from(firsts ?? [])).toEqual(expected);
    expect(expected.filter((first) => first !== -1).length).toBeGreaterThan(count / 4);
    for (const entry of [0, 4095, 4096, 65_535, 65_536, 131_072, count - 1]) {
      expect([log.index(entry), log.line(entry), log.mark(entry)]).toEqual([entry * 2, entry + 2, entry % 3]);
    }
  });

  it('finds the few repeats among many distinct keys, and none where there are none', () => {
    const distinct = new ValueKeyLog();
    const withRepeats = new ValueKeyLog();
    const count = 300_000;
    for (let i = 0; i < count; i++) {
      const key = [1 + (i % 200), 1 + Math.floor(i / 200), 3, 4, 5] as const;
      distinct.add(...key, i, i, 0);
      withRepeats.add(...key, i, i, 0);
    }
    // Repeats of an early, a middle and the last key, far from their first.
    withRepeats.add(1, 1, 3, 4, 5, count, count, 1);
    withRepeats.add(101, 750, 3, 4, 5, count + 1, count + 1, 1);
    withRepeats.add(200, 1500, 3, 4, 5, count + 2, count + 2, 1);
    expect(distinct.repeats()).toBeNull();
    const firsts = withRepeats.repeats()!;
    expect(Array.from(firsts.subarray(count))).toEqual([0, 149_900, count - 1]);
    expect(firsts.subarray(0, count).every((first) => first === -1)).toBe(true);
  });

  it('tells keys apart that differ in any one number, including keys whose hashes collide', () => {
    const log = new ValueKeyLog();
    const keys: [number, number, number, number, number][] = [
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 6],
      [0, 2, 3, 4, 5],
      [1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1],
      [1, 2, 3, 0, 5],
      [1, 2, 3, 4, 6],
    ];
    keys.forEach((key, i) => log.add(...key, i, i, 0));
    expect(Array.from(log.repeats()!)).toEqual([-1, -1, -1, 0, -1, -1, 1]);
    expect(new ValueKeyLog().repeats()).toBeNull();
  });
});
