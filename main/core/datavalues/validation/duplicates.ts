import type { DataValueRecord } from '../types';
import type { DuplicateReport, DuplicateValue } from './types';
import type { ValueContext } from './value-checks';
import { ValueKeySet } from './value-keys';

export const DUPLICATE_EXPLANATION =
  'DHIS2 2.41 imports both. When the later value comes within the same insert batch as the first (about a thousand values), ' +
  'the server keeps the first and silently drops the later one, counting neither; otherwise the later one overwrites the first ' +
  '(counted as updated). Updates and deletions apply both in file order, so the last wins.';

/** Values whose data element, period, org unit and option combos (as UIDs) an earlier value of the file had. */
export class DuplicateFinder {
  private readonly keys = new ValueKeySet();
  private readonly examples: DuplicateValue[] = [];
  private count = 0;

  constructor(private readonly cap: number) {}

  /** Records a value that will be written; true when an earlier one had its key. */
  see(value: ValueContext, record: DataValueRecord): boolean {
    const ids = [value.dataElement!.id, value.period!.id, value.orgUnit!.id, value.categoryOptionCombo ?? '', value.attributeOptionCombo ?? ''] as const;
    const first = this.keys.add(ids.join('|'), record.index, record.line);
    if (!first) return false;
    this.count++;
    if (this.examples.length < this.cap) {
      const [dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo] = ids;
      this.examples.push({
        dataElement,
        period,
        orgUnit,
        categoryOptionCombo,
        attributeOptionCombo,
        indexes: [first.index, record.index],
        lines: [first.line, record.line],
      });
    }
    return true;
  }

  report(): DuplicateReport {
    return { count: this.count, examples: [...this.examples], explanation: DUPLICATE_EXPLANATION };
  }
}
