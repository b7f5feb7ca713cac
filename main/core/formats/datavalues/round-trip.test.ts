import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import yauzl from 'yauzl';
import { emptyHeader, type DataValueRecord, type DataValueSetHeader } from '../../datavalues/types';
import { compressOutput } from '../compress';
import { openInput } from '../open-input';
import type { Compression } from '../sniff';
import { collect, failure, scratchDir } from '../test-support';
import { readDataValues } from './read';
import { blankRecord } from './record';
import { writeDataValues, type WritableDataValueFormat } from './write';

const AWKWARD = [
  'plain',
  'a "quoted" word',
  'comma, separated, text',
  'two\nlines',
  'windows\r\nline end',
  'tab\tinside',
  'unicode: é ñ ü 中文 العربية 😀',
  'xml <tag attr="x"> & \'apostrophe\' ]]> &amp;',
  '=SUM(A1:A2)',
  '',
];

/** Values with every field set and the text fields full of characters formats must escape. */
function generated(count: number): DataValueRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const text = AWKWARD[i % AWKWARD.length]!;
    const record = blankRecord(i, 0);
    record.dataElement = `de${String(i % 7).padStart(9, '0')}`;
    record.period = ['202401', '2024Q2', '2024W5', '2023July', '2024'][i % 5]!;
    record.orgUnit = `ou${String(i % 3).padStart(9, '0')}`;
    record.categoryOptionCombo = i % 4 === 0 ? null : `coc${i % 2}xxxxxxx`;
    record.attributeOptionCombo = i % 6 === 0 ? null : 'HllvX50cXC0';
    record.value = i % 3 === 0 ? String(i * 1.5) : i % 3 === 1 ? text || null : null;
    record.storedBy = i % 2 ? 'admin' : `user ${text}`.trim() || null;
    record.created = i % 5 ? '2024-01-05T10:11:12.000+0000' : null;
    record.lastUpdated = '2024-02-05T10:11:12.000+0000';
    record.comment = text === '' ? null : `comment: ${text}`;
    record.followup = i % 3 === 0 ? null : i % 3 === 1;
    record.deleted = i % 4 === 0 ? null : i % 4 === 1;
    return record;
  });
}

const HEADER: DataValueSetHeader = {
  ...emptyHeader(),
  dataSet: 'pBOMPrpg1QX',
  completeDate: '2024-03-01',
  idSchemes: { idScheme: 'UID', dataElementIdScheme: 'CODE', orgUnitIdScheme: 'ATTRIBUTE:uh6H2ff562G' },
  dryRun: true,
  importStrategy: 'CREATE_AND_UPDATE',
};

const withoutLine = (records: DataValueRecord[]) => records.map(({ line: _line, ...rest }) => rest);

describe('writing and reading back', () => {
  let dir: ReturnType<typeof scratchDir>;
  beforeEach(() => (dir = scratchDir()));
  afterEach(() => dir.remove());

  async function roundTrip(format: WritableDataValueFormat, records: DataValueRecord[], header: DataValueSetHeader, compression: Compression = 'none') {
    const path = dir.file(`values.${format}${compression === 'none' ? '' : '.' + compression}`);
    const { count } = await writeDataValues(records, header, format, compressOutput(createWriteStream(path), compression, { entryName: `values.${format}` }));
    expect(count).toBe(records.length);
    const source = await readDataValues(() => openInput(path), { format, fileName: 'values' });
    return { source, records: await collect(source.values()), path };
  }

  it('JSON keeps every field, the header and the order', async () => {
    const records = generated(60);
    const back = await roundTrip('json', records, { ...HEADER, period: null, attributeCategoryOptions: ['opt1', 'opt "2"'] });
    expect(back.source.header).toEqual({ ...HEADER, attributeCategoryOptions: ['opt1', 'opt "2"'] });
    expect(withoutLine(back.records)).toEqual(withoutLine(records));
    expect(back.records.map((r) => r.line)).toEqual(records.map((_, i) => i + 2));
    const parsed = JSON.parse(readFileSync(back.path, 'utf8')) as { strategy: string; dataValues: Record<string, unknown>[] };
    expect(parsed.strategy).toBe('CREATE_AND_UPDATE');
    expect(parsed.dataValues[0]).toMatchObject({ value: '0', dataElement: 'de000000000' });
    expect(parsed.dataValues[1]).toHaveProperty('followup', true);
  });

  it('XML keeps every field and the header, escaping what XML needs', async () => {
    const records = generated(60);
    const back = await roundTrip('xml', records, HEADER);
    expect(back.source.header).toEqual(HEADER);
    expect(withoutLine(back.records)).toEqual(withoutLine(records));
    const text = readFileSync(back.path, 'utf8');
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<dataValueSet xmlns="http:\/\/dhis2.org\/schema\/dxf\/2.0" dataSet="pBOMPrpg1QX"/);
    expect(text).toContain('comment="comment: two&#10;lines"');
    expect(text).toContain('&lt;tag attr=&quot;x&quot;&gt; &amp;');
    expect(text).toContain('followUp="true"');
  });

  it('CSV keeps what a CSV row holds, quoting commas, quotes and line breaks', async () => {
    const records = generated(60).map((r) => ({ ...r, created: null }));
    const back = await roundTrip('csv', records, emptyHeader());
    expect(back.source.columnMode).toBe('by-name');
    expect(withoutLine(back.records)).toEqual(withoutLine(records));
    const text = readFileSync(back.path, 'utf8');
    expect(text.split('\n')[0]).toBe('dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted');
    // Physical lines: a value with line breaks inside pushes the next one down.
    const lineBreaks = (r: DataValueRecord) => [r.value, r.storedBy, r.comment].join('').split(/\r\n|\r|\n/).length - 1;
    let line = 2;
    for (let i = 0; i < records.length; i++) {
      expect(back.records[i]!.line, `value ${i}`).toBe(line);
      line += 1 + lineBreaks(records[i]!);
    }
  });

  it('CSV writes the header period, org unit and attribute option combo into every row', async () => {
    const records = generated(5);
    const back = await roundTrip('csv', records, { ...emptyHeader(), period: '202412', orgUnit: 'ImspTQPwCqd', attributeOptionCombo: 'aoc00000001' });
    expect(back.records.map((r) => [r.period, r.orgUnit, r.attributeOptionCombo])).toEqual(Array(5).fill(['202412', 'ImspTQPwCqd', 'aoc00000001']));
  });

  it('ADX keeps what ADX holds, with periods converted both ways and annotations for text', async () => {
    const records = generated(60).map((r, i) => ({
      ...r,
      dataSet: i < 30 ? 'DS_A' : 'DS_B',
      completeDate: i < 30 ? '2024-03-01' : null,
      categoryOptions: r.categoryOptionCombo === null ? { Sex: 'F', Age_group: 'under 5 "young"' } : undefined,
      attributeOptions: r.attributeOptionCombo === null ? { Mechanism: 'PEPFAR & co' } : undefined,
    }));
    const back = await roundTrip('adx', records, emptyHeader());
    const adxPart = (r: DataValueRecord) => ({
      index: r.index,
      dataSet: r.dataSet,
      completeDate: r.completeDate,
      period: r.period,
      orgUnit: r.orgUnit,
      categoryOptionCombo: r.categoryOptionCombo,
      categoryOptions: r.categoryOptions,
      attributeOptionCombo: r.attributeOptionCombo,
      attributeOptions: r.attributeOptions,
      value: r.value,
      comment: r.comment,
      deleted: r.deleted === true ? true : null,
    });
    expect(back.records.map(adxPart)).toEqual(records.map(adxPart));
    const text = readFileSync(back.path, 'utf8');
    expect(text).toContain('period="2024-01-01/P1M"');
    expect(text).toContain('period="2023-07-01/P1Y"');
    expect(text).toContain('value="0">\n      <annotation>a "quoted" word</annotation>');
  });

  it('ADX uses the value type callback, and starts one group per data set, period, org unit and attribute option combo', async () => {
    const records = ['1', '2', 'yes', '4'].map((value, i) => {
      const record = blankRecord(i, 0);
      Object.assign(record, { dataElement: i === 1 ? 'TEXT_DE' : 'NUM_DE', period: '202401', orgUnit: i < 2 ? 'OU_A' : 'OU_B', value });
      return record;
    });
    const path = dir.file('typed.adx');
    await writeDataValues(records, { ...emptyHeader(), dataSet: 'DS' }, 'adx', createWriteStream(path), { isNumeric: (de) => de !== 'TEXT_DE' });
    const text = readFileSync(path, 'utf8');
    expect(text.match(/<group /g)).toHaveLength(2);
    expect(text).toContain('<dataValue dataElement="TEXT_DE" value="0">\n      <annotation>2</annotation>');
    expect(text).toContain('<dataValue dataElement="NUM_DE" value="yes"/>');
  });

  for (const compression of ['gzip', 'zip'] as const) {
    it(`reads back what it wrote through ${compression}`, async () => {
      const records = generated(200);
      const back = await roundTrip('json', records, HEADER, compression);
      expect(withoutLine(back.records)).toEqual(withoutLine(records));
      expect(readFileSync(back.path).subarray(0, 2).toString('hex')).toBe(compression === 'gzip' ? '1f8b' : '504b');
    });
  }

  it('writes a zip that an independent reader (yauzl) checks: one entry, right name, CRC and sizes', async () => {
    const path = dir.file('export.csv.zip');
    await writeDataValues(generated(500), emptyHeader(), 'csv', compressOutput(createWriteStream(path), 'zip', { entryName: 'ANC-2024 é.csv' }));
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false }, (e, z) => (e ? reject(e) : resolve(z))),
    );
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push(entry);
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
    expect(entries.map((e) => e.fileName)).toEqual(['ANC-2024 é.csv']);
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(entries[0]!, (e, s) => (e ? reject(e) : resolve(s))));
    const content = Buffer.concat(await collect(stream as AsyncIterable<Buffer>)).toString('utf8');
    zip.close();
    expect(content.startsWith('dataelement,period,orgunit')).toBe(true);
    expect(entries[0]!.uncompressedSize).toBe(Buffer.byteLength(content));
  });

  it('refuses to write a zip past its size limit instead of writing a broken one', async () => {
    const { ZipEntryWriter } = await import('../zip-writer');
    const path = dir.file('big.zip');
    const zip = new ZipEntryWriter(createWriteStream(path), 'big.csv', new Date(), 10_000);
    const error = await failure(() => writeDataValues(generated(500), emptyHeader(), 'csv', zip));
    expect(error).toMatchObject({ code: 'ZIP_TOO_LARGE', message: expect.stringContaining('4 GiB') });
  });

  it('waits for a slow output instead of reading ahead (backpressure)', async () => {
    let produced = 0;
    let written = 0;
    let maxLag = 0;
    function* values() {
      for (const record of generated(20_000)) {
        produced++;
        maxLag = Math.max(maxLag, produced - written);
        yield record;
      }
    }
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.toString('utf8').split('\n').length - 1;
        setTimeout(callback, 1);
      },
    });
    const { count } = await writeDataValues(values(), emptyHeader(), 'json', slow);
    expect(count).toBe(20_000);
    console.log(`backpressure: at most ${maxLag} values ahead of the slow output`);
    expect(maxLag).toBeLessThan(2_000);
  });

  it('refuses what a format cannot hold, naming the value, and leaves no complete-looking file', async () => {
    const adx = await failure(() => writeDataValues(generated(3), emptyHeader(), 'adx', createWriteStream(dir.file('no-ds.adx'))));
    expect(adx).toMatchObject({ code: 'ADX_MISSING_FIELD', field: 'dataSet', message: expect.stringContaining('Value 1') });
    const categories = generated(2).map((r) => ({ ...r, categoryOptionCombo: null, categoryOptions: { Sex: 'F' } }));
    const csv = await failure(() => writeDataValues(categories, emptyHeader(), 'csv', createWriteStream(dir.file('cats.csv'))));
    expect(csv).toMatchObject({ code: 'UNRESOLVED_CATEGORY_OPTIONS', message: expect.stringContaining('Sex=F') });
    const control = generated(4);
    control[3]!.comment = 'bell \u0007';
    const out = createWriteStream(dir.file('control.xml'));
    const xml = await failure(() => writeDataValues(control, emptyHeader(), 'xml', out));
    expect(xml).toMatchObject({ code: 'XML_INVALID_CHARACTER', field: 'comment', message: expect.stringContaining('Value 4') });
    expect(out.destroyed).toBe(true);
  });

  it('writes nothing but the frame for no values', async () => {
    for (const format of ['json', 'csv', 'xml', 'adx'] as const) {
      const back = await roundTrip(format, [], emptyHeader());
      expect(back.records, format).toEqual([]);
    }
    expect(readFileSync(dir.file('values.json'), 'utf8')).toBe('{"dataValues":[]}\n');
  });

  it('reads the same file twice from the start (values() can be called again)', async () => {
    const path = dir.file('again.json');
    await writeDataValues(generated(10), HEADER, 'json', createWriteStream(path));
    const source = await readDataValues(() => createReadStream(path), { format: 'json', fileName: 'again.json' });
    expect(await collect(source.values())).toEqual(await collect(source.values()));
  });
});
