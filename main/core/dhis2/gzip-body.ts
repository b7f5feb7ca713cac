import { gzip } from 'node:zlib';

/**
 * A request body gzipped for DHIS2. 2.41 reads data value and metadata bodies through
 * StreamUtils.wrapAndCheckCompressionFormat, which recognises gzip by its first two bytes and ignores
 * Content-Encoding, so the body goes with its own Content-Type and no Content-Encoding header.
 * Level 1: data values are repetitive enough that it keeps most of level 6's saving at a third of
 * its time, and zlib runs on libuv's thread pool, beside the work of reading the next part.
 */
export function gzipBody(text: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gzip(text, { level: 1 }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}
