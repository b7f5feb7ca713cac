// Item 11: the offline copy knows which kinds of object it holds. A laptop loads metadata in which one held kind
// (option sets) has zero objects; files are then checked offline (`import metadata --dry-run`) and the prediction is
// compared with what the simulator, holding the same metadata, answers to the same dry run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Simulator } from '../../e2e/dhis2-sim/server';
import { Checks, Context, brief, noise, type CliRun, type Scenario } from './harness';
import { metadata, said, simulator } from './fixtures';

const line = Context.line;

type Obj = Record<string, unknown>;

/** The campaign's metadata with no option set at all (a held kind, known empty) and no data element using one. */
function seedWithoutOptionSets(): Record<string, unknown[]> {
  const seed = { ...metadata().seed };
  seed.optionSets = [];
  seed.options = [];
  seed.dataElements = (seed.dataElements as Obj[]).map((de) => {
    const copy = { ...de };
    delete copy.optionSet;
    return copy;
  });
  return seed;
}

async function setup(ctx: Context): Promise<{ sim: Simulator; seed: Record<string, unknown[]> }> {
  const seed = seedWithoutOptionSets();
  const sim = await simulator(ctx);
  sim.seedMetadata(seed as Parameters<Simulator['seedMetadata']>[0], { replace: true });
  const file = join(ctx.work, 'metadata.json');
  writeFileSync(file, JSON.stringify(seed));
  const added = await ctx.cli('laptop', ['server', 'add', '--name', 'Sim', '--url', sim.url, '--username', 'admin', '--password', 'district', '--default']);
  if (added.code !== 0) throw new Error(`server add: ${added.stderr}`);
  const loaded = await ctx.cli('laptop', ['metadata', 'load', file], { timeoutMs: 60_000 });
  if (loaded.code !== 0) throw new Error(`metadata load: ${loaded.stderr}`);
  return { sim, seed };
}

/** The offline prediction, without sending anything: the server is offline while it is made. */
async function predict(ctx: Context, sim: Simulator, file: string, extra: string[]): Promise<CliRun> {
  sim.setOffline(true);
  try {
    return await ctx.cli('laptop', ['import', 'metadata', file, '--dry-run', ...extra], { timeoutMs: 60_000 });
  } finally {
    sim.setOffline(false);
  }
}

/** The simulator's own dry run of the same file: its stats and error codes. */
async function serverDryRun(sim: Simulator, body: Obj, params: string): Promise<{ stats: Obj; codes: string[] }> {
  const res = await fetch(`${sim.url}/api/metadata?dryRun=true&${params}`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from('admin:district').toString('base64')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const report = (await res.json()) as { response?: Obj } & Obj;
  const r = (report.response ?? report) as { stats?: Obj; typeReports?: { objectReports?: { errorReports?: { errorCode: string }[] }[] }[] };
  const codes = (r.typeReports ?? []).flatMap((t) => (t.objectReports ?? []).flatMap((o) => (o.errorReports ?? []).map((e) => e.errorCode)));
  return { stats: r.stats ?? {}, codes };
}

function scenario(
  attack: string,
  expected: string,
  build: (seed: Record<string, unknown[]>) => { body: Obj; args: string[]; params: string },
  judge: (c: Checks, run: CliRun, server: { stats: Obj; codes: string[] }) => void,
): Scenario {
  return {
    item: '11',
    attack,
    expected,
    timeoutMs: 120_000,
    async run(ctx) {
      const { sim, seed } = await setup(ctx);
      const { body, args, params } = build(seed);
      const file = join(ctx.work, 'import.json');
      writeFileSync(file, JSON.stringify(body));
      const run = await predict(ctx, sim, file, args);
      const server = await serverDryRun(sim, body, params);
      const c = new Checks()
        .note(
          `offline (exit ${run.code}): "${brief(
            run.stdout
              .split('\n')
              .filter((l) => l.trim())
              .slice(0, 3)
              .join(' / '),
            220,
          )}"`,
        )
        .note(`simulator dry run: ${JSON.stringify(server.stats)} ${server.codes.join(',')}`)
        .note(
          `rows: ${run.stdout
            .split('\n')
            .filter((l) => /^\s*(data elements|indicators)\s+\d/.test(l))
            .map((l) => l.trim().replace(/\s+/g, ' '))
            .join(' / ')}`,
        )
        .note(`errors offline: ${[...new Set(said(run).match(/E\d{4}[^\n]{0,80}/g) ?? [])].slice(0, 2).join(' / ') || 'none'}`)
        .expect(noise(said(run)) === null, 'free of stack traces');
      judge(c, run, server);
      return c.outcome(
        `metadata load (option sets empty); ${line(['import', 'metadata', 'import.json', '--dry-run', ...args, '--data-dir', 'D'])} (build/campaign/items-metadata.ts)`,
      );
    },
  };
}

/** The offline table's row for a type: create, update, delete, ignored, cannot tell. */
function counts(run: CliRun, label: string): number[] | null {
  const row = run.stdout.split('\n').find((l) => l.trimStart().startsWith(label));
  const numbers = row
    ?.slice(row.indexOf(label) + label.length)
    .trim()
    .split(/\s+/)
    .map(Number);
  return numbers && numbers.length === 5 && numbers.every((n) => Number.isInteger(n)) ? numbers : null;
}

const deOf = (seed: Record<string, unknown[]>): Obj => seed.dataElements![0] as Obj;

export const metadataScenarios: Scenario[] = [
  scenario(
    'a new data element referring to option set "OptSetNone1", in an offline copy that holds option sets and has none (known empty)',
    'offline: an error for the reference (E5002 or E5001), never "cannot check offline" nor "will be created"; the simulator agrees',
    () => ({
      body: {
        dataElements: [
          {
            id: 'NewDeOpt001',
            name: 'Campaign new DE',
            shortName: 'Campaign new DE',
            code: 'CAMPAIGN_NEW_DE',
            valueType: 'TEXT',
            domainType: 'AGGREGATE',
            aggregationType: 'NONE',
            categoryCombo: { id: 'bjDvmb4bfuf' },
            optionSet: { id: 'OptSetNone1' },
          },
        ],
      },
      args: [],
      params: 'importStrategy=CREATE_AND_UPDATE',
    }),
    (c, run, server) =>
      c
        .expect(/E500[12]/.test(said(run)) && counts(run, 'data elements')?.[3] === 1, 'an E5001/E5002 offline, the object ignored')
        .expect(!/cannot (be )?check(ed)? offline/i.test(said(run)), 'without "cannot check offline"')
        .expect(
          server.codes.some((code) => /E500[12]/.test(code)),
          'the simulator answering E5001/E5002 too',
        ),
  ),
  scenario(
    'a data element referring to a legend set (a kind the offline copy does not hold)',
    'offline: "cannot check offline" for that reference, never "will be created" or an error it cannot know',
    () => ({
      body: {
        dataElements: [
          {
            id: 'NewDeLeg001',
            name: 'Campaign legend DE',
            shortName: 'Campaign legend DE',
            valueType: 'NUMBER',
            domainType: 'AGGREGATE',
            aggregationType: 'SUM',
            categoryCombo: { id: 'bjDvmb4bfuf' },
            legendSets: [{ id: 'LegendSet01' }],
          },
        ],
      },
      args: [],
      params: 'importStrategy=CREATE_AND_UPDATE',
    }),
    (c, run) =>
      c
        .expect(
          /cannot (be )?check(ed)? offline|not (held|known) offline|no offline copy|cannot tell|can(not|'t) be checked/i.test(said(run)),
          'saying it cannot check offline',
        )
        .expect(!/E500[12]/.test(said(run)), 'without an error it cannot know')
        .expect(counts(run, 'data elements')?.[0] !== 1, 'not counted as created'),
  ),
  scenario(
    'indicators (a kind the offline copy does not hold) imported',
    'offline: "cannot check offline", never "will be created"',
    () => ({
      body: {
        indicators: [
          {
            id: 'NewIndic001',
            name: 'Campaign indicator',
            shortName: 'Campaign indicator',
            numerator: '1',
            denominator: '1',
            indicatorType: { id: 'IndTypeNo01' },
          },
        ],
      },
      args: [],
      params: 'importStrategy=CREATE_AND_UPDATE',
    }),
    (c, run) =>
      c
        .expect(
          !/will be created/i.test(said(run)) && counts(run, 'indicators')?.[0] === 0 && counts(run, 'indicators')?.[4] === 1,
          'counted as cannot tell, not created',
        )
        .expect(
          /cannot (be )?check(ed)? offline|not (held|known) offline|no offline copy|cannot tell|can(not|'t) be checked/i.test(said(run)),
          'saying it cannot check offline',
        ),
  ),
  scenario(
    're-importing a data element already on the server, without its id, under --identifier CODE',
    'offline: predicted as an update (as DHIS2 does), not a create; the simulator agrees',
    (seed) => {
      const de = { ...deOf(seed) };
      delete de.id;
      // The generated objects carry no shortName, which DHIS2 requires (E4000) of a file as much as of the server.
      de.shortName = de.shortName ?? de.name;
      return { body: { dataElements: [de] }, args: ['--identifier', 'CODE'], params: 'importStrategy=CREATE_AND_UPDATE&identifier=CODE' };
    },
    (c, run, server) =>
      c
        .expect(counts(run, 'data elements')?.[1] === 1 && counts(run, 'data elements')?.[0] === 0, 'predicted as an update')
        .expect(Number(server.stats.updated ?? 0) === 1 && Number(server.stats.created ?? 0) === 0, 'the simulator updating it'),
  ),
];
