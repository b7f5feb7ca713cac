import { ownCopy } from './own-copy';
import type { ValidationNotice } from './types';

/** Notices by message, each counting its values and keeping the first indexes and lines up to the cap. */
export class NoticeBoard {
  private readonly notices = new Map<string, ValidationNotice>();

  constructor(private readonly cap: number) {}

  add(kind: ValidationNotice['kind'], message: string, index: number, line: number): void {
    let notice = this.notices.get(message);
    if (!notice) {
      const kept = ownCopy(message);
      this.notices.set(kept, (notice = { kind, message: kept, count: 0, indexes: [], lines: [] }));
    }
    notice.count++;
    if (index >= 0 && notice.indexes.length < this.cap) {
      notice.indexes.push(index);
      notice.lines.push(line);
    }
  }

  list(): ValidationNotice[] {
    return [...this.notices.values()].map((notice) => ({ ...notice, indexes: [...notice.indexes], lines: [...notice.lines] }));
  }
}
