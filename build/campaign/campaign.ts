// `npm run campaign [-- ITEM …]`: issue 12's hostile campaign run again against the built CLI, as a user runs it:
// each scenario in its own temp folder with its own data folders, the CLI as child processes, a DHIS2 simulator in
// this process on 127.0.0.1. Prints one markdown table (item | attack | expected | observed | verdict | time) and
// `N passed, M failed`; exits 1 on any FAIL. A scenario that cannot be run here is NOT RUN with its reason, never PASS.
import { brief, cell, Context, seconds, withTimeout, type Row, type Scenario } from './harness';
import { flushScenarios } from './items-flush';
import { fileScenarios } from './items-files';
import { bundleScenarios } from './items-bundle';
import { diskScenarios } from './items-disk';
import { metadataScenarios } from './items-metadata';

const ALL: Scenario[] = [...flushScenarios, ...fileScenarios, ...bundleScenarios, ...diskScenarios, ...metadataScenarios];

function itemNumber(item: string): string {
  return /^\d+/.exec(item)?.[0] ?? item;
}

async function runOne(scenario: Scenario, index: number): Promise<Row> {
  const ctx = new Context(`${itemNumber(scenario.item)}-${index}`);
  const started = process.hrtime.bigint();
  const base = { item: scenario.item, attack: scenario.attack, expected: scenario.expected };
  try {
    const outcome = await withTimeout(scenario.run(ctx), scenario.timeoutMs, 'the scenario');
    return { ...base, ...outcome, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, observed: `campaign error: ${brief(message, 300)}`, verdict: 'FAIL', ms: Number(process.hrtime.bigint() - started) / 1e6 };
  } finally {
    await ctx.close();
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const chosen = only.length ? ALL.filter((s) => only.includes(itemNumber(s.item))) : ALL;
  const started = Date.now();
  const rows: Row[] = [];
  for (const [i, scenario] of chosen.entries()) {
    process.stderr.write(`[${i + 1}/${chosen.length}] item ${scenario.item}: ${scenario.attack} … `);
    const row = await runOne(scenario, i);
    process.stderr.write(`${row.verdict} (${seconds(row.ms)})\n`);
    rows.push(row);
  }
  console.log('| item | attack | expected | observed | verdict | time |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${cell(r.item)} | ${cell(r.attack)} | ${cell(r.expected)} | ${cell(r.observed)} | ${r.verdict} | ${seconds(r.ms)} |`);
  const passed = rows.filter((r) => r.verdict === 'PASS').length;
  const failed = rows.filter((r) => r.verdict === 'FAIL').length;
  const notRun = rows.filter((r) => r.verdict === 'NOT RUN').length;
  console.log('');
  for (const r of rows.filter((row) => row.verdict !== 'PASS')) console.log(`- ${r.verdict} item ${r.item} (${r.attack}): ${r.repro ?? 'see the table'}`);
  console.log(`Total run time ${seconds(Date.now() - started)}.`);
  console.log(`${passed} passed, ${failed} failed${notRun ? `, ${notRun} not run` : ''}`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
