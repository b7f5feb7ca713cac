// Item 10: a full disk (a real 8 MiB tmpfs, filled to the last byte), a data folder the user may not write
// (EACCES: the CLI run as `nobody`, since root ignores file modes), stdout closed early (`| head -c 50`), and a FIFO.
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plannedValues } from '../bench/generate-values';
import { BIN, Checks, Context, brief, lines, noise, type CliRun, type Outcome, type Scenario } from './harness';
import { jobs, laptop, metadata, said, simulator, valuesFile } from './fixtures';

const line = Context.line;

function csv(count: number, offset = 0): string {
  const rows = ['dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value'];
  let i = 0;
  for (const v of plannedValues(metadata().content, count + offset)) if (i++ >= offset) rows.push(`${v.de},${v.pe},${v.ou},${v.coc},,${v.value}`);
  return `${rows.join('\n')}\n`;
}

function notRun(reason: string): Outcome {
  return { observed: reason, verdict: 'NOT RUN', repro: reason };
}

/** Mounts a tmpfs of `mb` MiB; null (with the reason) where mounting is not permitted. */
function tmpfs(ctx: Context, name: string, mb: number): { path: string } | { reason: string } {
  const path = ctx.dir(name);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', path], { encoding: 'utf8' });
  if (mounted.status !== 0) return { reason: `mount -t tmpfs not permitted here: ${brief(mounted.stderr || String(mounted.error), 100)}` };
  ctx.onClose(() => {
    spawnSync('umount', ['-l', path]);
  });
  return { path };
}

/** Writes zeros until the file system says ENOSPC. */
function fill(dir: string): number {
  const fd = openSync(join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch {
    // ENOSPC: the disk is full, which is the point. Top up the last partial block too.
    try {
      for (;;) written += writeSync(fd, Buffer.alloc(512));
    } catch {
      /* full */
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

const fullDisk: Scenario = {
  item: '10',
  attack:
    'the data folder on a real 8 MiB tmpfs filled to the last byte: jobs, jobs --json, jobs show, server list, metadata status, import data, validate, flush',
  expected: 'no stack trace or "SqliteError" on any; reading commands answer (exit 0); writing ones exit non-zero in one line saying the disk is full',
  timeoutMs: 240_000,
  async run(ctx) {
    const disk = tmpfs(ctx, 'disk', 8);
    if ('reason' in disk) return notRun(disk.reason);
    const sim = await simulator(ctx);
    const data = join('disk', 'data');
    await laptop(ctx, data, sim);
    const small = join(ctx.work, 'small.csv');
    writeFileSync(small, csv(20));
    const queued = await ctx.cli(data, ['import', 'data', small]);
    if (queued.code !== 0) throw new Error(`import data before the disk filled: ${brief(said(queued), 200)}`);
    const id = (await jobs(ctx, data))[0]!.id.slice(0, 8);
    const filled = fill(disk.path);
    const other = join(ctx.work, 'other.csv');
    writeFileSync(other, csv(20, 20));
    const reading: [string, string[]][] = [
      ['jobs', ['jobs']],
      ['jobs --json', ['jobs', '--json']],
      ['jobs show', ['jobs', 'show', id]],
      ['server list', ['server', 'list']],
      ['metadata status', ['metadata', 'status']],
    ];
    const writing: [string, string[]][] = [
      ['import data', ['import', 'data', other]],
      ['validate', ['validate', other]],
      ['flush', ['flush', '--wait', '--timeout', '20']],
    ];
    const c = new Checks().note(`filled with ${(filled / 1024 / 1024).toFixed(1)} MiB`);
    const said1: string[] = [];
    for (const [name, args] of [...reading, ...writing]) {
      const run: CliRun = await ctx.cli(data, args, { timeoutMs: 40_000 });
      const isReading = reading.some(([n]) => n === name);
      const n = noise(said(run));
      c.expect(n === null, `${name} free of stack traces (saw "${n}")`);
      if (isReading) c.expect(run.code === 0, `${name} answering (exit ${run.code}: ${brief(run.stderr, 80)})`);
      else if (run.code !== 0) {
        c.expect(lines(run.stderr).length <= 1, `${name} in one line (${lines(run.stderr).length} lines)`);
        c.expect(/full|space|ENOSPC/i.test(said(run)), `${name} saying the disk is full`);
      }
      said1.push(`${name} ${run.code}${run.code !== 0 ? ` "${brief(run.stderr || run.stdout, 90)}"` : ''}`);
    }
    c.note(`exits: ${said1.join('; ')}`);
    return c.outcome(
      `mount -t tmpfs -o size=8m tmpfs /mnt/full; dhis2-ie server add/metadata load/import data --data-dir /mnt/full/d; dd if=/dev/zero of=/mnt/full/filler; ${line(['jobs', '--data-dir', '/mnt/full/d'])}`,
    );
  },
};

const denied: Scenario = {
  item: '10',
  attack: 'import data (and jobs) as a user who may not write the data folder (EACCES: run as nobody, folder owned by root, 0755)',
  expected: 'import data exits non-zero in one line naming the permission problem; no stack trace',
  timeoutMs: 120_000,
  async run(ctx) {
    const sim = await simulator(ctx);
    await laptop(ctx, 'laptop', sim);
    const file = await valuesFile(ctx, 20);
    // nobody must reach the CLI, the file and the folder; the data folder itself stays root's.
    chmodSync(ctx.work, 0o755);
    chmodSync(file, 0o644);
    const asNobody = { env: { HOME: '/tmp' }, uid: 65534 };
    const probe = spawnSync(process.execPath, ['-e', 'process.exit(0)'], { uid: 65534, gid: 65534 });
    if (probe.status !== 0) return notRun(`cannot run a process as nobody here: ${String(probe.error ?? probe.stderr)}`);
    const runAs = (args: string[]): Promise<CliRun> => ctx.spawnNode([BIN, ...args, '--data-dir', join(ctx.work, 'laptop')], asNobody);
    const imported = await runAs(['import', 'data', file]);
    const listed = await runAs(['jobs']);
    return new Checks()
      .note(
        `import exit ${imported.code}: "${brief(imported.stderr || imported.stdout, 140)}"; jobs exit ${listed.code}: "${brief(listed.stderr || listed.stdout, 80)}"`,
      )
      .expect(imported.code !== 0 && imported.code !== null, 'import non-zero')
      .expect(lines(imported.stderr).length === 1, 'one line')
      .expect(/permission|not allowed|EACCES|access|read-only|write/i.test(imported.stderr), 'naming the permission problem')
      .expect(noise(said(imported) + said(listed)) === null, 'free of stack traces')
      .outcome(`sudo -u nobody ${line(['import', 'data', 'values.csv', '--data-dir', 'ROOT_OWNED_DIR'])}`);
  },
};

/** `dhis2-ie ARGS --data-dir D 2>ERR | head -c 50`: the CLI's exit code and its stderr. */
function headPipe(ctx: Context, data: string, args: string[]): { code: number; stderr: string; ms: number } {
  const err = join(ctx.work, 'stderr.txt');
  const command = `"${process.execPath}" "${BIN}" ${args.map((a) => `'${a}'`).join(' ')} --data-dir '${join(ctx.work, data)}' 2>'${err}' | head -c 50 >/dev/null; echo \${PIPESTATUS[0]}`;
  const started = Date.now();
  const run = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 60_000 });
  const stderr = spawnSync('cat', [err], { encoding: 'utf8' }).stdout;
  return { code: Number(run.stdout.trim()), stderr, ms: Date.now() - started };
}

const closedPipe: Scenario = {
  item: '10',
  attack: '`dhis2-ie jobs | head -c 50` (60 jobs) and `validate` of 20,000 unknown-element rows `| head -c 50` (MBs of output)',
  expected: 'both end quietly: exit 0, nothing on stderr (no EPIPE stack)',
  timeoutMs: 240_000,
  async run(ctx) {
    const sim = await simulator(ctx);
    await laptop(ctx, 'laptop', sim);
    for (let i = 0; i < 60; i++) {
      const file = join(ctx.work, `v${i}.csv`);
      writeFileSync(file, csv(1, i));
      await ctx.cli('laptop', ['import', 'data', file]);
    }
    const bad = join(ctx.work, 'bad.csv');
    const rows = ['dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value'];
    for (let i = 0; i < 20_000; i++) rows.push(`NoSuchDE${String(i).padStart(3, '0')},202401,NoSuchOrgUn,,,${i}`);
    writeFileSync(bad, `${rows.join('\n')}\n`);
    const a = headPipe(ctx, 'laptop', ['jobs']);
    const b = headPipe(ctx, 'laptop', ['validate', bad]);
    return new Checks()
      .note(`jobs | head: exit ${a.code}, stderr "${brief(a.stderr, 80)}"; validate | head: exit ${b.code}, stderr "${brief(b.stderr, 80)}"`)
      .expect(a.stderr.trim() === '' && b.stderr.trim() === '', 'nothing on stderr')
      .expect(a.code === 0 && (b.code === 0 || b.code === 1), 'a quiet exit')
      .outcome(`${line(['jobs', '--data-dir', 'D'])} | head -c 50`);
  },
};

const fifo: Scenario = {
  item: '10',
  attack: '`metadata load FIFO` (a named pipe nobody writes to), and `import data FIFO`',
  expected: 'refused within a second, in one line',
  timeoutMs: 60_000,
  async run(ctx) {
    const path = join(ctx.work, 'pipe.json');
    const made = spawnSync('mkfifo', [path]);
    if (made.status !== 0) return notRun('mkfifo failed here');
    mkdirSync(join(ctx.work, 'laptop'), { recursive: true });
    // The CLI's own start (node, the bundle, the data folder) is not the FIFO's doing: measured, then allowed for.
    const start = await ctx.cli('laptop', ['jobs']);
    const loaded = await ctx.cli('laptop', ['metadata', 'load', path], { timeoutMs: 10_000 });
    const imported = await ctx.cli('laptop', ['import', 'data', path], { timeoutMs: 10_000 });
    const c = new Checks().note(
      `metadata load exit ${loaded.code} in ${loaded.ms.toFixed(0)} ms: "${brief(loaded.stderr, 120)}"; import data exit ${imported.code} in ${imported.ms.toFixed(0)} ms`,
    );
    for (const [name, run] of [
      ['metadata load', loaded],
      ['import data', imported],
    ] as const) {
      c.expect(!run.timedOut && run.code !== 0 && run.ms < start.ms + 1000, `${name} refused within a second of the CLI's start (${start.ms.toFixed(0)} ms)`);
      c.expect(lines(run.stderr).length === 1 && noise(said(run)) === null, `${name} in one line`);
    }
    return c.outcome(`mkfifo p.json; ${line(['metadata', 'load', 'p.json', '--data-dir', 'D'])}`);
  },
};

export const diskScenarios: Scenario[] = [fullDisk, denied, closedPipe, fifo];
