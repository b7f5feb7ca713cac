// Generators of the hostile files of issue 12 (items 5, 8, 9). Everything is written into the scenario's temp folder,
// big files as streams, so nothing of this size is ever held in memory or written into the repository.
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import JSZip from 'jszip';

const MB = 1024 * 1024;

/** A CSV header, then one cell of `mb` MiB with no line end anywhere. */
export async function noLineEnd(path: string, mb: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n');
  const piece = Buffer.alloc(MB, 'x');
  for (let i = 0; i < mb; i++) if (!out.write(piece)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** One value whose comment is a correctly quoted and closed cell of `mb` MiB (it was reported as a missing quote). */
export async function bigQuotedCell(path: string, mb: number, de: string, pe: string, ou: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(`dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment\n${de},${pe},${ou},,,5,,,"`);
  const piece = Buffer.alloc(MB, 'y');
  for (let i = 0; i < mb; i++) if (!out.write(piece)) await once(out, 'drain');
  out.end('"\n');
  await once(out, 'finish');
}

const DXF = 'xmlns="http://dhis2.org/schema/dxf/2.0"';

export function xxe(de: string, pe: string, ou: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE dataValueSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<dataValueSet ${DXF}>\n<dataValue dataElement="${de}" period="${pe}" orgUnit="${ou}" value="5" comment="&xxe;"/>\n</dataValueSet>\n`;
}

export function billionLaughs(de: string, pe: string, ou: string): string {
  const entities = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?>\n<!DOCTYPE dataValueSet [${entities.join('')}]>\n<dataValueSet ${DXF}><dataValue dataElement="${de}" period="${pe}" orgUnit="${ou}" value="5" comment="&lol9;"/></dataValueSet>\n`;
}

export function plainDoctype(de: string, pe: string, ou: string): string {
  return `<?xml version="1.0"?>\n<!DOCTYPE dataValueSet SYSTEM "http://example.org/evil.dtd">\n<dataValueSet ${DXF}><dataValue dataElement="${de}" period="${pe}" orgUnit="${ou}" value="5"/></dataValueSet>\n`;
}

/** A CSV header and then "0" characters, gzipped: a few hundred KiB that expand to `mb` MiB of text. */
export async function gzipBomb(path: string, mb: number): Promise<void> {
  const zeros = Buffer.alloc(MB, 0x30);
  let left = mb;
  const source = new Readable({
    read() {
      if (left === mb) this.push('dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n');
      this.push(left-- > 0 ? zeros : null);
    },
  });
  await pipeline(source, createGzip({ level: 9 }), createWriteStream(path));
}

/** A zip of one CSV entry of `mb` MiB of "0" characters (deflated into a few hundred KiB). */
export async function zipBomb(path: string, mb: number): Promise<void> {
  // The header line first, so only the size (not the content) can give it away.
  const body = Buffer.concat([Buffer.from('dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n'), Buffer.alloc(mb * MB, 0x30)]);
  const real = new JSZip();
  real.file('values.csv', body, { compression: 'DEFLATE', compressionOptions: { level: 9 } });
  writeFileSync(path, await real.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

/** A zip whose only entry is itself a zip holding the CSV (it was read as a one-column CSV). */
export async function zipInZip(path: string, csv: string): Promise<void> {
  const inner = new JSZip();
  inner.file('values.csv', csv);
  const outer = new JSZip();
  outer.file('values.zip', await inner.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  writeFileSync(path, await outer.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

/** "%PDF-1.7" and then garbage (pdf-lib failed with "Cannot read properties of undefined"). */
export function pdfGarbage(): Buffer {
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 251;
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), garbage]);
}

/** The same CSV in Latin-1: "Maïs récolté" in the comment. */
export function latin1Csv(de: string, pe: string, ou: string): Buffer {
  return Buffer.from(
    `dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment\n${de},${pe},${ou},,,5,,,Maïs récolté\n`,
    'latin1',
  );
}

/** A metadata JSON with one description nested 100,000 arrays deep. */
export function deepMetadata(): string {
  const depth = 100_000;
  return `{"dataElements":[{"id":"DeepDeep001","name":"Deep","shortName":"Deep","valueType":"NUMBER","domainType":"AGGREGATE","aggregationType":"SUM","description":${'['.repeat(depth)}${']'.repeat(depth)}}]}`;
}
