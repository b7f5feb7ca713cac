/** Plain ISO dates (`yyyy-MM-dd`, proleptic Gregorian), compared as strings: four-digit years sort correctly. */

const DAY_MS = 86_400_000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function isoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isValidIsoDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function toUtc(date: string): Date {
  const result = new Date(Date.UTC(0, 0, 1));
  result.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return result;
}

function fromUtc(date: Date): string {
  return isoDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

export function addDays(date: string, days: number): string {
  return fromUtc(new Date(toUtc(date).getTime() + days * DAY_MS));
}

/** The calendar day of an instant where this machine is, as DHIS2 takes "today" in the server's zone. */
export function localIsoDate(instant: Date): string {
  return isoDate(instant.getFullYear(), instant.getMonth() + 1, instant.getDate());
}

/** The day part of a DHIS2 date or timestamp (`2024-01-31`, `2024-01-31T00:00:00.000`), or null. */
export function dayOf(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return null;
  const [, y, m, d] = match;
  return isValidIsoDate(Number(y), Number(m), Number(d)) ? `${y}-${m}-${d}` : null;
}
