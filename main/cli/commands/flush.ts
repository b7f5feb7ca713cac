import { JOB_STATE_LABELS, TERMINAL_STATES, type Job } from '../../../shared/jobs';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { inline, printJson, type Output } from '../output';
import type { Core } from '../../core/core';
import { sleep } from '../../core/time';
import { runnerLockIsFree } from '../../core/jobs/runner-lock';
import { join } from 'node:path';
import { stuckJobsNote } from './jobs-retry';

export const FLUSH_HELP = `dhis2-ie flush [--wait] [--timeout SECONDS] [--json]
    Sends the queued jobs now. Without --wait it stops when nothing more can run at once
    (jobs waiting for a connection or a retry stay queued); with --wait it keeps going until
    every queued job has finished (or the timeout passes). Exits 1 when a job failed or needs
    attention, and when --timeout passed with jobs not finished (they are named).`;

export async function flushCommand(argv: string[], output: Output): Promise<number> {
  const { values } = parse(argv, { wait: { type: 'boolean', default: false }, timeout: { type: 'string' } });
  if (values.help) return (output.out(FLUSH_HELP), 0);
  const timeout = values.timeout === undefined ? null : Number(values.timeout);
  if (timeout !== null && (!Number.isFinite(timeout) || timeout <= 0)) throw new UsageError('--timeout takes a number of seconds.');

  const core = openCore(values['data-dir']);
  try {
    const before = pending(core);
    if (before.length === 0) {
      const stuck = stuckJobsNote(core);
      if (values.json) printJson(output, { ran: false, jobs: [] });
      else output.out(stuck ? `Nothing to send: no job is queued.\n${stuck}` : 'Nothing to send: no job is queued.');
      return 0;
    }
    const stop = core.bus.on('job.changed', (job) => {
      if (!values.json && job.progress && !TERMINAL_STATES.includes(job.state)) output.out(`  ${inline(job.title)}: ${inline(job.progress.message)}`);
    });
    // Said at once when another flush (or the app) is sending; a disk that cannot take the lock throws, and is named.
    if (runnerLockIsFree(join(core.dataDir, 'runner.lock'))) {
      core.startBackground();
      await sleep(100);
    }
    if (!core.runner.isActive) {
      stop();
      const message = 'The app (or another dhis2-ie command) is already sending jobs from this data folder; nothing to do here.';
      if (values.json) printJson(output, { ran: false, message });
      else output.out(message);
      return 0;
    }
    await core.connectivity.checkAll();
    const deadline = timeout === null ? null : Date.now() + timeout * 1000;
    let timedOut = false;
    for (;;) {
      await pauseOrJobEnd(core, 250);
      const open = pending(core).filter((job) => before.some((b) => b.id === job.id));
      const moving = open.filter((job) => !(job.state === 'waiting-for-connection' || (job.state === 'queued' && job.nextAttemptAt !== null)));
      if (open.length === 0 || (!values.wait && moving.length === 0)) break;
      if (deadline !== null && Date.now() > deadline) {
        timedOut = true;
        break;
      }
    }
    stop();
    const after = before.map((job) => core.jobs.require(job.id));
    // With --wait the caller asked for every job to finish: one still open when time ran out is not success.
    const unfinished = values.wait ? after.filter((job) => !TERMINAL_STATES.includes(job.state)) : [];
    const stopped = after.filter((job) => job.state === 'failed' || job.state === 'needs-attention');
    if (values.json) printJson(output, { ran: true, timedOut: timedOut && unfinished.length > 0, jobs: after });
    else {
      for (const job of after)
        output.out(
          `${job.id.slice(0, 8)}  ${JOB_STATE_LABELS[job.state].padEnd(22)}  ${inline(job.title)}${job.error ? ` — ${inline(job.error.message)}` : ''}`,
        );
      if (unfinished.length > 0)
        output.err(
          `${timedOut ? `The ${timeout} s timeout passed` : 'Stopped'} with ${unfinished.length === 1 ? '1 job' : `${unfinished.length} jobs`} not finished: ${unfinished
            .map((job) => `${job.id.slice(0, 8)} (${JOB_STATE_LABELS[job.state].toLowerCase()})`)
            .join(', ')}. They stay queued and continue from where they stopped.`,
        );
      if (stopped.length > 0) output.err(`See why with \`dhis2-ie jobs show ${stopped[0]!.id.slice(0, 8)}\`; \`dhis2-ie jobs retry ID\` queues a job again.`);
    }
    return stopped.length > 0 || unfinished.length > 0 ? 1 : 0;
  } finally {
    await core.close();
  }
}

/** A pause, cut short when a job ends: the command returns as soon as its last job does, not up to a pause later. */
function pauseOrJobEnd(core: Core, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const off = core.bus.on('job.changed', (job) => {
      if (TERMINAL_STATES.includes(job.state)) done();
    });
  });
}

function pending(core: Core): Job[] {
  return core.jobs.inStates(['queued', 'waiting-for-connection', 'validating', 'uploading', 'server-processing', 'running']);
}
