import { Transform, type TransformCallback } from 'node:stream';
import { FormatError, at } from './format-error';
import { sniffCompression } from './sniff';

/** The zip signature is the longest the sniffer looks at. */
const SIGNATURE_BYTES = 4;

/**
 * Passes the unpacked content of a zip or gzip file through, refusing it when it is itself an archive: a zip
 * inside a zip would otherwise be read as text (a one-column CSV of its bytes). Only the first bytes are looked at.
 */
export class NestedArchiveGuard extends Transform {
  private head: Buffer | null = Buffer.alloc(0);

  /** `entryName`: the name of the file inside a zip; null for a gzip file, whose content has no name. */
  constructor(
    private readonly fileName: string,
    private readonly entryName: string | null,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.head === null) return callback(null, chunk);
    const head = Buffer.concat([this.head, chunk]);
    if (head.length < SIGNATURE_BYTES) {
      this.head = head;
      return callback();
    }
    this.head = null;
    callback(this.check(head), head);
  }

  override _flush(callback: TransformCallback): void {
    const head = this.head;
    this.head = null;
    if (head && head.length > 0) return callback(this.check(head), head);
    callback();
  }

  private check(head: Buffer): FormatError | null {
    const inner = sniffCompression(head).compression;
    if (inner === 'none') return null;
    const kind = inner === 'zip' ? 'a zip' : 'a gzip file';
    const what = this.entryName === null ? `unpacks to another archive (${kind})` : `holds another archive (${this.entryName}, ${kind})`;
    return new FormatError(
      'NESTED_ARCHIVE',
      `${at(this.fileName)} ${what} instead of a data file. Unpack it first, and import the data file inside (zipped once, or not at all).`,
      { file: this.fileName },
    );
  }
}
