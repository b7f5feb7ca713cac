import { JOB_STATE_LABELS, type Job } from '../../../shared/jobs';
import type { Core } from '../../core/core';
import { notFound } from '../../core/errors';
import { printJson, type Output } from '../output';

export const JOBS_RETRY_HELP = `dhis2-ie jobs retry ID [--json]
    Queues a failed, cancelled or needs-attention job again. It continues from its last
    confirmed part (nothing the server confirmed is sent twice); \`dhis2-ie flush\` sends it now.`;

/** A job by its full id or the first characters the job list shows. */
export function findJob(core: Core, id: string): Job {
  const job = core.jobs.get(id) ?? core.jobs.list({ limit: 1000, offset: 0 }).jobs.find((j) => j.id.startsWith(id));
  if (!job) throw notFound('Job', id);
  return job;
}

/** `jobs retry ID`: the same as Retry on the Job overview. */
export function retryJob(core: Core, id: string, json: boolean, output: Output): number {
  const job = core.runner.retry(findJob(core, id).id);
  if (json) printJson(output, job);
  else
    output.out(
      `${job.id.slice(0, 8)}  ${JOB_STATE_LABELS[job.state]}  ${job.title}\nQueued again: it continues from where it stopped. Run \`dhis2-ie flush\` to send it now.`,
    );
  return 0;
}

/** Jobs a flush will not pick up by itself: they wait for a person to look at them. */
export function stuckJobsNote(core: Core): string | null {
  const stuck = core.jobs.inStates(['needs-attention', 'failed']);
  if (stuck.length === 0) return null;
  const shown = stuck.slice(0, 5).map((job) => `  ${job.id.slice(0, 8)}  ${JOB_STATE_LABELS[job.state]}  ${job.title}`);
  const more = stuck.length > shown.length ? [`  (${stuck.length - shown.length} more: dhis2-ie jobs --state needs-attention --state failed)`] : [];
  const first = stuck[0]!.id.slice(0, 8);
  return [
    `${stuck.length === 1 ? '1 job is' : `${stuck.length} jobs are`} stopped and not sent by flush:`,
    ...shown,
    ...more,
    `See why with \`dhis2-ie jobs show ${first}\`; \`dhis2-ie jobs retry ${first}\` queues it again.`,
  ].join('\n');
}
