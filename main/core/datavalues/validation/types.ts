import type { ImportSummary } from '../../../../shared/import-summary';
import type { ImportDataParams } from '../../../../shared/data-import';
import type { MetadataIndex } from '../../metadata';
import type { DataValueFormat, DataValueSetHeader } from '../types';

/**
 * DHIS2 import options that ImportDataParams does not (yet) carry. All default to false, as in DHIS2;
 * a server's system settings can switch the strict ones on for every import, which offline metadata
 * does not show.
 */
export interface StrictOptions {
  strictPeriods?: boolean;
  strictDataElements?: boolean;
  strictCategoryOptionCombos?: boolean;
  strictAttributeOptionCombos?: boolean;
  strictOrganisationUnits?: boolean;
  strictDataSetLocking?: boolean;
  strictDataSetInputPeriods?: boolean;
  strictDataSetApproval?: boolean;
  requireCategoryOptionCombo?: boolean;
  requireAttributeOptionCombo?: boolean;
}

export interface ValidationContext {
  index: MetadataIndex;
  header: DataValueSetHeader;
  params: ImportDataParams;
  fileName: string;
  /** The format the records were read from; otherwise taken from params.format, then the file name. */
  format?: DataValueFormat;
  /** The server's "today" (expiry, future and input periods); now when absent. */
  today?: Date;
  /** Who imports: when the metadata describes another user, that is said among the unchecked. */
  username?: string;
  /** The server's calendar (`keyCalendar`); ISO 8601 when absent. */
  calendar?: string;
  options?: StrictOptions;
  /** How many indexes and lines a conflict (and the rejected list) keeps; 10,000 when absent. */
  indexCap?: number;
}

/** The same data element, period, org unit and option combos more than once in the file. */
export interface DuplicateValue {
  dataElement: string;
  period: string;
  orgUnit: string;
  categoryOptionCombo: string;
  attributeOptionCombo: string;
  /** 0-based record indexes: the first occurrence, then this one. */
  indexes: [number, number];
  lines: [number, number];
}

export interface DuplicateReport {
  /** Values that repeat an earlier value's key (a value seen three times counts twice). */
  count: number;
  /** The first ones, up to the cap. */
  examples: DuplicateValue[];
  /** What the server does with them, in words. */
  explanation: string;
}

/** Something worth saying that DHIS2 would not report as a conflict (or would fail on as a whole). */
export interface ValidationNotice {
  kind: 'ambiguous-identifier' | 'import-would-fail' | 'unknown-value-type' | 'metadata-gap';
  message: string;
  count: number;
  /** 0-based record indexes and file lines of the first values concerned. */
  indexes: number[];
  lines: number[];
}

/** The summary DHIS2 2.41 is predicted to return, plus what could and could not be checked offline. */
export interface ValidationResult {
  summary: ImportSummary & { predicted: true; rejectedCount: number };
  /** Records read (ADX values that fail conversion included). */
  checked: number;
  duplicates: DuplicateReport;
  notices: ValidationNotice[];
  /** Checks that could not be made offline, each with why. */
  unchecked: string[];
  /** How the import count was predicted (existing values on the server are unknown offline). */
  countAssumption: string;
  /** True when the server would stop before the values (status ERROR). */
  aborted: boolean;
}
