import type { LibraryPeriodType } from './calendar-dates';

/** DHIS2's period type names, as data sets name them (`periodType`). */
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
  'TwoYearly',
  'FinancialApril',
  'FinancialJuly',
  'FinancialOct',
  'FinancialNov',
] as const;
export type PeriodTypeName = (typeof PERIOD_TYPES)[number];

export function isPeriodTypeName(value: string): value is PeriodTypeName {
  return (PERIOD_TYPES as readonly string[]).includes(value);
}

/** A period id taken apart: its type and the numbers in it (`part` is the week, month, quarter or half). */
export interface PeriodIdParts {
  type: PeriodTypeName;
  year: number;
  part: number;
  day: number;
}

type Parser = (match: RegExpExecArray) => PeriodIdParts;

const numberAt = (match: RegExpExecArray, group: number): number => Number(match[group]);
const yearOnly =
  (type: PeriodTypeName): Parser =>
  (m) => ({ type, year: numberAt(m, 1), part: 0, day: 0 });
const withPart =
  (type: PeriodTypeName): Parser =>
  (m) => ({ type, year: numberAt(m, 1), part: numberAt(m, 2), day: 0 });

/*
 * The patterns and their order are DHIS2 2.41's (calendar/DateUnitType.java): the first that matches the
 * whole id decides the type, so `2024Nov` is FinancialNov and `2024NovQ1` QuarterlyNov. Daily and Monthly
 * also take the dashed forms 2024-01-15 and 2024-01. TwoYearly has no id form.
 */
const PATTERNS: readonly [RegExp, Parser][] = [
  [/^(\d{4})(\d{2})(\d{2})$/, (m) => ({ type: 'Daily', year: numberAt(m, 1), part: numberAt(m, 2), day: numberAt(m, 3) })],
  [/^(\d{4})-(\d{2})-(\d{2})$/, (m) => ({ type: 'Daily', year: numberAt(m, 1), part: numberAt(m, 2), day: numberAt(m, 3) })],
  [/^(\d{4})W(\d\d?)$/, withPart('Weekly')],
  [/^(\d{4})WedW(\d\d?)$/, withPart('WeeklyWednesday')],
  [/^(\d{4})ThuW(\d\d?)$/, withPart('WeeklyThursday')],
  [/^(\d{4})SatW(\d\d?)$/, withPart('WeeklySaturday')],
  [/^(\d{4})SunW(\d\d?)$/, withPart('WeeklySunday')],
  [/^(\d{4})BiW(\d\d?)$/, withPart('BiWeekly')],
  [/^(\d{4})-?(\d{2})$/, withPart('Monthly')],
  [/^(\d{4})(\d{2})B$/, withPart('BiMonthly')],
  [/^(\d{4})Q(\d)$/, withPart('Quarterly')],
  [/^(\d{4})NovQ(\d)$/, withPart('QuarterlyNov')],
  [/^(\d{4})S(\d)$/, withPart('SixMonthly')],
  [/^(\d{4})AprilS(\d)$/, withPart('SixMonthlyApril')],
  [/^(\d{4})NovS(\d)$/, withPart('SixMonthlyNov')],
  [/^(\d{4})$/, yearOnly('Yearly')],
  [/^(\d{4})April$/, yearOnly('FinancialApril')],
  [/^(\d{4})July$/, yearOnly('FinancialJuly')],
  [/^(\d{4})Oct$/, yearOnly('FinancialOct')],
  [/^(\d{4})Nov$/, yearOnly('FinancialNov')],
];

/** The type and numbers of a period id, by syntax alone (ranges are checked against a calendar later). */
export function periodIdParts(id: string): PeriodIdParts | null {
  for (const [pattern, parse] of PATTERNS) {
    const match = pattern.exec(id);
    if (match) return parse(match);
  }
  return null;
}

/** The period type of an id as DHIS2 2.41 detects it, or null when DHIS2 would not read it as a period. */
export function periodTypeOf(id: string): PeriodTypeName | null {
  return periodIdParts(id)?.type ?? null;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The id DHIS2 writes for a period (no dashes, no leading zeros in week numbers). */
export function canonicalPeriodId(parts: PeriodIdParts): string {
  const { type, year, part, day } = parts;
  const y = pad(year, 4);
  switch (type) {
    case 'Daily':
      return `${y}${pad(part, 2)}${pad(day, 2)}`;
    case 'Weekly':
      return `${y}W${part}`;
    case 'WeeklyWednesday':
      return `${y}WedW${part}`;
    case 'WeeklyThursday':
      return `${y}ThuW${part}`;
    case 'WeeklySaturday':
      return `${y}SatW${part}`;
    case 'WeeklySunday':
      return `${y}SunW${part}`;
    case 'BiWeekly':
      return `${y}BiW${part}`;
    case 'Monthly':
      return `${y}${pad(part, 2)}`;
    case 'BiMonthly':
      return `${y}${pad(part, 2)}B`;
    case 'Quarterly':
      return `${y}Q${part}`;
    case 'QuarterlyNov':
      return `${y}NovQ${part}`;
    case 'SixMonthly':
      return `${y}S${part}`;
    case 'SixMonthlyApril':
      return `${y}AprilS${part}`;
    case 'SixMonthlyNov':
      return `${y}NovS${part}`;
    case 'Yearly':
    case 'TwoYearly':
      return y;
    case 'FinancialApril':
      return `${y}April`;
    case 'FinancialJuly':
      return `${y}July`;
    case 'FinancialOct':
      return `${y}Oct`;
    case 'FinancialNov':
      return `${y}Nov`;
  }
}

/**
 * How a DHIS2 period type maps onto the calendar library. The November-based types are named by the
 * year they end in by DHIS2 (2024NovQ1 starts in November 2023) but by the year they start in by the
 * library (2023NovemberQ1): `yearShift` is that difference.
 */
export interface LibraryMapping {
  type: LibraryPeriodType;
  yearShift: number;
  /** The library's id for the DHIS2 parts. */
  id(parts: PeriodIdParts): string;
  /** The DHIS2 parts of a library id. */
  parts(libraryId: string): PeriodIdParts | null;
}

function mapping(type: LibraryPeriodType, dhis2: PeriodTypeName, yearShift: number, infix: string): LibraryMapping {
  const pattern = new RegExp(`^(\\d{4})${infix}(\\d+)?$`);
  return {
    type,
    yearShift,
    id: (p) => `${pad(p.year - yearShift, 4)}${infix}${p.part === 0 ? '' : p.part}`,
    parts: (libraryId) => {
      const match = pattern.exec(libraryId);
      if (!match) return null;
      return { type: dhis2, year: Number(match[1]) + yearShift, part: match[2] === undefined ? 0 : Number(match[2]), day: 0 };
    },
  };
}

const dailyMapping: LibraryMapping = {
  type: 'DAILY',
  yearShift: 0,
  id: (p) => `${pad(p.year, 4)}${pad(p.part, 2)}${pad(p.day, 2)}`,
  parts: (libraryId) => {
    const match = /^(\d{4})(\d{2})(\d{2})$/.exec(libraryId);
    return match ? { type: 'Daily', year: Number(match[1]), part: Number(match[2]), day: Number(match[3]) } : null;
  },
};

const monthlyMapping: LibraryMapping = {
  type: 'MONTHLY',
  yearShift: 0,
  id: (p) => `${pad(p.year, 4)}${pad(p.part, 2)}`,
  parts: (libraryId) => {
    const match = /^(\d{4})(\d{2})$/.exec(libraryId);
    return match ? { type: 'Monthly', year: Number(match[1]), part: Number(match[2]), day: 0 } : null;
  },
};

const biMonthlyMapping: LibraryMapping = {
  type: 'BIMONTHLY',
  yearShift: 0,
  id: (p) => `${pad(p.year, 4)}${pad(p.part, 2)}B`,
  parts: (libraryId) => {
    const match = /^(\d{4})(\d{2})B$/.exec(libraryId);
    return match ? { type: 'BiMonthly', year: Number(match[1]), part: Number(match[2]), day: 0 } : null;
  },
};

export const LIBRARY_MAPPINGS: Partial<Record<PeriodTypeName, LibraryMapping>> = {
  Daily: dailyMapping,
  Weekly: mapping('WEEKLY', 'Weekly', 0, 'W'),
  WeeklyWednesday: mapping('WEEKLYWED', 'WeeklyWednesday', 0, 'WedW'),
  WeeklyThursday: mapping('WEEKLYTHU', 'WeeklyThursday', 0, 'ThuW'),
  WeeklySaturday: mapping('WEEKLYSAT', 'WeeklySaturday', 0, 'SatW'),
  WeeklySunday: mapping('WEEKLYSUN', 'WeeklySunday', 0, 'SunW'),
  BiWeekly: mapping('BIWEEKLY', 'BiWeekly', 0, 'BiW'),
  Monthly: monthlyMapping,
  BiMonthly: biMonthlyMapping,
  Quarterly: mapping('QUARTERLY', 'Quarterly', 0, 'Q'),
  QuarterlyNov: mapping('QUARTERLYNOV', 'QuarterlyNov', 1, 'NovemberQ'),
  SixMonthly: mapping('SIXMONTHLY', 'SixMonthly', 0, 'S'),
  SixMonthlyApril: mapping('SIXMONTHLYAPR', 'SixMonthlyApril', 0, 'AprilS'),
  SixMonthlyNov: mapping('SIXMONTHLYNOV', 'SixMonthlyNov', 1, 'NovemberS'),
  Yearly: mapping('YEARLY', 'Yearly', 0, ''),
  FinancialApril: mapping('FYAPR', 'FinancialApril', 0, 'April'),
  FinancialJuly: mapping('FYJUL', 'FinancialJuly', 0, 'July'),
  FinancialOct: mapping('FYOCT', 'FinancialOct', 0, 'Oct'),
  FinancialNov: mapping('FYNOV', 'FinancialNov', 1, 'Nov'),
};

/** Types whose periods are counted within a year (weeks, months, quarters...), as opposed to one per year. */
export const YEAR_TYPES: ReadonlySet<PeriodTypeName> = new Set(['Yearly', 'TwoYearly', 'FinancialApril', 'FinancialJuly', 'FinancialOct', 'FinancialNov']);
