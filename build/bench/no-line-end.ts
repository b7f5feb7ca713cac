// `node dist/bench/no-line-end.cjs [MB …]` (after `npm run build:main`): how long a CSV file of that many MB with no line
// end takes to be refused, read as `dhis2-ie validate` reads it and stored and checked as `dhis2-ie import data` does,
// with each run's peak RSS. The row length limit must stop it after a few MB whatever its size (issue 12, item 5: the
// reader was quadratic, 128 MB took 122 s). Sizes default to 16 64 128 900; 2048 is the largest file the store takes.
// Each size and phase runs in a fresh process; the file is written in a temp folder and removed after.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../main/core/core';
import { storeAndCheckDataFile } from '../../main/core/datavalues/store-and-check';
import { readCsvBatches } from '../../main/core/formats/datavalues/read-csv';
import { openInput } from '../../main/core/formats/open-input';
import { MetadataIndex } from '../../main/core/metadata/index';
import { generateContent } from '../../main/core/metadata/testing/generate';
import { ImportDataParams } from '../../shared/data-import';

const MB = 1024 * 1024;

async function writeNoLineEnd(path: string, mb: number): Promise<void> {
  const out = createWriteStream(path);
  const piece = Buffer.alloc(MB, 'x');
  for (let i = 0; i < mb; i++) if (!out.write(piece)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function phase(which: string, path: string, dataDir: string): Promise<{ ms: number; message: string }> {
  const started = process.hrtime.bigint();
  let message = 'no problem reported';
  if (which === 'read') {
    try {
      for await (const _batch of readCsvBatches(() => openInput(path, { fileName: 'values.csv' }), 'values.csv', true)) void _batch;
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
  } else {
    const core = createCore({ dataDir, mode: 'cli', appVersion: 'bench' });
    try {
      const index = MetadataIndex.build(generateContent({ orgUnits: 10, dataElements: 5, dataSets: 1 }));
      const stored = await storeAndCheckDataFile(core.files, path, 'values.csv', ImportDataParams.parse({}), index);
      message = stored.problem?.message ?? 'no problem reported';
    } finally {
      await core.close();
    }
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, message };
}

async function main(): Promise<void> {
  const [which, path, dataDir] = process.argv.slice(2);
  if (which === 'read' || which === 'store') {
    const result = await phase(which, path!, dataDir!);
    process.stdout.write(JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
    return;
  }
  const sizes = process.argv.slice(2).map(Number);
  const work = mkdtempSync(join(tmpdir(), 'dhis2-ie-no-line-end-'));
  try {
    for (const mb of sizes.length ? sizes : [16, 64, 128, 900]) {
      const file = join(work, 'values.csv');
      await writeNoLineEnd(file, mb);
      for (const run of ['read', 'store']) {
        const result = spawnSync(process.execPath, [process.argv[1]!, run, file, join(work, 'data')], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (result.status !== 0) throw new Error(`${run} ${mb} MB failed:\n${result.stderr}`);
        const r = JSON.parse(result.stdout) as { ms: number; message: string; maxRssMb: number };
        console.log(
          `${String(mb).padStart(5)} MB ${run.padEnd(5)} ${(r.ms / 1000).toFixed(2).padStart(6)} s  peak RSS ${r.maxRssMb.toFixed(0)} MB  ${r.message}`,
        );
      }
      rmSync(file, { force: true });
      rmSync(join(work, 'data'), { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
