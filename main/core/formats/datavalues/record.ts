import type { DataValueRecord } from '../../datavalues/types';

/** A record with nothing known yet but where it is. */
export function blankRecord(index: number, line: number): DataValueRecord {
  return new ValueRecord(index, line, null, null, null, null, null, null, null, null, null, null, null, null);
}

/**
 * A record made by a constructor, not an object literal: V8 watches a literal's allocation site, and when a young
 * collection happens to find most of a batch's records still alive (they are, until the batch is checked), it
 * starts making every later record in the old generation. A million records and their cells then go through full
 * collections, which made many CSV benchmark runs 40% slower. Constructed objects are not tracked that way.
 */
export class ValueRecord implements DataValueRecord {
  constructor(
    public index: number,
    public line: number,
    public dataElement: string | null,
    public period: string | null,
    public orgUnit: string | null,
    public categoryOptionCombo: string | null,
    public attributeOptionCombo: string | null,
    public value: string | null,
    public storedBy: string | null,
    public created: string | null,
    public lastUpdated: string | null,
    public comment: string | null,
    public followup: boolean | null,
    public deleted: boolean | null,
  ) {}
}

/** DHIS2 treats an empty string like an absent value (Jackson's EmptyStringToNull, `trimToNull` in the importers). */
export function emptyToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

/** Java's `Boolean.parseBoolean`: only "true", in any case, is true. Absent stays absent. */
export function parseJavaBoolean(value: string | null | undefined): boolean | null {
  if (value === undefined || value === null || value === '') return null;
  // The spellings files use, without making a lower-case copy of each.
  if (value === 'false') return false;
  if (value === 'true') return true;
  return value.toLowerCase() === 'true';
}

export type StringField =
  'dataElement' | 'period' | 'orgUnit' | 'categoryOptionCombo' | 'attributeOptionCombo' | 'value' | 'storedBy' | 'created' | 'lastUpdated' | 'comment';

export type BooleanField = 'followup' | 'deleted';
