/**
 * DHIS2's Jackson config writes java.util.Date as a local date-time without zone, to the millisecond.
 * The simulated server runs in Etc/UTC, so local time is UTC.
 */
export function dhis2Date(date: Date): string {
  return date.toISOString().slice(0, 23);
}

/** Joda-style "2665 h, 1 m, 57 s" as SystemInfo shows intervals; zero parts are left out. */
export function prettyInterval(fromMs: number, toMs: number): string {
  const totalSeconds = Math.max(0, Math.floor((toMs - fromMs) / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0) parts.push(`${minutes} m`);
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds} s`);
  return parts.join(', ');
}

/** "00:01:37.977", the shape of lastAnalyticsTableRuntime. */
export function clockDuration(ms: number): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(ms % 1000, 3)}`;
}
