import type { Readable } from 'node:stream';
import { FormatError, at } from '../format-error';
import { textChunks } from '../text-chunks';

/**
 * No legitimate row is this long (DHIS2 caps values and comments far below it). Past it, an opening quote
 * that is never closed is swallowing the rest of the file, which would otherwise all be held in memory.
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
  private partial = '';
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

  /** The end of the file: the last row, even without a line end. */
  end(sink: RowSink): FormatError | null {
    return this.endViews(copying(sink));
  }

  /** feed, handing over views of the rows (see RowViewSink). */
  feedViews(text: string, sink: RowViewSink): FormatError | null {
    if (this.problem) return this.problem;
    let input = text;
    let from = 0;
    if (this.partial !== '') {
      // The row cut off at the end of the last text: read it from the two joined up to the first line end only. Joining
      // the whole text would copy every chunk once more (the engine flattens the joined string before matching).
      const lineEnd = text.indexOf('\n');
      if (lineEnd === -1) input = this.partial + text;
      else {
        const joined = this.partial + text.slice(0, lineEnd + 1);
        const used = this.rows(joined, 0, false, sink);
        if (this.problem) return this.problem;
        if (used === joined.length) from = lineEnd + 1;
        else {
          // A quoted line break carries the row on: go on in the whole joined text (its positions are those of `joined`).
          input = this.partial + text;
          from = used;
        }
      }
    }
    const used = this.rows(input, from, false, sink);
    this.partial = used === input.length ? '' : input.slice(used);
    if (!this.problem && this.partial.length > MAX_ROW_CHARS) this.problem = quoteProblem(this.fileName, this.line, 'MissingQuotes');
    return this.problem;
  }

  /** end, handing over a view of the row (see RowViewSink). */
  endViews(sink: RowViewSink): FormatError | null {
    if (this.problem) return this.problem;
    if (this.partial !== '') this.rows(this.partial, 0, true, sink);
    this.partial = '';
    return this.problem;
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
            if (!final) return rowStart;
            this.problem = quoteProblem(this.fileName, this.line, broken ? 'InvalidQuotes' : 'MissingQuotes');
            return length;
          }
          if (quote === length - 1) {
            if (!final) return rowStart;
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
          if (!final) return rowStart;
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
export function csvText(input: Readable, fileName: string): AsyncIterable<string> {
  return carriageReturnsAsNewlines(textChunks(input, fileName));
}

function quoteProblem(fileName: string, line: number, code: 'MissingQuotes' | 'InvalidQuotes'): FormatError {
  const what =
    code === 'MissingQuotes'
      ? 'a quoted cell starts here but its closing quote (") is missing, so the rest of the file would be read as one cell'
      : 'a quoted cell is followed by more text before the next comma; write a quote inside a quoted cell as two quotes ("")';
  return new FormatError('CSV_QUOTES', `${at(fileName, line)}: ${what}. Correct the quotes and import the file again.`, { file: fileName, line });
}

/**
 * Old Mac files end lines with a lone "\r"; those become "\n". Windows "\r\n" is left alone (rows split on
 * "\n" and the "\r" is dropped from the row's last cell), so line breaks inside quoted cells keep their own form.
 */
async function* carriageReturnsAsNewlines(chunks: AsyncIterable<string>): AsyncGenerator<string, void, undefined> {
  let mode: 'unknown' | 'lf' | 'cr' = 'unknown';
  let pending = '';
  for await (const chunk of chunks) {
    let text = chunk;
    if (mode === 'unknown') {
      pending += chunk;
      const cr = pending.indexOf('\r');
      const lf = pending.indexOf('\n');
      if (lf === -1 && (cr === -1 || cr === pending.length - 1)) continue;
      mode = cr !== -1 && (lf === -1 || cr < lf) && pending[cr + 1] !== '\n' ? 'cr' : 'lf';
      text = pending;
      pending = '';
    }
    yield mode === 'cr' ? text.replace(/\r/g, '\n') : text;
  }
  if (pending) yield pending.replace(/\r$/, '\n');
}
