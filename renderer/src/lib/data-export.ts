import { z } from 'zod';

/** A date as the date field and DHIS2 want it (yyyy-mm-dd), in the user's own time zone. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The DHIS2 app's defaults: from three months ago to today. A day that the earlier month lacks
 * (31 May → 31 February) becomes that month's last day, as date-fns subMonths does.
 */
export function defaultExportDates(today: Date = new Date()): { startDate: string; endDate: string } {
  const start = new Date(today.getFullYear(), today.getMonth() - 3, 1);
  const lastDay = new Date(start.getFullYear(), start.getMonth() + 1, 0).getDate();
  start.setDate(Math.min(today.getDate(), lastDay));
  return { startDate: isoDay(start), endDate: isoDay(today) };
}

/** What a finished export job reports (main/core/jobs/export-data.ts). */
export const ExportJobResult = z.object({ file: z.string(), bytes: z.number().nonnegative() });
export type ExportJobResult = z.infer<typeof ExportJobResult>;

export function parseExportResult(result: unknown): ExportJobResult | null {
  const parsed = ExportJobResult.safeParse(result);
  return parsed.success ? parsed.data : null;
}
