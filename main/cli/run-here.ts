import { TERMINAL_STATES, type Job } from '../../shared/jobs';
import type { Core } from '../core/core';
import type { Output } from './output';

/** Done, failed, or parked until later (no connection, a retry scheduled): nothing more happens in this run. */
export function isSettled(job: Job): boolean {
  if (TERMINAL_STATES.includes(job.state)) return true;
  if (job.state === 'waiting-for-connection') return true;
  return job.state === 'queued' && job.nextAttemptAt !== null && job.attempts > 0;
}

/**
 * Runs the queue in this process until one job settles, printing its progress. Returns null when
 * another process (the app) holds the runner lock: it will run the job instead.
 */
export async function runJobHere(core: Core, jobId: string, output: Output, quiet: boolean): Promise<Job | null> {
  let last = '';
  const settled = new Promise<Job>((resolve) => {
    const first = core.jobs.require(jobId);
    if (isSettled(first)) return resolve(first);
    const stop = core.bus.on('job.changed', (job) => {
      if (job.id !== jobId) return;
      if (!quiet && job.progress && !isSettled(job) && job.progress.message !== last) output.out(`  ${(last = job.progress.message)}`);
      if (isSettled(job)) {
        stop();
        resolve(job);
      }
    });
  });
  core.startBackground();
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (!core.runner.isActive) return null;
  return settled;
}
