import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportDataParams } from '../../../shared/data-import';
import { openDatabase, type Db } from '../db/database';
import { FileStore } from '../files/file-store';
import { FormatError } from '../formats/format-error';
import { tempDir } from '../test/helpers';
import { checkDataFile } from './check-file';
import { openDataFile } from './open-data-file';
import { storeAndCheckDataFile } from './store-and-check';
import { integrationIndex } from './validation/testing/integration-metadata';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../e2e/fixtures/datavalues');

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The two-pass way: the stored copy, read and checked afterwards. */
async function checkedAfterwards(store: FileStore, sha256: string, name: string, params: ImportDataParams) {
  try {
    const checked = await checkDataFile(await openDataFile(store.pathOf(sha256), name, params), params, integrationIndex(), name);
    return { validation: checked.validation, abort: checked.abort, problem: null };
  } catch (error) {
    if (error instanceof FormatError) return { validation: null, abort: null, problem: error.message };
    throw error;
  }
}

describe('storeAndCheckDataFile', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir.path, 'db.sqlite'));
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  const fixtures = filesUnder(FIXTURES).filter((path) => !path.endsWith('.md'));
  it.each(fixtures.map((path) => [relative(FIXTURES, path), path]))('checks %s as the stored copy would be checked', async (_name, path) => {
    const store = new FileStore(join(dir.path, 'one'), db);
    const name = path.split('/').pop()!;
    for (const params of [ImportDataParams.parse({}), ImportDataParams.parse({ firstRowIsHeader: false, idScheme: 'CODE' })]) {
      const stored = await storeAndCheckDataFile(store, path, name, params, integrationIndex());
      expect(stored.ref.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
      expect(readFileSync(store.pathOf(stored.ref.sha256)).equals(readFileSync(path))).toBe(true);
      const expected = await checkedAfterwards(store, stored.ref.sha256, stored.ref.name, params);
      expect({ validation: stored.validation, abort: stored.abort, problem: stored.problem?.message ?? null }).toEqual(expected);
      // Plain CSV is the one read while it is stored.
      expect(stored.onePass).toBe(/\.csv$/.test(path) && stored.ref.size > 0);
    }
  });

  it('reads a large CSV once, in many pieces, with the same result as reading the copy', async () => {
    const rows = ['dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value'];
    for (let i = 0; i < 120_000; i++) rows.push(`DE_A,2024${String((i % 12) + 1).padStart(2, '0')},OU_A,,,${i % 7 === 0 ? 'x' : i}`);
    const path = join(dir.path, 'large.csv');
    writeFileSync(path, rows.join('\n'));
    const store = new FileStore(join(dir.path, 'store'), db);
    const params = ImportDataParams.parse({ idScheme: 'CODE' });
    const stored = await storeAndCheckDataFile(store, path, 'large.csv', params, integrationIndex());
    expect(stored.onePass).toBe(true);
    expect(stored.ref.size).toBeGreaterThan(2 * 1024 * 1024);
    expect(stored.validation!.checked).toBe(120_000);
    expect(stored.validation!.summary.conflicts.length).toBeGreaterThan(0);
    expect(stored.validation).toEqual((await checkedAfterwards(store, stored.ref.sha256, 'large.csv', params)).validation);
  });

  it('says where a CSV cannot be read, and still keeps the copy', async () => {
    const path = join(dir.path, 'bad.csv');
    writeFileSync(path, 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nDE_A,202401,"OU_A,,,5\n');
    const store = new FileStore(join(dir.path, 'store'), db);
    const stored = await storeAndCheckDataFile(store, path, 'bad.csv', ImportDataParams.parse({}), integrationIndex());
    expect(stored.validation).toBeNull();
    expect(stored.problem?.code).toBe('CSV_QUOTES');
    expect(stored.problem?.message).toMatch(/bad\.csv.*line 2/);
    expect(store.has(stored.ref.sha256)).toBe(true);
  });

  it('leaves nothing stored when the copy fails, so there is nothing to queue', async () => {
    const path = join(dir.path, 'values.csv');
    const rows = ['dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value'];
    for (let i = 0; i < 200_000; i++) rows.push(`DE_A,202401,OU_A,,,${i}`);
    writeFileSync(path, rows.join('\n'));
    const root = join(dir.path, 'store');
    const store = new FileStore(root, db, 3 * 1024 * 1024);
    await expect(storeAndCheckDataFile(store, path, 'values.csv', ImportDataParams.parse({ idScheme: 'CODE' }), integrationIndex())).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
    expect(readdirSync(join(root, 'files', 'tmp'))).toEqual([]);
    expect(readdirSync(join(root, 'files')).filter((name) => name !== 'tmp')).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n).toBe(0);
  });

  it('without metadata, still reads the file to its end, so a file that cannot be read is refused at the door', async () => {
    const store = new FileStore(join(dir.path, 'store'), db);
    const good = join(dir.path, 'values.csv');
    writeFileSync(good, 'de,pe,ou,coc,aoc,value\nDE_A,202401,OU_A,,,5\n');
    expect(await storeAndCheckDataFile(store, good, 'values.csv', ImportDataParams.parse({}), null)).toMatchObject({
      validation: null,
      problem: null,
      onePass: true,
    });
    const cases: [string, string | Buffer, string][] = [
      ['quotes.csv', 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nDE_A,202401,OU_A,,,5\nDE_A,202402,"OU_A,,,5\n', 'CSV_QUOTES'],
      [
        'doctype.xml',
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<dataValueSet><dataValue value="&e;"/></dataValueSet>',
        'XML_DOCTYPE',
      ],
      ['bomb.csv.gz', gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x0a)), 'COMPRESSION_BOMB'],
      ['latin1.csv', Buffer.from('DE_A,202401,OU_A,,,5,,,Ma\xefs\n', 'latin1'), 'UNSUPPORTED_ENCODING'],
    ];
    for (const [name, content, code] of cases) {
      writeFileSync(join(dir.path, name), content);
      const stored = await storeAndCheckDataFile(store, join(dir.path, name), name, ImportDataParams.parse({}), null);
      expect(stored.problem, name).toMatchObject({ code, file: name });
      // The copy is kept; the caller releases it once it has refused the file.
      expect(store.has(stored.ref.sha256)).toBe(true);
    }
  });

  it('refuses a file that holds no data values, with or without metadata, but not a completion with no values', async () => {
    const store = new FileStore(join(dir.path, 'store'), db);
    const header = 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value';
    const empties: [string, string | Buffer, string][] = [
      ['empty.csv', '', 'NO_DATA_VALUES'],
      ['header-only.csv', `${header}\r\n`, 'NO_DATA_VALUES'],
      ['blank.csv', '\n , ,\n\n', 'NO_DATA_VALUES'],
      ['empty.json', '{"dataValues": []}', 'NO_DATA_VALUES'],
      ['nul.csv', Buffer.alloc(2048), 'BINARY_FILE'],
    ];
    for (const index of [integrationIndex(), null]) {
      for (const [name, content, code] of empties) {
        writeFileSync(join(dir.path, name), content);
        const stored = await storeAndCheckDataFile(store, join(dir.path, name), name, ImportDataParams.parse({ idScheme: 'CODE' }), index);
        expect(stored.problem, name).toMatchObject({ code, file: name });
        if (code === 'NO_DATA_VALUES')
          expect(stored.problem!.message).toMatch(new RegExp(`^"${name}" holds no data values, so importing it would send nothing`));
      }
      // A set with a completion date and no values still does something: DHIS2 registers the data set as complete.
      writeFileSync(
        join(dir.path, 'complete.json'),
        '{"dataSet": "DS_A", "period": "202401", "orgUnit": "OU_A", "completeDate": "2024-02-01", "dataValues": []}',
      );
      const complete = await storeAndCheckDataFile(
        store,
        join(dir.path, 'complete.json'),
        'complete.json',
        ImportDataParams.parse({ idScheme: 'CODE' }),
        index,
      );
      expect(complete.problem?.code ?? null).not.toBe('NO_DATA_VALUES');
    }
  });
});
