import { openInput } from '../open-input';
import { readHead } from '../sniff-file';

export type GeoFormat = 'geojson' | 'gml';

/** Enough unpacked bytes to pass a GeoJSON `name`/`crs` header or a GML prolog with comments. */
const HEAD_BYTES = 64 * 1024;

/**
 * Whether a file (plain, gzip or zip) is org unit geometry, told from its first bytes: JSON naming a
 * Feature, a FeatureCollection or a `features` list, or XML in a GML namespace (or with a FeatureCollection
 * root). Null for anything else, which then goes to the data value and metadata readers as before.
 */
export async function sniffGeoFile(path: string, fileName: string): Promise<GeoFormat | null> {
  const head = await readHead(openInput(path, { fileName }), HEAD_BYTES).catch(() => null);
  return head === null ? null : sniffGeo(head.toString('utf8'));
}

export function sniffGeo(text: string): GeoFormat | null {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) {
    if (/"type"\s*:\s*"(?:FeatureCollection|Feature)"/i.test(start) || /"features"\s*:\s*\[/.test(start)) return 'geojson';
    return null;
  }
  if (start.startsWith('<')) {
    if (/xmlns(?::\w+)?\s*=\s*["']http:\/\/www\.opengis\.net\/gml/.test(start)) return 'gml';
    if (/<(?:\w+:)?FeatureCollection[\s>]/.test(start)) return 'gml';
  }
  return null;
}
