// `npm run bench`: for 1,000,000 data values in CSV, DXF2 JSON and DXF2 XML, the time of a bare
// streaming parse with the plain library, the time of our full offline validate-and-queue of the
// same file, their ratio, and each phase's peak RSS (each phase runs in its own process).
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { SaxesParser } from 'saxes';
import { parser as jsonParser } from 'stream-json';
import { pick } from 'stream-json/filters/Pick';
import { streamArray } from 'stream-json/streamers/StreamArray';
import { generateContent } from '../../main/core/metadata/testing/generate';
import { MetadataIndex, type MetadataContent } from '../../main/core/metadata/index';
import { createCore } from '../../main/core/core';
import { storeAndCheckDataFile } from '../../main/core/datavalues/store-and-check';
import { ImportDataParams } from '../../shared/data-import';
import { writeCsv, writeJson, writeXml } from './generate-values';
import { bundleBench } from './bundle-bench';
import { flushBench, flushBenchChild } from './flush-bench';
import { calendarDates } from '../../main/core/periods/calendar-dates';

const COUNT = Number(process.env.BENCH_VALUES ?? 1_000_000);
/** `npm run bench -- flush` (or `formats`, `bundle`) runs only those sections; no argument runs all. */
const SECTIONS = ['formats', 'bundle', 'flush'] as const;
const FORMATS = ['csv', 'json', 'xml'] as const;
type Format = (typeof FORMATS)[number];

function content() {
  const c = generateContent({ orgUnits: 2000, dataElements: 200, dataSets: 2 });
  const root = c.records.organisationUnits[0]!.id;
  c.user = { id: 'USERbench01', name: 'Bench', username: 'admin', organisationUnits: [root], dataViewOrganisationUnits: [], authorities: ['ALL'] };
  return c;
}

async function bare(format: Format, path: string): Promise<number> {
  let count = 0;
  if (format === 'csv') {
    await new Promise<void>((resolve, reject) =>
      Papa.parse(createReadStream(path), { step: () => void count++, complete: () => resolve(), error: (e: Error) => reject(e) }),
    );
    return count - 1;
  }
  if (format === 'json') {
    const stream = createReadStream(path)
      .pipe(jsonParser())
      .pipe(pick({ filter: 'dataValues' }))
      .pipe(streamArray());
    for await (const _ of stream) count++;
    return count;
  }
  const sax = new SaxesParser({ xmlns: false });
  sax.on('opentag', (tag) => {
    if (tag.name === 'dataValue') count++;
  });
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) sax.write(chunk as string);
  sax.close();
  return count;
}

/**
 * What `dhis2-ie import data` does before anything is sent (storeAndCheckDataFile): keep a durable copy of the
 * file and check it offline (plain CSV while it is copied, other files from the copy), then queue the job.
 * The Data import page is not this path: there choosing the file (files.pick, or the browser's upload) stores it,
 * and the check (datavalues.inspect, with its preview) reads the stored copy when the page asks, a call of its own.
 */
async function full(format: Format, path: string, dataDir: string, metadata: MetadataContent): Promise<number> {
  const core = createCore({ dataDir, mode: 'cli', appVersion: 'bench' });
  try {
    const index = MetadataIndex.build(metadata);
    const params = ImportDataParams.parse({});
    const stored = await storeAndCheckDataFile(core.files, path, `values.${format}`, params, index);
    if (!stored.validation) throw new Error(stored.problem?.message ?? 'the file was not checked');
    core.runner.create({ type: 'import-data', params, files: [stored.ref] });
    if (stored.validation.summary.conflicts.length > 0) console.error(`note: ${stored.validation.summary.conflicts.length} conflicts predicted`);
    return stored.validation.checked;
  } finally {
    await core.close();
  }
}

async function child(phase: string, format: Format, path: string, dataDir: string): Promise<void> {
  // Libraries load before the clock starts, on both sides: the bare parsers by this file's imports, and the calendar
  // library (which the app requires on first use, then keeps) here. Loading is not parsing; its first use still counts.
  // The generated metadata is the bench's own input, like the file; building the app's index of it is timed.
  const metadata = phase === 'bare' ? null : content();
  if (metadata) calendarDates();
  const started = process.hrtime.bigint();
  const count = metadata ? await full(format, path, dataDir, metadata) : await bare(format, path);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ count, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const [phase, format, path, dataDir] = process.argv.slice(2);
  if (await flushBenchChild(process.argv.slice(2))) return;
  const asked = process.argv.slice(2).filter((arg) => (SECTIONS as readonly string[]).includes(arg));
  if (phase && asked.length === 0) return child(phase, format as Format, path!, dataDir!);
  const run = (section: (typeof SECTIONS)[number]) => asked.length === 0 || asked.includes(section);
  if (run('formats')) await formatsBench();
  if (run('bundle')) await bundleBench(COUNT);
  if (run('flush')) await flushBench(COUNT);
}

async function formatsBench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'dhis2-ie-bench-'));
  try {
    const c = content();
    console.log(`Generating ${COUNT.toLocaleString('en')} data values per format in ${work} …`);
    const rows: string[] = [];
    for (const format of FORMATS) {
      const path = join(work, `values.${format}`);
      await (format === 'csv' ? writeCsv : format === 'json' ? writeJson : writeXml)(path, c, COUNT);
      const run = (phase: string) => {
        const result = spawnSync(process.execPath, [process.argv[1]!, phase, format, path, join(work, `data-${format}`)], {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        });
        if (result.status !== 0) throw new Error(`${phase} ${format} failed:\n${result.stderr}`);
        return JSON.parse(result.stdout) as { count: number; ms: number; maxRssMb: number };
      };
      const b = run('bare');
      const f = run('full');
      const target = 'target <= 1.5';
      rows.push(
        `${format.toUpperCase().padEnd(5)} ${(statSync(path).size / 1e6).toFixed(0).padStart(4)} MB  bare ${(b.ms / 1000).toFixed(2)} s (${b.count.toLocaleString('en')})  ` +
          `full ${(f.ms / 1000).toFixed(2)} s (${f.count.toLocaleString('en')})  ratio ${(f.ms / b.ms).toFixed(2)} (${target})  ` +
          `peak RSS bare ${b.maxRssMb.toFixed(0)} MB, full ${f.maxRssMb.toFixed(0)} MB (target <= 250)`,
      );
      console.log(rows.at(-1));
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
