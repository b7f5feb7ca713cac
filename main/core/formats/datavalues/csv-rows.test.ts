import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import type { FormatError } from '../format-error';
import { collect } from '../test-support';
import { CsvTokenizer, MAX_ROW_CHARS, csvText } from './csv-rows';
import { readDataValues } from './read';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../e2e/fixtures/datavalues');
const CSV_FIXTURES = ['csv', 'v2.41'].flatMap((folder) =>
  readdirSync(join(FIXTURES, folder))
    .filter((name) => name.endsWith('.csv'))
    .map((name) => join(FIXTURES, folder, name)),
);

interface Rows {
  rows: { line: number; cells: string[] }[];
  problem: { code: string; line: number | undefined; message: unknown } | null;
}

/** The tokenizer over bytes handed over in pieces of `size` (as a file read in chunks would be). */
async function tokenize(bytes: Buffer, size: number): Promise<Rows> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  const rows: Rows['rows'] = [];
  const sink = (cells: string[], first: number, line: number) => rows.push({ line, cells: cells.slice(first) });
  const tokenizer = new CsvTokenizer('values.csv');
  let problem: FormatError | null = null;
  for await (const text of csvText(Readable.from(pieces), 'values.csv')) {
    problem = tokenizer.feedViews(text, sink);
    if (problem) break;
  }
  problem ??= tokenizer.endViews(sink);
  return { rows, problem: problem && { code: problem.code, line: problem.line, message: problem.message } };
}

/**
 * What papaparse (which read these files before the tokenizer) makes of the whole text at once: its rows
 * with the "\r" of a "\r\n" dropped from the last cell, each with its line, up to its first error.
 */
function papaparse(text: string): Rows {
  const result = Papa.parse<string[]>(text, { delimiter: ',', newline: '\n', quoteChar: '"' });
  const broken = result.errors[0]?.row;
  const rows: Rows['rows'] = [];
  let line = 1;
  for (let i = 0; i < result.data.length && i !== broken; i++) {
    const cells = [...result.data[i]!];
    const last = cells.length - 1;
    if (cells[last]!.endsWith('\r')) cells[last] = cells[last]!.slice(0, -1);
    rows.push({ line, cells });
    line += 1 + cells.join('').split('\n').length - 1;
  }
  // papaparse ends with a row for the nothing after the last line end (blank rows are skipped by the reader anyway).
  if (broken === undefined && text.endsWith('\n')) rows.pop();
  return { rows, problem: broken === undefined ? null : { code: 'CSV_QUOTES', line, message: expect.any(String) } };
}

/** Seeded so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('CSV tokenizer', () => {
  it.each(CSV_FIXTURES.map((path) => [path.slice(FIXTURES.length + 1), path]))(
    'reads %s as papaparse does, whatever the chunk size, also with a BOM and with Windows line ends',
    async (_name, path) => {
      const text = readFileSync(path, 'utf8');
      const variants = [text, text.replace(/\n/g, '\r\n')];
      for (const variant of variants) {
        const expected = papaparse(variant);
        expect(expected.rows.length).toBeGreaterThan(1);
        for (const bytes of [Buffer.from(variant), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(variant)])]) {
          for (const size of [1, 2, 7, 64, 65536]) expect(await tokenize(bytes, size)).toEqual(expected);
        }
      }
    },
  );

  it('reads old Mac line ends (a lone "\\r") as line ends, inside quoted cells too', async () => {
    const text = readFileSync(join(FIXTURES, 'csv', 'dataValueSetB.csv'), 'utf8').replace(/\n/g, '\r');
    const expected = papaparse(text.replace(/\r/g, '\n'));
    for (const size of [1, 5, 65536]) expect(await tokenize(Buffer.from(text), size)).toEqual(expected);
    expect((await tokenize(Buffer.from('a,"x\ry"\rb,c\r'), 3)).rows).toEqual([
      { line: 1, cells: ['a', 'x\ny'] },
      { line: 3, cells: ['b', 'c'] },
    ]);
  });

  it('keeps commas, line breaks and doubled quotes inside quoted cells, and counts the lines they span', async () => {
    const text = 'de,value,comment\r\n"a,1","say ""hi""","two\nlines"\r\n"b",2,"three\r\nline\nbreaks"\nc,3,plain "quote" inside\n';
    for (const size of [1, 4, 65536]) {
      expect(await tokenize(Buffer.from(text), size)).toEqual({
        rows: [
          { line: 1, cells: ['de', 'value', 'comment'] },
          { line: 2, cells: ['a,1', 'say "hi"', 'two\nlines'] },
          { line: 4, cells: ['b', '2', 'three\r\nline\nbreaks'] },
          { line: 7, cells: ['c', '3', 'plain "quote" inside'] },
        ],
        problem: null,
      });
    }
  });

  it('takes whitespace between a closing quote and the comma or line end, and a last row without line end', async () => {
    expect(await tokenize(Buffer.from('"a"  ,"b"\t\r\n"c" \n"d","e"'), 3)).toEqual({
      rows: [
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['c'] },
        { line: 3, cells: ['d', 'e'] },
      ],
      problem: null,
    });
  });

  it('stops at the row where text follows a closing quote, or where a quote is never closed, after the rows before', async () => {
    const junk = await tokenize(Buffer.from('a,b\n"c\nd"x,e\nf,g\n'), 2);
    expect(junk.rows).toEqual([{ line: 1, cells: ['a', 'b'] }]);
    expect(junk.problem).toMatchObject({ code: 'CSV_QUOTES', line: 2, message: expect.stringContaining('followed by more text') });
    const open = await tokenize(Buffer.from('a,b\nc,d\ne,"never closed\nf,g\n'), 5);
    expect(open.rows).toHaveLength(2);
    expect(open.problem).toMatchObject({ code: 'CSV_QUOTES', line: 3, message: expect.stringContaining('closing quote (") is missing') });
  });

  it('gives up on an unclosed quote once it has swallowed more than any row could hold', async () => {
    const tokenizer = new CsvTokenizer('values.csv');
    const rows: string[][] = [];
    let problem: FormatError | null = tokenizer.feed('a,b\n"', (cells) => rows.push(cells));
    const filler = 'x'.repeat(1024 * 1024);
    for (let i = 0; i <= MAX_ROW_CHARS / filler.length && !problem; i++) problem = tokenizer.feed(filler, (cells) => rows.push(cells));
    expect(rows).toEqual([['a', 'b']]);
    expect(problem).toMatchObject({ code: 'CSV_QUOTES', line: 2 });
  });

  it('reads random mixes of quotes, commas, spaces and line ends exactly as papaparse does', async () => {
    const next = random(20_241);
    const atoms = ['a', 'bc', ',', ',', '"', '""', '\n', '\r\n', ' ', '\t', '"q"', ' "', '" ', '",', '"\n', '\u00a0', 'é', '😀', '"a,b"', ',,'];
    for (let run = 0; run < 3000; run++) {
      let text = '';
      const count = 1 + Math.floor(next() * 30);
      for (let i = 0; i < count; i++) text += atoms[Math.floor(next() * atoms.length)];
      // Old Mac files are recognised by their first line end; keep to "\n" files here, as papaparse would need them converted.
      if (/^[^\n]*\r(?!\n)/.test(text)) continue;
      const expected = papaparse(text);
      const got = await tokenize(Buffer.from(text), 1 + Math.floor(next() * 9));
      expect({ text, ...got }).toEqual({ text, ...expected });
    }
  });
});

describe('CSV tokenizer on rows of a steady width (read in one step once the width is known)', () => {
  it('reads them exactly as papaparse does, with the odd quote, Windows line end, or row of another width among them', async () => {
    const next = random(7_919);
    const plain = ['a', '', 'bc', ' x ', 'é', '12.5'];
    const odd = ['"q,x"', 'c"d', '"a""b"', '" sp "  ', '\r', '"multi\nline"', 'x\ry'];
    for (let run = 0; run < 2000; run++) {
      const width = 1 + Math.floor(next() * 12);
      let text = '';
      for (let row = 1 + Math.floor(next() * 10); row > 0; row--) {
        const cells = Array.from({ length: next() < 0.85 ? width : 1 + Math.floor(next() * 13) }, () =>
          next() < 0.9 ? plain[Math.floor(next() * plain.length)]! : odd[Math.floor(next() * odd.length)]!,
        );
        text += cells.join(',') + (next() < 0.8 ? '\n' : next() < 0.5 ? '\r\n' : '');
      }
      if (/^[^\n]*\r(?!\n)/.test(text)) continue;
      expect({ text, ...(await tokenize(Buffer.from(text), 1 + Math.floor(next() * 40))) }).toEqual({ text, ...papaparse(text) });
    }
  });
});

describe('CSV tokenizer, plain hand-over', () => {
  it('gives every row an array of its own, from the first cell, with its line', () => {
    const tokenizer = new CsvTokenizer('values.csv');
    const rows: [string[], number][] = [];
    const sink = (cells: string[], line: number) => rows.push([cells, line]);
    expect(tokenizer.feed('a,b,c\nd,e,f\ng,"h\ni",j\nk,l,m\n', sink)).toBeNull();
    expect(tokenizer.end(sink)).toBeNull();
    expect(rows).toEqual([
      [['a', 'b', 'c'], 1],
      [['d', 'e', 'f'], 2],
      [['g', 'h\ni', 'j'], 3],
      [['k', 'l', 'm'], 5],
    ]);
    expect(new Set(rows.map(([cells]) => cells)).size).toBe(rows.length);
  });
});

describe('CSV data values', () => {
  const source = (text: string, firstRowIsHeader = true) =>
    readDataValues(() => Readable.from([Buffer.from(text)]), { format: 'csv', fileName: 'values.csv', firstRowIsHeader });

  it('finds columns by header name in any order, with quoted and space-padded header cells', async () => {
    const read = await source('\ufeff "VALUE" ,  "orgUnit",period,dataElement,comment\r\n  7 , ou1 ,202401,"de1","a, ""quoted""\r\nnote"\r\n');
    expect(read.columnMode).toBe('by-name');
    const values = await collect(read.values());
    expect(values).toEqual([
      expect.objectContaining({ index: 0, line: 2, dataElement: 'de1', period: '202401', orgUnit: 'ou1', value: '7', comment: 'a, "quoted"\r\nnote' }),
    ]);
  });

  it('reads by position without a header, and by position when a header cell is unknown', async () => {
    const noHeader = await source('de1,202401,ou1,coc1,aoc1,5,me,2024-01-02,c,true,false\n', false);
    expect(await collect(noHeader.values())).toEqual([
      {
        index: 0,
        line: 1,
        dataElement: 'de1',
        period: '202401',
        orgUnit: 'ou1',
        categoryOptionCombo: 'coc1',
        attributeOptionCombo: 'aoc1',
        value: '5',
        storedBy: 'me',
        created: null,
        lastUpdated: '2024-01-02',
        comment: 'c',
        followup: true,
        deleted: false,
      },
    ]);
    const unknownHeader = await source('de,pe,ou,coc,aoc,value\nde1,202401,ou1,,,5\n');
    expect(unknownHeader.columnMode).toBe('positional');
    expect((await collect(unknownHeader.values())).map((v) => [v.line, v.dataElement, v.value])).toEqual([[2, 'de1', '5']]);
  });

  it('hands every value over in batches that add up to the values one by one', async () => {
    const text = 'dataelement,period,orgunit,value\n' + Array.from({ length: 5000 }, (_, i) => `de${i},202401,ou1,${i}\n`).join('');
    const bytes = Buffer.from(text);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => bytes.subarray(i * 1000, (i + 1) * 1000));
    const read = await readDataValues(() => Readable.from(pieces), { format: 'csv', fileName: 'v.csv' });
    const batches = await collect(read.batches());
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(await collect(read.values()));
    expect(batches.flat().map((v) => v.index)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});

describe('CsvTokenizer row views', () => {
  it('says a row is spaced exactly when it has a space or a tab, whatever the pieces', async () => {
    const rows: string[] = ['a,b,c'];
    for (let i = 0; i < 500; i++) {
      const kind = (i * 7919) % 11;
      rows.push(kind === 0 ? `x ${i},y,z` : kind === 1 ? `x,y\t${i},z` : kind === 2 ? ` ${i}\t, , ` : kind === 3 ? `"q ${i}",r,s` : `x${i},y,z`);
    }
    const text = rows.join('\n') + '\n';
    for (const size of [7, 64, 1000, text.length]) {
      const seen: { line: number; spaced: boolean; cells: string[] }[] = [];
      const tokenizer = new CsvTokenizer('values.csv');
      for (let at = 0; at < text.length; at += size) {
        expect(
          tokenizer.feedViews(text.slice(at, at + size), (cells, first, line, spaced) => seen.push({ line, spaced, cells: cells.slice(first) })),
        ).toBeNull();
      }
      expect(tokenizer.endViews(() => undefined)).toBeNull();
      expect(seen.map((row) => row.line)).toEqual(rows.map((_, i) => i + 1));
      for (const row of seen) {
        // Rows read by the loop (the first, quoted ones) are always trimmed; rows read in one step say whether they need it.
        const written = rows[row.line - 1]!;
        if (row.spaced === false) expect(/[ \t]/.test(written)).toBe(false);
        else if (!written.includes('"') && row.line > 1) expect(/[ \t]/.test(written)).toBe(true);
      }
    }
  });
});

describe('CSV row length limit, however the text arrives', () => {
  /** `total` characters of `piece` repeated, after `start`, as a stream of `size`-byte pieces made only as they are read. */
  function stream(start: string, piece: string, size: number, total: number): { input: Readable; made: () => number } {
    let made = 0;
    const unit = Buffer.from(piece.repeat(Math.ceil(size / piece.length)).slice(0, size));
    async function* pieces(): AsyncGenerator<Buffer, void, undefined> {
      yield Buffer.from(start);
      for (made = 0; made < total; made += size) yield unit;
    }
    return { input: Readable.from(pieces(), { objectMode: false, highWaterMark: 1 }), made: () => made };
  }

  async function firstProblem(input: Readable): Promise<{ rows: number; problem: FormatError | null }> {
    const tokenizer = new CsvTokenizer('values.csv');
    let rows = 0;
    const sink = () => void rows++;
    let problem: FormatError | null = null;
    for await (const text of csvText(input, 'values.csv')) {
      problem = tokenizer.feedViews(text, sink);
      if (problem) break;
    }
    input.destroy();
    return { rows, problem: problem ?? tokenizer.endViews(sink) };
  }

  it('stops a file of 64 MB without any line end, fed in 1 KB pieces, soon after the limit, naming the line', async () => {
    const { input, made } = stream('', 'x', 1024, 64 * 1024 * 1024);
    const { rows, problem } = await firstProblem(input);
    expect(rows).toBe(0);
    expect(problem).toMatchObject({ code: 'CSV_ROW_TOO_LONG', line: 1 });
    expect(problem?.message).toMatch(/^"values\.csv" line 1: this row is longer than 4 MiB/);
    // Read no further than the limit and a little more: nothing else of the file was held or scanned.
    expect(made()).toBeLessThan(MAX_ROW_CHARS * 2);
  });

  it('stops a row without line end after a header just the same, on its own line', async () => {
    const { input, made } = stream('de,pe,ou,coc,aoc,value\r\n', 'abc,', 1000, 64 * 1024 * 1024);
    const { rows, problem } = await firstProblem(input);
    expect(rows).toBe(1);
    expect(problem).toMatchObject({ code: 'CSV_ROW_TOO_LONG', line: 2 });
    expect(made()).toBeLessThan(MAX_ROW_CHARS * 2);
  });

  it('stops an open quoted cell full of doubled quotes, fed in small pieces, soon after the limit', async () => {
    const { input, made } = stream('a,b\n"', 'ab""', 512, 64 * 1024 * 1024);
    const { rows, problem } = await firstProblem(input);
    expect(rows).toBe(1);
    expect(problem).toMatchObject({ code: 'CSV_QUOTES', line: 2 });
    expect(made()).toBeLessThan(MAX_ROW_CHARS * 2);
  });

  it('refuses a whole row longer than the limit even when it arrives in one piece', () => {
    const tokenizer = new CsvTokenizer('values.csv');
    const rows: number[] = [];
    const sink = (_cells: string[], line: number) => void rows.push(line);
    const problem = tokenizer.feed(`a,b\nc,${'d'.repeat(MAX_ROW_CHARS)}\ne,f\n`, sink);
    expect(rows).toEqual([1]);
    expect(problem).toMatchObject({ code: 'CSV_ROW_TOO_LONG', line: 2 });
    const quick = new CsvTokenizer('values.csv');
    // Rows of a learnt width are taken in one step; the limit holds for them too.
    const later = quick.feed(`a,b\nc,d\ne,${'f'.repeat(MAX_ROW_CHARS)}\n`, sink);
    expect(later).toMatchObject({ code: 'CSV_ROW_TOO_LONG', line: 3 });
  });

  it('says of a quoted cell longer than the limit that it is too long, not only that its closing quote is missing', async () => {
    // A closed cell of 8 MB: when the limit is reached, whether it closes is not yet known, so both are said.
    const bytes = Buffer.from(`de,value\nx,"${'v'.repeat(8 * 1024 * 1024)}"\ny,2\n`);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
    const { problem } = await firstProblem(Readable.from(pieces));
    expect(problem).toMatchObject({ code: 'CSV_QUOTES', line: 2 });
    expect(problem?.message).toContain('longer than 4 MiB');
    expect(problem?.message).not.toMatch(/its closing quote \("\) is missing, so/);
    // Read in one piece, the cell is seen to close: the row is simply too long.
    const whole = await firstProblem(Readable.from([bytes]));
    expect(whole.problem).toMatchObject({ code: 'CSV_ROW_TOO_LONG', line: 2 });
  });
});
