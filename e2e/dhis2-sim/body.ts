import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as yauzl from 'yauzl';

/**
 * A request body kept for reading: in memory while small, in a temporary file once large, so an
 * upload of any size costs constant memory. It can be read more than once (the JSON reader makes two
 * passes), raw or decoded: gzip and zip bodies are unpacked as StreamUtils.wrapAndCheckCompressionFormat
 * does (by their magic bytes), then the text is decoded as UTF-8.
 */

const MEMORY_LIMIT = 4 * 1024 * 1024;
const SLICE = 64 * 1024;

/** Lets other requests run between slices of a body that is already in memory. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class SpooledBody {
  private constructor(
    private readonly memory: Buffer | null,
    private readonly file: string | null,
    private readonly dir: string | null,
    /** Raw bytes received. */
    readonly size: number,
    /** SHA-256 (hex) of the raw bytes, which identifies a payload across retries. */
    readonly sha256: string,
    private readonly head: Buffer,
  ) {}

  static fromBuffer(bytes: Buffer): SpooledBody {
    return new SpooledBody(bytes, null, null, bytes.length, createHash('sha256').update(bytes).digest('hex'), bytes.subarray(0, 4));
  }

  /** Reads the whole stream, spilling to a temporary file past a few megabytes. */
  static async from(stream: AsyncIterable<Buffer | string>): Promise<SpooledBody> {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    let file: string | null = null;
    let dir: string | null = null;
    let out: WriteStream | null = null;
    let head = Buffer.alloc(0);
    try {
      for await (const part of stream) {
        const chunk = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
        hash.update(chunk);
        size += chunk.length;
        if (head.length < 4) head = Buffer.concat([head, chunk.subarray(0, 4 - head.length)]);
        if (out) {
          if (!out.write(chunk)) await new Promise<void>((resolve) => out?.once('drain', () => resolve()));
          continue;
        }
        chunks.push(chunk);
        if (size > MEMORY_LIMIT) {
          dir = await mkdtemp(join(tmpdir(), 'dhis2-sim-body-'));
          file = join(dir, 'body');
          out = createWriteStream(file);
          for (const buffered of chunks.splice(0)) out.write(buffered);
        }
      }
      if (out) {
        out.end();
        await finished(out);
      }
    } catch (error) {
      out?.destroy();
      if (dir) await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return new SpooledBody(out ? null : Buffer.concat(chunks), file, dir, size, hash.digest('hex'), head);
  }

  /** The raw bytes, in slices. */
  async *bytes(): AsyncGenerator<Buffer> {
    if (this.memory) {
      for (let at = 0; at < this.memory.length; at += SLICE) {
        yield this.memory.subarray(at, at + SLICE);
        await nextTurn();
      }
      return;
    }
    if (this.file) {
      for await (const chunk of createReadStream(this.file, { highWaterMark: SLICE })) yield chunk as Buffer;
    }
  }

  get compression(): 'gzip' | 'zip' | null {
    if (this.head.length >= 2 && this.head[0] === 0x1f && this.head[1] === 0x8b) return 'gzip';
    if (this.head.length >= 4 && this.head[0] === 0x50 && this.head[1] === 0x4b && this.head[2] === 0x03 && this.head[3] === 0x04) return 'zip';
    return null;
  }

  /** The uncompressed content: gunzipped, or the first entry of a zip. */
  async *content(): AsyncGenerator<Buffer> {
    const compression = this.compression;
    if (compression === 'gzip') {
      const gunzip = createGunzip();
      const source = Readable.from(this.bytes());
      source.on('error', (error) => gunzip.destroy(error));
      for await (const chunk of source.pipe(gunzip)) yield chunk as Buffer;
      return;
    }
    if (compression === 'zip') {
      const zip = this.memory
        ? await yauzl.fromBufferPromise(this.memory, { lazyEntries: true })
        : await yauzl.openPromise(this.file ?? '', { lazyEntries: true });
      try {
        const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
          zip.once('entry', resolve);
          zip.once('end', () => resolve(null));
          zip.once('error', reject);
          zip.readEntry();
        });
        if (!entry) return;
        const stream = await zip.openReadStreamPromise(entry);
        for await (const chunk of stream) yield chunk as Buffer;
      } finally {
        zip.close();
      }
      return;
    }
    yield* this.bytes();
  }

  /** UTF-8 text of the content. `keepBom` keeps a leading byte order mark, as Java's InputStreamReader does (the CSV reader sees it). */
  async *text(keepBom = false): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: keepBom });
    for await (const chunk of this.content()) {
      const text = decoder.decode(chunk, { stream: true });
      if (text.length > 0) yield text;
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield rest;
  }

  async dispose(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
