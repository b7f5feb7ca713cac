/**
 * DHIS2 periods on the ISO calendar, as 2.41 parses and prints them (DateUnitType patterns,
 * DateUnitPeriodTypeParser, the *PeriodType classes). Dates are UTC midnights in epoch milliseconds:
 * the simulated server runs in Etc/UTC, so a date is a day.
 */

export const PERIOD_TYPES = [
  'Daily',
  'Weekly',
  'WeeklyWednesday',
  'WeeklyThursday',
  'WeeklySaturday',
  'WeeklySunday',
  'BiWeekly',
  'Monthly',
  'BiMonthly',
  'Quarterly',
  'QuarterlyNov',
  'SixMonthly',
  'SixMonthlyApril',
  'SixMonthlyNov',
  'Yearly',
  'FinancialApril',
  'FinancialJuly',
  'FinancialOct',
  'FinancialNov',
] as const;

export type PeriodTypeName = (typeof PERIOD_TYPES)[number];

export interface Period {
  type: PeriodTypeName;
  /** Canonical ISO string: "202401", "2024W5", "2024Q1". */
  iso: string;
  /** First day, UTC midnight. */
  start: number;
  /** Last day, UTC midnight. */
  end: number;
}

const DAY = 86_400_000;

export function utcDate(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day);
}

/** Today as a UTC midnight. */
export function today(now = Date.now()): number {
  return Math.floor(now / DAY) * DAY;
}

export function addDays(date: number, days: number): number {
  return date + days * DAY;
}

function addMonths(date: number, months: number): number {
  const d = new Date(date);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d.getUTCDate(), lastDay));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** yyyy-MM-dd of a UTC midnight. */
export function isoDay(date: number): string {
  return new Date(date).toISOString().slice(0, 10);
}

function ymd(date: number): { y: number; m: number; d: number } {
  const value = new Date(date);
  return { y: value.getUTCFullYear(), m: value.getUTCMonth() + 1, d: value.getUTCDate() };
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const value = new Date(Date.UTC(y, m - 1, d));
  return value.getUTCFullYear() === y && value.getUTCMonth() === m - 1 && value.getUTCDate() === d;
}

// -------------------------------------------------------------------------------------------------
// Weeks: week 1 is the week (from the type's first weekday) that holds 4 January (WeekFields min 4 days).
// -------------------------------------------------------------------------------------------------

const WEEK_START: Record<string, number> = { Weekly: 1, WeeklyWednesday: 3, WeeklyThursday: 4, WeeklySaturday: 6, WeeklySunday: 0, BiWeekly: 1 };
const WEEK_PREFIX: Record<string, string> = { Weekly: 'W', WeeklyWednesday: 'WedW', WeeklyThursday: 'ThuW', WeeklySaturday: 'SatW', WeeklySunday: 'SunW' };

function startOfWeek(date: number, weekday: number): number {
  const shift = (new Date(date).getUTCDay() - weekday + 7) % 7;
  return addDays(date, -shift);
}

function firstWeekStart(year: number, weekday: number): number {
  return startOfWeek(utcDate(year, 1, 4), weekday);
}

/** Week-based year and week number of the week starting at `start`. */
function weekNumber(start: number, weekday: number): { year: number; week: number } {
  const { y } = ymd(addDays(start, 3));
  let year = y;
  let first = firstWeekStart(year, weekday);
  if (start < first) {
    year -= 1;
    first = firstWeekStart(year, weekday);
  } else if (start >= firstWeekStart(year + 1, weekday)) {
    year += 1;
    first = firstWeekStart(year, weekday);
  }
  return { year, week: Math.round((start - first) / (7 * DAY)) + 1 };
}

function weeksInYear(year: number, weekday: number): number {
  return Math.round((firstWeekStart(year + 1, weekday) - firstWeekStart(year, weekday)) / (7 * DAY));
}

// -------------------------------------------------------------------------------------------------
// Period of a type containing a date.
// -------------------------------------------------------------------------------------------------

function monthSpan(type: PeriodTypeName, startYear: number, startMonth: number, months: number, iso: string): Period {
  const start = utcDate(startYear, startMonth, 1);
  return { type, iso, start, end: addDays(addMonths(start, months), -1) };
}

export function periodContaining(type: PeriodTypeName, date: number): Period {
  const { y, m } = ymd(date);
  switch (type) {
    case 'Daily': {
      const { d } = ymd(date);
      return { type, iso: `${y}${pad(m)}${pad(d)}`, start: date, end: date };
    }
    case 'Weekly':
    case 'WeeklyWednesday':
    case 'WeeklyThursday':
    case 'WeeklySaturday':
    case 'WeeklySunday': {
      const weekday = WEEK_START[type] ?? 1;
      const start = startOfWeek(date, weekday);
      const { year, week } = weekNumber(start, weekday);
      return { type, iso: `${year}${WEEK_PREFIX[type] ?? 'W'}${week}`, start, end: addDays(start, 6) };
    }
    case 'BiWeekly': {
      const start = startOfWeek(date, 1);
      const { year, week } = weekNumber(start, 1);
      const biWeek = Math.ceil(week / 2);
      const first = addDays(firstWeekStart(year, 1), (biWeek - 1) * 14);
      return { type, iso: `${year}BiW${biWeek}`, start: first, end: addDays(first, 13) };
    }
    case 'Monthly':
      return monthSpan(type, y, m, 1, `${y}${pad(m)}`);
    case 'BiMonthly': {
      const index = Math.ceil(m / 2);
      return monthSpan(type, y, index * 2 - 1, 2, `${y}${pad(index)}B`);
    }
    case 'Quarterly': {
      const quarter = Math.ceil(m / 3);
      return monthSpan(type, y, (quarter - 1) * 3 + 1, 3, `${y}Q${quarter}`);
    }
    case 'QuarterlyNov': {
      // Quarters start in November, February, May and August; November and December belong to next year's Q1.
      const shifted = (m + 1) % 12; // Nov -> 0, Dec -> 1, Jan -> 2, ...
      const quarter = Math.floor(shifted / 3) + 1;
      const labelYear = m >= 11 ? y + 1 : y;
      const startMonth = (((quarter - 1) * 3 + 10) % 12) + 1;
      const startYear = startMonth >= 11 ? labelYear - 1 : labelYear;
      return monthSpan(type, startYear, startMonth, 3, `${labelYear}NovQ${quarter}`);
    }
    case 'SixMonthly':
      return m <= 6 ? monthSpan(type, y, 1, 6, `${y}S1`) : monthSpan(type, y, 7, 6, `${y}S2`);
    case 'SixMonthlyApril':
      if (m >= 4 && m <= 9) return monthSpan(type, y, 4, 6, `${y}AprilS1`);
      return m >= 10 ? monthSpan(type, y, 10, 6, `${y}AprilS2`) : monthSpan(type, y - 1, 10, 6, `${y - 1}AprilS2`);
    case 'SixMonthlyNov':
      if (m >= 11) return monthSpan(type, y, 11, 6, `${y + 1}NovS1`);
      return m <= 4 ? monthSpan(type, y - 1, 11, 6, `${y}NovS1`) : monthSpan(type, y, 5, 6, `${y}NovS2`);
    case 'Yearly':
      return monthSpan(type, y, 1, 12, `${y}`);
    case 'FinancialApril':
      return financial(type, y, m, 4, 'April');
    case 'FinancialJuly':
      return financial(type, y, m, 7, 'July');
    case 'FinancialOct':
      return financial(type, y, m, 10, 'Oct');
    case 'FinancialNov':
      return financial(type, y, m, 11, 'Nov');
  }
}

function financial(type: PeriodTypeName, y: number, m: number, startMonth: number, suffix: string): Period {
  const startYear = m >= startMonth ? y : y - 1;
  return monthSpan(type, startYear, startMonth, 12, `${startYear}${suffix}`);
}

export function nextPeriod(period: Period, steps = 1): Period {
  let current = period;
  for (let i = 0; i < steps; i++) current = periodContaining(current.type, addDays(current.end, 1));
  return current;
}

export function previousPeriod(period: Period): Period {
  return periodContaining(period.type, addDays(period.start, -1));
}

// -------------------------------------------------------------------------------------------------
// ISO strings: DateUnitType order, first matching pattern decides the type.
// -------------------------------------------------------------------------------------------------

type Parser = { pattern: RegExp; parse: (groups: number[]) => Period | null };

function weekly(type: PeriodTypeName) {
  return ([year = 0, week = 0]: number[]): Period | null => {
    const weekday = WEEK_START[type] ?? 1;
    if (week < 1 || week > weeksInYear(year, weekday)) return null;
    return periodContaining(type, addDays(firstWeekStart(year, weekday), (week - 1) * 7));
  };
}

function months(type: PeriodTypeName, build: (year: number, n: number) => { y: number; m: number } | null) {
  return ([year = 0, n = 0]: number[]): Period | null => {
    const at = build(year, n);
    return at && at.m >= 1 && at.m <= 12 ? periodContaining(type, utcDate(at.y, at.m, 1)) : null;
  };
}

const PARSERS: Parser[] = [
  { pattern: /^(\d{4})(\d{2})(\d{2})$/, parse: ([y = 0, m = 0, d = 0]) => (validDate(y, m, d) ? periodContaining('Daily', utcDate(y, m, d)) : null) },
  { pattern: /^(\d{4})-(\d{2})-(\d{2})$/, parse: ([y = 0, m = 0, d = 0]) => (validDate(y, m, d) ? periodContaining('Daily', utcDate(y, m, d)) : null) },
  { pattern: /^(\d{4})W(\d\d?)$/, parse: weekly('Weekly') },
  { pattern: /^(\d{4})WedW(\d\d?)$/, parse: weekly('WeeklyWednesday') },
  { pattern: /^(\d{4})ThuW(\d\d?)$/, parse: weekly('WeeklyThursday') },
  { pattern: /^(\d{4})SatW(\d\d?)$/, parse: weekly('WeeklySaturday') },
  { pattern: /^(\d{4})SunW(\d\d?)$/, parse: weekly('WeeklySunday') },
  {
    pattern: /^(\d{4})BiW(\d\d?)$/,
    parse: ([year = 0, n = 0]) => {
      if (n < 1 || n * 2 - 1 > weeksInYear(year, 1)) return null;
      return periodContaining('BiWeekly', addDays(firstWeekStart(year, 1), (n - 1) * 14));
    },
  },
  { pattern: /^(\d{4})-?(\d{2})$/, parse: months('Monthly', (y, m) => ({ y, m })) },
  { pattern: /^(\d{4})(\d{2})B$/, parse: months('BiMonthly', (y, n) => (n >= 1 && n <= 6 ? { y, m: n * 2 - 1 } : null)) },
  { pattern: /^(\d{4})Q(\d)$/, parse: months('Quarterly', (y, n) => (n >= 1 && n <= 4 ? { y, m: (n - 1) * 3 + 1 } : null)) },
  {
    pattern: /^(\d{4})NovQ(\d)$/,
    parse: months('QuarterlyNov', (y, n) => {
      if (n < 1 || n > 4) return null;
      const month = (n - 1) * 3 - 1;
      return month <= 0 ? { y: y - 1, m: month + 12 } : { y, m: month };
    }),
  },
  { pattern: /^(\d{4})S(\d)$/, parse: months('SixMonthly', (y, n) => (n === 1 || n === 2 ? { y, m: n === 1 ? 1 : 7 } : null)) },
  { pattern: /^(\d{4})AprilS(\d)$/, parse: months('SixMonthlyApril', (y, n) => (n === 1 || n === 2 ? { y, m: n === 1 ? 4 : 10 } : null)) },
  { pattern: /^(\d{4})NovS(\d)$/, parse: months('SixMonthlyNov', (y, n) => (n === 1 || n === 2 ? (n === 1 ? { y: y - 1, m: 11 } : { y, m: 5 }) : null)) },
  { pattern: /^(\d{4})$/, parse: months('Yearly', (y) => ({ y, m: 1 })) },
  { pattern: /^(\d{4})April$/, parse: months('FinancialApril', (y) => ({ y, m: 4 })) },
  { pattern: /^(\d{4})July$/, parse: months('FinancialJuly', (y) => ({ y, m: 7 })) },
  { pattern: /^(\d{4})Oct$/, parse: months('FinancialOct', (y) => ({ y, m: 10 })) },
  { pattern: /^(\d{4})Nov$/, parse: months('FinancialNov', (y) => ({ y, m: 11 })) },
];

const cache = new Map<string, Period | null>();

/** PeriodType.getPeriodFromIsoString: null for anything that is not a valid ISO period. */
export function parseIsoPeriod(text: string | null | undefined): Period | null {
  if (text === null || text === undefined) return null;
  const cached = cache.get(text);
  if (cached !== undefined || cache.has(text)) return cached ?? null;
  let result: Period | null = null;
  for (const { pattern, parse } of PARSERS) {
    const match = pattern.exec(text);
    if (match) {
      result = parse(match.slice(1).map(Number));
      break;
    }
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(text, result);
  return result;
}

export function isPeriodType(name: unknown): name is PeriodTypeName {
  return typeof name === 'string' && (PERIOD_TYPES as readonly string[]).includes(name);
}

/** PeriodType.getByNameIgnoreCase, with the older "FinancialOctober"/"FinancialNovember" names too. */
export function periodTypeByName(name: unknown): PeriodTypeName | null {
  if (typeof name !== 'string') return null;
  const wanted = name.trim().toLowerCase();
  const aliases: Record<string, PeriodTypeName> = { financialoctober: 'FinancialOct', financialnovember: 'FinancialNov', sixmonthlynovember: 'SixMonthlyNov' };
  return PERIOD_TYPES.find((type) => type.toLowerCase() === wanted) ?? aliases[wanted] ?? null;
}

/** PeriodType.getFuturePeriod(n): the current period rewound by one, then n forward; 0 open periods lock the current one. */
export function latestOpenFuturePeriod(type: PeriodTypeName, openFuturePeriods: number, now = Date.now()): Period {
  return nextPeriod(previousPeriod(periodContaining(type, today(now))), Math.max(0, openFuturePeriods));
}

/** PeriodType.getRewindedDate(date, -n): the date moved n periods of this type forward. */
export function shiftByPeriods(type: PeriodTypeName, date: number, periods: number): number {
  switch (type) {
    case 'Daily':
      return addDays(date, periods);
    case 'Weekly':
    case 'WeeklyWednesday':
    case 'WeeklyThursday':
    case 'WeeklySaturday':
    case 'WeeklySunday':
      return addDays(date, periods * 7);
    case 'BiWeekly':
      return addDays(date, periods * 14);
    case 'Monthly':
      return addMonths(date, periods);
    case 'BiMonthly':
      return addMonths(date, periods * 2);
    case 'Quarterly':
    case 'QuarterlyNov':
      return addMonths(date, periods * 3);
    case 'SixMonthly':
    case 'SixMonthlyApril':
    case 'SixMonthlyNov':
      return addMonths(date, periods * 6);
    default:
      return addMonths(date, periods * 12);
  }
}

// -------------------------------------------------------------------------------------------------
// ADX: "<start date>/<ISO duration>" (AdxPeriod).
// -------------------------------------------------------------------------------------------------

const ADX_DURATIONS: Record<PeriodTypeName, string> = {
  Daily: 'P1D',
  Weekly: 'P7D',
  WeeklyWednesday: 'P7D',
  WeeklyThursday: 'P7D',
  WeeklySaturday: 'P7D',
  WeeklySunday: 'P7D',
  BiWeekly: 'P14D',
  Monthly: 'P1M',
  BiMonthly: 'P2M',
  Quarterly: 'P3M',
  QuarterlyNov: 'P3M',
  SixMonthly: 'P6M',
  SixMonthlyApril: 'P6M',
  SixMonthlyNov: 'P6M',
  Yearly: 'P1Y',
  FinancialApril: 'P1Y',
  FinancialJuly: 'P1Y',
  FinancialOct: 'P1Y',
  FinancialNov: 'P1Y',
};

export function adxPeriod(period: Period): string {
  return `${isoDay(period.start)}/${ADX_DURATIONS[period.type]}`;
}

/** AdxPeriod.parse: the period of the duration's type that contains the start date; errors are AdxException messages. */
export function parseAdxPeriod(text: string): { period: Period } | { error: string } {
  const tokens = text.split('/');
  if (tokens.length !== 2) return { error: `${text} not in valid <date>/<duration> format` };
  const [dateText = '', duration = ''] = tokens;
  const unsupported = { error: `${duration} is not a supported duration type` };
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(dateText.trim());
  if (!match) return unsupported;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!validDate(y, m, d)) return unsupported;
  const start = utcDate(y, m, d);
  const weekday = new Date(start).getUTCDay();
  const month = m;
  let type: PeriodTypeName | null;
  switch (duration) {
    case 'P1D':
      type = 'Daily';
      break;
    case 'P7D': {
      const byDay: Record<number, PeriodTypeName> = { 1: 'Weekly', 3: 'WeeklyWednesday', 4: 'WeeklyThursday', 6: 'WeeklySaturday', 0: 'WeeklySunday' };
      type = byDay[weekday] ?? null;
      if (!type) return { error: `${text} is invalid weekly type` };
      break;
    }
    case 'P14D':
      type = 'BiWeekly';
      break;
    case 'P1M':
      type = 'Monthly';
      break;
    case 'P2M':
      type = 'BiMonthly';
      break;
    case 'P3M':
      type = 'Quarterly';
      break;
    case 'P6M':
      if (month === 1 || month === 7) type = 'SixMonthly';
      else if (month === 4 || month === 10) type = 'SixMonthlyApril';
      else if (month === 11 || month === 5) type = 'SixMonthlyNov';
      else return { error: `${text} is invalid sixmonthly type` };
      break;
    case 'P1Y': {
      const byMonth: Record<number, PeriodTypeName> = { 1: 'Yearly', 4: 'FinancialApril', 7: 'FinancialJuly', 10: 'FinancialOct', 11: 'FinancialNov' };
      type = byMonth[month] ?? null;
      if (!type) return { error: `${text} is invalid yearly type` };
      break;
    }
    default:
      return unsupported;
  }
  return { period: periodContaining(type, start) };
}

/** DHIS2's date parameter parsing (DateUtils.parseDate): yyyy-MM-dd, yyyy-MM, yyyy or a date-time; null when it is none. */
export function parseDateParam(text: string | null): number | null {
  if (text === null || text.trim() === '') return null;
  const value = text.trim();
  let match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2] ?? '1'), Number(match[3] ?? '1')];
    return validDate(y, m, d) ? utcDate(y, m, d) : null;
  }
  match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    return validDate(y, m, d) ? utcDate(y, m, d) : null;
  }
  const normalised = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2') : `${value}Z`;
  const parsed = Date.parse(normalised);
  return Number.isNaN(parsed) ? null : parsed;
}

/** A metadata date ("2020-01-01T00:00:00.000", "2020-01-01") as the UTC midnight of its day. */
export function metadataDay(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return validDate(y, m, d) ? utcDate(y, m, d) : null;
}
