/** Where commands print, so tests can capture it without touching process.stdout. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/**
 * What a terminal acts on instead of showing: C0 controls (ESC starts the sequences that clear the
 * screen or retitle the window), DEL, C1 controls (0x9b is a one-byte CSI), line and paragraph separators,
 * and the bidirectional overrides that make text read differently from what it is.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above, and tab and line feed too: inside a value they are not layout
const CONTROLS_IN_VALUE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text as printed: controls shown as \x1b and the like; tabs and line breaks kept, they lay the output out. */
export function neutralise(text: string): string {
  return text.replace(CONTROLS, visible);
}

/** One value (a title, a name, a message from a file) on one line: its line breaks and tabs are shown, not acted on. */
export function inline(value: string): string {
  return value.replace(CONTROLS_IN_VALUE, visible);
}

/** Every line a command prints goes through here: text from files and bundles never reaches the terminal raw. */
export function neutralisingOutput(output: Output): Output {
  return { out: (text) => output.out(neutralise(text)), err: (text) => output.err(neutralise(text)) };
}

/** Once whoever reads stdout has gone (`dhis2-ie jobs | head`), the rest is dropped quietly, as Unix tools do. */
let stdoutClosed = false;

export function closeStdout(): void {
  stdoutClosed = true;
}

export const processOutput: Output = {
  out: (text) => void (stdoutClosed || process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** What JSON.stringify leaves raw of the controls above (it escapes C0 itself); outside strings JSON has none of them. */
const CONTROLS_LEFT_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** \u escapes keep the value and the JSON valid. */
export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 2).replace(CONTROLS_LEFT_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** A plain aligned table; long cells are cut so a row stays on one terminal line. */
export function table(rows: string[][], maxCell = 48): string {
  if (rows.length === 0) return '';
  const shown = rows.map((row) => row.map(inline));
  const cut = shown.map((row) => row.map((cell) => (cell.length > maxCell ? `${cell.slice(0, maxCell - 1)}…` : cell)));
  const widths = cut[0]!.map((_, column) => Math.max(...cut.map((row) => (row[column] ?? '').length)));
  return cut
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function localTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}
