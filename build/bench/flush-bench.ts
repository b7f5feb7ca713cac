// `npm run bench` section "flush": N data values queued by the app and sent with `dhis2-ie flush --wait`, against a
// one-shot POST of the same CSV file to the same simulator in the same run (the simulator in its own process, with
// 2.41's job scheduler). Printed: both times and their ratio, bytes on the wire (as the simulator counted them) against
// the file's size, requests, and the flush's peak RSS. Once on an unlimited local link, once on a 2 Mbit/s uplink
// with 300 ms round trips (with fewer values by default: the one-shot alone would take minutes there).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateContent } from '../../main/core/metadata/testing/generate';
import { toDhis2 } from '../../main/core/metadata/testing/fake-dhis2';
import { METADATA_TYPES } from '../../main/core/metadata/model';
import type { MetadataContent } from '../../main/core/metadata/index';
import { createCore } from '../../main/core/core';
import { APP_VERSION } from '../../main/core/version';
import { storeAndCheckDataFile } from '../../main/core/datavalues/store-and-check';
import { rememberQueuedCheck } from '../../main/core/datavalues/check-memo';
import { localIsoDate } from '../../main/core/periods/iso-dates';
import { ImportDataParams } from '../../shared/data-import';
import { runCli } from '../../main/cli/index';
import { captureOutput } from '../../main/cli/capture-output';
import { writeCsv } from './generate-values';

const ADMIN = `Basic ${Buffer.from('admin:district').toString('base64')}`;

interface Setting {
  label: string;
  values: number;
  link: { bitsPerSecond: number; latencyMs: number };
}

function content(): MetadataContent {
  const c = generateContent({ orgUnits: 2000, dataElements: 200, dataSets: 2 });
  const root = c.records.organisationUnits[0]!.id;
  c.user = { id: 'M5zQapPyTZI', name: 'Admin', username: 'admin', organisationUnits: [root], dataViewOrganisationUnits: [], authorities: ['ALL'] };
  return c;
}

/** The generated metadata as a DHIS2 export, for the simulator's seed and the app's offline copy. */
function seedOf(c: MetadataContent): Record<string, unknown[]> {
  const seed: Record<string, unknown[]> = {};
  for (const type of METADATA_TYPES) seed[type] = c.records[type].map((record) => toDhis2(type, record as unknown as Record<string, unknown>));
  return seed;
}

/**
 * `BENCH_PROFILE_DIR=DIR`: the simulator and the flush write V8 CPU profiles there (--cpu-prof), to see where the
 * flush's time goes. Profiling slows both sides, so figures taken with it are not the bench's.
 */
function profileFlags(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

async function startSim(seedPath: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [...profileFlags(), join(__dirname, '..', 'sim', 'cli.cjs'), '--seed', seedPath, '--scheduler', 'dhis2'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout! });
  for await (const line of lines) return { url: line.trim(), proc };
  throw new Error('the simulator did not start');
}

/** A fresh connection each time: an idle keep-alive socket may be closed by the simulator during a long phase. */
function control<T>(url: string, path: string, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/__sim/${path}`, { method: body === undefined ? 'GET' : 'POST', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(JSON.parse(text) as T) : reject(new Error(`simulator control ${path}: ${res.statusCode} ${text}`)),
      );
    });
    req.on('error', (error) => reject(new Error(`simulator control ${path} failed: ${error.message}`)));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** What a newcomer does: the whole CSV in one sync POST. */
function oneShot(url: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/dataValueSets`,
      { method: 'POST', agent: false, headers: { Authorization: ADMIN, 'Content-Type': 'application/csv', 'Content-Length': statSync(file).size } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

/** Child phase: store, check and queue the file (not timed; that is the other bench's subject). */
async function queuePhase(dataDir: string, url: string, seedPath: string, file: string): Promise<void> {
  // The CLI's version, as `dhis2-ie import data` queues it: the flush (the CLI) then reuses this check.
  const core = createCore({ dataDir, mode: 'cli', appVersion: APP_VERSION });
  try {
    const server = await core.servers.add({ name: 'Sim', url, auth: { kind: 'basic', username: 'admin', password: 'district' }, makeDefault: true });
    await core.metadata.loadPath(seedPath, 'seed.json', server.id);
    const index = core.metadata.indexFor(server.id);
    if (!index) throw new Error('no offline metadata for the simulator');
    const params = ImportDataParams.parse({});
    const checkedOn = localIsoDate(new Date());
    const stored = await storeAndCheckDataFile(core.files, file, 'values.csv', params, index);
    if (!stored.validation) throw new Error(stored.problem?.message ?? 'the file was not checked');
    // As `dhis2-ie import data` does: the job reuses this check instead of reading the file a second time.
    rememberQueuedCheck(core.checks, stored, params, index, checkedOn);
    core.runner.create({ type: 'import-data', params, files: [stored.ref], serverId: server.id });
  } finally {
    await core.close();
  }
}

/** Child phase: `dhis2-ie flush --wait`, timed from the command's start to its end. */
async function flushPhase(dataDir: string): Promise<void> {
  const output = captureOutput();
  const started = process.hrtime.bigint();
  const code = await runCli(['flush', '--wait', '--data-dir', dataDir], output);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0) throw new Error(`flush exited ${code}: ${output.stdout}${output.stderr}`);
  process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

export async function flushBenchChild(argv: string[]): Promise<boolean> {
  const [phase, ...rest] = argv;
  if (phase === 'flush-queue') {
    await queuePhase(rest[0]!, rest[1]!, rest[2]!, rest[3]!);
    return true;
  }
  if (phase === 'flush-run') {
    await flushPhase(rest[0]!);
    return true;
  }
  return false;
}

function phase(args: string[]): string {
  const flags = args[0] === 'flush-run' ? profileFlags() : [];
  const result = spawnSync(process.execPath, [...flags, process.argv[1]!, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`${args[0]} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

async function runSetting(work: string, c: MetadataContent, seedPath: string, setting: Setting): Promise<string> {
  const file = join(work, `values-${setting.values}.csv`);
  await writeCsv(file, c, setting.values);
  const size = statSync(file).size;
  const { url, proc } = await startSim(seedPath);
  try {
    await control(url, 'link', setting.link);

    await control(url, 'reset-traffic', {});
    const started = process.hrtime.bigint();
    const status = await oneShot(url, file);
    const oneMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (status !== 200) throw new Error(`the one-shot POST answered ${status}`);
    const oneTraffic = await control<{ requests: number; bytesIn: number }>(url, 'traffic');
    const stored = (await control<{ dataValueCount: number }>(url, 'state')).dataValueCount;
    await control(url, 'clear-data-values', {});

    const dataDir = join(work, `data-${setting.values}-${setting.link.bitsPerSecond}`);
    phase(['flush-queue', dataDir, url, seedPath, file]);
    await control(url, 'reset-traffic', {});
    const flushed = JSON.parse(phase(['flush-run', dataDir])) as { ms: number; maxRssMb: number };
    const traffic = await control<{ requests: number; bytesIn: number }>(url, 'traffic');
    const after = (await control<{ dataValueCount: number }>(url, 'state')).dataValueCount;
    if (after !== stored) throw new Error(`the flush stored ${after} values, the one-shot ${stored}`);

    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    return (
      `${setting.label.padEnd(28)} ${setting.values.toLocaleString('en').padStart(9)} values, CSV ${mb(size)}  ` +
      `one-shot ${(oneMs / 1000).toFixed(2)} s (${mb(oneTraffic.bytesIn)})  flush ${(flushed.ms / 1000).toFixed(2)} s ` +
      `(${mb(traffic.bytesIn)}, ${traffic.requests} requests)  time ratio ${(flushed.ms / oneMs).toFixed(2)} (target <= 1.2)  ` +
      `bytes ${((100 * traffic.bytesIn) / size).toFixed(1)}% of the file (target <= 20%)  flush peak RSS ${flushed.maxRssMb.toFixed(0)} MB`
    );
  } finally {
    proc.kill('SIGTERM');
    rmSync(file, { force: true });
  }
}

export async function flushBench(count: number): Promise<void> {
  const slowCount = Number(process.env.BENCH_SLOW_VALUES ?? Math.min(count, 100_000));
  const work = mkdtempSync(join(tmpdir(), 'dhis2-ie-flush-bench-'));
  try {
    const c = content();
    const seedPath = join(work, 'seed.json');
    writeFileSync(seedPath, JSON.stringify(seedOf(c)));
    const settings: Setting[] = [
      { label: 'local link', values: count, link: { bitsPerSecond: 0, latencyMs: 0 } },
      { label: '2 Mbit/s, 300 ms round trip', values: slowCount, link: { bitsPerSecond: 2_000_000, latencyMs: 300 } },
    ];
    console.log(`Flush: queued and flushed vs one-shot POST, simulator with 2.41's job scheduler, in ${work} …`);
    for (const setting of settings) console.log(await runSetting(work, c, seedPath, setting));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
