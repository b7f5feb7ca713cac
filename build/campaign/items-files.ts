// Items 3, 5, 8 and 9: the data folder shared by concurrent commands, a CSV with no line end, files `validate`
// refuses given to `import data`, and files that used to be read silently wrong.
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plannedValues } from '../bench/generate-values';
import { Checks, Context, brief, lines, noise, seconds, type CliRun, type Scenario } from './harness';
import { compareStored, jobs, laptop, metadata, said, simulator, storedText, valuesFile, writeSeed } from './fixtures';
import * as hostile from './hostile';

/** A data element, period and org unit the offline metadata accepts together. */
function sample(): { de: string; pe: string; ou: string } {
  const first = plannedValues(metadata().content, 1).next().value;
  if (!first) throw new Error('no value in the generated metadata');
  return { de: first.de, pe: first.pe, ou: first.ou };
}

/** A data folder with offline metadata and no server: what a facility laptop checks against. */
async function offlineLaptop(ctx: Context, data = 'laptop'): Promise<void> {
  const loaded = await ctx.cli(data, ['metadata', 'load', writeSeed(ctx)], { timeoutMs: 60_000 });
  if (loaded.code !== 0) throw new Error(`metadata load: ${loaded.stderr || loaded.stdout}`);
}

/** The one line a refusal is said in (stderr, else stdout), without the file's path prefix differences. */
function refusal(run: CliRun): string {
  return (lines(run.stderr)[0] ?? lines(run.stdout)[0] ?? '').trim();
}

const line = Context.line;

// ---- Item 3 -------------------------------------------------------------------------------------------------------

const busyFolder: Scenario = {
  item: '3',
  attack: 'import data of a 4,000,000-value CSV (~280 MB) while jobs, jobs --json, server list, metadata status and validate loop on the same data folder',
  expected: 'the import exits 0 and queues its job; no command prints ENOENT, a stack trace or "database connection is not open"',
  timeoutMs: 300_000,
  async run(ctx) {
    const sim = await simulator(ctx);
    await laptop(ctx, 'laptop', sim);
    const big = await valuesFile(ctx, 4_000_000, 'big.csv');
    const small = await valuesFile(ctx, 10, 'small.csv');
    let running = true;
    const others: CliRun[] = [];
    const loop = (async () => {
      const commands = [['jobs'], ['jobs', '--json'], ['server', 'list'], ['metadata', 'status'], ['validate', small]];
      for (let i = 0; running; i++) others.push(await ctx.cli('laptop', commands[i % commands.length]!, { timeoutMs: 60_000 }));
    })();
    const imported = await ctx.cli('laptop', ['import', 'data', big], { timeoutMs: 240_000 });
    running = false;
    await loop;
    const bad = others.filter((r) => r.code !== 0 || noise(said(r)) !== null || /ENOENT|connection is not open/.test(said(r)));
    const listed = await jobs(ctx, 'laptop');
    return new Checks()
      .note(
        `import exit ${imported.code} in ${seconds(imported.ms)} (${(statSync(big).size / 1e6).toFixed(0)} MB); ${others.length} other commands alongside, ${bad.length} failed`,
      )
      .note(bad.length ? `first failure: ${brief(said(bad[0]!), 120)}` : `jobs: ${listed.map((j) => j.state).join(', ')}`)
      .expect(imported.code === 0 && noise(said(imported)) === null && !/ENOENT/.test(said(imported)), 'the import exit 0 without ENOENT')
      .expect(others.length >= 5, 'other commands ran alongside')
      .expect(bad.length === 0, 'every other command clean')
      .expect(listed.filter((j) => j.type === 'import-data').length === 1, 'one job queued')
      .outcome(`${line(['import', 'data', 'big.csv', '--data-dir', 'D'])} & while :; do node bin/dhis2-ie.cjs jobs --data-dir D; done`);
  },
};

const twoFlushes: Scenario = {
  item: '3',
  attack: 'two `flush --wait` at once on the same data folder (30,000 values queued)',
  expected: 'both end without a crash or stack trace (no "database connection is not open"); every value stored once',
  timeoutMs: 300_000,
  async run(ctx) {
    const sim = await simulator(ctx);
    await laptop(ctx, 'laptop', sim);
    const file = await valuesFile(ctx, 30_000);
    const imported = await ctx.cli('laptop', ['import', 'data', file, '--chunk-size', '2000'], { timeoutMs: 120_000 });
    if (imported.code !== 0) throw new Error(`import data: ${brief(said(imported))}`);
    sim.setLatency(30);
    const [a, b] = await Promise.all([0, 1].map(() => ctx.cli('laptop', ['flush', '--wait', '--timeout', '200'], { timeoutMs: 240_000 })));
    const stored = compareStored(sim, 30_000);
    const both = said(a!) + said(b!);
    return new Checks()
      .note(`exits ${a!.code} and ${b!.code}; ${storedText(stored)}; second said: "${brief(b!.stderr || b!.stdout, 100)}"`)
      .expect(noise(both) === null && !/connection is not open/.test(both), 'free of crashes')
      .expect(a!.code === 0 && b!.code === 0, 'both exit 0')
      .expect(stored.missing === 0 && stored.extra === 0 && stored.wrong === 0, 'every value once')
      .outcome(`${line(['flush', '--wait', '--data-dir', 'D'])} & ${line(['flush', '--wait', '--data-dir', 'D'])}`);
  },
};

const exportMissing: Scenario = {
  item: '3',
  attack: '`export data ... --out` a folder that does not exist',
  expected: 'exit non-zero, one line naming the folder, no stack trace',
  timeoutMs: 60_000,
  async run(ctx) {
    const sim = await simulator(ctx);
    await laptop(ctx, 'laptop', sim);
    const { ou } = sample();
    const set = metadata().content.records.dataSets[0]!.id;
    const out = join(ctx.work, 'no', 'such', 'folder');
    const args = [
      'export',
      'data',
      '--org-unit',
      ou,
      '--data-set',
      set,
      '--start-date',
      '2020-01-01',
      '--end-date',
      '2020-12-31',
      '--format',
      'csv',
      '--out',
      out,
    ];
    const run = await ctx.cli('laptop', args);
    // What the user reads about the folder: the line that names it (stdout's last line, or stderr).
    const said1 = [...lines(run.stderr), ...lines(run.stdout)].filter((l) => l.includes('no/such/folder') || /folder|not found|exist/i.test(l));
    const listed = await jobs(ctx, 'laptop');
    return new Checks()
      .note(
        `exit ${run.code}: ${[...lines(run.stdout), ...lines(run.stderr)].map((l) => `"${brief(l, 150)}"`).join(' / ')}; jobs: ${listed.map((j) => j.state).join(', ') || 'none'}`,
      )
      .expect(run.code !== 0 && run.code !== null, 'exit non-zero')
      .expect(said1.length === 1, 'one line about the folder')
      .expect(noise(said(run)) === null && !/connection is not open/.test(said(run)), 'free of stack traces')
      .outcome(line([...args.slice(0, -1), '/no/such/folder', '--data-dir', 'D']));
  },
};

// ---- Item 5 -------------------------------------------------------------------------------------------------------

/** Sizes in MiB; the last one is 1 GiB, run only while the ones before stay fast (it must finish within ~30 s). */
const NO_LINE_END_MB = [16, 64, 128, 1024];

const noLineEnd: Scenario = {
  item: '5',
  attack: 'validate a CSV with no line end of 16, 64, 128 MB and 1 GiB (generated as a stream)',
  expected: 'each refused with a row-length message; time roughly linear or better (128 MB in seconds, not 122 s); 1 GiB within ~30 s',
  timeoutMs: 600_000,
  async run(ctx) {
    await offlineLaptop(ctx);
    const c = new Checks();
    const times: string[] = [];
    const ms: number[] = [];
    for (const mb of NO_LINE_END_MB) {
      const file = join(ctx.work, `no-line-end-${mb}.csv`);
      await hostile.noLineEnd(file, mb);
      const run = await ctx.cli('laptop', ['validate', file], { timeoutMs: mb >= 1024 ? 60_000 : 200_000 });
      ms.push(run.ms);
      times.push(`${mb} MB ${seconds(run.ms)}`);
      c.expect(run.code !== 0 && !run.timedOut, `${mb} MB refused (exit ${run.code})`);
      c.expect(/row|line|cell/i.test(refusal(run)) && /long|MB|MiB|limit|characters|bytes/i.test(refusal(run)), `${mb} MB said as a row length`);
      c.expect(noise(said(run)) === null, `${mb} MB free of stack traces`);
      if (mb === 16) c.note(`"${brief(refusal(run), 150)}"`);
      if (mb === 1024) c.expect(run.ms < 30_000, '1 GiB within 30 s');
      rmSync(file, { force: true });
    }
    // Linear would be 8x from 16 to 128 MB; a limit that stops reading early is flat. Quadratic was 45x.
    const ratio = ms[2]! / ms[0]!;
    c.note(`times: ${times.join(', ')}; 128/16 MB ratio ${ratio.toFixed(1)} (linear 8, quadratic 64)`);
    c.expect(ratio < 12, 'roughly linear (128/16 ratio < 12)');
    return c.outcome(`node dist/bench/no-line-end.cjs 16 64 128 1024, or: ${line(['validate', 'no-line-end.csv', '--data-dir', 'D'])}`);
  },
};

// ---- Item 8 -------------------------------------------------------------------------------------------------------

interface HostileFile {
  name: string;
  what: string;
  make(path: string): Promise<void> | void;
}

function refusedLikeValidate(file: HostileFile & { says?: RegExp; never?: RegExp }, item: string): Scenario {
  return {
    item,
    attack: `import data of ${file.what}`,
    expected: file.says
      ? `validate and import data refuse it alike, in words (${file.says.source.slice(0, 40)}); no job; no stack trace${file.never ? `, never ${file.never.source.slice(0, 40)}` : ''}`
      : 'validate refuses it; import data exits non-zero with the same message; jobs --json shows no job; no stack trace',
    timeoutMs: 120_000,
    async run(ctx) {
      await offlineLaptop(ctx);
      const path = join(ctx.work, file.name);
      await file.make(path);
      const validated = await ctx.cli('laptop', ['validate', path], { timeoutMs: 60_000 });
      const imported = await ctx.cli('laptop', ['import', 'data', path], { timeoutMs: 60_000 });
      const listed = await jobs(ctx, 'laptop');
      const v = refusal(validated);
      const i = refusal(imported);
      const text = said(validated) + said(imported);
      return new Checks()
        .note(`validate exit ${validated.code}: "${brief(v, 150)}"`)
        .note(`import exit ${imported.code}${i === v ? ', same message' : `: "${brief(i, 150)}"`}; ${listed.length} jobs`)
        .expect(validated.code !== 0, 'validate refusing')
        .expect(imported.code !== 0 && imported.code !== null, 'import non-zero')
        .expect(i.includes(v) || v.includes(i), 'the same message')
        .expect(listed.length === 0, 'no job')
        .expect(noise(text) === null, 'free of stack traces')
        .expect(!file.says || file.says.test(v), 'a true message')
        .expect(!file.never || !file.never.test(text), `free of ${file.never?.source ?? ''}`)
        .outcome(
          `${line(['validate', file.name, '--data-dir', 'D'])}; ${line(['import', 'data', file.name, '--data-dir', 'D'])}; ${line(['jobs', '--json', '--data-dir', 'D'])}`,
        );
    },
  };
}

const s = (): { de: string; pe: string; ou: string } => sample();

const refusedFiles: HostileFile[] = [
  {
    name: 'xxe.xml',
    what: 'a DXF2 XML file with an external entity (XXE, file:///etc/passwd)',
    make: (p) => writeFileSync(p, hostile.xxe(s().de, s().pe, s().ou)),
  },
  { name: 'laughs.xml', what: 'a DXF2 XML "billion laughs" entity bomb', make: (p) => writeFileSync(p, hostile.billionLaughs(s().de, s().pe, s().ou)) },
  {
    name: 'doctype.xml',
    what: 'a DXF2 XML file with a DOCTYPE naming an external DTD',
    make: (p) => writeFileSync(p, hostile.plainDoctype(s().de, s().pe, s().ou)),
  },
  { name: 'bomb.csv.gz', what: 'a gzip bomb (a CSV of 64 MiB of "0" in ~64 KiB)', make: (p) => hostile.gzipBomb(p, 64) },
  { name: 'bomb.zip', what: 'a zip bomb (one CSV entry of 64 MiB of "0" in ~64 KiB)', make: (p) => hostile.zipBomb(p, 64) },
];

// ---- Item 9 -------------------------------------------------------------------------------------------------------

interface WrongFile extends HostileFile {
  /** What the refusal must say (its meaning), and what it must not. */
  says: RegExp;
  never?: RegExp;
}

const csvOf = (): string => {
  const v = sample();
  return `dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n${v.de},${v.pe},${v.ou},,,5\n`;
};

const wrongFiles: WrongFile[] = [
  {
    name: 'latin1.csv',
    what: 'a Latin-1 CSV ("Maïs récolté")',
    make: (p) => writeFileSync(p, hostile.latin1Csv(s().de, s().pe, s().ou)),
    says: /UTF-8/,
    never: /SUCCESS/,
  },
  { name: 'empty.csv', what: 'an empty file', make: (p) => writeFileSync(p, ''), says: /empty|no data|nothing/i, never: /SUCCESS/ },
  {
    name: 'header.csv',
    what: 'a header-only CSV',
    make: (p) => writeFileSync(p, 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n'),
    says: /no (data )?values?|only (a|its) header|no rows|nothing/i,
    never: /SUCCESS/,
  },
  { name: 'nul.csv', what: 'a file of 4 KiB of NUL bytes', make: (p) => writeFileSync(p, Buffer.alloc(4096)), says: /NUL|binary/i, never: /SUCCESS/ },
  {
    name: 'quoted-8.csv',
    what: 'a correctly closed quoted cell of 8 MiB',
    make: (p) => hostile.bigQuotedCell(p, 8, s().de, s().pe, s().ou),
    says: /long|limit|MB|MiB|characters/i,
    never: /closing quote is missing|missing quote/i,
  },
  {
    name: 'quoted-64.csv',
    what: 'a correctly closed quoted cell of 64 MiB',
    make: (p) => hostile.bigQuotedCell(p, 64, s().de, s().pe, s().ou),
    says: /long|limit|MB|MiB|characters/i,
    never: /closing quote is missing|missing quote/i,
  },
  {
    name: 'garbage.pdf',
    what: 'garbage after "%PDF-1.7"',
    make: (p) => writeFileSync(p, hostile.pdfGarbage()),
    says: /PDF/,
    never: /getOrCreateAcroForm|Cannot read/,
  },
  { name: 'nested.zip', what: 'a zip inside a zip', make: (p) => hostile.zipInZip(p, csvOf()), says: /values\.zip|inside|unpack|archive/i, never: /SUCCESS/ },
];

const deepMetadata: Scenario = {
  item: '9',
  attack: 'import metadata --dry-run of a data element whose description is nested 100,000 levels deep',
  expected: 'refused offline in one line naming the depth; nothing queued, nothing sent, no stack trace',
  timeoutMs: 120_000,
  async run(ctx) {
    const sim = await simulator(ctx);
    await laptop(ctx, 'laptop', sim);
    const path = join(ctx.work, 'deep.json');
    writeFileSync(path, hostile.deepMetadata());
    const before = sim.requests.filter((r) => r.path.includes('/metadata')).length;
    const run = await ctx.cli('laptop', ['import', 'metadata', path, '--dry-run'], { timeoutMs: 60_000 });
    const flushed = await ctx.cli('laptop', ['flush', '--wait', '--timeout', '30'], { timeoutMs: 60_000 });
    const sent = sim.requests.filter((r) => r.path.includes('/metadata')).length - before;
    const listed = await jobs(ctx, 'laptop');
    return new Checks()
      .note(
        `exit ${run.code}: "${brief(refusal(run), 150)}"; ${listed.filter((j) => j.type === 'import-metadata').length} metadata jobs, ${sent} requests to /api/metadata`,
      )
      .expect(run.code !== 0 && run.code !== null, 'exit non-zero')
      .expect(/deep|nest|levels/i.test(refusal(run)), 'naming the depth')
      .expect(listed.filter((j) => j.type === 'import-metadata').length === 0 && sent === 0, 'nothing queued or sent')
      .expect(noise(said(run) + said(flushed)) === null, 'free of stack traces')
      .outcome(line(['import', 'metadata', 'deep.json', '--dry-run', '--data-dir', 'D']));
  },
};

export const fileScenarios: Scenario[] = [
  busyFolder,
  twoFlushes,
  exportMissing,
  noLineEnd,
  ...refusedFiles.map((f) => refusedLikeValidate(f, '8')),
  ...wrongFiles.map((f) => refusedLikeValidate(f, '9')),
  deepMetadata,
];
