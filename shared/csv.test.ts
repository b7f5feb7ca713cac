import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, spreadsheetSafe } from './csv';

describe('spreadsheet-safe CSV cells', () => {
  it.each(['=HYPERLINK("http://x","y")', '+cmd|calc', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('guards %j so it is read as text', (text) => {
    expect(spreadsheetSafe(text)).toBe(`'${text}`);
  });

  it.each(['-5', '+3.2', '-0.5e3', 'ANC 1st visit', '', "O'Brien", '1=1'])('leaves %j alone', (text) => {
    expect(spreadsheetSafe(text)).toBe(text);
  });

  it('quotes commas, quotes, line breaks and outer spaces, after the guard', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(12)).toBe('12');
  });

  it('ends rows with CRLF', () => {
    expect(csvRow(['E7610', '=x', 3])).toBe("E7610,'=x,3\r\n");
  });
});
