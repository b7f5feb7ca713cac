import { Readable } from 'node:stream';
import { createDeflateRaw, deflateRawSync } from 'node:zlib';

/**
 * A one-entry ZIP archive as java.util.zip.ZipOutputStream writes it (deflated, sizes in a data
 * descriptor after the data, UTF-8 names), so it can be streamed without knowing the size first.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = (CRC_TABLE[(crc ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return ~crc >>> 0;
}

function dosDateTime(date: Date): { time: number; day: number } {
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  return { time, day };
}

const FLAGS = 0x0808; // data descriptor + UTF-8 names

function localHeader(name: Buffer, when: { time: number; day: number }): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(8, 8);
  header.writeUInt16LE(when.time, 10);
  header.writeUInt16LE(when.day, 12);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
}

function trailer(name: Buffer, when: { time: number; day: number }, crc: number, compressed: number, size: number, headerOffset: number): Buffer {
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc, 4);
  descriptor.writeUInt32LE(compressed, 8);
  descriptor.writeUInt32LE(size, 12);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(FLAGS, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(when.time, 12);
  central.writeUInt16LE(when.day, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(headerOffset, 42);
  const centralStart = 30 + name.length + compressed + descriptor.length;
  const centralRecord = Buffer.concat([central, name]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralRecord.length, 12);
  end.writeUInt32LE(centralStart, 16);
  return Buffer.concat([descriptor, centralRecord, end]);
}

export function zipSingleEntry(entryName: string, content: Buffer, when = new Date()): Buffer {
  const name = Buffer.from(entryName, 'utf8');
  const stamp = dosDateTime(when);
  const compressed = deflateRawSync(content);
  return Buffer.concat([localHeader(name, stamp), compressed, trailer(name, stamp, crc32(content), compressed.length, content.length, 0)]);
}

/** Streams a one-entry archive of `source`. */
export function zipStream(entryName: string, source: Readable, when = new Date()): Readable {
  const name = Buffer.from(entryName, 'utf8');
  const stamp = dosDateTime(when);
  async function* generate(): AsyncGenerator<Buffer> {
    yield localHeader(name, stamp);
    let crc = 0;
    let size = 0;
    let compressed = 0;
    const deflate = createDeflateRaw();
    source.on('error', (error) => deflate.destroy(error));
    source.on('data', (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      crc = crc32(bytes, crc);
      size += bytes.length;
    });
    for await (const chunk of source.pipe(deflate)) {
      compressed += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    yield trailer(name, stamp, crc, compressed, size, 0);
  }
  return Readable.from(generate());
}
