import type { DataValueRecord } from './types';

/** Set-level fields a part carries besides its values. */
export interface PartSet {
  dataSet?: string | null;
  completeDate?: string | null;
}

/** What one part's POST carries: its format, its text (gzipped by the caller) and the parameters its format needs. */
export interface PartBody {
  format: 'csv' | 'json';
  text: string;
  params: Record<string, string>;
}

/**
 * The longest field sent as CSV. 2.41 reads CSV with javacsv, whose safety switch refuses a column over
 * 100,000 characters; DHIS2's own comment limit is 50,000 (E7620), so a longer field goes as JSON, where
 * the server says E7620 about it.
 */
const MAX_CSV_FIELD = 50_000;
/**
 * A field CSV might read differently from JSON: a line break (javacsv and proxies), whitespace at either end
 * (javacsv trims unquoted fields), or the word null (a CSV reader may take it for no value).
 */
const NOT_PLAIN = /[\r\n]|^\s|\s$|^null$/i;
/** Anything that needs a second look: one test per field on the common path (a plain id or number). */
const NOT_BARE = /[\r\n",]|^\s|\s$|^null$/i;
const NEEDS_QUOTES = /[",]/;

/**
 * A part as CSV when CSV says exactly what JSON would, else as DXF2 JSON. The server's CSV reader is about
 * five times cheaper than its JSON reader per value (2.41 binds a JSON document whole before importing;
 * the simulator reads it twice to do the same), and the CSV text is cheaper to build and smaller.
 * 2.41's CSV import has no completion date and reads the data set from the `dataSet` parameter, so a
 * part of a file with a completeDate goes as JSON; so does a part with a value CSV could not carry
 * as it is (no value: JSON's null and CSV's empty cell are read differently; see `NOT_PLAIN`).
 */
export function partBody(values: readonly DataValueRecord[], set?: PartSet): PartBody {
  const csv = set?.completeDate ? null : toCsv(values);
  if (csv !== null) return { format: 'csv', text: csv, params: set?.dataSet ? { dataSet: set.dataSet } : {} };
  return { format: 'json', text: JSON.stringify(toPayload(values, set)), params: {} };
}

/**
 * 2.41's positional CSV columns (CsvDataValueSetReader): data element, period, org unit, option combo,
 * attribute option combo, value, storedBy, lastUpdated (not read), comment, followup, deleted. The
 * first row is a header (firstRowIsHeader defaults to true). Null when a value cannot go as CSV.
 */
export function toCsv(values: readonly DataValueRecord[]): string | null {
  const rows: string[] = ['dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted'];
  for (const v of values) {
    // A value without data element, period or org unit: DHIS2 names the missing id in its conflict, as null from
    // JSON and as an empty string from CSV.
    if (!v.dataElement || !v.period || !v.orgUnit) return null;
    if (v.value === null || v.value === '' || v.categoryOptions || v.attributeOptions) return null;
    const de = field(v.dataElement);
    const pe = field(v.period);
    const ou = field(v.orgUnit);
    const coc = field(v.categoryOptionCombo);
    const aoc = field(v.attributeOptionCombo);
    const value = field(v.value);
    const storedBy = field(v.storedBy);
    const comment = field(v.comment);
    if (de === null || pe === null || ou === null || coc === null || aoc === null || value === null || storedBy === null || comment === null) return null;
    const followup = v.followup === null ? '' : String(v.followup);
    const deleted = v.deleted === null ? '' : String(v.deleted);
    rows.push(`${de},${pe},${ou},${coc},${aoc},${value},${storedBy},,${comment},${followup},${deleted}`);
  }
  rows.push('');
  return rows.join('\n');
}

/** The field as a CSV cell ('' for none); null when CSV could read it differently from JSON. */
function field(text: string | null): string | null {
  if (text === null) return '';
  if (text.length > MAX_CSV_FIELD) return null;
  if (!NOT_BARE.test(text)) return text;
  if (NOT_PLAIN.test(text)) return null;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** DXF2 JSON as DHIS2 reads it: values as strings, `followup` spelled as 2.41 reads it, nulls left out. */
export function toPayload(values: readonly DataValueRecord[], set?: PartSet): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  if (set?.dataSet) payload.dataSet = set.dataSet;
  if (set?.completeDate) payload.completeDate = set.completeDate;
  payload.dataValues = values.map((v) => {
    const out: Record<string, string | boolean> = {};
    if (v.dataElement !== null) out.dataElement = v.dataElement;
    if (v.period !== null) out.period = v.period;
    if (v.orgUnit !== null) out.orgUnit = v.orgUnit;
    if (v.categoryOptionCombo !== null) out.categoryOptionCombo = v.categoryOptionCombo;
    if (v.attributeOptionCombo !== null) out.attributeOptionCombo = v.attributeOptionCombo;
    if (v.value !== null) out.value = v.value;
    if (v.storedBy !== null) out.storedBy = v.storedBy;
    if (v.comment !== null) out.comment = v.comment;
    if (v.followup !== null) out.followup = v.followup;
    if (v.deleted !== null) out.deleted = v.deleted;
    return out;
  });
  return payload;
}
