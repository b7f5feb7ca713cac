import { z } from 'zod';
import type { Dhis2Client } from './client';
import { Dhis2Error } from './errors';
import { sleep } from '../time';

/** A server notification (core: system/notification/Notification.java); arrays come newest first. */
export const Notification = z.looseObject({
  uid: z.string().optional(),
  id: z.string().optional(),
  level: z.string().optional(),
  category: z.string().optional(),
  time: z.string().optional(),
  message: z.string().optional(),
  completed: z.boolean().optional(),
});
export type Notification = z.infer<typeof Notification>;

export interface PollOptions {
  signal?: AbortSignal;
  /** Called once per new notification, oldest first. */
  onNotification?: (notification: Notification) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /**
   * DHIS2 keeps tasks in memory only: after a server restart the task list answers [] forever.
   * After this long without any notification the task counts as lost, so the caller can resend.
   */
  lostAfterMs?: number;
  /**
   * A job that failed before it had a summary (DHIS2 could not read the file) ends with a completed ERROR
   * notification and no summary, ever. After this long without one, the job counts as failed.
   */
  noSummaryAfterMs?: number;
  /** The same wait when the job ended on an ERROR notification: then no summary is coming (a crashed job). */
  noSummaryAfterErrorMs?: number;
}

/** Then 375, 563, 845 ms, ...: about ten polls in the first minute, then one every 15 s. */
const FIRST_POLL_MS = 250;

export class TaskFailedError extends Dhis2Error {
  constructor(jobId: string, reason: string | null) {
    super('fix', 'TASK_FAILED', `The server's import job ${jobId} ended without a result${reason ? `: ${reason}` : ''}.`, null);
  }
}

export class TaskLostError extends Dhis2Error {
  constructor(jobType: string, jobId: string) {
    super('retry', 'TASK_LOST', `The server no longer knows import task ${jobType}/${jobId} (it may have restarted). The app will send that part again.`, null);
  }
}

/**
 * Follows an async server job to its end and returns the raw task summary. Polls with growing
 * pauses (DHIS2's own app polls every 2 s forever and hangs when a poll fails; we back off and
 * give up cleanly). The first poll comes soon: 2.41 starts metadata and tracker imports at once
 * (continuous execution), and a small import is often done within a second.
 */
export async function waitForTask(client: Dhis2Client, jobType: string, jobId: string, options: PollOptions = {}): Promise<unknown> {
  const seen = new Set<string>();
  let delay = options.firstDelayMs ?? FIRST_POLL_MS;
  const maxDelay = options.maxDelayMs ?? 15_000;
  const lostAfter = options.lostAfterMs ?? 120_000;
  const started = Date.now();
  let lastNews = started;
  let completedAt: number | null = null;
  let lastError: string | null = null;
  for (;;) {
    const notifications = await client.getJson(`/system/tasks/${jobType}/${jobId}`, z.array(Notification), options.signal);
    const fresh = notifications.filter((n) => !seen.has(n.uid ?? n.id ?? `${n.time}|${n.message}`)).reverse();
    for (const notification of fresh) {
      seen.add(notification.uid ?? notification.id ?? `${notification.time}|${notification.message}`);
      if (notification.level === 'ERROR' && notification.message) lastError = notification.message;
      options.onNotification?.(notification);
    }
    if (fresh.length > 0) lastNews = Date.now();
    if (notifications[0]?.completed) {
      const summary = await readSummary(client, jobType, jobId, options.signal);
      if (summary !== null) return summary;
      completedAt ??= Date.now();
      const endedOnError = notifications[0]?.level === 'ERROR';
      const grace = endedOnError ? (options.noSummaryAfterErrorMs ?? 5_000) : (options.noSummaryAfterMs ?? 30_000);
      if (Date.now() - completedAt > grace) throw new TaskFailedError(jobId, lastError);
    } else if (notifications.length === 0 && Date.now() - lastNews > lostAfter) {
      throw new TaskLostError(jobType, jobId);
    }
    await sleep(delay, options.signal);
    delay = Math.min(maxDelay, Math.round(delay * 1.5));
  }
}

async function readSummary(client: Dhis2Client, jobType: string, jobId: string, signal?: AbortSignal): Promise<unknown> {
  // 200 with an empty body until the summary is stored.
  const path = `/system/taskSummaries/${jobType}/${jobId}`;
  const body = await client.request(() => client.http.get(path, { signal, responseType: 'text', transformResponse: (x: unknown) => x }), path);
  const text = typeof body === 'string' ? body.trim() : '';
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Dhis2Error('retry', 'BAD_SUMMARY', `The server's import summary for task ${jobId} could not be read.`, 200);
  }
}
