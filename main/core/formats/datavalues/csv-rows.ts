import Papa from 'papaparse';
import type { Readable } from 'node:stream';
import { FormatError, at } from '../format-error';
import { textChunks } from '../text-chunks';

export interface CsvRow {
  /** Cells as papaparse gives them: quotes removed, nothing trimmed. */
  cells: string[];
  /** 1-based physical line where the row starts. */
  line: number;
}

export interface CsvRowBatch {
  rows: CsvRow[];
  /** Set when the CSV breaks; `rows` still holds every row before the broken one. */
  problem: FormatError | null;
}

/**
 * No legitimate row is this long (DHIS2 caps values and comments far below it). Past it, an opening quote
 * that is never closed is swallowing the rest of the file, and papaparse would hold all of it in memory.
 */
export const MAX_ROW_CHARS = 4 * 1024 * 1024;

interface PapaError {
  code: string;
  row?: number;
}

interface PapaResult {
  data: string[][];
  errors: PapaError[];
  meta: { cursor: number };
}

/**
 * Rows of a CSV file with the line each starts on. papaparse's Node duplex stream drops its parse errors
 * and positions, both of which the user needs, so its parser is driven chunk by chunk here instead: each
 * chunk is parsed together with the unfinished row left from the one before. Rows end at "\n", so files
 * mixing Windows and Unix line ends (hand-edited exports) still split into rows.
 */
export async function* csvRows(input: Readable, fileName: string): AsyncGenerator<CsvRowBatch, void, undefined> {
  const parser = new Papa.Parser({ delimiter: ',', newline: '\n', quoteChar: '"' });
  let partial = '';
  let line = 1;
  const rowsOf = (result: PapaResult, final: boolean): CsvRowBatch => {
    const rows: CsvRow[] = [];
    const broken = result.errors.find((error) => final || (error.row !== undefined && error.row < result.data.length));
    for (let i = 0; i < result.data.length; i++) {
      const cells = result.data[i]!;
      if (broken && broken.row === i) return { rows, problem: quoteProblem(fileName, line, broken.code) };
      const last = cells.length - 1;
      if (cells[last]?.endsWith('\r')) cells[last] = cells[last]!.slice(0, -1);
      rows.push({ cells, line });
      line += 1 + countNewlines(cells);
    }
    return { rows, problem: broken ? quoteProblem(fileName, line, broken.code) : null };
  };
  for await (const text of carriageReturnsAsNewlines(textChunks(input, fileName))) {
    const aggregate = partial + text;
    const result = parser.parse(aggregate, 0, true) as PapaResult;
    partial = aggregate.slice(result.meta.cursor);
    const batch = rowsOf(result, false);
    if (!batch.problem && partial.length > MAX_ROW_CHARS) batch.problem = quoteProblem(fileName, line, 'MissingQuotes');
    yield batch;
    if (batch.problem) return;
  }
  if (partial !== '') yield rowsOf(parser.parse(partial, 0, false) as PapaResult, true);
}

function quoteProblem(fileName: string, line: number, code: string): FormatError {
  const what =
    code === 'MissingQuotes'
      ? 'a quoted cell starts here but its closing quote (") is missing, so the rest of the file would be read as one cell'
      : 'a quoted cell is followed by more text before the next comma; write a quote inside a quoted cell as two quotes ("")';
  return new FormatError('CSV_QUOTES', `${at(fileName, line)}: ${what}. Correct the quotes and import the file again.`, { file: fileName, line });
}

function countNewlines(cells: string[]): number {
  let count = 0;
  for (const cell of cells) {
    for (let at = cell.indexOf('\n'); at !== -1; at = cell.indexOf('\n', at + 1)) count++;
  }
  return count;
}

/**
 * Old Mac files end lines with a lone "\r"; those become "\n". Windows "\r\n" is left alone (papaparse
 * splits on "\n" and the "\r" is dropped from the row's last cell), so line breaks inside quoted cells
 * keep their own form.
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
