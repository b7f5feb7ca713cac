import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { crc32, createDeflateRaw, type DeflateRaw } from 'node:zlib';
import { FormatError } from './format-error';

/** Past this a zip needs ZIP64 records, which this writer does not produce. */
export const ZIP32_LIMIT = 0xffffffff;

const FLAGS = 0x0808; // bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8
const DEFLATE = 8;
const VERSION = 20; // 2.0: deflate

/**
 * A zip holding one file, written as a stream: the entry is deflated on the fly and its CRC and sizes
 * follow it in a data descriptor, then the central directory. No installed library streams zip output
 * (jszip builds the archive in memory), and one entry needs only a few fixed records.
 */
export class ZipEntryWriter extends Writable {
  private readonly deflate: DeflateRaw = createDeflateRaw();
  private readonly name: Buffer;
  private readonly time: number;
  private readonly date: number;
  private crc = 0;
  private size = 0;
  private packed = 0;
  private headerBytes = 0;

  constructor(
    private readonly output: Writable,
    entryName: string,
    modified = new Date(),
    private readonly sizeLimit = ZIP32_LIMIT,
  ) {
    super();
    this.name = Buffer.from(entryName, 'utf8');
    this.time = (modified.getHours() << 11) | (modified.getMinutes() << 5) | Math.floor(modified.getSeconds() / 2);
    this.date = (Math.max(0, modified.getFullYear() - 1980) << 9) | ((modified.getMonth() + 1) << 5) | modified.getDate();
    this.deflate.on('data', (chunk: Buffer) => {
      this.packed += chunk.length;
      if (!this.output.write(chunk)) {
        this.deflate.pause();
        this.output.once('drain', () => this.deflate.resume());
      }
    });
    this.deflate.on('error', (error) => this.destroy(error));
    this.output.on('error', (error) => this.destroy(error));
    const header = this.localHeader();
    this.headerBytes = header.length;
    this.output.write(header);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.size += chunk.length;
    if (this.size > this.sizeLimit) return callback(tooLarge());
    this.crc = crc32(chunk, this.crc);
    if (this.deflate.write(chunk)) callback();
    else this.deflate.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.deflate.once('end', () => {
      const directoryStart = this.headerBytes + this.packed + 16;
      if (this.packed > this.sizeLimit || directoryStart > this.sizeLimit) return callback(tooLarge());
      const directory = this.centralDirectory();
      this.output.end(Buffer.concat([this.descriptor(), directory, this.endOfDirectory(directoryStart, directory.length)]));
      finished(this.output).then(() => callback(), callback);
    });
    this.deflate.end();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.deflate.destroy();
    if (error) this.output.destroy(error);
    callback(error);
  }

  private localHeader(): Buffer {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(VERSION, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(DEFLATE, 8);
    header.writeUInt16LE(this.time, 10);
    header.writeUInt16LE(this.date, 12);
    // CRC and sizes (14..25) stay zero: they are in the data descriptor.
    header.writeUInt16LE(this.name.length, 26);
    header.writeUInt16LE(0, 28);
    return Buffer.concat([header, this.name]);
  }

  private descriptor(): Buffer {
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(this.crc >>> 0, 4);
    descriptor.writeUInt32LE(this.packed, 8);
    descriptor.writeUInt32LE(this.size, 12);
    return descriptor;
  }

  private centralDirectory(): Buffer {
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | VERSION, 4); // made by: Unix, so the permissions below are honoured
    entry.writeUInt16LE(VERSION, 6);
    entry.writeUInt16LE(FLAGS, 8);
    entry.writeUInt16LE(DEFLATE, 10);
    entry.writeUInt16LE(this.time, 12);
    entry.writeUInt16LE(this.date, 14);
    entry.writeUInt32LE(this.crc >>> 0, 16);
    entry.writeUInt32LE(this.packed, 20);
    entry.writeUInt32LE(this.size, 24);
    entry.writeUInt16LE(this.name.length, 28);
    // extra field length, comment length, disk number, internal attributes: zero
    entry.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    entry.writeUInt32LE(0, 42); // the local header is at the start
    return Buffer.concat([entry, this.name]);
  }

  private endOfDirectory(directoryStart: number, directorySize: number): Buffer {
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(directorySize, 12);
    end.writeUInt32LE(directoryStart, 16);
    return end;
  }
}

function tooLarge(): FormatError {
  return new FormatError(
    'ZIP_TOO_LARGE',
    'The export is larger than 4 GiB, more than a zip file can hold here; export less at a time (for example per year) or choose gzip.',
  );
}
