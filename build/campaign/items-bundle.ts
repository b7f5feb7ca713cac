// Items 6 and 7: USB bundles saved by an enrolled "facility" data folder and loaded at a "district" data folder,
// tampered with as an attacker with the drive would (manifest edited, payload and its sha256 rewritten together),
// and names carrying terminal escape sequences.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { Simulator } from '../../e2e/dhis2-sim/server';
import { plannedValues } from '../bench/generate-values';
import { Checks, Context, brief, noise, type CliRun, type Scenario } from './harness';
import { jobs, laptop, metadata, said, simulator, writeSeed } from './fixtures';

const line = Context.line;

interface Place {
  sim: Simulator;
  usb: string;
}

/** A facility laptop (offline metadata, no server) and a district office (the simulator, its metadata). */
async function places(ctx: Context, enrol: boolean, name = 'Ngelehun CHC'): Promise<Place> {
  const sim = await simulator(ctx);
  const usb = ctx.dir('usb');
  const loaded = await ctx.cli('facility', ['metadata', 'load', writeSeed(ctx)], { timeoutMs: 60_000 });
  if (loaded.code !== 0) throw new Error(`facility metadata load: ${loaded.stderr}`);
  await laptop(ctx, 'district', sim);
  const identity = await ctx.cli('facility', ['bundle', 'identity', '--out', ctx.work, '--name', name]);
  if (identity.code !== 0) throw new Error(`bundle identity: ${identity.stderr}`);
  if (enrol) {
    const fingerprint = /fingerprint: ([0-9A-F ]+)$/im.exec(identity.stdout)?.[1];
    const file = readdirSync(ctx.work).find((f) => f.startsWith('dhis2-enrol-'));
    if (!fingerprint || !file) throw new Error(`no fingerprint or enrolment file: ${identity.stdout}`);
    const enrolled = await ctx.cli('district', ['bundle', 'enrol', join(ctx.work, file), '--fingerprint', fingerprint]);
    if (enrolled.code !== 0) throw new Error(`bundle enrol: ${enrolled.stderr}`);
  }
  return { sim, usb };
}

function csv(count: number): string {
  const rows = ['dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value'];
  for (const v of plannedValues(metadata().content, count)) rows.push(`${v.de},${v.pe},${v.ou},${v.coc},,${v.value}`);
  return `${rows.join('\n')}\n`;
}

/** Queues an import at the facility and saves it to the drive; returns the bundle's path. */
async function saved(ctx: Context, place: Place, importArgs: string[] = [], fileName = 'january.csv', name?: string): Promise<string> {
  const file = join(ctx.work, fileName);
  writeFileSync(file, csv(20));
  const imported = await ctx.cli('facility', ['import', 'data', file, ...importArgs]);
  if (imported.code !== 0) throw new Error(`facility import data: ${brief(said(imported), 200)}`);
  const created = await ctx.cli('facility', ['bundle', 'create', '--out', place.usb, ...(name ? ['--name', name] : [])]);
  if (created.code !== 0) throw new Error(`bundle create: ${brief(said(created), 200)}`);
  const bundle = readdirSync(place.usb).find((f) => f.startsWith('dhis2-bundle-') && f.endsWith('.zip'));
  if (!bundle) throw new Error('bundle create wrote no bundle');
  return join(place.usb, bundle);
}

interface Manifest {
  jobs: { type: string; params: Record<string, unknown>; files: { sha256: string; size: number; name: string }[] }[];
  files: { sha256: string; size: number }[];
}

/** Unzips, edits the manifest (and, when given, replaces the payload with its sha256 and size rewritten), zips again. */
async function tamper(path: string, edit: (m: Manifest) => void, payload?: string): Promise<void> {
  const zip = await JSZip.loadAsync(readFileSync(path));
  const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as Manifest;
  edit(manifest);
  const out = new JSZip();
  const replaced = new Map<string, { sha: string; bytes: Buffer }>();
  if (payload !== undefined) {
    const bytes = Buffer.from(payload);
    const sha = createHash('sha256').update(bytes).digest('hex');
    for (const f of manifest.files) replaced.set(f.sha256, { sha, bytes });
    for (const f of manifest.files) Object.assign(f, { sha256: sha, size: bytes.length });
    for (const j of manifest.jobs) for (const f of j.files) Object.assign(f, { sha256: sha, size: bytes.length });
  }
  // manifest.json stays the first entry, as the format requires.
  // No folder entries: a bundle holds exactly its listed entries, so jszip's automatic "files/" would be refused first.
  out.file('manifest.json', JSON.stringify(manifest, null, 2), { createFolders: false });
  for (const entry of Object.values(zip.files)) {
    if (entry.name === 'manifest.json' || entry.dir) continue;
    const sha = entry.name.startsWith('files/') ? entry.name.slice('files/'.length) : null;
    const swap = sha ? replaced.get(sha) : undefined;
    if (swap) out.file(`files/${swap.sha}`, swap.bytes, { createFolders: false });
    else out.file(entry.name, await entry.async('nodebuffer'), { createFolders: false });
  }
  writeFileSync(path, await out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

const posts = (sim: Simulator): number => sim.requests.filter((r) => r.path.includes('/dataValueSets') && r.method === 'POST').length;

/** Loads the drive at the district, then flushes: nothing may have been queued or sent. */
async function loadNothing(ctx: Context, place: Place): Promise<{ load: CliRun; queued: number; sent: number }> {
  const load = await ctx.cli('district', ['bundle', 'load', place.usb], { timeoutMs: 60_000 });
  const listed = await jobs(ctx, 'district');
  await ctx.cli('district', ['flush', '--wait', '--timeout', '20'], { timeoutMs: 40_000 });
  return { load, queued: listed.filter((j) => j.type !== 'sync-metadata').length, sent: posts(place.sim) };
}

function tampered(attack: string, edit: (m: Manifest) => void, payload: boolean): Scenario {
  return {
    item: '6',
    attack,
    expected: 'bundle load refuses it (exit 1, says it was changed), nothing queued, nothing sent',
    timeoutMs: 180_000,
    async run(ctx) {
      const place = await places(ctx, true);
      const path = await saved(ctx, place);
      const original = readFileSync(path);
      await tamper(path, edit, payload ? csv(20).replace(/,(\d+)\n/g, ',999\n') : undefined);
      const { load, queued, sent } = await loadNothing(ctx, place);
      // The same bundle as saved loads: the refusal is the tampering's doing, not the campaign's zip.
      writeFileSync(path, original);
      const control = await ctx.cli('district', ['bundle', 'load', place.usb], { timeoutMs: 60_000 });
      const after = (await jobs(ctx, 'district')).filter((j) => j.type === 'import-data').length;
      return new Checks()
        .note(`load exit ${load.code}: "${brief(load.stdout.split('\n').find((l) => /changed|signature|tamper|refus|reject/i.test(l)) ?? load.stdout, 150)}"`)
        .note(`${queued} jobs queued, ${sent} POSTs; the untouched bundle then loads: exit ${control.code}, ${after} job`)
        .expect(load.code === 1, 'exit 1')
        .expect(/changed|signature|tamper/i.test(said(load)), 'saying it was changed')
        .expect(queued === 0 && sent === 0, 'nothing queued or sent')
        .expect(control.code === 0 && after === 1, 'the untouched bundle loading')
        .expect(noise(said(load)) === null, 'free of stack traces')
        .outcome(
          `facility: import data, bundle create --out USB; edit manifest.json in the zip (${attack}); district: ${line(['bundle', 'load', 'USB', '--data-dir', 'D'])}`,
        );
    },
  };
}

const unknownLaptop: Scenario = {
  item: '6',
  attack: 'a signed bundle from a laptop never enrolled at the district',
  expected: 'held (exit 1, fingerprint and `bundle approve` shown), nothing queued or sent',
  timeoutMs: 180_000,
  async run(ctx) {
    const place = await places(ctx, false);
    await saved(ctx, place);
    const { load, queued, sent } = await loadNothing(ctx, place);
    return new Checks()
      .note(
        `load exit ${load.code}: "${brief(load.stdout.split('\n').find((l) => /held|approve/i.test(l)) ?? load.stdout, 150)}"; ${queued} jobs, ${sent} POSTs`,
      )
      .expect(load.code === 1, 'exit 1')
      .expect(/held/i.test(load.stdout) && /bundle approve/.test(said(load)), 'held with the approve command')
      .expect(queued === 0 && sent === 0, 'nothing queued or sent')
      .outcome(`facility (not enrolled): bundle create --out USB; district: ${line(['bundle', 'load', 'USB', '--data-dir', 'D'])}`);
  },
};

const deleteHeld: Scenario = {
  item: '6',
  attack: 'a DELETE import (--strategy DELETE) saved by the enrolled laptop, loaded and flushed at the district',
  expected: 'queued held: flush sends nothing until `bundle confirm JOB`; then it runs',
  timeoutMs: 180_000,
  async run(ctx) {
    const place = await places(ctx, true);
    await saved(ctx, place, ['--strategy', 'DELETE']);
    const load = await ctx.cli('district', ['bundle', 'load', place.usb], { timeoutMs: 60_000 });
    const held = (await jobs(ctx, 'district')).find((j) => j.type === 'import-data');
    await ctx.cli('district', ['flush', '--wait', '--timeout', '20'], { timeoutMs: 40_000 });
    const before = posts(place.sim);
    const confirmed = held ? await ctx.cli('district', ['bundle', 'confirm', held.id.slice(0, 8)]) : null;
    const flushed = await ctx.cli('district', ['flush', '--wait', '--timeout', '60'], { timeoutMs: 90_000 });
    const after = posts(place.sim);
    return new Checks()
      .note(
        `load exit ${load.code}, job ${held?.state ?? 'none'}, ${before} POSTs before confirm; confirm exit ${confirmed?.code ?? '-'}, flush exit ${flushed.code}, ${after} POSTs after`,
      )
      .expect(held?.state === 'held', 'held')
      .expect(/bundle confirm/.test(said(load)), 'the confirm command shown')
      .expect(before === 0, 'nothing sent before confirm')
      .expect(confirmed?.code === 0 && after > 0, 'sent after confirm')
      .outcome(`facility: import data --strategy DELETE, bundle create; district: bundle load USB, flush --wait (then bundle confirm JOB)`);
  },
};

// ---- Item 7 -------------------------------------------------------------------------------------------------------

/** ESC, BEL, CSI (C1) and the rest of C0/C1 except tab and line feed: none may reach a terminal raw. */
function rawControls(bytes: Buffer): string[] {
  const found = new Set<string>();
  const text = bytes.toString('utf8');
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if ((code < 0x20 && code !== 0x0a && code !== 0x09 && code !== 0x0d) || code === 0x7f || (code >= 0x80 && code <= 0x9f))
      found.add(`\\x${code.toString(16).padStart(2, '0')}`);
  }
  return [...found];
}

const EVIL_NAME = 'Evil\u001b[2J\u001b]0;pwned\u0007\u009b31mCHC';
const EVIL_FILE = 'jan\u001b[2J\u001b]0;owned\u0007\u009b1m.csv';

const escapes: Scenario = {
  item: '7',
  attack: 'a bundle whose device name and job title (file name) carry ESC [2J, an OSC retitle ending in BEL, and a C1 CSI',
  expected: 'no raw ESC, BEL or C1 byte on stdout/stderr of bundle load, jobs, jobs show (district) nor jobs (facility)',
  timeoutMs: 180_000,
  async run(ctx) {
    const place = await places(ctx, true, EVIL_NAME);
    await saved(ctx, place, [], EVIL_FILE, EVIL_NAME);
    const load = await ctx.cli('district', ['bundle', 'load', place.usb], { timeoutMs: 60_000 });
    const scan = await ctx.cli('district', ['bundle', 'scan', place.usb], { timeoutMs: 60_000 });
    const listed = await ctx.cli('district', ['jobs']);
    const id = (await jobs(ctx, 'district')).find((j) => j.type === 'import-data')?.id ?? '';
    const shown = await ctx.cli('district', ['jobs', 'show', id.slice(0, 8)]);
    const facility = await ctx.cli('facility', ['jobs']);
    const facilityId = (await jobs(ctx, 'facility')).find((j) => j.type === 'import-data')?.id ?? '';
    const facilityShown = await ctx.cli('facility', ['jobs', 'show', facilityId.slice(0, 8)]);
    const runs: [string, CliRun][] = [
      ['bundle load', load],
      ['bundle scan', scan],
      ['jobs', listed],
      ['jobs show', shown],
      ['facility jobs', facility],
      ['facility jobs show', facilityShown],
    ];
    const c = new Checks();
    for (const [name, run] of runs) {
      const raw = [...rawControls(run.rawOut), ...rawControls(run.rawErr)];
      c.expect(raw.length === 0, `${name} free of raw controls (found ${raw.join(' ')})`);
    }
    c.expect(id !== '' && load.code === 0, 'the bundle loaded (so its names were shown)');
    c.expect(/\\x1b|\\u001b|\\e/.test(load.stdout + listed.stdout), 'the escapes shown as visible text');
    c.note(`load exit ${load.code}; jobs shows "${brief(listed.stdout.split('\n').find((l) => /jan/.test(l)) ?? '', 120)}"`);
    return c.outcome(
      `bundle identity --name $'Evil\\e[2J\\e]0;pwned\\aCHC', import data $'jan\\e[2J.csv', bundle create; district: bundle load, jobs, jobs show | od -c`,
    );
  },
};

export const bundleScenarios: Scenario[] = [
  tampered(
    'manifest edited: strategy changed to DELETE, payload replaced and its sha256/size rewritten together',
    (m) => m.jobs.forEach((j) => (j.params.strategy = 'DELETE')),
    true,
  ),
  tampered('manifest edited: job type changed to import-metadata', (m) => m.jobs.forEach((j) => (j.type = 'import-metadata')), false),
  unknownLaptop,
  deleteHeld,
  escapes,
];
