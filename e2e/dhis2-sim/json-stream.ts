/**
 * An incremental reader for the one JSON shape data value imports use: a root object whose
 * "dataValues" member is a long array. Text arrives in chunks; members of the root are handed over
 * whole, elements of "dataValues" one at a time, so a million values never sit in memory together.
 * Numbers keep their source text (Jackson copies it into String fields as written). Error messages
 * follow Jackson's wording with the line and column of the problem.
 */

export class JsonNumber {
  constructor(readonly raw: string) {}
}

export type JsonValue = string | JsonNumber | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

const NEED_MORE = Symbol('need more input');
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/;

const SOURCE = '(org.apache.catalina.connector.CoyoteInputStream)';

function isWs(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function describeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x20 ? `(CTRL-CHAR, code ${code})` : `('${ch}' (code ${code}))`;
}

type State = 'root' | 'keyOrEnd' | 'key' | 'colon' | 'value' | 'afterMember' | 'arrayFirst' | 'element' | 'afterElement' | 'done';

export interface JsonSetEvents {
  /** A root member other than the streamed array; `position` describes where it started, for error messages. */
  member(key: string, value: JsonValue, position: () => string): void;
  /** The streamed array starts (`occurrence` counts repeated keys from 0); a non-array value goes to member(). */
  arrayStart?(key: string, occurrence: number): void;
  element(value: JsonValue, index: number, position: () => string): void;
}

export class JsonSetReader {
  private buf = '';
  private pos = 0;
  private state: State = 'root';
  private key = '';
  private elementIndex = 0;
  private occurrences = 0;
  private line = 1;
  private lineStart = 0;
  private offset = 0;
  private retryAt = 0;
  private sawContent = false;

  constructor(
    private readonly arrayKey: string,
    private readonly events: JsonSetEvents,
    private readonly rootType: string,
  ) {}

  /** Feeds text; `final` says no more will come. Throws JsonSyntaxError for malformed input. */
  push(text: string, final = false): void {
    if (this.pos > 0) {
      this.advanceLines(this.pos);
      this.buf = this.buf.slice(this.pos);
      this.pos = 0;
    }
    this.buf += text;
    if (!final && this.buf.length < this.retryAt) return;
    this.retryAt = 0;
    while (this.state !== 'done') {
      const start = this.pos;
      let progressed: boolean;
      try {
        progressed = this.step(final);
      } catch (error) {
        if (error !== NEED_MORE) throw error;
        this.pos = start;
        if (final) throw this.error(this.endMessage(), this.buf.length);
        this.retryAt = (this.buf.length - this.pos) * 2;
        return;
      }
      if (!progressed) break;
    }
  }

  finished(): boolean {
    return this.state === 'done';
  }

  end(): void {
    this.push('', true);
    if (this.state !== 'done') throw this.error(this.endMessage(), this.buf.length);
  }

  private endMessage(): string {
    if (!this.sawContent) return 'No content to map due to end-of-input';
    return 'Unexpected end-of-input: expected close marker for Object';
  }

  private advanceLines(until: number): void {
    for (let i = 0; i < until; i++) {
      if (this.buf.charCodeAt(i) === 0x0a) {
        this.line++;
        this.lineStart = this.offset + i + 1;
      }
    }
    this.offset += until;
  }

  /** "line: 3, column: 14" for a position in the current buffer. */
  position(at = this.pos): string {
    let line = this.line;
    let lineStart = this.lineStart;
    for (let i = 0; i < at && i < this.buf.length; i++) {
      if (this.buf.charCodeAt(i) === 0x0a) {
        line++;
        lineStart = this.offset + i + 1;
      }
    }
    return `line: ${line}, column: ${this.offset + at - lineStart + 1}`;
  }

  error(message: string, at = this.pos): JsonSyntaxError {
    return new JsonSyntaxError(`${message}\n at [Source: ${SOURCE}; ${this.position(at)}]`);
  }

  private skipWs(): void {
    while (this.pos < this.buf.length && isWs(this.buf.charCodeAt(this.pos))) this.pos++;
  }

  private peek(): string {
    this.skipWs();
    if (this.pos >= this.buf.length) throw NEED_MORE;
    return this.buf.charAt(this.pos);
  }

  private step(final: boolean): boolean {
    switch (this.state) {
      case 'root': {
        this.skipWs();
        if (this.pos >= this.buf.length) {
          if (final) throw this.error('No content to map due to end-of-input');
          throw NEED_MORE;
        }
        this.sawContent = true;
        const ch = this.buf.charAt(this.pos);
        if (ch === '{') {
          this.pos++;
          this.state = 'keyOrEnd';
          return true;
        }
        if (ch === '[') throw this.error(`Cannot deserialize value of type \`${this.rootType}\` from Array value (token \`JsonToken.START_ARRAY\`)`);
        const value = this.parseValue(final);
        throw this.error(
          `Cannot construct instance of \`${this.rootType}\`: no ${typeof value === 'string' ? 'String' : 'scalar'}-argument constructor/factory method to deserialize from ${typeof value === 'string' ? `String value ('${value}')` : 'value'}`,
        );
      }
      case 'keyOrEnd':
      case 'key': {
        const ch = this.peek();
        if (ch === '}' && this.state === 'keyOrEnd') {
          this.pos++;
          this.state = 'done';
          return true;
        }
        if (ch !== '"') throw this.error(`Unexpected character ${describeChar(ch)}: was expecting double-quote to start field name`);
        this.key = this.parseString();
        this.state = 'colon';
        return true;
      }
      case 'colon': {
        const ch = this.peek();
        if (ch !== ':') throw this.error(`Unexpected character ${describeChar(ch)}: was expecting a colon to separate field name and value`);
        this.pos++;
        this.state = 'value';
        return true;
      }
      case 'value': {
        const ch = this.peek();
        if (this.key === this.arrayKey && ch === '[') {
          this.pos++;
          this.elementIndex = 0;
          this.events.arrayStart?.(this.key, this.occurrences++);
          this.state = 'arrayFirst';
          return true;
        }
        const at = this.pos;
        const value = this.parseValue(final);
        this.events.member(this.key, value, () => this.position(at));
        this.state = 'afterMember';
        return true;
      }
      case 'afterMember': {
        const ch = this.peek();
        if (ch === ',') {
          this.pos++;
          this.state = 'key';
        } else if (ch === '}') {
          this.pos++;
          this.state = 'done';
        } else throw this.error(`Unexpected character ${describeChar(ch)}: was expecting comma to separate Object entries`);
        return true;
      }
      case 'arrayFirst': {
        const ch = this.peek();
        if (ch === ']') {
          this.pos++;
          this.state = 'afterMember';
        } else this.state = 'element';
        return true;
      }
      case 'element': {
        this.skipWs();
        const at = this.pos;
        const value = this.parseValue(final);
        this.events.element(value, this.elementIndex++, () => this.position(at));
        this.state = 'afterElement';
        return true;
      }
      case 'afterElement': {
        const ch = this.peek();
        if (ch === ',') {
          this.pos++;
          this.state = 'element';
        } else if (ch === ']') {
          this.pos++;
          this.state = 'afterMember';
        } else throw this.error(`Unexpected character ${describeChar(ch)}: was expecting comma to separate Array entries`);
        return true;
      }
      case 'done':
        return false;
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Values
  // -----------------------------------------------------------------------------------------------

  private parseValue(final: boolean): JsonValue {
    const ch = this.peek();
    switch (ch) {
      case '{':
        return this.parseObject(final);
      case '[':
        return this.parseArray(final);
      case '"':
        return this.parseString();
      case 't':
        return this.literal('true', true, final);
      case 'f':
        return this.literal('false', false, final);
      case 'n':
        return this.literal('null', null, final);
      default:
        if (ch === '-' || (ch >= '0' && ch <= '9')) return this.parseNumber(final);
        throw this.error(
          `Unexpected character ${describeChar(ch)}: expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`,
        );
    }
  }

  /** true, false, null; one character of lookahead shows the token ended. */
  private literal<T>(word: string, value: T, final: boolean): T {
    const slice = this.buf.slice(this.pos, this.pos + word.length + 1);
    if (slice.length <= word.length && !final && word.startsWith(slice)) throw NEED_MORE;
    if (!slice.startsWith(word) || /[A-Za-z0-9_]/.test(slice.charAt(word.length))) {
      const token = /^[A-Za-z0-9_]+/.exec(this.buf.slice(this.pos, this.pos + 100))?.[0] ?? slice;
      throw this.error(`Unrecognized token '${token}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`);
    }
    this.pos += word.length;
    return value;
  }

  private parseNumber(final: boolean): JsonNumber {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.buf.slice(this.pos, this.pos + 400));
    if (!match && this.pos + 1 >= this.buf.length && !final) throw NEED_MORE;
    if (!match) throw this.error(`Unexpected character ${describeChar(this.buf.charAt(this.pos + 1) || ' ')}: expected digit`);
    const end = this.pos + match[0].length;
    if (end >= this.buf.length && !final) throw NEED_MORE;
    const next = this.buf.charAt(end);
    if (/[0-9.eE]/.test(next)) throw this.error(`Invalid numeric value: Leading zeroes not allowed`);
    this.pos = end;
    return new JsonNumber(match[0]);
  }

  private parseString(): string {
    const buf = this.buf;
    const start = this.pos + 1;
    let i = start;
    let plain = true;
    for (;;) {
      const close = buf.indexOf('"', i);
      if (close < 0) throw NEED_MORE;
      let backslashes = 0;
      for (let j = close - 1; j >= start && buf.charCodeAt(j) === 0x5c; j--) backslashes++;
      if (backslashes > 0) plain = false;
      if (backslashes % 2 === 0) {
        const raw = buf.slice(start, close);
        const control = CONTROL.exec(raw);
        if (control) {
          throw this.error(
            `Illegal unquoted character (${describeChar(control[0]).slice(1, -1)}): has to be escaped using backslash to be included in string value`,
            start + control.index,
          );
        }
        this.pos = close + 1;
        if (plain && raw.indexOf('\\') < 0) return raw;
        try {
          return JSON.parse(`"${raw}"`) as string;
        } catch {
          throw this.error('Unrecognized character escape', start);
        }
      }
      i = close + 1;
    }
  }

  private parseArray(final: boolean): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    if (this.peek() === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.parseValue(final));
      const ch = this.peek();
      this.pos++;
      if (ch === ']') return out;
      if (ch !== ',') throw this.error(`Unexpected character ${describeChar(ch)}: was expecting comma to separate Array entries`, this.pos - 1);
    }
  }

  private parseObject(final: boolean): { [key: string]: JsonValue } {
    this.pos++;
    const out: { [key: string]: JsonValue } = Object.create(null) as { [key: string]: JsonValue };
    if (this.peek() === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      const quote = this.peek();
      if (quote !== '"') throw this.error(`Unexpected character ${describeChar(quote)}: was expecting double-quote to start field name`);
      const key = this.parseString();
      const colon = this.peek();
      if (colon !== ':') throw this.error(`Unexpected character ${describeChar(colon)}: was expecting a colon to separate field name and value`);
      this.pos++;
      out[key] = this.parseValue(final);
      const ch = this.peek();
      this.pos++;
      if (ch === '}') return out;
      if (ch !== ',') throw this.error(`Unexpected character ${describeChar(ch)}: was expecting comma to separate Object entries`, this.pos - 1);
    }
  }
}
