/*
 * ADX periods are `<start date>/<ISO 8601 duration>`; DHIS2 period ids are `202401`, `2024W3`, `2024AprilS2`…
 * Conversion follows DHIS2's AdxPeriod (2.41): the duration and the start date's weekday or month pick the
 * period type, and the period is the one of that type containing the start date.
 */

const DAY = 86_400_000;

/** Weekly period types by the weekday they start on (0 = Sunday), with their id infix. */
const WEEKLY: ReadonlyMap<number, string> = new Map([
  [1, ''],
  [3, 'Wed'],
  [4, 'Thu'],
  [6, 'Sat'],
  [0, 'Sun'],
]);
const WEEKDAY_BY_INFIX: Record<string, number> = { '': 1, Wed: 3, Thu: 4, Sat: 6, Sun: 0 };

const FINANCIAL_BY_MONTH: ReadonlyMap<number, string> = new Map([
  [4, 'April'],
  [7, 'July'],
  [10, 'Oct'],
]);
const MONTH_BY_FINANCIAL: Record<string, number> = { April: 4, July: 7, Oct: 10 };

/** The DHIS2 period id for an ADX period, or null when DHIS2 could not convert it either. */
export function adxToDhis2Period(adx: string): string | null {
  const parts = adx.split('/');
  if (parts.length !== 2) return null;
  const start = parseDate(parts[0]!);
  if (start === null) return null;
  const { y, m, d } = dateParts(start);
  switch (parts[1]) {
    case 'P1D':
      return `${y}${pad(m)}${pad(d)}`;
    case 'P7D': {
      const infix = WEEKLY.get(new Date(start).getUTCDay());
      if (infix === undefined) return null;
      const week = weekOf(start, WEEKDAY_BY_INFIX[infix]!);
      return `${week.year}${infix}W${week.week}`;
    }
    case 'P14D': {
      const week = weekOf(start, 1);
      return `${week.year}BiW${Math.ceil(week.week / 2)}`;
    }
    case 'P1M':
      return `${y}${pad(m)}`;
    case 'P2M':
      return `${y}${pad(Math.ceil(m / 2))}B`;
    case 'P3M':
      return `${y}Q${Math.ceil(m / 3)}`;
    case 'P6M':
      if (m === 1 || m === 7) return `${y}S${m === 1 ? 1 : 2}`;
      if (m === 4 || m === 10) return `${y}AprilS${m === 4 ? 1 : 2}`;
      if (m === 11) return `${y + 1}NovS1`;
      if (m === 5) return `${y}NovS2`;
      return null;
    case 'P1Y':
      if (m === 1) return String(y);
      if (m === 11) return `${y + 1}Nov`;
      return FINANCIAL_BY_MONTH.has(m) ? `${y}${FINANCIAL_BY_MONTH.get(m)}` : null;
    default:
      return null;
  }
}

/** The ADX form of a DHIS2 period id, or null for ids ADX cannot express (or that are not period ids). */
export function dhis2ToAdxPeriod(id: string): string | null {
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(id))) {
    const start = validDate(+match[1]!, +match[2]!, +match[3]!);
    return start === null ? null : adx(start, 'P1D');
  }
  if ((match = /^(\d{4})(Wed|Thu|Sat|Sun)?W(\d{1,2})$/.exec(id))) {
    const year = +match[1]!;
    const weekday = WEEKDAY_BY_INFIX[match[2] ?? '']!;
    const start = firstWeekStart(year, weekday) + (+match[3]! - 1) * 7 * DAY;
    if (+match[3]! < 1 || weekOf(start, weekday).year !== year) return null;
    return adx(start, 'P7D');
  }
  if ((match = /^(\d{4})BiW(\d{1,2})$/.exec(id))) {
    const year = +match[1]!;
    const start = firstWeekStart(year, 1) + (+match[2]! * 2 - 2) * 7 * DAY;
    if (+match[2]! < 1 || weekOf(start, 1).year !== year) return null;
    return adx(start, 'P14D');
  }
  if ((match = /^(\d{4})-?(0[1-9]|1[0-2])$/.exec(id))) return adx(Date.UTC(+match[1]!, +match[2]! - 1, 1), 'P1M');
  if ((match = /^(\d{4})(0[1-6])B$/.exec(id))) return adx(Date.UTC(+match[1]!, +match[2]! * 2 - 2, 1), 'P2M');
  if ((match = /^(\d{4})Q([1-4])$/.exec(id))) return adx(Date.UTC(+match[1]!, +match[2]! * 3 - 3, 1), 'P3M');
  if ((match = /^(\d{4})S([12])$/.exec(id))) return adx(Date.UTC(+match[1]!, match[2] === '1' ? 0 : 6, 1), 'P6M');
  if ((match = /^(\d{4})AprilS([12])$/.exec(id))) return adx(Date.UTC(+match[1]!, match[2] === '1' ? 3 : 9, 1), 'P6M');
  if ((match = /^(\d{4})NovS([12])$/.exec(id))) return adx(match[2] === '1' ? Date.UTC(+match[1]! - 1, 10, 1) : Date.UTC(+match[1]!, 4, 1), 'P6M');
  if ((match = /^(\d{4})$/.exec(id))) return adx(Date.UTC(+match[1]!, 0, 1), 'P1Y');
  if ((match = /^(\d{4})(April|July|Oct)$/.exec(id))) return adx(Date.UTC(+match[1]!, MONTH_BY_FINANCIAL[match[2]!]! - 1, 1), 'P1Y');
  if ((match = /^(\d{4})Nov$/.exec(id))) return adx(Date.UTC(+match[1]! - 1, 10, 1), 'P1Y');
  return null;
}

function adx(start: number, duration: string): string {
  const { y, m, d } = dateParts(start);
  return `${y}-${pad(m)}-${pad(d)}/${duration}`;
}

function parseDate(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return match ? validDate(+match[1]!, +match[2]!, +match[3]!) : null;
}

function validDate(y: number, m: number, d: number): number | null {
  const time = Date.UTC(y, m - 1, d);
  const parts = dateParts(time);
  return parts.y === y && parts.m === m && parts.d === d ? time : null;
}

function dateParts(time: number): { y: number; m: number; d: number } {
  const date = new Date(time);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Week 1 of a year is the week (starting on `weekday`) that holds 4 January, as in ISO 8601. */
function firstWeekStart(year: number, weekday: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() - weekday + 7) % 7) * DAY;
}

/** The year and number of the week (starting on `weekday`) that holds `time`. */
function weekOf(time: number, weekday: number): { year: number; week: number } {
  const y = dateParts(time).y;
  const year = time >= firstWeekStart(y + 1, weekday) ? y + 1 : time >= firstWeekStart(y, weekday) ? y : y - 1;
  return { year, week: Math.floor((time - firstWeekStart(year, weekday)) / (7 * DAY)) + 1 };
}
