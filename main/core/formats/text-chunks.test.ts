import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { collect, failure } from './test-support';
import { textChunks } from './text-chunks';
import { readDataValues } from './datavalues/read';

/** The bytes handed over in pieces of `size`, as a file read in chunks would be. */
function pieces(bytes: Buffer, size: number): Readable {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return Readable.from(out);
}

const text = async (bytes: Buffer, size: number) => (await collect(textChunks(pieces(bytes, size), 'values.csv'))).join('');

describe('text of a file, checked as UTF-8', () => {
  it('decodes characters cut across pieces of any size, with or without a byte order mark', async () => {
    const written = 'dataelement,value,comment\nde1,1,"Maïs récolté 中 😀"\r\nde2,2,ok\n';
    for (const bytes of [Buffer.from(written), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(written)])]) {
      for (const size of [1, 2, 3, 5, 7, 65536]) expect(await text(bytes, size)).toBe(written);
    }
  });

  it('refuses a Windows-1252 (Latin-1) file at the line of its first accented letter, saying to save it as UTF-8', async () => {
    const bytes = Buffer.from('dataelement,value,comment\nde1,1,plain\nde2,2,Ma\xefs r\xe9colt\xe9\nde3,3,x\n', 'latin1');
    for (const size of [1, 4, 65536]) {
      const error = await failure(() => text(bytes, size));
      expect(error).toMatchObject({ code: 'UNSUPPORTED_ENCODING', file: 'values.csv', line: 3 });
      expect(error.message).toMatch(/^"values\.csv" line 3: this is not UTF-8 text.*Save it again as UTF-8/);
    }
  });

  it('refuses bytes that break UTF-8 anywhere: a lone continuation byte, an overlong form, a character cut off at the end', async () => {
    for (const [bytes, line] of [
      [Buffer.from([0x61, 0x0a, 0x62, 0x80, 0x0a]), 2],
      [Buffer.from([0x0a, 0x0a, 0xc0, 0xaf]), 3],
      [Buffer.concat([Buffer.from('a,b\nc,'), Buffer.from('é').subarray(0, 1)]), 2],
      [Buffer.from([0xed, 0xa0, 0x80]), 1],
    ] as const) {
      for (const size of [1, 2, 65536]) expect(await failure(() => text(bytes, size))).toMatchObject({ code: 'UNSUPPORTED_ENCODING', line });
    }
  });

  it('refuses a file of NUL bytes, or with one, as binary, at its line', async () => {
    expect(await failure(() => text(Buffer.alloc(4096), 1000))).toMatchObject({
      code: 'BINARY_FILE',
      line: 1,
      message: expect.stringContaining('looks binary'),
    });
    expect(await failure(() => text(Buffer.from('a,b\nc,\0d\n'), 3))).toMatchObject({ code: 'BINARY_FILE', line: 2 });
  });

  it('names the right line in a CSV read in small pieces, where the tokenizer counts the lines (quoted line breaks too)', async () => {
    // The CSV reader counts lines itself, so the decoder does not: the line must still be right however the bytes arrive.
    const rows = Array.from({ length: 300 }, (_, i) => `de${i},202401,ou1,${i},"row ${i}\nsecond line"`).join('\n');
    const written = `dataelement,period,orgunit,value,comment\n${rows}\nde9,202401,ou1,9,Ma\xefs\n`;
    for (const size of [7, 64, 1000, 65536]) {
      const pieces: Buffer[] = [];
      const bytes = Buffer.from(written, 'latin1');
      for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
      const read = async () => collect((await readDataValues(() => Readable.from(pieces), { format: 'csv', fileName: 'values' })).values());
      expect(await failure(read), `pieces of ${size}`).toMatchObject({ code: 'UNSUPPORTED_ENCODING', line: 602 });
    }
  });

  it('is what every data value reader reads through: a Latin-1 CSV, JSON or XML file is refused, not imported with "�"', async () => {
    const source = (written: string, format: 'csv' | 'json' | 'xml') =>
      readDataValues(() => Readable.from([Buffer.from(written, 'latin1')]), { format, fileName: 'values' });
    expect(
      await failure(async () => collect((await source('dataelement,period,orgunit,value,comment\nde1,202401,ou1,1,Ma\xefs\n', 'csv')).values())),
    ).toMatchObject({ code: 'UNSUPPORTED_ENCODING', line: 2 });
    expect(
      await failure(async () => collect((await source('{"dataValues": [\n{"dataElement": "de1", "comment": "r\xe9colt\xe9"}]}', 'json')).values())),
    ).toMatchObject({ code: 'UNSUPPORTED_ENCODING', line: 2 });
    expect(
      await failure(async () =>
        collect(
          (await source('<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0">\n<dataValue dataElement="d" comment="\xe9"/></dataValueSet>', 'xml')).values(),
        ),
      ),
    ).toMatchObject({ code: 'UNSUPPORTED_ENCODING', line: 2 });
  });
});
