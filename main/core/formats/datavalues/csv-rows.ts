import type { Readable } from 'node:stream';
import { FormatError, at } from '../format-error';
import { formatBytes } from '../input-limits';
import { textChunks } from '../text-chunks';

/**
 * No legitimate row is this long (DHIS2 caps values and comments far below it). Past it, an opening quote
 * that is never closed is swallowing the rest of the file, or a file without line ends is one endless row,
 * either of which would otherwise all be held in memory.
 */
export const MAX_ROW_CHARS = 4 * 1024 * 1024;

/** Takes each row: its cells (quotes removed, nothing trimmed; an array of its own) and the 1-based line it starts on. */
export type RowSink = (cells: string[], line: number) => void;

/**
 * The same without a copy per row, for the data value reader: the cells are `cells[first]` to the end of
 * an array that is the tokenizer's own and is reused for the next row (copy what must be kept). `spaced`
 * is false when no cell has a space or tab at all (nothing to trim).
 */
export type RowViewSink = (cells: string[], first: number, line: number, spaced: boolean) => void;

const COMMA = 44;
const NEWLINE = 10;
const QUOTE = 34;
const CARRIAGE_RETURN = 13;

/**
 * Rows of a CSV file with the line each starts on, read the way papaparse 5 reads it with `,`, `"` and a
 * `\n` row end (which the app used before; files, fixtures and tests were checked against it): a cell that
 * starts with a quote runs to a closing quote followed, after nothing but whitespace, by a comma or a line
 * end, with `""` standing for a quote; quotes inside an unquoted cell are text. Rows end at "\n", so files
 * mixing Windows and Unix line ends still split into rows; the "\r" of a "\r\n" is dropped from the row's
 * last cell. Written out by hand because this loop runs over every character of million-value files:
 * it looks at each character once and makes no string but the cells.
 */
export class CsvTokenizer {
  /** Text not yet made into rows: the unfinished row, then what came after it since it was last tried. */
  private waiting: string[] = [];
  private waitingChars = 0;
  /** How much text was waiting when the unfinished row was last tried (see feedViews). */
  private tried = 0;
  /** Whether the unfinished row stopped in a quoted cell, and whether text follows a closing quote in it. */
  private stoppedIn: 'cell' | 'quote' | 'broken quote' = 'cell';
  /** The line the next row starts on. */
  private line = 1;
  private problem: FormatError | null = null;
  private readonly cells: string[] = [];
  private quickRow: RegExp | null = null;
  private triedQuickRow = false;

  constructor(private readonly fileName: string) {}

  /** Hands every row this text completes to `sink`; returns the problem that stops the file, if any (rows before it were handed over). */
  feed(text: string, sink: RowSink): FormatError | null {
    return this.feedViews(text, copying(sink));
  }

  /** The line the text not fed yet starts on: where a decoding problem in it is (asked only when there is one). */
  lineAfterWaiting(): number {
    let line = this.line;
    for (const text of this.waiting) for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) line++;
    return line;
  }

  /** The end of the file: the last row, even without a line end. */
  end(sink: RowSink): FormatError | null {
    return this.endViews(copying(sink));
  }

  /** feed, handing over views of the rows (see RowViewSink). */
  feedViews(text: string, sink: RowViewSink): FormatError | null {
    if (this.problem) return this.problem;
    if (this.waitingChars === 0) return this.parse('', text, sink);
    this.waiting.push(text);
    this.waitingChars += text.length;
    // A row cut across pieces is tried again only once the text waiting has doubled since it was last tried (or passes
    // the limit): each try reads all of it, so trying at every piece would be quadratic in the row's length (a file
    // with no line end at all, in small pieces). Doubling keeps the reading linear; rows are only handed over later.
    if (this.waitingChars < 2 * this.tried && this.waitingChars <= MAX_ROW_CHARS) return null;
    const last = this.waiting.pop()!;
    const before = this.waiting.join('');
    this.waiting = [];
    return this.parse(before, last, sink);
  }

  /** end, handing over a view of the row (see RowViewSink). */
  endViews(sink: RowViewSink): FormatError | null {
    if (this.problem) return this.problem;
    const rest = this.waiting.join('');
    this.waiting = [];
    this.waitingChars = 0;
    if (rest !== '') this.rows(rest, 0, true, sink);
    return this.problem;
  }

  /** Reads the rows of `partial` (the start of a row, or nothing) followed by `text`, and keeps what is left of them. */
  private parse(partial: string, text: string, sink: RowViewSink): FormatError | null {
    let input = text;
    let from = 0;
    if (partial !== '') {
      // The row cut off at the end of the last text: read it from the two joined up to the first line end only. Joining
      // the whole text would copy every chunk once more (the engine flattens the joined string before matching).
      const lineEnd = text.indexOf('\n');
      if (lineEnd === -1) input = partial + text;
      else {
        const joined = partial + text.slice(0, lineEnd + 1);
        const used = this.rows(joined, 0, false, sink);
        if (this.problem) return this.problem;
        if (used === joined.length) from = lineEnd + 1;
        else {
          // A quoted line break carries the row on: go on in the whole joined text (its positions are those of `joined`).
          input = partial + text;
          from = used;
        }
      }
    }
    const used = this.rows(input, from, false, sink);
    if (this.problem) return this.problem;
    const rest = used === input.length ? '' : input.slice(used);
    this.waiting = rest === '' ? [] : [rest];
    this.waitingChars = this.tried = rest.length;
    if (rest.length > MAX_ROW_CHARS) this.problem = this.tooLong();
    return this.problem;
  }

  /** The problem with an unfinished row that has passed the limit, in the words of where it stopped. */
  private tooLong(): FormatError {
    if (this.stoppedIn === 'quote') return quoteProblem(this.fileName, this.line, 'TooLongQuotes');
    if (this.stoppedIn === 'broken quote') return quoteProblem(this.fileName, this.line, 'InvalidQuotes');
    return rowTooLong(this.fileName, this.line);
  }

  /** Rows of the learnt width without quotes, one match each, from `pos` on; returns where the first other row starts. */
  private quickRows(quick: RegExp, input: string, pos: number, sink: RowViewSink): number {
    let line = this.line;
    // Where the next space and tab are (the text's length when there is none): a row has one when it ends past it.
    // Most files have none at all, and then the text is searched once instead of every row twice.
    let nextSpace = indexOrEnd(input, ' ', pos);
    let nextTab = indexOrEnd(input, '\t', pos);
    for (;;) {
      quick.lastIndex = pos;
      const match = quick.exec(input);
      if (match === null) break;
      // The match is the row: its groups are the cells.
      if (quick.lastIndex - pos > MAX_ROW_CHARS) {
        this.line = line;
        this.problem = rowTooLong(this.fileName, line);
        return input.length;
      }
      pos = quick.lastIndex;
      const last = match.length - 1;
      const lastCell = match[last]!;
      if (lastCell.charCodeAt(lastCell.length - 1) === CARRIAGE_RETURN) match[last] = lastCell.slice(0, -1);
      let spaced = false;
      if (nextSpace < pos) {
        spaced = true;
        nextSpace = indexOrEnd(input, ' ', pos);
      }
      if (nextTab < pos) {
        spaced = true;
        nextTab = indexOrEnd(input, '\t', pos);
      }
      sink(match, 1, line++, spaced);
    }
    this.line = line;
    return pos;
  }

  /** Where an unfinished row starts, noting what it stopped in. */
  private stop(rowStart: number, stoppedIn: CsvTokenizer['stoppedIn']): number {
    this.stoppedIn = stoppedIn;
    return rowStart;
  }

  private learnRow(cells: number): void {
    this.triedQuickRow = true;
    if (cells > 1 && cells <= MAX_QUICK_CELLS) this.quickRow = quickRowOf(cells);
  }

  /** Parses whole rows of `input` from `start` (a row start) on; returns how far it got (the start of the unfinished row). */
  private rows(input: string, start: number, final: boolean, sink: RowViewSink): number {
    const length = input.length;
    let rowStart = start;
    let pos = start;
    const cells = this.cells;
    cells.length = 0;
    let newlines = 0;
    let broken = false;
    for (;;) {
      // pos is at the start of a cell.
      let rowEnds = false;
      if (cells.length === 0 && this.quickRow !== null) {
        pos = this.quickRows(this.quickRow, input, pos, sink);
        rowStart = pos;
        if (pos >= length) return length;
      }
      if (pos < length && input.charCodeAt(pos) === QUOTE) {
        // A quoted cell: papaparse's search for its closing quote, step for step.
        let quote = pos;
        let next: number;
        for (;;) {
          quote = input.indexOf('"', quote + 1);
          if (quote === -1) {
            if (!final) return this.stop(rowStart, broken ? 'broken quote' : 'quote');
            this.problem = quoteProblem(this.fileName, this.line, broken ? 'InvalidQuotes' : 'MissingQuotes');
            return length;
          }
          if (quote === length - 1) {
            if (!final) return this.stop(rowStart, broken ? 'broken quote' : 'quote');
            next = length;
            rowEnds = true;
            break;
          }
          if (input.charCodeAt(quote + 1) === QUOTE) {
            quote++;
            continue;
          }
          const nextComma = input.indexOf(',', quote + 1);
          const nextNewline = input.indexOf('\n', quote + 1);
          const checkUpTo = nextNewline === -1 ? nextComma : Math.min(nextComma, nextNewline);
          const spaces = extraSpaces(input, quote, checkUpTo);
          if (input.charCodeAt(quote + 1 + spaces) === COMMA) {
            next = quote + 2 + spaces;
            break;
          }
          const spacesBeforeNewline = extraSpaces(input, quote, nextNewline);
          if (input.charCodeAt(quote + 1 + spacesBeforeNewline) === NEWLINE) {
            next = quote + 2 + spacesBeforeNewline;
            rowEnds = true;
            break;
          }
          // Text after a closing quote: the row is broken, but papaparse reads on for a quote that closes.
          broken = true;
          quote++;
        }
        let cell = input.slice(pos + 1, quote);
        if (cell.indexOf('"') !== -1) cell = cell.replace(/""/g, '"');
        for (let at = cell.indexOf('\n'); at !== -1; at = cell.indexOf('\n', at + 1)) newlines++;
        cells.push(cell);
        pos = next;
      } else {
        let i = pos;
        let c = 0;
        while (i < length && (c = input.charCodeAt(i)) !== COMMA && c !== NEWLINE) i++;
        if (i === length) {
          if (!final) return this.stop(rowStart, broken ? 'broken quote' : 'cell');
          cells.push(input.slice(pos, length));
          pos = length;
          rowEnds = true;
        } else {
          cells.push(input.slice(pos, i));
          pos = i + 1;
          rowEnds = c === NEWLINE;
        }
      }
      if (!rowEnds) continue;
      if (broken) {
        this.problem = quoteProblem(this.fileName, this.line, 'InvalidQuotes');
        return length;
      }
      if (pos - rowStart > MAX_ROW_CHARS) {
        this.problem = rowTooLong(this.fileName, this.line);
        return length;
      }
      const last = cells.length - 1;
      const lastCell = cells[last]!;
      if (lastCell.charCodeAt(lastCell.length - 1) === CARRIAGE_RETURN) cells[last] = lastCell.slice(0, -1);
      if (this.quickRow === null && !this.triedQuickRow) this.learnRow(cells.length);
      sink(cells, 0, this.line, true);
      this.line += 1 + newlines;
      cells.length = 0;
      newlines = 0;
      rowStart = pos;
      if (pos >= length) return length;
    }
  }
}

/**
 * Rows are read a character at a time only until the file shows how many cells a row has. From then on a row
 * of that many cells without any quote is taken in one step of the regular expression engine, which is
 * twice as fast as the loop (and splits exactly as it does); any other row still goes through the loop.
 */
const MAX_QUICK_CELLS = 16;
const quickRows = new Map<number, RegExp>();

function quickRowOf(cells: number): RegExp {
  let regex = quickRows.get(cells);
  if (!regex) quickRows.set(cells, (regex = new RegExp(`([^,"\\n]*)${',([^,"\\n]*)'.repeat(cells - 1)}\\n`, 'y')));
  return regex;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at === -1 ? text.length : at;
}

function copying(sink: RowSink): RowViewSink {
  return (cells, first, line) => sink(cells.slice(first), line);
}

/** papaparse's extraSpaces: how much nothing-but-whitespace (as String.trim sees it) lies between a closing quote and `index`. */
function extraSpaces(input: string, quote: number, index: number): number {
  if (index === -1) return 0;
  const between = input.substring(quote + 1, index);
  return between !== '' && between.trim() === '' ? between.length : 0;
}

/** The text of a CSV file in chunks for the tokenizer: UTF-8 without byte order mark, old Mac line ends made "\n". */
export function csvText(input: Readable, fileName: string, tokenizer?: CsvTokenizer): AsyncIterable<string> {
  return carriageReturnsAsNewlines(textChunks(input, fileName, tokenizer ? () => tokenizer.lineAfterWaiting() : undefined));
}

function quoteProblem(fileName: string, line: number, code: 'MissingQuotes' | 'InvalidQuotes' | 'TooLongQuotes'): FormatError {
  const what =
    code === 'MissingQuotes'
      ? 'a quoted cell starts here but its closing quote (") is missing, so the rest of the file would be read as one cell'
      : code === 'TooLongQuotes'
        ? `a quoted cell starts here and runs on for longer than ${LIMIT_WORDS} without closing, far longer than any row of data values: ` +
          'either its closing quote (") is missing, or the cell holds far more than a value or comment can'
        : 'a quoted cell is followed by more text before the next comma; write a quote inside a quoted cell as two quotes ("")';
  const todo = code === 'TooLongQuotes' ? 'Correct the quotes (or shorten the cell)' : 'Correct the quotes';
  return new FormatError('CSV_QUOTES', `${at(fileName, line)}: ${what}. ${todo} and import the file again.`, { file: fileName, line });
}

const LIMIT_WORDS = `${formatBytes(MAX_ROW_CHARS)} of text`;

function rowTooLong(fileName: string, line: number): FormatError {
  return new FormatError(
    'CSV_ROW_TOO_LONG',
    `${at(fileName, line)}: this row is longer than ${LIMIT_WORDS}, far longer than any row of data values (rows end at a line end). ` +
      'Check that this is a CSV file of data values with one value per line, and import it again.',
    { file: fileName, line },
  );
}

/**
 * Old Mac files end lines with a lone "\r"; those become "\n". Windows "\r\n" is left alone (rows split on
 * "\n" and the "\r" is dropped from the row's last cell), so line breaks inside quoted cells keep their own form.
 */
async function* carriageReturnsAsNewlines(chunks: AsyncIterable<string>): AsyncGenerator<string, void, undefined> {
  let mode: 'unknown' | 'lf' | 'cr' = 'unknown';
  // A "\r" that ends a chunk, held until the next shows whether a "\n" follows. Text before the first line end is
  // passed on as it comes (it has no "\r" to change): holding it all would keep, and search again at every chunk,
  // the whole of a file that has no line end.
  let held = '';
  for await (const chunk of chunks) {
    let text = chunk;
    if (mode === 'unknown') {
      text = held + chunk;
      held = '';
      const cr = text.indexOf('\r');
      const lf = text.indexOf('\n');
      if (lf === -1 && cr === -1) {
        if (text) yield text;
        continue;
      }
      if (lf === -1 && cr === text.length - 1) {
        held = '\r';
        if (text.length > 1) yield text.slice(0, -1);
        continue;
      }
      mode = cr !== -1 && (lf === -1 || cr < lf) && text[cr + 1] !== '\n' ? 'cr' : 'lf';
    }
    yield mode === 'cr' ? text.replace(/\r/g, '\n') : text;
  }
  if (held) yield '\n';
}
