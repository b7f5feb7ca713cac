import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import JSZip from 'jszip';
import { sniffCompression, sniffFormat } from './sniff';
import { sniffFile } from './sniff-file';
import { fixture, fixtureFiles, scratchDir } from './test-support';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('sniffCompression', () => {
  it('recognises gzip and zip by their first bytes only', () => {
    expect(sniffCompression(new Uint8Array([0x1f, 0x8b, 8, 0]))).toMatchObject({ compression: 'gzip', reason: expect.stringContaining('1f 8b') });
    expect(sniffCompression(bytes('PK\x03\x04rest'))).toMatchObject({ compression: 'zip' });
    expect(sniffCompression(bytes('PK\x05\x06'))).toMatchObject({ compression: 'zip' });
    expect(sniffCompression(bytes('PK is a name'))).toMatchObject({ compression: 'none' });
    expect(sniffCompression(bytes('{"dataValues":[]}'))).toEqual({ compression: 'none', reason: 'not compressed' });
    expect(sniffCompression(new Uint8Array([0x1f]))).toMatchObject({ compression: 'none' });
  });
});

describe('sniffFormat', () => {
  it('skips a byte order mark and white space before deciding', () => {
    expect(sniffFormat(bytes('\uFEFF \r\n\t{"dataValues": []}')).format).toBe('json');
    expect(sniffFormat(bytes('\n[ ]')).format).toBe('json');
    expect(sniffFormat(bytes('%PDF-1.7\n')).format).toBe('pdf');
    expect(sniffFormat(bytes('  dataelement,period\n')).format).toBe('csv');
  });

  it('tells DXF2 XML from ADX by the root element and its namespace', () => {
    expect(sniffFormat(bytes('<?xml version="1.0"?>\n<!-- c -->\n<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"/>'))).toEqual({
      format: 'xml',
      reason: 'XML with root element <dataValueSet>: DXF2 XML',
    });
    expect(sniffFormat(bytes('<adx xmlns="urn:ihe:qrph:adx:2015">')).format).toBe('adx');
    expect(sniffFormat(bytes('<a:root xmlns:a="urn:ihe:qrph:adx:2015">')).format).toBe('adx');
    expect(sniffFormat(bytes('<adx>')).format).toBe('adx');
    expect(sniffFormat(bytes('<!DOCTYPE x [<!ENTITY e "v">]><dataValueSet>')).format).toBe('xml');
    expect(sniffFormat(bytes('<metadata xmlns="http://dhis2.org/schema/dxf/2.0">'))).toMatchObject({
      format: 'xml',
      reason: expect.stringContaining('<metadata>, which is not <dataValueSet>'),
    });
  });

  it('says why it fell back to CSV, including for empty and UTF-16 files', () => {
    expect(sniffFormat(bytes(''))).toEqual({ format: 'csv', reason: 'the file is empty' });
    expect(sniffFormat(bytes('abc'))).toMatchObject({ format: 'csv', reason: expect.stringContaining('read as CSV') });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"dataValues":[]}', 'utf16le')]);
    expect(sniffFormat(utf16)).toMatchObject({ format: 'json', reason: expect.stringContaining('UTF-16') });
  });

  it('recognises every fixture by content', () => {
    const expected = { json: 'json', csv: 'csv', 'dxf2-xml': 'xml', adx: 'adx' } as const;
    for (const [folder, format] of Object.entries(expected)) {
      for (const name of fixtureFiles(folder)) expect(sniffFormat(readFileSync(fixture(folder, name))).format, name).toBe(format);
    }
  });
});

describe('sniffFile', () => {
  let dir: ReturnType<typeof scratchDir>;
  beforeEach(() => (dir = scratchDir()));
  afterEach(() => dir.remove());

  it('looks through gzip and zip at the content, whatever the file is called', async () => {
    const xml = readFileSync(fixture('dxf2-xml', 'dataValueSetACatCombo.xml'));
    writeFileSync(dir.file('values.csv'), gzipSync(xml));
    expect(await sniffFile(dir.file('values.csv'))).toEqual({
      compression: 'gzip',
      format: 'xml',
      reason: 'starts with the gzip signature (1f 8b); its content XML with root element <dataValueSet>: DXF2 XML',
    });
    const zip = new JSZip();
    zip.file('inside.txt', readFileSync(fixture('adx', 'importA.adx.xml')));
    writeFileSync(dir.file('values.json'), await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect(await sniffFile(dir.file('values.json'))).toMatchObject({ compression: 'zip', format: 'adx' });
    writeFileSync(dir.file('plain.xml'), readFileSync(fixture('csv', 'dataValueSetB.csv')));
    expect(await sniffFile(dir.file('plain.xml'))).toMatchObject({ compression: 'none', format: 'csv' });
  });
});
