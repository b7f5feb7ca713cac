import type { DataValueRecord } from '../types';
import type { DuplicateReport, DuplicateValue } from './types';
import type { ValueContext } from './value-context';
import { ValueKeyLog } from './value-keys';

export const DUPLICATE_EXPLANATION =
  'DHIS2 2.41 imports both. When the later value comes within the same insert batch as the first (about a thousand values), ' +
  'the server keeps the first and silently drops the later one, counting neither; otherwise the later one overwrites the first ' +
  '(counted as updated). Updates and deletions apply both in file order, so the last wins.';

export interface DuplicateOutcome {
  report: DuplicateReport;
  /** How many repeats carried each mark given to `see` (index: the mark). */
  marked: number[];
}

/**
 * Values whose data element, period, org unit and option combos (as UIDs) an earlier value of the file had.
 * Keys are noted as the values come and compared once the file is read (see ValueKeyLog), so a value's
 * verdict comes at the end: `see` takes a mark that `finish` counts for the repeats, for undoing what was
 * counted for them.
 */
export class DuplicateFinder {
  private readonly keys = new ValueKeyLog();

  /** `idOf` turns the ordinals of the values' keys back into their ids. */
  constructor(
    private readonly cap: number,
    private readonly idOf: (ordinal: number) => string = () => '',
  ) {}

  /** Notes a value that will be written. */
  see(value: ValueContext, record: DataValueRecord, mark = 0): void {
    const o = value.ordinals;
    this.keys.add(o.dataElement, o.period, o.orgUnit, o.categoryOptionCombo, o.attributeOptionCombo, record.index, record.line, mark);
  }

  finish(): DuplicateOutcome {
    const keys = this.keys;
    const firsts = keys.repeats() ?? new Int32Array(0);
    const examples: DuplicateValue[] = [];
    const marked: number[] = [];
    let count = 0;
    for (let entry = 0; entry < firsts.length; entry++) {
      const first = firsts[entry]!;
      if (first === -1) continue;
      count++;
      const mark = keys.mark(entry);
      marked[mark] = (marked[mark] ?? 0) + 1;
      if (examples.length >= this.cap) continue;
      const [dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo] = keys.key(entry).map(this.idOf) as [
        string,
        string,
        string,
        string,
        string,
      ];
      examples.push({
        dataElement,
        period,
        orgUnit,
        categoryOptionCombo,
        attributeOptionCombo,
        indexes: [keys.index(first), keys.index(entry)],
        lines: [keys.line(first), keys.line(entry)],
      });
    }
    return { report: { count, examples, explanation: DUPLICATE_EXPLANATION }, marked };
  }
}
