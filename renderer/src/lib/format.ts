/** Dates and sizes in the user's own locale, so officers read them as they read everything else. */

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSecondsFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const timeSecondsFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isToday(date: Date): boolean {
  return date.toDateString() === new Date().toDateString();
}

export function formatDateTime(iso: string | null | undefined, fallback = '—'): string {
  const date = parse(iso);
  return date ? dateTimeFormat.format(date) : fallback;
}

/** Time only when it is today (what people care about for "next try at"), date and time otherwise. */
export function formatWhen(iso: string | null | undefined, fallback = '—'): string {
  const date = parse(iso);
  if (!date) return fallback;
  return isToday(date) ? timeFormat.format(date) : dateTimeFormat.format(date);
}

export function formatLogTime(iso: string): string {
  const date = parse(iso);
  if (!date) return iso;
  return isToday(date) ? timeSecondsFormat.format(date) : dateTimeSecondsFormat.format(date);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${numberFormat.format(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${numberFormat.format(bytes / (1024 * 1024))} MB`;
  return `${numberFormat.format(bytes / (1024 * 1024 * 1024))} GB`;
}

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

/** "1 value" / "11,312 values": like plural, with the number grouped the way the user reads numbers. */
export function countOf(count: number, one: string, many: string): string {
  return `${numberFormat.format(count)} ${count === 1 ? one : many}`;
}

/** "1 job" / "2 jobs": every count on screen goes through here. */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
