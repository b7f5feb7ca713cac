import { JOB_STATE_LABELS, type Job, type JobType } from '../../shared/jobs';
import type { Core } from '../core/core';
import { printJson, type Output } from './output';
import { runJobHere } from './run-here';

/**
 * Queues an export and runs it here when the server answers; offline it waits in the queue (the
 * app, or `dhis2-ie flush`, runs it later). Exit code 0 for done or waiting, 1 otherwise.
 */
export async function queueAndRunExport(
  core: Core,
  input: { type: JobType; params: Record<string, unknown>; serverId: string | null },
  output: Output,
  json: boolean,
  describeDone: (job: Job) => string[],
): Promise<number> {
  const queued = core.runner.create(input);
  if (!json) output.out(`Export queued as job ${queued.id.slice(0, 8)}: ${queued.title}.`);
  const job = await runJobHere(core, queued.id, output, json);
  if (job === null) {
    const message = 'The app is running jobs on this data folder; it will run this export.';
    if (json) printJson(output, { job: core.jobs.require(queued.id), runHere: false, message });
    else output.out(message);
    return 0;
  }
  if (json) printJson(output, job);
  else if (job.state === 'done') for (const line of describeDone(job)) output.out(line);
  else
    output.out(
      `${JOB_STATE_LABELS[job.state]}: ${job.error?.message ?? ''} ${job.state === 'waiting-for-connection' ? 'It runs when the server answers (the app, or dhis2-ie flush).' : ''}`.trim(),
    );
  return job.state === 'done' || job.state === 'waiting-for-connection' ? 0 : 1;
}
