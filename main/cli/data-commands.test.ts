import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import JSZip from 'jszip';
import { join } from 'node:path';
import { cliSandbox, type CliSandbox } from './testing/sandbox';

async function zipOf(entries: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(entries)) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

describe('dhis2-ie validate, import data, flush', () => {
  let box: CliSandbox;
  const run = (...argv: string[]) => box.run('data', ...argv);

  beforeEach(async () => {
    box = await cliSandbox();
    box.writeMetadata();
    box.write(
      'values.csv',
      'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nDE_A,202401,OU_A,,,5\nDE_B,202401,OU_A,,,x\nDE_C,202401,OU_A,,,7\n',
    );
  });
  afterEach(() => box.close());

  it('predicts the server summary with lines, queues the import, and flushes it', async () => {
    expect((await run('validate', join(box.path, 'values.csv'))).stderr).toMatch(/no offline metadata/);
    expect((await box.addServer('data')).code).toBe(0);
    expect((await run('metadata', 'load', join(box.path, 'metadata.json'))).code).toBe(0);

    const text = await run('validate', join(box.path, 'values.csv'), '--id-scheme', 'code');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/WARNING/);
    expect(text.stdout).toMatch(/E7619 .*\(line 3\)/);
    const json = await run('validate', join(box.path, 'values.csv'), '--id-scheme', 'CODE', '--json');
    const summary = JSON.parse(json.stdout) as { status: string; conflicts: { errorCode: string; lines: number[] }[] };
    expect(summary.conflicts.map((c) => [c.errorCode, c.lines])).toEqual([['E7619', [3]]]);

    const queued = await run('import', 'data', join(box.path, 'values.csv'), '--id-scheme', 'CODE');
    expect(queued.stdout).toMatch(/Queued "values.csv"/);
    // Checked while it was stored: the same prediction as validate's.
    expect(queued.stdout).toMatch(
      /Offline check \(metadata as of .*\): 3 values; predicted WARNING, 2 imported, .*; 1 conflict \(`dhis2-ie validate "values.csv"` lists them\)/,
    );
    const flushed = await run('flush', '--wait', '--timeout', '60');
    expect(flushed.stdout).toMatch(/Completed/);
    expect(box.sim.dataValues()).toHaveLength(2);
    const jobs = JSON.parse((await run('jobs', '--type', 'import-data', '--json')).stdout) as {
      jobs: { result: { server: { importCount: { imported: number } } } }[];
    };
    expect(jobs.jobs[0]!.result.server.importCount.imported).toBe(2);
  });

  it('refuses at the door what validate refuses: same message, non-zero exit, nothing queued, the copy released', async () => {
    const files: Record<string, string | Buffer> = {
      'xxe.xml': '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<dataValueSet><dataValue value="&x;"/></dataValueSet>\n',
      'latin1.csv': Buffer.from(
        'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment\nDE_A,202401,OU_A,,,5,,,Ma\xefs\n',
        'latin1',
      ),
      'twice.zip': await zipOf({ 'values.zip': await zipOf({ 'values.csv': 'DE_A,202401,OU_A,,,5\n' }) }),
      'garbage.pdf': '%PDF-1.7\n\u0001\u0002garbage',
      'nul.csv': Buffer.alloc(1024),
    };
    const dataDir = join(box.path, 'data');
    for (const withMetadata of [false, true]) {
      if (withMetadata) expect((await run('metadata', 'load', join(box.path, 'metadata.json'))).code).toBe(0);
      for (const [name, content] of Object.entries(files)) {
        writeFileSync(join(box.path, name), content);
        const imported = await run('import', 'data', join(box.path, name), '--id-scheme', 'CODE');
        expect(imported.code, name).toBe(1);
        expect(imported.stdout, name).toBe('');
        expect(imported.stderr.startsWith(`dhis2-ie: "${name}"`), imported.stderr).toBe(true);
        expect(imported.stderr.split('\n').slice(1), name).toEqual(['Nothing was queued.', '']);
        if (withMetadata) {
          const validated = await run('validate', join(box.path, name), '--id-scheme', 'CODE');
          expect(validated.code, name).toBe(1);
          expect(imported.stderr.split('\n')[0], name).toBe(validated.stderr.trimEnd());
        }
      }
    }
    expect(JSON.parse((await run('jobs', '--json')).stdout)).toMatchObject({ jobs: [] });
    const stored = join(dataDir, 'files');
    expect(readdirSync(stored).flatMap((folder) => readdirSync(join(stored, folder)))).toEqual([]);
  });

  it('does not queue a file without data values, and validate says so and exits 1, its --json still what DHIS2 would answer', async () => {
    expect((await run('metadata', 'load', join(box.path, 'metadata.json'))).code).toBe(0);
    for (const [name, content] of [
      ['empty.csv', ''],
      ['header-only.csv', 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n'],
    ] as const) {
      writeFileSync(join(box.path, name), content);
      const imported = await run('import', 'data', join(box.path, name));
      expect(imported.code, name).toBe(1);
      expect(imported.stderr, name).toMatch(/holds no data values, so importing it would send nothing to DHIS2/);
      const validated = await run('validate', join(box.path, name));
      expect(validated.code, name).toBe(1);
      // The same refusal as import data's, word for word, and no SUCCESS line.
      expect(validated.stderr.split('\n')[0], name).toBe(imported.stderr.split('\n')[0]);
      expect(validated.stdout, name).not.toMatch(/SUCCESS/);
      // --json still prints exactly what DHIS2 would answer; the exit code says it is not worth sending.
      const json = await run('validate', join(box.path, name), '--json');
      expect(json.code, name).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ status: 'SUCCESS', importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 } });
    }
    expect(JSON.parse((await run('jobs', '--json')).stdout)).toMatchObject({ jobs: [] });
  });

  it('refuses bad flags in one line', async () => {
    const bad = await run('validate', join(box.path, 'values.csv'), '--strategy', 'SOMETIMES');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--strategy/);
    expect((await run('import', 'data', join(box.path, 'nope.csv'))).stderr).toMatch(/is not a file/);
  });
});
