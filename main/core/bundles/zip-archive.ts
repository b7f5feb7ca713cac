import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';
import { ZIP32_LIMIT } from '../formats/zip-writer';
import { AppError } from '../errors';

const FLAGS = 0x0808; // bit 3: CRC and sizes follow the data; bit 11: names are UTF-8
const STORE = 0;
const DEFLATE = 8;
const VERSION = 20;
const MAX_ENTRIES = 0xffff;

interface CentralEntry {
  name: Buffer;
  method: number;
  crc: number;
  packed: number;
  size: number;
  offset: number;
}

export interface EntryResult {
  size: number;
  packed: number;
  crc: number;
  /** The sha256 of the entry's content, when asked for. */
  sha256: string | null;
}

/**
 * A zip of several entries written as one stream (formats/zip-writer.ts writes one entry; a bundle
 * needs several). Each entry's CRC and sizes follow its data in a descriptor, the central directory
 * comes last. Backpressure is honoured and the first write error ends everything.
 */
export class ZipArchiveWriter {
  private readonly entries: CentralEntry[] = [];
  private offset = 0;
  private failure: Error | null = null;
  private readonly time: number;
  private readonly date: number;

  private readonly sizeLimit: number;
  private readonly onChunk: ((chunk: Buffer) => void) | undefined;

  constructor(
    private readonly output: Writable,
    options: { modified?: Date; sizeLimit?: number; onChunk?: (chunk: Buffer) => void } = {},
  ) {
    const modified = options.modified ?? new Date();
    this.sizeLimit = options.sizeLimit ?? ZIP32_LIMIT;
    this.onChunk = options.onChunk;
    this.time = (modified.getHours() << 11) | (modified.getMinutes() << 5) | Math.floor(modified.getSeconds() / 2);
    this.date = (Math.max(0, modified.getFullYear() - 1980) << 9) | ((modified.getMonth() + 1) << 5) | modified.getDate();
    output.on('error', (error) => {
      this.failure ??= error;
    });
  }

  /** Bytes handed to the output so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  /** Adds one entry. `compress: false` stores it as is (already-compressed payloads gain nothing from deflate). */
  async add(name: string, content: Readable | Buffer, options: { compress: boolean; sha256?: boolean }): Promise<EntryResult> {
    if (this.entries.length >= MAX_ENTRIES) throw new AppError('BUNDLE_TOO_MANY_FILES', `A bundle holds at most ${MAX_ENTRIES} files.`);
    const nameBytes = Buffer.from(name, 'utf8');
    const method = options.compress ? DEFLATE : STORE;
    const offset = this.offset;
    await this.write(this.localHeader(nameBytes, method));

    let crc = 0;
    let size = 0;
    let packed = 0;
    const hash: Hash | null = options.sha256 ? createHash('sha256') : null;
    const sizeLimit = this.sizeLimit;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > sizeLimit) return callback(tooLarge());
        crc = crc32(chunk, crc);
        hash?.update(chunk);
        callback(null, chunk);
      },
    });
    let sinkError: unknown = null;
    const sink = async (source: AsyncIterable<Buffer>) => {
      try {
        for await (const chunk of source) {
          packed += chunk.length;
          await this.write(chunk);
        }
      } catch (error) {
        sinkError = error;
        throw error;
      }
    };
    const input = Buffer.isBuffer(content) ? [content] : content;
    try {
      if (method === DEFLATE) await pipeline(input, meter, createDeflateRaw(), sink);
      else await pipeline(input, meter, sink);
    } catch (error) {
      // When the output fails, pipeline reports the abort of the streams it tore down; the drive's error is the one that matters.
      throw this.failure ?? sinkError ?? error;
    }

    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(packed, 8);
    descriptor.writeUInt32LE(size, 12);
    await this.write(descriptor);
    this.entries.push({ name: nameBytes, method, crc: crc >>> 0, packed, size, offset });
    return { size, packed, crc: crc >>> 0, sha256: hash ? hash.digest('hex') : null };
  }

  /** Writes the central directory and ends the output; resolves once the output has finished. */
  async finish(): Promise<number> {
    const start = this.offset;
    const records = this.entries.map((entry) => this.centralRecord(entry));
    const directory = Buffer.concat(records);
    if (start + directory.length + 22 > this.sizeLimit) throw tooLarge();
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(start, 16);
    await this.write(Buffer.concat([directory, end]));
    await new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.output.once('error', reject);
      this.output.end(() => {
        this.output.off('error', reject);
        resolve();
      });
    });
    if (this.failure) throw this.failure;
    return this.offset;
  }

  private async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.offset += chunk.length;
    if (this.offset > this.sizeLimit) throw tooLarge();
    this.onChunk?.(chunk);
    if (this.output.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        this.output.off('drain', onDrain);
        this.output.off('error', onError);
        this.output.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onError = (error: Error) => done(error);
      const onClose = () => done(this.failure ?? new Error('the output closed while writing'));
      this.output.on('drain', onDrain);
      this.output.on('error', onError);
      this.output.on('close', onClose);
    });
  }

  private localHeader(name: Buffer, method: number): Buffer {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(VERSION, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(this.time, 10);
    header.writeUInt16LE(this.date, 12);
    header.writeUInt16LE(name.length, 26);
    return Buffer.concat([header, name]);
  }

  private centralRecord(entry: CentralEntry): Buffer {
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE((3 << 8) | VERSION, 4);
    record.writeUInt16LE(VERSION, 6);
    record.writeUInt16LE(FLAGS, 8);
    record.writeUInt16LE(entry.method, 10);
    record.writeUInt16LE(this.time, 12);
    record.writeUInt16LE(this.date, 14);
    record.writeUInt32LE(entry.crc, 16);
    record.writeUInt32LE(entry.packed, 20);
    record.writeUInt32LE(entry.size, 24);
    record.writeUInt16LE(entry.name.length, 28);
    record.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    record.writeUInt32LE(entry.offset, 42);
    return Buffer.concat([record, entry.name]);
  }
}

function tooLarge(): AppError {
  return new AppError(
    'BUNDLE_TOO_LARGE',
    'The bundle would be larger than 4 GiB, more than one bundle can hold. Save fewer jobs at a time (choose them in the list).',
  );
}
