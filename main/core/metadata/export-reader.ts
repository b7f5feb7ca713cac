import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import Parser from 'stream-json/Parser';
import Assembler from 'stream-json/Assembler';
import { MetadataFileError } from './file-error';

/** What the reader hands over while it walks a metadata export. */
export interface ExportVisitor {
  /** Top-level arrays to read element by element; the others are skipped without being built. */
  wantsCollection(key: string): boolean;
  /** Small top-level values worth building whole (e.g. `system`, `date`). */
  wantsValue(key: string): boolean;
  /** Every top-level key as it comes; may throw to stop early (a data value file, say). */
  onKey(key: string): void;
  onObject(collection: string, value: unknown, index: number): void;
  onValue(key: string, value: unknown): void;
}

interface Token {
  name: string;
  value?: string;
}

/**
 * Walks `{"system": {...}, "organisationUnits": [...], ...}` token by token, so only one object of
 * a 200 MB export is in memory at a time.
 */
export async function readExport(source: Readable, file: string, visitor: ExportVisitor, signal?: AbortSignal): Promise<void> {
  const parser = new Parser({ packValues: true, streamValues: false });
  const walker = new ExportWalker(file, visitor);
  parser.on('data', (token: Token) => {
    try {
      walker.consume(token);
    } catch (error) {
      parser.destroy(error as Error);
    }
  });
  await pipeline(source, parser, signal ? { signal } : {});
  walker.end();
}

/** True for the errors stream-json raises on text that is not JSON. */
export function isJsonSyntaxError(error: unknown): error is Error {
  return error instanceof Error && /^Parser (cannot parse input|has expected)/.test(error.message);
}

type State = 'start' | 'members' | 'collect' | 'assemble' | 'skip' | 'end';

class ExportWalker {
  private state: State = 'start';
  private depth = 0;
  private key = '';
  private collection = '';
  private index = 0;
  private skipUntil = 0;
  private assembler: Assembler | null = null;
  private afterAssemble: 'members' | 'collect' = 'members';

  constructor(
    private readonly file: string,
    private readonly visitor: ExportVisitor,
  ) {}

  consume(token: Token): void {
    const opens = token.name === 'startObject' || token.name === 'startArray';
    const closes = token.name === 'endObject' || token.name === 'endArray';
    switch (this.state) {
      case 'start':
        if (token.name === 'startArray') {
          throw new MetadataFileError(
            this.file,
            'it is a JSON list, not a DHIS2 metadata export (which is one object with "organisationUnits", "dataSets", ...).',
          );
        }
        if (token.name !== 'startObject') throw new MetadataFileError(this.file, 'it is a single JSON value, not a DHIS2 metadata export.');
        this.depth = 1;
        this.state = 'members';
        return;
      case 'members':
        if (token.name === 'keyValue') {
          this.key = token.value ?? '';
          this.visitor.onKey(this.key);
          return;
        }
        if (token.name === 'endObject') {
          this.depth = 0;
          this.state = 'end';
          return;
        }
        if (token.name === 'startArray' && this.visitor.wantsCollection(this.key)) {
          this.depth = 2;
          this.collection = this.key;
          this.index = 0;
          this.state = 'collect';
          return;
        }
        if (opens) {
          this.depth += 1;
          if (this.visitor.wantsValue(this.key)) this.startAssembling(token, 'members');
          else {
            this.skipUntil = 1;
            this.state = 'skip';
          }
          return;
        }
        if (this.visitor.wantsValue(this.key)) this.visitor.onValue(this.key, scalar(token));
        return;
      case 'collect':
        if (token.name === 'endArray') {
          this.depth = 1;
          this.state = 'members';
          return;
        }
        if (opens) {
          this.depth += 1;
          this.startAssembling(token, 'collect');
          return;
        }
        this.visitor.onObject(this.collection, scalar(token), this.index++);
        return;
      case 'assemble': {
        if (opens) this.depth += 1;
        else if (closes) this.depth -= 1;
        const assembler = this.assembler!;
        assembler.consume(token);
        if (!assembler.done) return;
        const value: unknown = assembler.current;
        this.assembler = null;
        this.state = this.afterAssemble;
        if (this.afterAssemble === 'collect') this.visitor.onObject(this.collection, value, this.index++);
        else this.visitor.onValue(this.key, value);
        return;
      }
      case 'skip':
        if (opens) this.depth += 1;
        else if (closes) {
          this.depth -= 1;
          if (this.depth === this.skipUntil) this.state = 'members';
        }
        return;
      case 'end':
        return;
    }
  }

  end(): void {
    if (this.state === 'start') throw new MetadataFileError(this.file, 'the file is empty.');
    if (this.state !== 'end') throw new MetadataFileError(this.file, 'the file ends before the JSON does (the copy may be incomplete).');
  }

  private startAssembling(token: Token, after: 'members' | 'collect'): void {
    this.assembler = new Assembler();
    this.assembler.consume(token);
    this.afterAssemble = after;
    this.state = 'assemble';
  }
}

function scalar(token: Token): unknown {
  switch (token.name) {
    case 'stringValue':
      return token.value ?? '';
    case 'numberValue':
      return Number(token.value);
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    default:
      return null;
  }
}

/** Parser that throws its tokens away: only whether, and where, the text stops being JSON matters. */
class SyntaxProbe extends Parser {
  override push(): boolean {
    return true;
  }
}

// Long (minified) lines are fed in pieces this size, which is how closely the column is known.
const PIECE = 256;

/**
 * The first pass reads in big chunks and cannot say where it failed. On failure the text is read
 * again, fed to a parser line by line, to name the line (and, on a long minified line, roughly
 * the column). stream-json may notice a problem a few characters late, hence "near".
 */
export async function locateSyntaxError(source: Readable): Promise<{ line: number; column: number | null; message: string; atEnd: boolean } | null> {
  const probe = new SyntaxProbe({ packValues: true, streamValues: false });
  let failure: Error | null = null;
  const feed = (text: string) => {
    if (failure) return;
    probe._transform(text, 'utf8', (error?: Error | null) => {
      if (error) failure = error;
    });
  };
  const decoder = new StringDecoder('utf8');
  let line = 1;
  let column = 0;
  let failedAt: { line: number; column: number | null; atEnd: boolean } | null = null;
  const take = (text: string) => {
    let start = 0;
    while (start < text.length && !failure) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? Math.min(text.length, start + PIECE) : Math.min(newline + 1, start + PIECE);
      feed(text.slice(start, end));
      if (failure) {
        failedAt = { line, column: column > 0 || end - start >= PIECE ? column + 1 : null, atEnd: false };
        return;
      }
      if (end === newline + 1 && newline !== -1) {
        line += 1;
        column = 0;
      } else {
        column += end - start;
      }
      start = end;
    }
  };
  try {
    for await (const chunk of source) {
      take(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
      if (failure) break;
    }
    if (!failure) {
      take(decoder.end());
      if (!failure) {
        probe._flush((error?: Error | null) => {
          if (error) failure = error;
        });
        // The text ran out while the parser still expected more: a cut-off copy.
        if (failure) failedAt = { line: column === 0 && line > 1 ? line - 1 : line, column: null, atEnd: true };
      }
    }
  } finally {
    source.destroy();
  }
  const error: Error | null = failure;
  if (!error || !failedAt) return null;
  const at: { line: number; column: number | null; atEnd: boolean } = failedAt;
  return { ...at, message: (error as Error).message };
}
