import type { Readable } from 'node:stream';
import { basename } from 'node:path';
import { openInput, readMagic, type OpenInputOptions } from './open-input';
import { sniffCompression, sniffFormat, type Compression, type FormatSniff } from './sniff';

export interface InputSniff extends FormatSniff {
  compression: Compression;
}

/** How many unpacked bytes are looked at: enough to pass a licence comment in front of an XML root. */
export const SNIFF_BYTES = 64 * 1024;

/** Looks through the compression at the content; reads at most `SNIFF_BYTES` of it and closes the file. */
export async function sniffFile(path: string, options: OpenInputOptions = {}): Promise<InputSniff> {
  const compression = sniffCompression(readMagic(path, options.fileName ?? basename(path)));
  const head = await readHead(openInput(path, { ...options, compression: compression.compression }), SNIFF_BYTES);
  const format = sniffFormat(head);
  const how = compression.compression === 'none' ? '' : `${compression.reason}; its content `;
  return { compression: compression.compression, format: format.format, reason: how + format.reason };
}

/** The first `limit` bytes of a stream, which is then closed. */
export async function readHead(stream: Readable, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= limit) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, limit);
}
