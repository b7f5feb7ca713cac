import { AppError } from '../errors';

export interface FormatErrorPlace {
  /** The name the user knows the file by (not a path on this machine). */
  file?: string;
  /** 1-based line of the file where the problem is. */
  line?: number;
  /** The field, column or attribute concerned. */
  field?: string;
}

/**
 * A file we cannot read as it is. The message names the file (and line) and says what to do, because it
 * is shown as is to a health data officer; `code` is stable for programs and tests.
 */
export class FormatError extends AppError {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;

  constructor(code: string, message: string, place: FormatErrorPlace = {}) {
    super(code, message, definedOnly(place));
    this.name = 'FormatError';
    if (place.file !== undefined) this.file = place.file;
    if (place.line !== undefined) this.line = place.line;
    if (place.field !== undefined) this.field = place.field;
  }
}

/** `"ANC.csv" line 12` — the prefix of every message about a place in a file. */
export function at(file: string, line?: number): string {
  return line === undefined || line <= 0 ? `"${file}"` : `"${file}" line ${line}`;
}

function definedOnly(place: FormatErrorPlace): FormatErrorPlace {
  const out: FormatErrorPlace = {};
  if (place.file !== undefined) out.file = place.file;
  if (place.line !== undefined) out.line = place.line;
  if (place.field !== undefined) out.field = place.field;
  return out;
}
