import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import JSZip from 'jszip';
import type { Readable as ReadableType } from 'node:stream';
import { openInput } from './open-input';
import { FormatError } from './format-error';
import { ZipEntryWriter } from './zip-writer';
import { fixture, scratchDir } from './test-support';

async function readText(stream: ReadableType): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

/** Reads until the stream fails; returns the error and how many bytes came out before it. */
async function readUntilError(stream: ReadableType): Promise<{ error: FormatError; bytes: number }> {
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
  } catch (error) {
    return { error: error as FormatError, bytes };
  }
  throw new Error(`expected the stream to fail, but it gave ${bytes} bytes`);
}

async function zipOf(entries: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(entries)) {
    if (name.endsWith('/')) zip.folder(name.slice(0, -1));
    else zip.file(name, content, { createFolders: false });
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

function* zeros(total: number): Generator<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024);
  for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
}

/** Rewrites what the central directory says the (single) entry unpacks to, as a hostile zip would. */
function lieAboutSize(zip: Buffer, size: number): Buffer {
  const copy = Buffer.from(zip);
  const end = copy.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const directory = copy.readUInt32LE(end + 16);
  copy.writeUInt32LE(size, directory + 24);
  return copy;
}

describe('openInput', () => {
  let dir: ReturnType<typeof scratchDir>;
  beforeEach(() => (dir = scratchDir()));
  afterEach(() => dir.remove());

  const csv = () => readFileSync(fixture('csv', 'dataValueSetB.csv'), 'utf8');

  it('passes a plain file through', async () => {
    writeFileSync(dir.file('a.csv'), csv());
    expect(await readText(openInput(dir.file('a.csv')))).toBe(csv());
  });

  it('unpacks gzip, recognised by content even when the name says otherwise', async () => {
    writeFileSync(dir.file('a.csv'), gzipSync(csv()));
    expect(await readText(openInput(dir.file('a.csv')))).toBe(csv());
  });

  it('unpacks the one data file of a zip, ignoring folders, __MACOSX and dot-files', async () => {
    writeFileSync(
      dir.file('ANC.zip'),
      await zipOf({ 'export/': '', 'export/values.csv': csv(), '__MACOSX/export/._values.csv': 'resource fork', 'export/.DS_Store': 'x' }),
    );
    expect(await readText(openInput(dir.file('ANC.zip')))).toBe(csv());
  });

  it('refuses a zip with several data files, listing them', async () => {
    writeFileSync(dir.file('ANC-jan.zip'), await zipOf({ 'a.csv': csv(), 'b.csv': csv(), 'c.json': '{}' }));
    const { error } = await readUntilError(openInput(dir.file('ANC-jan.zip')));
    expect(error).toBeInstanceOf(FormatError);
    expect(error).toMatchObject({ code: 'ZIP_SEVERAL_DATA_FILES', file: 'ANC-jan.zip' });
    expect(error.message).toBe('"ANC-jan.zip" holds 3 data files (a.csv, b.csv, c.json); put one file per zip.');
  });

  it('refuses a zip holding no data file', async () => {
    writeFileSync(dir.file('empty.zip'), await zipOf({ 'folder/': '', '.hidden': 'x' }));
    expect((await readUntilError(openInput(dir.file('empty.zip')))).error).toMatchObject({ code: 'ZIP_NO_DATA_FILE' });
  });

  it('refuses entry names that climb out of the zip or are absolute', async () => {
    for (const name of ['../evil.csv', 'data/../../evil.csv', '/etc/evil.csv']) {
      writeFileSync(dir.file('evil.zip'), await zipOf({ [name]: csv() }));
      const { error } = await readUntilError(openInput(dir.file('evil.zip')));
      expect(error, name).toMatchObject({ code: 'ZIP_UNSAFE_NAME', message: expect.stringContaining(name) });
    }
  });

  it('refuses a zip inside a zip, or any archive inside a gzip, naming it, instead of reading its bytes as text', async () => {
    const inner = await zipOf({ 'values.csv': csv() });
    writeFileSync(dir.file('twice.zip'), await zipOf({ 'export/values.zip': inner }));
    const zipped = await readUntilError(openInput(dir.file('twice.zip')));
    expect(zipped.bytes).toBe(0);
    expect(zipped.error).toMatchObject({ code: 'NESTED_ARCHIVE', file: 'twice.zip' });
    expect(zipped.error.message).toMatch(/^"twice\.zip" holds another archive \(export\/values\.zip, a zip\) instead of a data file\. Unpack it first/);
    writeFileSync(dir.file('gz-in.zip'), await zipOf({ 'values.csv.gz': gzipSync(csv()) }));
    expect((await readUntilError(openInput(dir.file('gz-in.zip')))).error).toMatchObject({ code: 'NESTED_ARCHIVE' });
    writeFileSync(dir.file('values.csv.gz'), gzipSync(inner));
    const gzipped = await readUntilError(openInput(dir.file('values.csv.gz')));
    expect(gzipped.error).toMatchObject({ code: 'NESTED_ARCHIVE', message: expect.stringContaining('unpacks to another archive (a zip)') });
    // Contents too short to be an archive still come through.
    writeFileSync(dir.file('tiny.zip'), await zipOf({ 'a.csv': 'PK' }));
    expect(await readText(openInput(dir.file('tiny.zip')))).toBe('PK');
  });

  it('says so when a zip is an Excel workbook', async () => {
    writeFileSync(dir.file('values.xlsx'), await zipOf({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' }));
    const { error } = await readUntilError(openInput(dir.file('values.xlsx')));
    expect(error).toMatchObject({ code: 'EXCEL_WORKBOOK', message: expect.stringContaining('CSV UTF-8') });
  });

  it('stops a zip bomb after a few megabytes, before it fills memory or disk', async () => {
    const path = dir.file('bomb.zip');
    await pipeline(Readable.from(zeros(200 * 1024 * 1024)), new ZipEntryWriter(createWriteStream(path), 'values.csv'));
    const packed = readFileSync(path);
    expect(packed.length).toBeLessThan(1024 * 1024);
    // Honest about its size: refused from the central directory without unpacking anything.
    const honest = await readUntilError(openInput(path));
    expect(honest.error).toMatchObject({ code: 'COMPRESSION_BOMB', file: 'bomb.zip' });
    expect(honest.bytes).toBe(0);
    // Lying about its size: caught while streaming, a little past the point where the ratio is checked.
    writeFileSync(dir.file('liar.zip'), lieAboutSize(packed, 1000));
    const started = Date.now();
    const liar = await readUntilError(openInput(dir.file('liar.zip')));
    expect(liar.error).toMatchObject({ code: 'COMPRESSION_BOMB', message: expect.stringContaining('over 200 times') });
    expect(liar.bytes).toBeLessThan(9 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops a gzip bomb the same way', async () => {
    const path = dir.file('bomb.csv.gz');
    writeFileSync(path, gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    const { error, bytes } = await readUntilError(openInput(path));
    expect(error).toMatchObject({ code: 'COMPRESSION_BOMB' });
    expect(bytes).toBeLessThan(9 * 1024 * 1024);
  });

  it('caps what a compressed file may unpack to', async () => {
    const big = Buffer.from(csv().repeat(3000));
    writeFileSync(dir.file('big.csv.gz'), gzipSync(big));
    const gz = await readUntilError(openInput(dir.file('big.csv.gz'), { limits: { maxBytes: 1024 * 1024 } }));
    expect(gz.error).toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('more than 1 MiB') });
    expect(gz.bytes).toBeLessThanOrEqual(1024 * 1024);
    writeFileSync(dir.file('big.zip'), await zipOf({ 'big.csv': big }));
    const zip = await readUntilError(openInput(dir.file('big.zip'), { limits: { maxBytes: 1024 * 1024 } }));
    expect(zip.error).toMatchObject({ code: 'TOO_LARGE' });
    expect(zip.bytes).toBe(0);
  });

  it('reports a truncated gzip as incomplete', async () => {
    const packed = gzipSync(Buffer.from(csv().repeat(50)));
    writeFileSync(dir.file('cut.csv.gz'), packed.subarray(0, packed.length - 40));
    const { error } = await readUntilError(openInput(dir.file('cut.csv.gz')));
    expect(error).toMatchObject({ code: 'GZIP_DAMAGED', file: 'cut.csv.gz', message: expect.stringContaining('incomplete') });
  });

  it('reports truncated and corrupted zips as damaged', async () => {
    const packed = await zipOf({ 'values.csv': csv().repeat(50) });
    writeFileSync(dir.file('cut.zip'), packed.subarray(0, packed.length - 30));
    expect((await readUntilError(openInput(dir.file('cut.zip')))).error).toMatchObject({ code: 'ZIP_DAMAGED' });
    const corrupted = Buffer.from(packed);
    for (let i = 60; i < 90; i++) corrupted[i] = corrupted[i]! ^ 0x55;
    writeFileSync(dir.file('bad.zip'), corrupted);
    expect((await readUntilError(openInput(dir.file('bad.zip')))).error).toMatchObject({ code: 'ZIP_DAMAGED' });
  });

  it('reports a missing file plainly', () => {
    expect(() => openInput(dir.file('gone.csv'))).toThrow(
      expect.objectContaining({ code: 'FILE_NOT_READABLE', message: expect.stringContaining('no longer there') }),
    );
  });

  it('closes the file when the reader stops early', async () => {
    writeFileSync(dir.file('a.csv.gz'), gzipSync(Buffer.from(csv().repeat(2000))));
    const stream = openInput(dir.file('a.csv.gz'));
    for await (const _chunk of stream) break;
    expect(stream.destroyed).toBe(true);
  });
});
