import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServer } from 'node:net';
import type { Core } from '../core';
import type { Job, JobState } from '../../../shared/jobs';
import { JobFailure, type JobPlugin } from './plugin';
import { tempDir, testCore, waitFor } from '../test/helpers';
import { backoffMs } from './backoff';

const Params = z.object({ mode: z.enum(['ok', 'fix', 'fatal', 'crash', 'wait']) });
type Params = z.infer<typeof Params>;
const STAND_IN = { params: Params, result: z.object({ fine: z.boolean() }) };

/** A stand-in plugin, registered under a real type name that the foundation does not implement yet. */
function fakePlugin(onRun?: () => void): JobPlugin<Params, { fine: boolean }> {
  return {
    type: 'import-population',
    needsServer: () => false,
    title: (p) => `fake ${p.mode}`,
    async run(ctx) {
      onRun?.();
      if (ctx.params.mode === 'fix') throw new JobFailure('fix', 'BAD_INPUT', 'Row 3: the period 2024W99 does not exist.');
      if (ctx.params.mode === 'fatal') throw new JobFailure('fatal', 'BROKEN', 'The file cannot be imported.');
      if (ctx.params.mode === 'crash') throw new TypeError('undefined is not a function');
      if (ctx.params.mode === 'wait') await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      return { fine: true };
    },
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('JobRunner', () => {
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  const states: Record<string, JobState[]> = {};

  beforeEach(() => {
    dir = tempDir();
    core = testCore(dir.path);
    core.settings.update({ retryBaseSeconds: 1, retryMaxSeconds: 1 });
    core.bus.on('job.changed', (job) => {
      const seen = (states[job.id] ??= []);
      if (seen.at(-1) !== job.state) seen.push(job.state);
    });
  });
  afterEach(async () => {
    await core.close();
    dir.remove();
  });

  const job = (id: string): Job => core.jobs.get(id)!;
  const until = (id: string, state: JobState) => waitFor(() => job(id).state === state, `job to be ${state} (is ${job(id).state})`);

  it('runs a job to completion with durable progress, checkpoints and log', async () => {
    core.runner.start();
    const created = core.runner.create({ type: 'self-test', params: { steps: 3, stepMs: 5 } });
    expect(created.state).toBe('queued');
    expect(created.title).toBe('Queue self-test (3 steps)');
    await until(created.id, 'done');
    const done = job(created.id);
    expect(done.result).toEqual({ completedSteps: 3 });
    expect(done.progress).toEqual({ done: 3, total: 3, message: 'Step 3 of 3' });
    expect(done.attempts).toBe(1);
    expect(done.finishedAt).not.toBeNull();
    expect(states[created.id]).toEqual(['queued', 'running', 'done']);
    const messages = core.jobLog.list(created.id).map((e) => e.message);
    expect(messages).toEqual(['Job queued.', 'Started.', 'Step 1 of 3 done.', 'Step 2 of 3 done.', 'Step 3 of 3 done.', 'Completed.']);
  });

  it('resumes a job the process died in, from its checkpoint, without redoing confirmed steps', async () => {
    const created = core.runner.create({ type: 'self-test', params: { steps: 5, stepMs: 1 } });
    // What a kill -9 after step 2 leaves behind: the row mid-run with its last checkpoint.
    core.jobs.update(created.id, { state: 'running', attempts: 1, checkpoint: { completedSteps: 2 }, startedAt: new Date().toISOString() });
    core.runner.start();
    await until(created.id, 'done');
    const log = core.jobLog.list(created.id).map((e) => e.message);
    expect(log).toContain('The app stopped while this job was running; resuming from the last checkpoint.');
    expect(log.filter((m) => /^Step \d of 5 done\.$/.test(m))).toEqual(['Step 3 of 5 done.', 'Step 4 of 5 done.', 'Step 5 of 5 done.']);
    expect(log).toContain('Continuing after step 2 of 5.');
    // The interrupted try does not count against the job.
    expect(job(created.id).attempts).toBe(1);
  });

  it('retries a passing failure after a backoff and then succeeds', async () => {
    core.runner.start();
    const created = core.runner.create({ type: 'self-test', params: { steps: 1, stepMs: 0, failTimes: 1 } });
    await waitFor(() => job(created.id).nextAttemptAt, 'a retry to be scheduled');
    const waiting = job(created.id);
    expect(waiting.state).toBe('queued');
    expect(waiting.error).toEqual({ code: 'SELF_TEST_FAILURE', message: 'Planned failure 1 of 1.' });
    expect(Date.parse(waiting.nextAttemptAt!) - Date.now()).toBeGreaterThan(200);
    await until(created.id, 'done');
    expect(job(created.id).attempts).toBe(2);
    expect(job(created.id).error).toBeNull();
  });

  it('gives up after the last attempt and says so', async () => {
    core.settings.update({ maxAttempts: 2 });
    core.runner.start();
    const created = core.runner.create({ type: 'self-test', params: { steps: 1, stepMs: 0, failTimes: 5 } });
    await until(created.id, 'failed');
    expect(job(created.id).attempts).toBe(2);
    expect(job(created.id).error?.message).toMatch(/Gave up after 2 attempts; use Retry/);
  });

  it('waits for the connection instead of failing when the server cannot be reached, without using up tries', async () => {
    const port = await closedPort();
    await core.servers.add({ name: 'Down', url: `http://127.0.0.1:${port}`, auth: { kind: 'token', token: 'd2p_x' } });
    core.runner.start();
    const created = core.runner.create({ type: 'self-test', params: { steps: 2, stepMs: 0, needsServer: true } });
    await until(created.id, 'waiting-for-connection');
    expect(job(created.id).attempts).toBe(0);
    expect(job(created.id).error?.code).toBe('OFFLINE');
    expect(core.connectivity.isOnline(job(created.id).serverId ?? core.servers.resolve().id)).toBe(false);
  });

  it('waits when no server is set up at all', async () => {
    core.runner.start();
    const created = core.runner.create({ type: 'self-test', params: { steps: 1, stepMs: 0, needsServer: true } });
    await until(created.id, 'waiting-for-connection');
    expect(core.jobLog.list(created.id).map((e) => e.message)).toContain('No DHIS2 server is set up yet; the job waits until one is added.');
  });

  it('marks a job needing the user when the plugin says the input must be fixed, and retries it on request', async () => {
    core.registry.registerStandIn(fakePlugin(), STAND_IN);
    core.runner.start();
    const created = core.runner.create({ type: 'import-population', params: { mode: 'fix' } });
    await until(created.id, 'needs-attention');
    expect(job(created.id).error).toEqual({ code: 'BAD_INPUT', message: 'Row 3: the period 2024W99 does not exist.' });
    expect(job(created.id).attempts).toBe(1);
    const retried = core.runner.retry(created.id);
    expect(retried.state).toBe('queued');
    expect(retried.attempts).toBe(0);
    await until(created.id, 'needs-attention');
  });

  it('fails without retrying on a fatal error or an unexpected exception, with words not a stack', async () => {
    let runs = 0;
    core.registry.registerStandIn(
      fakePlugin(() => runs++),
      STAND_IN,
    );
    core.runner.start();
    const fatal = core.runner.create({ type: 'import-population', params: { mode: 'fatal' } });
    const crash = core.runner.create({ type: 'import-population', params: { mode: 'crash' } });
    await until(fatal.id, 'failed');
    await until(crash.id, 'failed');
    expect(runs).toBe(2);
    expect(job(crash.id).error?.message).toMatch(/^The job stopped on an unexpected error: undefined is not a function/);
  });

  it('checks a result against its kind: a plugin returning another shape fails the job instead of storing it', async () => {
    core.registry.registerStandIn(fakePlugin(), { params: Params, result: z.object({ fine: z.literal(false) }) });
    core.runner.start();
    const created = core.runner.create({ type: 'import-population', params: { mode: 'ok' } });
    await until(created.id, 'failed');
    expect(job(created.id).result).toBeNull();
    expect(job(created.id).error?.message).toMatch(/the import-population result does not match its declaration/);
  });

  it('refuses to register a plugin for a kind declared without parameters, and one registered twice', () => {
    expect(() => core.registry.register({ ...fakePlugin(), type: 'import-events' } as never)).toThrow(/declared without parameters/);
    expect(() => core.registry.register(core.registry.require('self-test').plugin as never)).toThrow(/registered twice/);
  });

  it('cancels a queued job and a running one', async () => {
    core.registry.registerStandIn(fakePlugin(), STAND_IN);
    const queued = core.runner.create({ type: 'self-test', params: { steps: 1, stepMs: 0 } });
    expect(core.runner.cancel(queued.id).state).toBe('cancelled');
    core.runner.start();
    const running = core.runner.create({ type: 'import-population', params: { mode: 'wait' } });
    await until(running.id, 'running');
    core.runner.cancel(running.id);
    await until(running.id, 'cancelled');
    expect(() => core.runner.cancel(running.id)).toThrow(/already in the state "Cancelled"/);
    expect(job(queued.id).state).toBe('cancelled');
  });

  it('puts running jobs back in the queue when the app closes, to resume next time', async () => {
    core.registry.registerStandIn(fakePlugin(), STAND_IN);
    core.runner.start();
    const running = core.runner.create({ type: 'import-population', params: { mode: 'wait' } });
    await until(running.id, 'running');
    await core.runner.stop();
    expect(job(running.id).state).toBe('queued');
    expect(job(running.id).attempts).toBe(0);
  });

  it('refuses invalid parameters, unknown job types and missing files before queueing anything', () => {
    expect(() => core.runner.create({ type: 'self-test', params: { steps: 0, stepMs: 0 } })).toThrow(/options for this job are not valid: steps/);
    expect(() => core.runner.create({ type: 'import-events', params: {} })).toThrow(/cannot run "import-events" jobs yet/);
    expect(() =>
      core.runner.create({ type: 'self-test', params: { steps: 1, stepMs: 0 }, files: [{ sha256: 'a'.repeat(64), name: 'gone.csv', size: 1 }] }),
    ).toThrow(/"gone.csv" is not in the app's store/);
    expect(core.jobs.counts().total).toBe(0);
  });

  it('flags a stored job whose type this build cannot run instead of crashing the queue', async () => {
    const created = core.jobs.insert({ type: 'import-tracker', title: 'old job', state: 'queued', params: {}, files: [], serverId: null, maxAttempts: 3 });
    core.runner.start();
    await until(created.id, 'needs-attention');
    expect(job(created.id).error?.code).toBe('JOB_TYPE_UNAVAILABLE');
  });

  it('lets only one runner work a data folder at a time', async () => {
    const second = testCore(dir.path);
    try {
      core.runner.start();
      await waitFor(() => core.runner.isActive, 'first runner to take the lock');
      second.runner.start();
      const created = second.runner.create({ type: 'self-test', params: { steps: 1, stepMs: 0 } });
      await until(created.id, 'done');
      expect(second.runner.isActive).toBe(false);
    } finally {
      await second.close();
    }
  });
});

describe('backoffMs', () => {
  it('grows threefold from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffMs(attempt, 10, 900) / 1000)).toEqual([10, 30, 90, 270, 810]);
    expect(backoffMs(6, 10, 900)).toBe(900_000);
  });
});
