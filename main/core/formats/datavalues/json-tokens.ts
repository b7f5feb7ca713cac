import Parser from 'stream-json/Parser';

export type JsonToken =
  | { name: 'startObject' | 'endObject' | 'startArray' | 'endArray' | 'nullValue'; line: number }
  | { name: 'keyValue' | 'stringValue' | 'numberValue'; value: string; line: number }
  | { name: 'trueValue' | 'falseValue'; value: boolean; line: number };

export interface JsonSyntaxProblem {
  line: number;
  /** stream-json's own wording, e.g. "expected ','". */
  detail: string;
  /** The input ended in the middle of the document. */
  endedEarly: boolean;
}

export interface TokenBatch {
  tokens: JsonToken[];
  /** Set when the input stops being JSON; `tokens` still holds everything before that point. */
  problem: JsonSyntaxProblem | null;
}

/**
 * stream-json's tokens carry no position, yet every value must say on which line it starts. The parser
 * is therefore fed one line at a time and called directly (its `_transform` is synchronous), so each
 * token is stamped with the line being parsed when it came out. Tokens never span lines in JSON, and the
 * parser does not hold a token back past the end of its line, so the stamp is the token's own line.
 */
export class JsonTokenizer {
  private readonly parser = new LineStampingParser({ packValues: true, streamValues: false });
  private failed: JsonSyntaxProblem | null = null;

  feed(text: string): TokenBatch {
    if (this.failed) return { tokens: [], problem: this.failed };
    let from = 0;
    while (from < text.length) {
      const newline = text.indexOf('\n', from);
      const to = newline === -1 ? text.length : newline + 1;
      const segment = text.slice(from, to);
      this.run(segment, (done) => this.parser._transform(segment, 'utf8', done));
      if (this.failed) break;
      if (newline !== -1) this.parser.line++;
      from = to;
    }
    return this.take();
  }

  end(): TokenBatch {
    if (!this.failed) this.run('', (done) => this.parser._flush(done));
    return this.take();
  }

  private run(segment: string, step: (done: (error?: Error | null) => void) => void): void {
    const pending = this.parser._buffer;
    if (pending === '') this.parser.bufferLine = this.parser.line;
    let failure: Error | null = null;
    step((error) => {
      if (error) failure = error;
    });
    if (failure === null) return;
    const detail = (failure as Error).message.replace(/^Parser (cannot parse input: |has )/, '');
    // A leftover that spans a line break is text the parser could not match: the error is where it began.
    const line = pending.includes('\n') ? this.parser.bufferLine : this.parser.line;
    this.failed = { line, detail, endedEarly: segment === '' && /^Parser has /.test((failure as Error).message) };
  }

  private take(): TokenBatch {
    const tokens = this.parser.tokens;
    this.parser.tokens = [];
    return { tokens, problem: this.failed };
  }
}

class LineStampingParser extends Parser {
  declare _buffer: string;
  tokens: JsonToken[] = [];
  line = 1;
  bufferLine = 1;

  override push(chunk: unknown): boolean {
    if (chunk !== null && typeof chunk === 'object') {
      // stream-json makes a fresh object per token, so stamping it in place saves a copy per token.
      const token = chunk as JsonToken;
      token.line = this.line;
      this.tokens.push(token);
    }
    return true;
  }
}
