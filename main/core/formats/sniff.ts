import type { DataValueFormat } from '../datavalues/types';

export type Compression = 'gzip' | 'zip' | 'none';

export interface CompressionSniff {
  compression: Compression;
  reason: string;
}

export interface FormatSniff {
  format: DataValueFormat;
  reason: string;
}

export const ADX_NAMESPACE = 'urn:ihe:qrph:adx:2015';
export const DXF2_NAMESPACE = 'http://dhis2.org/schema/dxf/2.0';

/** Compression is told by the first bytes only: names lie (".csv" files that are zips are common). */
export function sniffCompression(head: Uint8Array): CompressionSniff {
  if (head[0] === 0x1f && head[1] === 0x8b) return { compression: 'gzip', reason: 'starts with the gzip signature (1f 8b)' };
  if (head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06))) {
    return { compression: 'zip', reason: 'starts with the zip signature (PK)' };
  }
  return { compression: 'none', reason: 'not compressed' };
}

/** The data format from the first bytes of the (decompressed) content. The caller may still override it. */
export function sniffFormat(head: Uint8Array): FormatSniff {
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  const text = new TextDecoder(utf16 ? (head[0] === 0xff ? 'utf-16le' : 'utf-16be') : 'utf-8').decode(head);
  const note = utf16 ? ' (the file is UTF-16 text, which DHIS2 does not read: it must be saved as UTF-8)' : '';
  const start = firstMeaningful(text);
  if (start === -1) return { format: 'csv', reason: `the file is empty${note}` };
  const first = text[start];
  if (first === '{' || first === '[') return { format: 'json', reason: `starts with "${first}": JSON${note}` };
  if (text.startsWith('%PDF', start)) return { format: 'pdf', reason: 'starts with "%PDF": a PDF form' };
  if (first === '<') {
    const xml = sniffXmlRoot(text, start);
    return { format: xml.format, reason: xml.reason + note };
  }
  return { format: 'csv', reason: `starts with neither "{", "[", "<" nor "%PDF": read as CSV${note}` };
}

function firstMeaningful(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0xfeff && c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
  }
  return -1;
}

function sniffXmlRoot(text: string, from: number): FormatSniff {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) return { format: 'xml', reason: 'XML whose root element is not within the first bytes; read as DXF2 XML' };
    if (text.startsWith('<?', i)) i = skipPast(text, i, '?>');
    else if (text.startsWith('<!--', i)) i = skipPast(text, i, '-->');
    else if (text.startsWith('<!', i)) i = skipDoctype(text, i);
    else break;
    if (i === -1) return { format: 'xml', reason: 'XML whose root element is not within the first bytes; read as DXF2 XML' };
  }
  const name = /^<([A-Za-z_][\w.-]*)(?::([A-Za-z_][\w.-]*))?/.exec(text.slice(i, i + 200));
  if (!name) return { format: 'xml', reason: 'starts with "<" but no XML element follows; read as DXF2 XML' };
  const prefix = name[2] === undefined ? null : name[1]!;
  const local = name[2] ?? name[1]!;
  const end = text.indexOf('>', i);
  const tag = text.slice(i, end === -1 ? text.length : end);
  const nsAttribute = prefix === null ? /\sxmlns\s*=\s*(["'])(.*?)\1/ : new RegExp(`\\sxmlns:${prefix}\\s*=\\s*(["'])(.*?)\\1`);
  const namespace = nsAttribute.exec(tag)?.[2] ?? null;
  if (namespace === ADX_NAMESPACE || local === 'adx')
    return { format: 'adx', reason: `XML with root element <${local}>${namespace ? ` in namespace ${namespace}` : ''}: ADX` };
  if (local === 'dataValueSet') return { format: 'xml', reason: `XML with root element <dataValueSet>: DXF2 XML` };
  return { format: 'xml', reason: `XML with root element <${local}>, which is not <dataValueSet>; read as DXF2 XML` };
}

function skipPast(text: string, from: number, end: string): number {
  const at = text.indexOf(end, from);
  return at === -1 ? -1 : at + end.length;
}

function skipDoctype(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) return i + 1;
  }
  return -1;
}
