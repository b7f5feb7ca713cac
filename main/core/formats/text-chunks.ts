import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { FormatError, at } from './format-error';

const NEWLINE = 10;

/**
 * The text of a stream as UTF-8 string chunks, without a leading byte order mark. DHIS2 reads every
 * exchange format as UTF-8: a file saved in another encoding (Excel's "CSV" is Windows-1252, its "Unicode
 * text" UTF-16) is stored by the server with "�" in place of every accented letter, and a file with NUL
 * bytes is not text at all. Both are refused here, at the line of the first such byte, before any wrong
 * text reaches a reader.
 */
export async function* textChunks(input: Readable, fileName: string, linesBefore?: () => number): AsyncGenerator<string, void, undefined> {
  const text = new Utf8Text(fileName, linesBefore);
  let head: Buffer | null = Buffer.alloc(0);
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (head !== null) {
      head = Buffer.concat([head, bytes]);
      if (head.length < 3) continue;
      bytes = stripByteOrderMark(head, fileName);
      head = null;
    }
    const decoded = text.decode(bytes);
    if (decoded) yield decoded;
  }
  const rest = head === null ? '' : text.decode(stripByteOrderMark(head, fileName));
  text.end();
  if (rest) yield rest;
}

/**
 * Checked UTF-8 decoding in pieces. A character cut across two pieces is held until the next; each piece is
 * checked whole by the native check (a few milliseconds for 60 MB) and only searched byte by byte when it fails.
 * Line ends are counted as the text goes by, so the message can name the line.
 */
class Utf8Text {
  /** The start of a character cut off at the end of the last piece. */
  private held: Buffer | null = null;
  private lines = 1;

  /**
   * `linesBefore`, when given, is the consumer's own count: the line its unread text starts on once it has read
   * every piece handed to it. Counting line ends here costs a pass over every byte (about a tenth of the CSV
   * check); a reader that counts lines anyway (the CSV tokenizer) lets this count them only when a piece fails.
   */
  constructor(
    private readonly fileName: string,
    private readonly linesBefore?: () => number,
  ) {}

  private lineAt(bytes: Buffer, end: number): number {
    return (this.linesBefore ? this.linesBefore() : this.lines) + newlinesBefore(bytes, end);
  }

  decode(piece: Buffer): string {
    let bytes = piece;
    if (this.held !== null) {
      bytes = Buffer.concat([this.held, piece]);
      this.held = null;
    }
    const cut = unfinishedTail(bytes);
    const whole = cut === 0 ? bytes : bytes.subarray(0, bytes.length - cut);
    if (cut > 0) this.held = Buffer.from(bytes.subarray(bytes.length - cut));
    if (!isUtf8(whole)) throw notUtf8(this.fileName, this.lineAt(whole, firstInvalid(whole)));
    const nul = whole.indexOf(0);
    if (nul !== -1) throw binary(this.fileName, this.lineAt(whole, nul));
    if (!this.linesBefore) this.lines += newlinesBefore(whole, whole.length);
    return whole.toString('utf8');
  }

  /** The end of the input: a character still unfinished is a broken one. */
  end(): void {
    if (this.held !== null) throw notUtf8(this.fileName, this.linesBefore ? this.linesBefore() : this.lines);
  }
}

/** How many bytes at the end of `bytes` begin a character that the next piece may finish (0 to 3). */
function unfinishedTail(bytes: Buffer): number {
  const length = bytes.length;
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = bytes[length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte < 0xc0) return 0;
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return size > back ? back : 0;
  }
  return 0;
}

/** Where the first byte that breaks UTF-8 is (called only on text the native check refused). */
function firstInvalid(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const byte = bytes[i]!;
    if (byte < 0x80) {
      i++;
      continue;
    }
    const size = byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (size === 0 || i + size > bytes.length || !isUtf8(bytes.subarray(i, i + size))) return i;
    i += size;
  }
  return bytes.length;
}

function newlinesBefore(bytes: Buffer, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1 && at < end; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

function notUtf8(fileName: string, line: number): FormatError {
  return new FormatError(
    'UNSUPPORTED_ENCODING',
    `${at(fileName, line)}: this is not UTF-8 text; the file was probably saved as Windows-1252 or Latin-1 ("ANSI"). DHIS2 reads UTF-8 only ` +
      'and would store "�" in place of each accented letter. Save it again as UTF-8 (in Excel: "CSV UTF-8") and import that file.',
    { file: fileName, line },
  );
}

function binary(fileName: string, line: number): FormatError {
  return new FormatError(
    'BINARY_FILE',
    `${at(fileName, line)}: the file holds NUL bytes, so it looks binary (or UTF-16 text without its mark), not a text file DHIS2 can read. ` +
      'Check that this is the CSV, JSON or XML file you meant, saved as UTF-8, and import that file.',
    { file: fileName, line },
  );
}

function stripByteOrderMark(head: Buffer, fileName: string): Buffer {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return head.subarray(3);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new FormatError(
      'UNSUPPORTED_ENCODING',
      `${at(fileName)} is saved as UTF-16 text; DHIS2 files must be UTF-8. Save it again as UTF-8 (in Excel: "CSV UTF-8") and import that file.`,
      { file: fileName },
    );
  }
  return head;
}
