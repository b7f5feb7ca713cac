import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The slice of @dhis2/multi-calendar-dates that period handling uses, typed here because the package's
 * types pull in React hooks.
 *
 * It is loaded through `require`: Node's ESM loader (which vitest uses for node_modules) cannot load the
 * package's ES build, whose files import directories; its CommonJS build loads everywhere. `__filename`
 * exists both in the esbuild CommonJS bundle and under vitest; plain Node ESM falls back to the working
 * directory, which is the app root when it matters.
 */

/** The library's names for period types (a subset of its `periodTypes`). */
export type LibraryPeriodType =
  | 'DAILY'
  | 'WEEKLY'
  | 'WEEKLYWED'
  | 'WEEKLYTHU'
  | 'WEEKLYSAT'
  | 'WEEKLYSUN'
  | 'BIWEEKLY'
  | 'MONTHLY'
  | 'BIMONTHLY'
  | 'QUARTERLY'
  | 'QUARTERLYNOV'
  | 'SIXMONTHLY'
  | 'SIXMONTHLYAPR'
  | 'SIXMONTHLYNOV'
  | 'YEARLY'
  | 'FYAPR'
  | 'FYJUL'
  | 'FYOCT'
  | 'FYNOV';

export interface LibraryPeriod {
  periodType: string;
  id: string;
  /** In the calendar the period was made in, `yyyy-MM-dd`. */
  startDate: string;
  endDate: string;
}

interface CalendarDates {
  createFixedPeriodFromPeriodId(args: { periodId: string; calendar: string }): LibraryPeriod;
  getFixedPeriodByDate(args: { periodType: LibraryPeriodType; date: string; calendar: string }): LibraryPeriod;
  generateFixedPeriods(args: { periodType: LibraryPeriodType; year: number; calendar: string; yearsCount?: number }): LibraryPeriod[];
  convertToIso8601(date: string, calendar: string): { year: number; month: number; day: number };
  convertFromIso8601(date: string, calendar: string): { year: number; month: number; day: number };
}

let loaded: CalendarDates | null = null;

export function calendarDates(): CalendarDates {
  if (!loaded) {
    const base = typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js');
    loaded = createRequire(base)('@dhis2/multi-calendar-dates') as CalendarDates;
  }
  return loaded;
}
