// Items 1, 2 and 4: a flush against a server that stops its import partway, cuts its answer, is killed mid-part,
// refuses parts as too large, or is not there. The truth is the simulator's stored values against the file.
import type { Simulator } from '../../e2e/dhis2-sim/server';
import { Checks, Context, brief, noise, seconds, type Scenario } from './harness';
import { compareStored, jobShow, jobs, laptop, said, simulator, storedText, valuesFile } from './fixtures';

const VALUES = 30_000;

interface Queued {
  sim: Simulator;
  id: string;
}

/** A laptop with 30,000 values queued (chunk size as given), against a fresh simulator. */
async function queued(ctx: Context, count = VALUES, chunk?: number): Promise<Queued> {
  const sim = await simulator(ctx);
  await laptop(ctx, 'laptop', sim);
  const file = await valuesFile(ctx, count);
  const args = ['import', 'data', file, ...(chunk ? ['--chunk-size', String(chunk)] : [])];
  const imported = await ctx.cli('laptop', args, { timeoutMs: 120_000 });
  if (imported.code !== 0) throw new Error(`import data: ${brief(said(imported), 300)}`);
  const listed = await jobs(ctx, 'laptop');
  const job = listed.find((j) => j.type === 'import-data');
  if (!job) throw new Error('import data queued no job');
  return { sim, id: job.id };
}

interface ResultShape {
  server?: { importCount?: { imported: number; updated: number; ignored: number; deleted: number } };
  resent?: { part: number; ignored: number; reason: string; firstValue: number; lastValue: number }[];
  resentChunks?: number;
}

async function resultOf(ctx: Context, id: string): Promise<{ state: string; result: ResultShape | null; log: string }> {
  const shown = await jobShow(ctx, 'laptop', id);
  const job = (shown.job ?? shown) as { state: string; result?: ResultShape | null; log?: { message: string }[]; error?: string | null };
  const log = (job.log ?? []).map((l) => l.message).join('\n');
  return { state: job.state, result: job.result ?? null, log: `${log}\n${job.error ?? ''}` };
}

const flushArgs = ['flush', '--wait', '--timeout', '240'];
const repro = (setup: string): string =>
  `${setup}; node bin/dhis2-ie.cjs import data values.csv --data-dir D && node bin/dhis2-ie.cjs flush --wait --data-dir D (30,000 generated values, see build/campaign/items-flush.ts)`;

/** Item 1: the server's import stops partway (ERROR summary, or a job that crashes); done only with every value stored. */
function serverStops(mode: 'error' | 'crash'): Scenario {
  return {
    item: '1',
    attack: `30,000 values; the server's import of the first part stops after 5,911 values (fail-async-job, mode ${mode})`,
    expected: 'done (exit 0) only with all 30,000 stored as in the file; or exit 1 naming what is missing',
    timeoutMs: 300_000,
    async run(ctx) {
      const { sim, id } = await queued(ctx);
      sim.failNextAsyncJob({ afterValues: 5911, mode, message: 'Import process was aborted' });
      const flushed = await ctx.cli('laptop', flushArgs, { timeoutMs: 260_000 });
      const stored = compareStored(sim, VALUES);
      const { state } = await resultOf(ctx, id);
      const complete = stored.missing === 0 && stored.wrong === 0 && stored.extra === 0;
      const c = new Checks()
        .note(`exit ${flushed.code}, job ${state}, ${storedText(stored)}, flush ${seconds(flushed.ms)}`)
        .expect(flushed.code === 0 ? complete && state === 'done' : /missing|not confirmed|not stored/i.test(said(flushed)), 'done only when complete')
        .expect(noise(said(flushed)) === null, 'free of stack traces');
      return c.outcome(repro(`POST /__sim/fail-async-job {"afterValues":5911,"mode":"${mode}"}`));
    },
  };
}

/**
 * Item 1, persistent: every import of the part stops. The job must not be done; it names the values not confirmed and
 * keeps them queued for its next try (a `retry` failure), and once the server heals, the queue ends with every value.
 */
const serverAlwaysStops: Scenario = {
  item: '1',
  attack: 'every import the server starts stops after 500 values (60 faults queued); `flush --wait --timeout 30`; then the server heals and `flush --wait`',
  expected: 'first flush exits 1, job not done, its message names the values/lines not confirmed, never "Completed"; healed: all 30,000 stored, exit 0',
  timeoutMs: 400_000,
  async run(ctx) {
    const { sim, id } = await queued(ctx);
    for (let i = 0; i < 60; i++) sim.failNextAsyncJob({ afterValues: 500, mode: 'error', message: 'Import process was aborted' });
    const flushed = await ctx.cli('laptop', ['flush', '--wait', '--timeout', '30'], { timeoutMs: 60_000 });
    const before = compareStored(sim, VALUES);
    const first = await resultOf(ctx, id);
    const text = `${said(flushed)}\n${first.log}`;
    sim.reset();
    sim.state.asyncJobFaults.length = 0;
    const again = await ctx.cli('laptop', flushArgs, { timeoutMs: 260_000 });
    const after = compareStored(sim, VALUES);
    const named = /values [\d,]+.[\d,]+/.exec(text)?.[0] ?? 'no range';
    const c = new Checks()
      .note(`first flush exit ${flushed.code}, job ${first.state}, ${storedText(before)}, message names "${named}"`)
      .note(`healed flush exit ${again.code} after ${seconds(again.ms)}: ${storedText(after)}`)
      .expect(flushed.code !== 0 && first.state !== 'done', 'stopped (exit 1, not done)')
      .expect(/values? [\d,]+.[\d,]+/i.test(text) && /not (been )?(confirmed|stored)|missing/i.test(text), 'naming the missing values')
      .expect(!/\bCompleted\b/.test(flushed.stdout), 'without "Completed"')
      .expect(again.code === 0, 'healed flush exit 0')
      .expect(after.missing === 0 && after.wrong === 0 && after.extra === 0, 'all stored once healed')
      .expect(noise(said(flushed) + said(again)) === null, 'free of stack traces');
    return c.outcome(repro('60 x POST /__sim/fail-async-job {"afterValues":500,"mode":"error"}'));
  },
};

/** Item 2: the connection drops 100 bytes into the answer: a network fault, retried, all stored. */
const answerCut: Scenario = {
  item: '2',
  attack: "30,000 values; the connection drops 100 bytes into the server's answer to the first part (drop afterBytes 100)",
  expected: 'retried as a network fault: exit 0, all 30,000 stored, the resend said; `jobs retry` exists',
  timeoutMs: 300_000,
  async run(ctx) {
    const { sim, id } = await queued(ctx);
    sim.dropNext({ count: 1, path: '/api/dataValueSets', afterBytes: 100 });
    const flushed = await ctx.cli('laptop', flushArgs, { timeoutMs: 260_000 });
    const stored = compareStored(sim, VALUES);
    const { state, result, log } = await resultOf(ctx, id);
    const help = await ctx.cli(null, ['--help']);
    const c = new Checks()
      .note(
        `exit ${flushed.code}, job ${state}, ${storedText(stored)}, resent parts ${(result?.resent ?? []).map((r) => `${r.part} (${r.reason})`).join(', ') || 'none'}`,
      )
      .expect(flushed.code === 0 && state === 'done', 'done')
      .expect(!/server answered 200/i.test(said(flushed) + log), 'without "The server answered 200"')
      .expect(stored.missing === 0 && stored.wrong === 0 && stored.extra === 0, 'all stored')
      .expect(
        (result?.resent ?? []).some((r) => r.reason === 'answer-lost'),
        'the resend recorded as answer lost',
      )
      .expect(/jobs retry ID/.test(help.stdout), '`jobs retry ID` in --help');
    return c.outcome(repro('POST /__sim/drop {"count":1,"path":"/api/dataValueSets","afterBytes":100}'));
  },
};

/** Item 4: flush killed with SIGKILL at random moments, then to the end: each value once, resends said truthfully. */
const killed: Scenario = {
  item: '4',
  attack: '`flush --wait` killed -9 at 6 random moments (0-2 parts after start, +0-150 ms; 60 ms answer latency, parts of 1,000), then flushed to the end',
  expected: 'every value on the simulator exactly once; every value counted ignored is inside a part the result says was sent again',
  timeoutMs: 400_000,
  async run(ctx) {
    const { sim, id } = await queued(ctx, 20_000, 1000);
    sim.setLatency(60);
    const posts = (): number => sim.requests.filter((r) => r.path.includes('/dataValueSets')).length;
    let kills = 0;
    const storedAtKill: number[] = [];
    for (let i = 0; i < 6; i++) {
      const target = posts() + Math.floor(Math.random() * 3) + 1;
      const delay = Math.floor(Math.random() * 150);
      let watch: NodeJS.Timeout | undefined;
      const run = await ctx.cli('laptop', flushArgs, {
        timeoutMs: 120_000,
        onSpawn: (proc) => {
          watch = setInterval(() => {
            if (posts() < target) return;
            clearInterval(watch);
            setTimeout(() => proc.kill('SIGKILL'), delay);
          }, 5);
        },
      });
      clearInterval(watch);
      storedAtKill.push(sim.dataValues().length);
      if (run.signal !== 'SIGKILL') break;
      kills++;
    }
    sim.setLatency(0);
    const last = await ctx.cli('laptop', flushArgs, { timeoutMs: 260_000 });
    const stored = compareStored(sim, 20_000);
    const { state, result } = await resultOf(ctx, id);
    const resent = result?.resent ?? [];
    const count = result?.server?.importCount;
    const ignored = count?.ignored ?? -1;
    const explained = resent.reduce((sum, r) => sum + r.ignored, 0);
    const c = new Checks()
      .note(`${kills} kills (stored at each: ${storedAtKill.join(', ')}); final exit ${last.code}, job ${state}, ${storedText(stored)}`)
      .note(
        `summary ${count ? `${count.imported} imported, ${count.updated} updated, ${count.ignored} ignored` : 'none'}; resent parts said: ${resent.length} (ignored in them ${explained})`,
      )
      .expect(kills >= 3, 'killed mid-flush at least 3 times')
      .expect(last.code === 0 && state === 'done', 'done')
      .expect(stored.missing === 0 && stored.wrong === 0 && stored.extra === 0, 'each value exactly once')
      .expect(count !== undefined && count.imported + count.updated + count.ignored === 20_000, 'each value counted once')
      .expect(ignored === explained, 'every ignored value explained by a part said to be sent again');
    return c.outcome(
      'see main/cli/flush-kill.test.ts; by hand: import 20,000 values with --chunk-size 1000, kill -9 `flush --wait` mid-run a few times, flush again, jobs show ID --json',
    );
  },
};

/** Item 4: a single 413: the part goes again smaller, and no resend is claimed. */
const one413: Scenario = {
  item: '4',
  attack: 'one 413 (nginx "Request Entity Too Large") on the first part of 30,000 values',
  expected: 'exit 0, all stored, no part claimed as sent again',
  timeoutMs: 300_000,
  async run(ctx) {
    const { sim, id } = await queued(ctx);
    sim.failNext({ status: 413, count: 1, path: '/api/dataValueSets' });
    const flushed = await ctx.cli('laptop', flushArgs, { timeoutMs: 260_000 });
    const stored = compareStored(sim, VALUES);
    const { state, result, log } = await resultOf(ctx, id);
    const claims = /sent again|resent/i.test(said(flushed) + log);
    const c = new Checks()
      .note(
        `exit ${flushed.code}, job ${state}, ${storedText(stored)}, result.resent ${result?.resent?.length ?? 'n/a'}, resentChunks ${result?.resentChunks ?? 'n/a'}`,
      )
      .expect(flushed.code === 0 && state === 'done', 'done')
      .expect(stored.missing === 0 && stored.wrong === 0, 'all stored')
      .expect(!claims && (result?.resent?.length ?? 0) === 0 && (result?.resentChunks ?? 0) === 0, 'no resend claimed');
    return c.outcome(repro('POST /__sim/fail {"status":413,"count":1,"path":"/api/dataValueSets"}'));
  },
};

/** Item 4: 413 on every request: ends, needs attention, in bounded time. */
function always413(thenRetry: boolean): Scenario {
  return {
    item: thenRetry ? '4 (+2)' : '4',
    attack: thenRetry
      ? 'after 413 on every request (needs attention), the limit is raised: `jobs retry ID`, `flush --wait --timeout 60`'
      : '413 on every POST /api/dataValueSets (1,000 queued)',
    expected: thenRetry
      ? 'the retried job sends its 30,000 values within 60 s (parts no longer one value each)'
      : 'ends within 60 s: exit 1, job needs attention, the 413 said in words',
    timeoutMs: 200_000,
    async run(ctx) {
      const { sim, id } = await queued(ctx);
      sim.failNext({ status: 413, count: 1000, path: '/api/dataValueSets' });
      const flushed = await ctx.cli('laptop', ['flush', '--wait', '--timeout', '120'], { timeoutMs: 150_000 });
      const { state, log } = await resultOf(ctx, id);
      const posts = sim.requests.filter((r) => r.path.includes('/dataValueSets')).length;
      const said413 = brief(
        log
          .split('\n')
          .filter((l) => /413|too large/i.test(l))
          .pop() ?? '',
        110,
      );
      if (!thenRetry) {
        return new Checks()
          .note(`exit ${flushed.code} after ${seconds(flushed.ms)}, ${posts} POSTs, job ${state}: "${said413}"`)
          .expect(!flushed.timedOut && flushed.ms < 60_000, 'ended within 60 s')
          .expect(flushed.code === 1 && state === 'needs-attention', 'needs attention, exit 1')
          .expect(noise(said(flushed)) === null, 'free of stack traces')
          .outcome(repro('POST /__sim/fail {"status":413,"count":1000,"path":"/api/dataValueSets"}'));
      }
      sim.reset();
      const retried = await ctx.cli('laptop', ['jobs', 'retry', id.slice(0, 8)]);
      const postsBefore = sim.requests.length;
      const again = await ctx.cli('laptop', ['flush', '--wait', '--timeout', '60'], { timeoutMs: 90_000 });
      const retryPosts = sim.requests.slice(postsBefore).filter((r) => r.path.includes('/dataValueSets')).length;
      const after = compareStored(sim, VALUES);
      return new Checks()
        .note(`\`jobs retry\` exit ${retried.code}; flush exit ${again.code} after ${seconds(again.ms)}, ${retryPosts} POSTs: ${storedText(after)}`)
        .expect(retried.code === 0 && again.code === 0 && after.missing === 0 && after.extra === 0, 'all stored within 60 s')
        .outcome(
          repro('POST /__sim/fail {"status":413,"count":1000,"path":"/api/dataValueSets"}') +
            '; then POST /__sim/reset, node bin/dhis2-ie.cjs jobs retry ID --data-dir D, node bin/dhis2-ie.cjs flush --wait --timeout 60 --data-dir D: one value per POST',
        );
    },
  };
}

/** Item 4: `flush --wait --timeout 3` against an offline server: non-zero, naming the job. */
const offlineTimeout: Scenario = {
  item: '4',
  attack: '`flush --wait --timeout 3` with the simulator offline (connection reset)',
  expected: 'exit non-zero within ~10 s, naming the unfinished job',
  timeoutMs: 120_000,
  async run(ctx) {
    const { sim, id } = await queued(ctx, 100);
    sim.setOffline(true);
    const flushed = await ctx.cli('laptop', ['flush', '--wait', '--timeout', '3'], { timeoutMs: 30_000 });
    const c = new Checks()
      .note(`exit ${flushed.code} after ${seconds(flushed.ms)}: "${brief(flushed.stderr || flushed.stdout, 140)}"`)
      .expect(flushed.code !== 0 && flushed.code !== null, 'exit non-zero')
      .expect(flushed.ms < 10_000, 'within 10 s')
      .expect(said(flushed).includes(id.slice(0, 8)), 'naming the job');
    return c.outcome('sim offline; node bin/dhis2-ie.cjs flush --wait --timeout 3 --data-dir D');
  },
};

export const flushScenarios: Scenario[] = [
  serverStops('error'),
  serverStops('crash'),
  serverAlwaysStops,
  answerCut,
  killed,
  one413,
  always413(false),
  always413(true),
  offlineTimeout,
];
