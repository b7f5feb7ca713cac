import type { KindPlugin } from './plugin';
import { JobFailure } from './plugin';
import { sleep } from '../time';

interface Checkpoint {
  completedSteps: number;
}

/**
 * Exercises the queue itself: N steps, one durable checkpoint each, optionally pinging the
 * server every step. Registered only when self-test jobs are enabled (tests and support
 * sessions), so it never clutters a health worker's job list.
 */
export const selfTestJob: KindPlugin<'self-test'> = {
  type: 'self-test',
  needsServer: (params) => params.needsServer,
  title: (params) => `Queue self-test (${params.steps} steps)`,
  async run(ctx) {
    const { steps, stepMs, needsServer, failTimes } = ctx.params;
    if (ctx.job.attempts <= failTimes) {
      throw new JobFailure('retry', 'SELF_TEST_FAILURE', `Planned failure ${ctx.job.attempts} of ${failTimes}.`);
    }
    const client = needsServer ? await ctx.server() : null;
    let done = ctx.checkpoint<Checkpoint>()?.completedSteps ?? 0;
    if (done > 0) ctx.log('info', `Continuing after step ${done} of ${steps}.`);
    while (done < steps) {
      await sleep(stepMs, ctx.signal);
      if (client) await client.ping(ctx.signal);
      done += 1;
      ctx.saveCheckpoint(
        { completedSteps: done } satisfies Checkpoint,
        { done, total: steps, message: `Step ${done} of ${steps}` },
        `Step ${done} of ${steps} done.`,
      );
    }
    return { completedSteps: done };
  },
};
