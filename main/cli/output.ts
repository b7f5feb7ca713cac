/** Where commands print, so tests can capture it without touching process.stdout. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 2));
}

/** A plain aligned table; long cells are cut so a row stays on one terminal line. */
export function table(rows: string[][], maxCell = 48): string {
  if (rows.length === 0) return '';
  const cut = rows.map((row) => row.map((cell) => (cell.length > maxCell ? `${cell.slice(0, maxCell - 1)}…` : cell)));
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
