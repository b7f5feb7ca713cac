// Metadata and data value files the campaign's laptops and simulators share: one generated national snapshot (the
// bench's generator), written as a DHIS2 export that seeds the simulator and is `metadata load`ed by each laptop, so
// the offline check and the server agree on every object.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../e2e/dhis2-sim/server';
import { generateContent } from '../../main/core/metadata/testing/generate';
import { toDhis2 } from '../../main/core/metadata/testing/fake-dhis2';
import { METADATA_TYPES } from '../../main/core/metadata/model';
import type { MetadataContent } from '../../main/core/metadata/index';
import { plannedValues, writeCsv } from '../bench/generate-values';
import { Context, type CliRun } from './harness';

let cached: { content: MetadataContent; seed: Record<string, unknown[]> } | null = null;

/** 300 org units, 40 data elements: enough distinct keys for 30,000 values in a few years of months. */
export function metadata(): { content: MetadataContent; seed: Record<string, unknown[]> } {
  if (cached) return cached;
  const content = generateContent({ orgUnits: 300, dataElements: 40, dataSets: 1, branching: [5, 40] });
  const seed: Record<string, unknown[]> = {};
  for (const type of METADATA_TYPES) seed[type] = content.records[type].map((record) => toDhis2(type, record as unknown as Record<string, unknown>));
  cached = { content, seed };
  return cached;
}

/** A simulator on 127.0.0.1 seeded with the campaign's metadata, closed with the scenario. */
export async function simulator(ctx: Context): Promise<Simulator> {
  const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  ctx.onClose(() => sim.close());
  sim.seedMetadata(metadata().seed as Parameters<Simulator['seedMetadata']>[0], { replace: true });
  return sim;
}

export function writeSeed(ctx: Context): string {
  const path = join(ctx.work, 'metadata.json');
  writeFileSync(path, JSON.stringify(metadata().seed));
  return path;
}

/** A laptop data folder with the simulator as its default server and the offline metadata loaded. */
export async function laptop(ctx: Context, data: string, sim: Simulator): Promise<void> {
  const added = await ctx.cli(data, ['server', 'add', '--name', 'Sim', '--url', sim.url, '--username', 'admin', '--password', 'district', '--default']);
  if (added.code !== 0) throw new Error(`server add: ${added.stderr || added.stdout}`);
  const loaded = await ctx.cli(data, ['metadata', 'load', writeSeed(ctx)], { timeoutMs: 60_000 });
  if (loaded.code !== 0) throw new Error(`metadata load: ${loaded.stderr || loaded.stdout}`);
}

export async function valuesFile(ctx: Context, count: number, name = 'values.csv'): Promise<string> {
  const path = join(ctx.work, name);
  await writeCsv(path, metadata().content, count);
  return path;
}

export interface StoredCheck {
  expected: number;
  stored: number;
  missing: number;
  wrong: number;
  extra: number;
}

/** The simulator's stored values against the file's: each key once, with the file's value. */
export function compareStored(sim: Simulator, count: number): StoredCheck {
  const want = new Map<string, string>();
  for (const v of plannedValues(metadata().content, count)) want.set(`${v.de}|${v.pe}|${v.ou}|${v.coc}`, v.value);
  const seen = new Set<string>();
  let wrong = 0;
  let extra = 0;
  const stored = sim.dataValues();
  for (const v of stored) {
    const key = `${v.dataElement}|${v.period}|${v.orgUnit}|${v.categoryOptionCombo}`;
    const value = want.get(key);
    if (value === undefined || seen.has(key)) extra++;
    else if (value !== v.value) wrong++;
    seen.add(key);
  }
  let missing = 0;
  for (const key of want.keys()) if (!seen.has(key)) missing++;
  return { expected: want.size, stored: stored.length, missing, wrong, extra };
}

export function storedText(s: StoredCheck): string {
  return `${s.stored.toLocaleString('en')} of ${s.expected.toLocaleString('en')} stored, ${s.missing} missing, ${s.wrong} wrong, ${s.extra} extra`;
}

export interface JobRow {
  id: string;
  state: string;
  type: string;
  title?: string;
  error?: string | null;
}

export async function jobs(ctx: Context, data: string): Promise<JobRow[]> {
  const listed = await ctx.cli(data, ['jobs', '--json']);
  if (listed.code !== 0) throw new Error(`jobs --json: ${listed.stderr}`);
  return (JSON.parse(listed.stdout) as { jobs: JobRow[] }).jobs;
}

export async function jobShow(ctx: Context, data: string, id: string): Promise<Record<string, unknown>> {
  const shown = await ctx.cli(data, ['jobs', 'show', id, '--json']);
  if (shown.code !== 0) throw new Error(`jobs show: ${shown.stderr}`);
  return JSON.parse(shown.stdout) as Record<string, unknown>;
}

export function said(run: CliRun): string {
  return `${run.stdout}\n${run.stderr}`;
}
