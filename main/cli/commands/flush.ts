import { JOB_STATE_LABELS, TERMINAL_STATES, type Job } from '../../../shared/jobs';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { printJson, type Output } from '../output';
import type { Core } from '../../core/core';
import { sleep } from '../../core/time';

export const FLUSH_HELP = `dhis2-ie flush [--wait] [--timeout SECONDS] [--json]
    Sends the queued jobs now. Without --wait it stops when nothing more can run at once
    (jobs waiting for a connection or a retry stay queued); with --wait it keeps going until
    every queued job has finished (or the timeout passes).`;

export async function flushCommand(argv: string[], output: Output): Promise<number> {
  const { values } = parse(argv, { wait: { type: 'boolean', default: false }, timeout: { type: 'string' } });
  if (values.help) return (output.out(FLUSH_HELP), 0);
  const timeout = values.timeout === undefined ? null : Number(values.timeout);
  if (timeout !== null && (!Number.isFinite(timeout) || timeout <= 0)) throw new UsageError('--timeout takes a number of seconds.');

  const core = openCore(values['data-dir']);
  try {
    const before = pending(core);
    if (before.length === 0) {
      if (values.json) printJson(output, { ran: false, jobs: [] });
      else output.out('Nothing to send: no job is queued.');
      return 0;
    }
    const stop = core.bus.on('job.changed', (job) => {
      if (!values.json && job.progress && !TERMINAL_STATES.includes(job.state)) output.out(`  ${job.title}: ${job.progress.message}`);
    });
    core.startBackground();
    await sleep(100);
    if (!core.runner.isActive) {
      stop();
      const message = 'The app (or another dhis2-ie command) is already sending jobs from this data folder; nothing to do here.';
      if (values.json) printJson(output, { ran: false, message });
      else output.out(message);
      return 0;
    }
    await core.connectivity.checkAll();
    const deadline = timeout === null ? null : Date.now() + timeout * 1000;
    for (;;) {
      await sleep(250);
      const open = pending(core).filter((job) => before.some((b) => b.id === job.id));
      const moving = open.filter((job) => !(job.state === 'waiting-for-connection' || (job.state === 'queued' && job.nextAttemptAt !== null)));
      if (open.length === 0 || (!values.wait && moving.length === 0)) break;
      if (deadline !== null && Date.now() > deadline) break;
    }
    stop();
    const after = before.map((job) => core.jobs.require(job.id));
    if (values.json) printJson(output, { ran: true, jobs: after });
    else
      for (const job of after)
        output.out(`${job.id.slice(0, 8)}  ${JOB_STATE_LABELS[job.state].padEnd(22)}  ${job.title}${job.error ? ` — ${job.error.message}` : ''}`);
    return after.some((job) => job.state === 'failed' || job.state === 'needs-attention') ? 1 : 0;
  } finally {
    await core.close();
  }
}

function pending(core: Core): Job[] {
  return core.jobs.inStates(['queued', 'waiting-for-connection', 'validating', 'uploading', 'server-processing', 'running']);
}
