import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import JSZip from 'jszip';
import { tempDir, testCore } from '../test/helpers';
import type { Core } from '../core';
import { MetadataFileError } from './file-error';
import { toInstant } from './load-file';
import { generateContent } from './testing/generate';
import { toDhis2 } from './testing/fake-dhis2';
import { METADATA_TYPES } from './model';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const FIXTURES = join(__dirname, '../../../e2e/fixtures');
const METADATA_JSON = join(FIXTURES, 'metadata/json');
const TRACKER_METADATA = ['base_metadata.json', 'te_program_with_tea_metadata.json', 'tracker_basic_metadata.json'].map((name) =>
  join(FIXTURES, 'tracker', name),
);

describe('loading a metadata file', () => {
  let dir: ReturnType<typeof tempDir>;
  let core: Core;

  beforeEach(() => {
    dir = tempDir();
    core = testCore(dir.path);
  });
  afterEach(async () => {
    await core.close();
    dir.remove();
  });

  const write = (name: string, content: string | Buffer) => {
    const path = join(dir.path, name);
    writeFileSync(path, content);
    return path;
  };
  const load = (path: string, name = path.split('/').pop()!) => core.metadata.loadPath(path, name, null);
  const failure = async (path: string, name?: string): Promise<MetadataFileError> => {
    const error = await load(path, name).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MetadataFileError);
    return error as MetadataFileError;
  };

  it('loads every fixture metadata export and reports counts and gaps', async () => {
    const files = [...readdirSync(METADATA_JSON).map((name) => join(METADATA_JSON, name)), ...TRACKER_METADATA];
    const loaded: Record<string, Record<string, number>> = {};
    for (const path of files) {
      const name = path.split('/').pop()!;
      if (name === 'org_unit_code_id.json' || name === 'de_simple_delete_code.json') {
        // Objects keyed by code only (identifier=CODE): nothing an offline check could use, and
        // swapping them in would leave the laptop with no metadata at all.
        expect((await failure(path)).message).toMatch(/no metadata the app can use: only \d (organisation unit|data elements) without an id/);
        continue;
      }
      const { status } = await load(path);
      expect(status.snapshot, name).not.toBeNull();
      loaded[name] = status.snapshot!.counts;
    }
    expect(Object.keys(loaded)).toHaveLength(files.length - 2);
    expect(loaded['dataset_with_sections.json']).toMatchObject({
      organisationUnits: 1,
      dataElements: 2,
      dataSets: 1,
      categoryCombos: 1,
      categories: 1,
      categoryOptions: 2,
      categoryOptionCombos: 2,
    });
    expect(loaded['e2e_aggregate_metadata.json']).toMatchObject({ dataElements: 75, dataSets: 2, categoryOptionCombos: 12, categoryCombos: 3 });
    expect(loaded['e2e_setup_metadata.json']).toMatchObject({ organisationUnits: 5, optionSets: 1, dataElements: 2 });
    expect(loaded['base_metadata.json']).toMatchObject({ attributes: 2, organisationUnits: 7, categoryOptionCombos: 9, optionSets: 1 });
  });

  it('says what is missing for validation and reads the export date and version', async () => {
    const { status, report } = await load(join(METADATA_JSON, 'e2e_aggregate_metadata.json'));
    expect(report.compression).toBe('none');
    expect(status.snapshot!.notes).toEqual(
      expect.arrayContaining([
        'No org units in this file: org units of data values cannot be checked.',
        "No DHIS2 user of this server in this file: whether org units are inside the user's hierarchy cannot be checked.",
      ]),
    );
    const cocs = await load(join(METADATA_JSON, 'simple_metadata.json'));
    expect(cocs.status.snapshot!.notes).toContain('No category option combos in this file: values with a category option combo cannot be checked.');
    // The export date at the top level (pre-2.30 exports) becomes "metadata as of".
    expect(cocs.status.snapshot!.takenAt).toBe('2016-02-24T04:32:01.229Z');

    const tea = await load(join(FIXTURES, 'tracker/te_program_with_tea_metadata.json'));
    expect(tea.status.snapshot).toMatchObject({ version: '2.34-SNAPSHOT', takenAt: '2020-02-20T13:17:15.225Z', source: 'file' });
  });

  it('merges an export’s separate options into their option sets', async () => {
    await load(join(METADATA_JSON, 'e2e_setup_metadata.json'));
    const index = core.metadata.indexFor(null)!;
    expect(index.optionSet('ZGkmoWb77MW')!.options.map((option) => [option.code, option.name])).toEqual([
      ['TA_NO', 'No'],
      ['TA_YES', 'Yes'],
    ]);
    expect(index.optionByCode('ZGkmoWb77MW', 'TA_YES')?.id).toBe('jqsgAiRoxsG');
    // Derived paths for org units exported without one.
    expect(index.orgUnit('DiszpKrYNg8')).toMatchObject({ path: '/ImspTQPwCqd/O6uvpzGd5pu/YuQRtpLP10I/DiszpKrYNg8', level: 4 });
  });

  it('takes the server user from the file, with the authorities of their roles', async () => {
    const server = await core.servers.add({ name: 'Local', url: 'http://127.0.0.1:9', auth: { kind: 'basic', username: 'metadataadmin', password: 'x' } });
    const { status } = await core.metadata.loadPath(join(METADATA_JSON, 'dataset_with_sections.json'), 'dataset_with_sections.json', server.id);
    expect(status).toMatchObject({ serverId: server.id, serverName: 'Local' });
    expect(status.snapshot!.username).toBe('metadataadmin');
    const index = core.metadata.indexFor(server.id)!;
    expect(index.user).toMatchObject({ username: 'metadataadmin', organisationUnits: ['x3gVvpbVgqy'] });
    expect(index.user!.authorities.length).toBeGreaterThan(0);
    expect(index.inCaptureHierarchy('x3gVvpbVgqy')).toBe(true);
  });

  it('reads the same export gzipped and zipped, sniffing the bytes rather than the name', async () => {
    const json = readFileSync(join(METADATA_JSON, 'dataset_with_sections.json'));
    const gz = await load(write('metadata.json', gzipSync(json)));
    expect(gz.report.compression).toBe('gzip');
    const zip = new JSZip();
    zip.file('metadata.json', json);
    const zipped = await load(write('export.bin', await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })));
    expect(zipped.report.compression).toBe('zip');
    expect(zipped.status.snapshot!.counts).toEqual(gz.status.snapshot!.counts);
    // A byte order mark is not JSON, but Windows editors write one.
    const bom = await load(write('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json])));
    expect(bom.status.snapshot!.counts).toEqual(gz.status.snapshot!.counts);
  });

  it('replaces the snapshot whole, and a failing load leaves the old one in use', async () => {
    const first = await load(join(METADATA_JSON, 'dataset_with_sections.json'));
    const before = first.status.snapshot!;
    const bad = write('cut.json', readFileSync(join(METADATA_JSON, 'e2e_setup_metadata.json'), 'utf8').slice(0, 30_000));
    await failure(bad);
    expect(core.metadata.status(null)[0]!.snapshot).toEqual(before);
    expect(core.metadata.indexFor(null)!.dataSet('em8Bg4LCr5k')).toBeDefined();
    // Nothing half-built is left behind.
    expect(core.db.prepare("SELECT COUNT(*) AS n FROM metadata_snapshots WHERE state != 'active'").get()).toEqual({ n: 0 });

    const second = await load(join(METADATA_JSON, 'e2e_setup_metadata.json'));
    expect(second.status.snapshot!.id).not.toBe(before.id);
    expect(core.metadata.indexFor(null)!.dataSet('em8Bg4LCr5k')).toBeUndefined();
    expect(core.db.prepare('SELECT COUNT(DISTINCT snapshot_id) AS n FROM metadata_objects').get()).toEqual({ n: 1 });
  });

  it('announces a new snapshot with metadata.changed', async () => {
    const seen: unknown[] = [];
    core.bus.on('metadata.changed', (status) => seen.push(status));
    await load(join(METADATA_JSON, 'ou_with_levels.json'));
    expect(seen).toEqual([expect.objectContaining({ serverId: null, snapshot: expect.objectContaining({ label: 'ou_with_levels.json' }) })]);
  });

  describe('bad files', () => {
    it('names the file and the line of broken JSON', async () => {
      const text = readFileSync(join(METADATA_JSON, 'dataset_with_sections.json'), 'utf8').split('\n');
      text[40] = `${text[40]} oops`;
      const error = await failure(write('broken.json', text.join('\n')));
      expect(error.line).toBeGreaterThanOrEqual(41);
      expect(error.line).toBeLessThanOrEqual(42);
      expect(error.message).toMatch(/^"broken\.json", near line 4[12]: the JSON is broken here/);
    });

    it('calls a cut-off file truncated', async () => {
      const text = readFileSync(join(METADATA_JSON, 'dataset_with_sections.json'), 'utf8');
      const error = await failure(write('cut.json', text.slice(0, 2000)));
      expect(error.message).toMatch(/ends before the JSON does/);
      expect(error.line).toBe(text.slice(0, 2000).split('\n').length);
      const gz = gzipSync(Buffer.from(text));
      expect((await failure(write('cut.json.gz', gz.subarray(0, gz.length - 40)))).message).toMatch(/cut off before its end|ends before the JSON does/);
    });

    it('tells what a file is when it is not a metadata export', async () => {
      expect((await failure(write('x.xml', '<?xml version="1.0"?><metadata/>'))).message).toMatch(/not JSON.*looks like XML/);
      expect((await failure(write('notes.txt', 'hello there'))).message).toMatch(/it is not JSON/);
      expect((await failure(write('list.json', '[{"id":"abc"}]'))).message).toMatch(/JSON list, not a DHIS2 metadata export/);
      expect((await failure(write('dv.json', '{"dataSet":"x","dataValues":[{"dataElement":"a"}]}'))).message).toMatch(
        /a data value set, not a metadata export/,
      );
      expect((await failure(write('other.json', '{"programs":[{"id":"abcdefghijk"}]}'))).message).toMatch(
        /holds none of the metadata the app uses \(it has programs\)/,
      );
      expect((await failure(write('empty.json', ''))).message).toMatch(/the file is empty/);
      expect((await failure(join(dir.path, 'missing.json'))).message).toMatch(/does not exist/);
    });

    it('refuses zips that are not one JSON file, unsafe paths and bombs', async () => {
      const several = new JSZip();
      several.file('metadata.json', '{}');
      several.file('readme.txt', 'hi');
      expect((await failure(write('several.zip', await several.generateAsync({ type: 'nodebuffer' })))).message).toMatch(
        /holds 2 files \(metadata\.json, readme\.txt\)\. A metadata zip holds exactly one \.json file/,
      );
      const notJson = new JSZip();
      notJson.file('metadata.csv', 'a,b');
      expect((await failure(write('csv.zip', await notJson.generateAsync({ type: 'nodebuffer' })))).message).toMatch(/not a \.json file/);
      const traversal = new JSZip();
      traversal.file('../../evil.json', '{}');
      expect((await failure(write('evil.zip', await traversal.generateAsync({ type: 'nodebuffer' })))).message).toMatch(/unsafe path/);
      expect((await failure(write('junk.zip', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100)])))).message).toMatch(/damaged or incomplete/);

      const tight = testCore(join(dir.path, 'tight'));
      try {
        (tight.metadata as unknown as { deps: { limits: unknown } }).deps.limits = { maxUncompressedBytes: 10 ** 9, maxRatio: 50, ratioFloorBytes: 1024 };
        const bomb = new JSZip();
        bomb.file('metadata.json', `{"dataElements":[],"pad":"${' '.repeat(2_000_000)}"}`);
        const path = write('bomb.zip', await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
        await expect(tight.metadata.loadPath(path, 'bomb.zip', null)).rejects.toThrow(/expands more than 50 times/);
        const gz = write('bomb.json.gz', gzipSync(Buffer.from(`{"dataElements":[],"pad":"${' '.repeat(2_000_000)}"}`)));
        await expect(tight.metadata.loadPath(gz, 'bomb.json.gz', null)).rejects.toThrow(/expands more than 50 times/);
      } finally {
        await tight.close();
      }
    });

    it('skips objects it cannot read and says so', async () => {
      const path = write(
        'mixed.json',
        JSON.stringify({
          dataElements: [
            { id: 'deabcdefghA', name: 'Fine', valueType: 'NUMBER' },
            { id: 'deabcdefghB', name: 42 },
            { name: 'No id' },
            { id: 'deabcdefghA', name: 'Fine again' },
          ],
        }),
      );
      const { status } = await load(path);
      expect(status.snapshot!.counts.dataElements).toBe(1);
      expect(status.snapshot!.notes).toEqual(
        expect.arrayContaining([
          '1 data element without an id was skipped (offline checks need ids; export with identifier UID).',
          '1 data element could not be read and was skipped.',
          expect.stringMatching(/^Skipped dataElements\[1\]\.name: /),
          '1 data element appeared more than once; the last copy of each was kept.',
        ]),
      );
      expect(core.metadata.indexFor(null)!.dataElement('deabcdefghA')!.name).toBe('Fine again');
    });
  });

  it('streams a large export: memory stays far below the size of the file', async () => {
    const path = join(dir.path, 'national.json');
    writeExport(path, 100_000, 3_000);
    gc();
    const size = statSync(path).size;
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    // Collected before each reading: what the load holds on to, not garbage waiting for the collector.
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }, 250);
    const started = performance.now();
    const { status } = await load(path);
    const ms = performance.now() - started;
    clearInterval(sampler);
    console.log(
      `Loaded a ${(size / 1024 ** 2).toFixed(1)} MB export (100,000 org units, 3,000 data elements) in ${(ms / 1000).toFixed(1)} s ` +
        `(${(size / 1024 ** 2 / (ms / 1000)).toFixed(1)} MB/s); live heap peaked at +${(peak / 1024 ** 2).toFixed(1)} MB`,
    );
    expect(status.snapshot).toMatchObject({
      version: '2.41.3',
      takenAt: '2024-05-01T10:00:00.000Z',
      counts: { organisationUnits: 100_000, dataElements: 3_000 },
    });
    expect(peak).toBeLessThan(size / 2);
  }, 120_000);

  it('reads DHIS2 dates as instants', () => {
    expect(toInstant('2016-02-24T04:32:01.229+0000')).toBe('2016-02-24T04:32:01.229Z');
    expect(toInstant('2024-01-15T09:30:00.000')).toBe('2024-01-15T09:30:00.000Z');
    expect(toInstant('soon')).toBeNull();
  });
});

/** A generated export written synchronously, so none of it is still referenced when the load is measured. */
function writeExport(path: string, orgUnits: number, dataElements: number): void {
  const content = generateContent({ orgUnits, dataElements, dataSets: 4 });
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, '{"system":{"version":"2.41.3","date":"2024-05-01T10:00:00.000"}');
    for (const type of METADATA_TYPES) {
      writeSync(fd, `,"${type}":[`);
      content.records[type].forEach((record, i) => writeSync(fd, `${i ? ',' : ''}${JSON.stringify(toDhis2(type, record as never))}`));
      writeSync(fd, ']');
    }
    writeSync(fd, '}');
  } finally {
    closeSync(fd);
  }
}
