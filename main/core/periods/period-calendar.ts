import { calendarDates, type LibraryPeriod } from './calendar-dates';
import { addDays, isValidIsoDate, isoDate } from './iso-dates';
import { LIBRARY_MAPPINGS, YEAR_TYPES, canonicalPeriodId, periodIdParts, type PeriodIdParts, type PeriodTypeName } from './period-types';

/**
 * A period as DHIS2 2.41 reads its id: the canonical id, its type and its first and last day (ISO dates).
 * The dates are empty only when the calendar's `problem` is set (the library cannot do that calendar).
 */
export interface Period {
  id: string;
  type: PeriodTypeName;
  startDate: string;
  endDate: string;
}

/** DHIS2's calendar setting (`keyCalendar`) -> the calendar library's name for it. */
const LIBRARY_CALENDARS: Record<string, string> = {
  iso8601: 'iso8601',
  gregorian: 'gregory',
  ethiopian: 'ethiopic',
  nepali: 'nepali',
  coptic: 'coptic',
  islamic: 'islamic',
  persian: 'persian',
  thai: 'buddhist',
};

/** Calendars whose periods DHIS2 computes with ISO weeks and months (`Calendar.isIso8601()`). */
const ISO_CALENDARS = new Set(['iso8601', 'gregorian']);

const instances = new Map<string, PeriodCalendar>();
const PERIOD_CACHE_LIMIT = 100_000;

/**
 * Period ids read the way a DHIS2 2.41 server with a given calendar reads them. Each id is worked out once
 * and cached: a million values share a few hundred periods.
 */
export class PeriodCalendar {
  readonly name: string;
  /** DHIS2 only checks open future periods (E7641) on ISO calendars. */
  readonly isIso: boolean;
  /** Set when the calendar library cannot work in this calendar here (then periods have no dates). */
  readonly problem: string | null;
  private readonly library: string;
  private readonly periods = new Map<string, Period | null>();
  private readonly yearLists = new Map<string, LibraryPeriod[]>();

  private constructor(name: string) {
    this.name = name;
    this.isIso = ISO_CALENDARS.has(name);
    this.library = LIBRARY_CALENDARS[name] ?? name;
    this.problem = this.isIso ? null : probe(this.library);
  }

  /** The calendar of a server (`keyCalendar`), ISO 8601 when unknown. */
  static of(name: string | null | undefined = 'iso8601'): PeriodCalendar {
    const key = (name || 'iso8601').toLowerCase();
    let calendar = instances.get(key);
    if (!calendar) instances.set(key, (calendar = new PeriodCalendar(key)));
    return calendar;
  }

  /** The period an id stands for, or null when DHIS2 2.41 would report it as not valid (E7611). */
  parse(id: string): Period | null {
    let period = this.periods.get(id);
    if (period === undefined) {
      // Real files name a few hundred periods; only a file full of junk ids gets here.
      if (this.periods.size >= PERIOD_CACHE_LIMIT) this.periods.clear();
      period = this.compute(id);
      this.periods.set(id, period);
    }
    return period;
  }

  /** The period of a type that contains a day (ISO date); null for types without ids (TwoYearly). */
  containing(type: PeriodTypeName, day: string): Period | null {
    if (this.problem) return null;
    const date = this.isIso ? day : this.fromIso(day);
    if (type === 'Daily') return this.parse(date.replaceAll('-', ''));
    const mapping = LIBRARY_MAPPINGS[type];
    if (!mapping) return null;
    const found = calendarDates().getFixedPeriodByDate({ periodType: mapping.type, date, calendar: this.library });
    const parts = mapping.parts(found.id);
    return parts ? this.parse(canonicalPeriodId(parts)) : null;
  }

  /** The period `steps` periods after (or before, when negative) the given one. */
  offset(period: Period, steps: number): Period | null {
    if (steps === 0) return period;
    const parts = periodIdParts(period.id);
    if (!parts) return null;
    if (YEAR_TYPES.has(parts.type)) return parts.type === 'TwoYearly' ? null : this.parse(canonicalPeriodId({ ...parts, year: parts.year + steps }));
    if (parts.type === 'Daily' && this.isIso) return this.parse(addDays(period.startDate, steps).replaceAll('-', ''));
    const mapping = LIBRARY_MAPPINGS[parts.type];
    if (!mapping || this.problem) return null;
    let year = Number(mapping.id(parts).slice(0, 4));
    let list = this.yearList(mapping.type, year);
    let index = list.findIndex((p) => p.id === mapping.id(parts));
    if (index < 0) return null;
    index += steps;
    while (index < 0) {
      list = this.yearList(mapping.type, --year);
      index += list.length;
    }
    while (index >= list.length) {
      index -= list.length;
      list = this.yearList(mapping.type, ++year);
    }
    const target = list[index];
    const targetParts = target ? mapping.parts(target.id) : null;
    return targetParts ? this.parse(canonicalPeriodId(targetParts)) : null;
  }

  /**
   * The last period of a type open for data entry on a day, as DHIS2's `PeriodType.getFuturePeriod`:
   * zero open future periods means the current period is not open yet, so counting starts one back.
   */
  latestOpenFuturePeriod(type: PeriodTypeName, openFuturePeriods: number, today: string): Period | null {
    const current = this.containing(type, today);
    const previous = current ? this.offset(current, -1) : null;
    return previous ? this.offset(previous, openFuturePeriods) : null;
  }

  private compute(rawId: string): Period | null {
    const parts = periodIdParts(rawId);
    if (!parts || !inRange(parts)) return null;
    const id = canonicalPeriodId(parts);
    if (this.isIso) return isoPeriod(parts, id, this.library);
    if (this.problem) return { id, type: parts.type, startDate: '', endDate: '' };
    const mapping = LIBRARY_MAPPINGS[parts.type];
    if (!mapping) return null;
    const found = fromLibrary(mapping.id(parts), this.library);
    // The library moves impossible days to the nearest possible one; DHIS2 rejects them.
    if (!found || found.id !== mapping.id(parts)) return null;
    return { id, type: parts.type, startDate: this.toIso(found.startDate), endDate: this.toIso(found.endDate) };
  }

  private yearList(type: Parameters<ReturnType<typeof calendarDates>['generateFixedPeriods']>[0]['periodType'], year: number): LibraryPeriod[] {
    const key = `${type}:${year}`;
    let list = this.yearLists.get(key);
    if (!list) {
      list = calendarDates().generateFixedPeriods({ periodType: type, year, calendar: this.library });
      this.yearLists.set(key, list);
    }
    return list;
  }

  private toIso(date: string): string {
    const { year, month, day } = calendarDates().convertToIso8601(date, this.library);
    return isoDate(year, month, day);
  }

  private fromIso(date: string): string {
    const { year, month, day } = calendarDates().convertFromIso8601(date, this.library);
    return isoDate(year, month, day);
  }
}

/** The ranges DHIS2 checks before any calendar arithmetic (DateUnitPeriodTypeParser). */
function inRange(parts: PeriodIdParts): boolean {
  switch (parts.type) {
    case 'Weekly':
    case 'WeeklyWednesday':
    case 'WeeklyThursday':
    case 'WeeklySaturday':
    case 'WeeklySunday':
    case 'BiWeekly':
      return parts.part >= 1;
    case 'Monthly':
      return parts.part >= 1 && parts.part <= 13;
    case 'BiMonthly':
      return parts.part >= 1 && parts.part <= 6;
    case 'Quarterly':
    case 'QuarterlyNov':
      return parts.part >= 1 && parts.part <= 4;
    case 'SixMonthly':
    case 'SixMonthlyApril':
    case 'SixMonthlyNov':
      return parts.part >= 1 && parts.part <= 2;
    default:
      return true;
  }
}

function fromLibrary(id: string, calendar: string): LibraryPeriod | null {
  try {
    return calendarDates().createFixedPeriodFromPeriodId({ periodId: id, calendar });
  } catch {
    return null;
  }
}

function isoPeriod(parts: PeriodIdParts, id: string, calendar: string): Period | null {
  const { type, year, part, day } = parts;
  if (type === 'Daily') {
    if (!isValidIsoDate(year, part, day)) return null;
    const date = isoDate(year, part, day);
    return { id, type, startDate: date, endDate: date };
  }
  if (type === 'BiWeekly') {
    // DHIS2 counts bi-weeks from ISO week 2n-1, so a 53-week year has a 27th bi-week (the library has not).
    const week = fromLibrary(`${String(year).padStart(4, '0')}W${part * 2 - 1}`, calendar);
    return week ? { id, type, startDate: week.startDate, endDate: addDays(week.startDate, 13) } : null;
  }
  const mapping = LIBRARY_MAPPINGS[type];
  if (!mapping) return null;
  const found = fromLibrary(mapping.id(parts), calendar);
  if (!found || found.id !== mapping.id(parts)) return null;
  return { id, type, startDate: found.startDate, endDate: found.endDate };
}

function probe(calendar: string): string | null {
  try {
    calendarDates().generateFixedPeriods({ periodType: 'MONTHLY', year: 2015, calendar });
    return null;
  } catch (error) {
    return `the calendar library cannot compute ${calendar} dates here (${error instanceof Error ? error.message : String(error)})`;
  }
}
