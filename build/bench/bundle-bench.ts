// The USB bundle against a bare zip of the same files: what checksums, the manifest, flushing,
// the rename and the read-back cost on top of zipping. Called at the end of `npm run bench`.
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../main/core/core';
import { BundleService } from '../../main/core/bundles/service';
import { verifyBundle } from '../../main/core/bundles/read-verify';
import { createKeyFileCipher } from '../../main/core/secrets/key-file-cipher';
import { ZipArchiveWriter } from '../../main/core/bundles/zip-archive';
import { generateContent } from '../../main/core/metadata/testing/generate';
import { MetadataIndex, type MetadataContent } from '../../main/core/metadata/index';
import { openDataFile } from '../../main/core/datavalues/open-data-file';
import { checkDataFile } from '../../main/core/datavalues/check-file';
import { ImportDataParams } from '../../shared/data-import';
import { plannedValues } from './generate-values';

const FILES = 4;

function content(): MetadataContent {
  const c = generateContent({ orgUnits: 2000, dataElements: 200, dataSets: 2 });
  const root = c.records.organisationUnits[0]!.id;
  c.user = { id: 'USERbench01', name: 'Bench', username: 'admin', organisationUnits: [root], dataViewOrganisationUnits: [], authorities: ['ALL'] };
  return c;
}

/** Consecutive stretches of the planned values, alternately CSV and DXF2 JSON, so no two files are alike. */
async function writeFiles(work: string, c: MetadataContent, count: number): Promise<string[]> {
  const perFile = Math.ceil(count / FILES);
  const paths: string[] = [];
  let out: WriteStream | null = null;
  let json = false;
  let inFile = 0;
  const close = async () => {
    if (!out) return;
    const stream = out;
    stream.end(json ? '\n]}\n' : '');
    await once(stream, 'finish');
  };
  for (const v of plannedValues(c, count)) {
    if (out === null || inFile === perFile) {
      await close();
      json = paths.length % 2 === 1;
      const path = join(work, `values-${paths.length + 1}.${json ? 'json' : 'csv'}`);
      paths.push(path);
      out = createWriteStream(path);
      out.write(json ? '{"dataValues":[\n' : 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n');
      inFile = 0;
    }
    const line = json
      ? `${inFile === 0 ? '' : ',\n'}{"dataElement":"${v.de}","period":"${v.pe}","orgUnit":"${v.ou}","categoryOptionCombo":"${v.coc}","attributeOptionCombo":"HllvX50cXC0","value":"${v.value}"}`
      : `${v.de},${v.pe},${v.ou},${v.coc},HllvX50cXC0,${v.value}\n`;
    inFile++;
    if (!out.write(line)) await once(out, 'drain');
  }
  await close();
  return paths;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/** `count` values in FILES files (half CSV, half DXF2 JSON: a facility's monthly exports), bundled and zipped bare. */
export async function bundleBench(count: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'dhis2-ie-bundle-bench-'));
  try {
    const c = content();
    const sources = await writeFiles(work, c, count);
    const rawBytes = sources.reduce((sum, path) => sum + statSync(path).size, 0);
    console.log(`Bundle: ${count.toLocaleString('en')} data values in ${FILES} files (${(rawBytes / 1e6).toFixed(0)} MB) …`);

    // Bare: the same files through the same streaming zip writer, nothing else.
    const barePath = join(work, 'bare.zip');
    const bare = await timed(async () => {
      const zip = new ZipArchiveWriter(createWriteStream(barePath));
      for (const path of sources) await zip.add(path.slice(work.length + 1), createReadStream(path), { compress: true });
      return zip.finish();
    });

    // The app: the files are in the store and queued (not timed: that happened when they were imported), then "Save to USB".
    const core = createCore({ dataDir: join(work, 'facility'), mode: 'cli', appVersion: 'bench' });
    const index = MetadataIndex.build(c);
    try {
      for (const path of sources) {
        const ref = await core.files.putFromPath(path, path.slice(work.length + 1));
        core.runner.create({ type: 'import-data', params: {}, files: [ref] });
      }
      const drive = join(work, 'usb');
      mkdirSync(drive);
      const saved = await timed(() => core.bundles.create({ folder: drive }));
      const district = await timed(() => verifyBundle(saved.value.path, { appVersion: 'bench' }));

      // Once more with the facility's offline check written into the manifest, as on a laptop that has metadata.
      const checked = new BundleService({
        db: core.db,
        jobs: core.jobs,
        log: core.jobLog,
        files: core.files,
        bus: core.bus,
        settings: core.settings,
        runner: core.runner,
        registry: core.registry,
        servers: core.servers,
        cipher: createKeyFileCipher(core.dataDir),
        appName: 'bench',
        appVersion: 'bench',
        validate: async (job) => {
          const file = job.files[0]!;
          const params = ImportDataParams.parse(job.params);
          const opened = await openDataFile(core.files.pathOf(file.sha256), file.name, params);
          return (await checkDataFile(opened, params, index, file.name)).validation;
        },
        indexFor: () => index,
        facilityOrgUnits: () => [],
      });
      const drive2 = join(work, 'usb2');
      mkdirSync(drive2);
      const withCheck = await timed(() => checked.create({ folder: drive2, jobIds: saved.value.jobIds }));

      const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
      console.log(
        `BUNDLE ${count.toLocaleString('en')} values  bare zip ${(bare.ms / 1000).toFixed(2)} s (${mb(bare.value)})  ` +
          `bundle create+verify ${(saved.ms / 1000).toFixed(2)} s (${mb(saved.value.bytes)})  ratio ${(saved.ms / bare.ms).toFixed(2)}  ` +
          `district verify ${(district.ms / 1000).toFixed(2)} s`,
      );
      console.log(
        `BUNDLE with the facility's offline check in the manifest: ${(withCheck.ms / 1000).toFixed(2)} s, ratio ${(withCheck.ms / bare.ms).toFixed(2)} ` +
          `(${withCheck.value.values?.toLocaleString('en') ?? 0} values checked)`,
      );
    } finally {
      await core.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
