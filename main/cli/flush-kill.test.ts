import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { cliSandbox, type CliSandbox } from './testing/sandbox';

/**
 * `dhis2-ie flush --wait` killed with SIGKILL at 20 random moments (between parts, mid-POST, mid-answer,
 * mid-checkpoint, with two parts on their way), then flushed to the end: every value of the file is
 * on the server exactly once and nothing is missing. The CLI runs as a real child process, bundled
 * from source, against a simulator in this process.
 */

const ROOT = join(__dirname, '..', '..');
const ELEMENTS = ['f7n9E0hX8qk', 'Ix2HsbDMLea', 'eY5ehpbEsB7', 'deDDDDDDDDD'];
const UNITS = ['DiszpKrYNg8', 'BdfsJfj87js'];
const KILLS = 20;

interface Row {
  key: string;
  value: string;
}

function dataFile(): { csv: string; rows: Row[] } {
  const rows: Row[] = [];
  const lines = ['dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value'];
  for (let month = 0; month < 12 * 70; month++) {
    const period = `${1950 + Math.floor(month / 12)}${String((month % 12) + 1).padStart(2, '0')}`;
    for (const unit of UNITS)
      for (const element of ELEMENTS) {
        // Never 0: DHIS2 does not store a zero that is not significant for its element.
        const value = String(((rows.length * 7) % 1000) + 1);
        rows.push({ key: `${element}|${period}|${unit}`, value });
        lines.push(`${element},${period},${unit},,,${value}`);
      }
  }
  return { csv: `${lines.join('\n')}\n`, rows };
}

describe('dhis2-ie flush killed at random moments', () => {
  let box: CliSandbox;
  let cli: string;

  beforeAll(async () => {
    box = await cliSandbox();
    cli = join(box.path, 'cli.cjs');
    await build({
      absWorkingDir: ROOT,
      entryPoints: ['main/cli/main.ts'],
      outfile: cli,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
    });
  });
  afterAll(() => box?.close());

  const posts = (): number => box.sim.requests.filter((r) => r.path.startsWith('/api/dataValueSets')).length;
  const randomInt = (below: number): number => Math.floor(Math.random() * below);

  /**
   * The CLI in a child process, killed at a random moment: after 0-2 more POSTs of parts reached the
   * server (so the kill lands mid-flush however slowly the process starts), then 0-150 ms later (before,
   * during or after the next answer and checkpoint). Resolves with its exit code, or null when killed.
   */
  const child = (kill: boolean, ...argv: string[]): Promise<number | null> =>
    new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, [cli, ...argv, '--data-dir', join(box.path, 'data')], {
        env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
        stdio: 'ignore',
      });
      const target = posts() + randomInt(3);
      const delay = randomInt(150);
      const watch = kill
        ? setInterval(() => {
            if (posts() < target) return;
            clearInterval(watch!);
            setTimeout(() => proc.kill('SIGKILL'), delay);
          }, 5)
        : null;
      proc.on('error', reject);
      proc.on('exit', (code) => {
        if (watch) clearInterval(watch);
        resolve(code);
      });
    });

  it('stores every value exactly once after 20 kills mid-flush', async () => {
    const { csv, rows } = dataFile();
    const metadata = box.writeMetadata();
    const values = box.write('values.csv', csv);
    const run = (...argv: string[]) => box.run('data', ...argv);
    expect((await box.addServer('data')).code).toBe(0);
    expect((await run('metadata', 'load', metadata)).code).toBe(0);
    expect((await run('import', 'data', values, '--chunk-size', '100')).code).toBe(0);

    // Answers come a little late, so kills also land while parts are on their way.
    box.sim.setLatency(60);
    const storedAtKill: number[] = [];
    let kills = 0;
    for (let i = 0; i < KILLS; i++) {
      const code = await child(true, 'flush', '--wait', '--timeout', '60');
      storedAtKill.push(box.sim.dataValues().length);
      if (code !== null) break; // finished before this kill point
      kills++;
    }
    box.sim.setLatency(0);
    expect(await child(false, 'flush', '--wait', '--timeout', '120')).toBe(0);

    const stored = box.sim.dataValues();
    const byKey = new Map<string, string[]>();
    for (const v of stored) {
      const key = `${v.dataElement}|${v.period}|${v.orgUnit}`;
      byKey.set(key, [...(byKey.get(key) ?? []), v.value ?? '']);
    }
    expect(stored).toHaveLength(rows.length);
    for (const row of rows) expect(byKey.get(row.key), row.key).toEqual([row.value]);
    // The kills did land mid-flush: 20 of them, with part of the file stored.
    expect(kills).toBe(KILLS);
    expect(storedAtKill.filter((n) => n > 0 && n < rows.length).length).toBeGreaterThan(KILLS / 2);

    const shown = JSON.parse((await run('jobs', '--type', 'import-data', '--json')).stdout) as { jobs: { id: string; state: string }[] };
    expect(shown.jobs.map((j) => j.state)).toEqual(['done']);
    const job = JSON.parse((await run('jobs', 'show', shown.jobs[0]!.id, '--json')).stdout) as {
      result: { server: { importCount: { imported: number; updated: number; ignored: number } }; resent: { ignored: number }[] };
    };
    // Each value is counted once in the merged summary: confirmed parts never overlap.
    const c = job.result.server.importCount;
    expect(c.imported + c.updated + c.ignored).toBe(rows.length);
  }, 300_000);
});
