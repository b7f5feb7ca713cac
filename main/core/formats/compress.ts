import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Compression } from './sniff';
import { ZipEntryWriter } from './zip-writer';

export interface CompressOptions {
  /** The name of the file inside a zip, e.g. "ANC-2024.csv". */
  entryName?: string;
}

/**
 * A stream that compresses what is written to it into `output`. Ending it ends `output`, and it only
 * reports 'finish' once `output` has finished, so awaiting it means the file is complete on disk.
 */
export function compressOutput(output: Writable, compression: Compression, options: CompressOptions = {}): Writable {
  if (compression === 'none') return output;
  if (compression === 'zip') return new ZipEntryWriter(output, options.entryName ?? 'data');
  return gzipInto(output);
}

function gzipInto(output: Writable): Writable {
  const gzip = createGzip();
  gzip.pipe(output);
  const wrapper: Writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (gzip.write(chunk)) callback();
      else gzip.once('drain', () => callback());
    },
    final(callback) {
      gzip.end();
      finished(output).then(() => callback(), callback);
    },
    destroy(error, callback) {
      gzip.destroy();
      if (error) output.destroy(error);
      callback(error);
    },
  });
  gzip.on('error', (error) => wrapper.destroy(error));
  output.on('error', (error) => wrapper.destroy(error));
  return wrapper;
}
