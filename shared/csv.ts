/**
 * CSV cells for files people open in a spreadsheet. Values come from imported files and server
 * answers, so they are hostile: a cell that starts with = + - @ (or a tab or carriage return
 * before one) would run as a formula in Excel or LibreOffice ("CSV injection", OWASP). Such
 * cells get a leading apostrophe, which spreadsheets show as text and do not evaluate.
 * Plain numbers like -5 or +3.2 stay as they are: they are data, not formulas.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** RFC 4180: quote when needed, double the quotes inside; formula-guarded first. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  const text = spreadsheetSafe(value === null || value === undefined ? '' : String(value));
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV row, CRLF-terminated as RFC 4180 says. */
export function csvRow(values: readonly (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
