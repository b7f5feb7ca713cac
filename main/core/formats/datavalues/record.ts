import type { DataValueRecord } from '../../datavalues/types';

/** A record with nothing known yet but where it is. */
export function blankRecord(index: number, line: number): DataValueRecord {
  return {
    index,
    line,
    dataElement: null,
    period: null,
    orgUnit: null,
    categoryOptionCombo: null,
    attributeOptionCombo: null,
    value: null,
    storedBy: null,
    created: null,
    lastUpdated: null,
    comment: null,
    followup: null,
    deleted: null,
  };
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
