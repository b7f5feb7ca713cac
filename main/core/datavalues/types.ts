/**
 * The in-memory shape of aggregate data values, shared by the format readers/writers
 * (main/core/formats/datavalues), offline validation and the import job. Identifiers are kept
 * exactly as the file wrote them (under whatever id scheme); resolving them is validation's job.
 */

export const DATA_VALUE_FORMATS = ['json', 'csv', 'xml', 'adx', 'pdf'] as const;
export type DataValueFormat = (typeof DATA_VALUE_FORMATS)[number];

/** DHIS2 id scheme names as written in files and parameters: UID, CODE, NAME or ATTRIBUTE:<uid> (case-insensitive on input). */
export interface IdSchemes {
  idScheme?: string;
  dataElementIdScheme?: string;
  orgUnitIdScheme?: string;
  categoryOptionComboIdScheme?: string;
  dataSetIdScheme?: string;
  categoryIdScheme?: string;
  categoryOptionIdScheme?: string;
  attributeOptionComboIdScheme?: string;
}

/** Set-level fields (DXF2 root attributes/keys). DHIS2 2.41: header period/orgUnit/attributeOptionCombo override the values' own. */
export interface DataValueSetHeader {
  dataSet: string | null;
  completeDate: string | null;
  period: string | null;
  orgUnit: string | null;
  attributeOptionCombo: string | null;
  attributeCategoryOptions: string[] | null;
  idSchemes: IdSchemes;
  dryRun: boolean | null;
  importStrategy: string | null;
}

export interface DataValueRecord {
  /** 0-based position among the values of the payload: DHIS2's conflict `indexes`. */
  index: number;
  /** 1-based line of the source file where this value starts (0 where a format has no lines, e.g. PDF). */
  line: number;
  dataElement: string | null;
  period: string | null;
  orgUnit: string | null;
  categoryOptionCombo: string | null;
  attributeOptionCombo: string | null;
  value: string | null;
  storedBy: string | null;
  created: string | null;
  lastUpdated: string | null;
  comment: string | null;
  followup: boolean | null;
  deleted: boolean | null;
  /** ADX: category identifier -> option identifier, given instead of a categoryOptionCombo. */
  categoryOptions?: Record<string, string>;
  /** ADX: attribute category identifier -> option identifier, given instead of an attributeOptionCombo. */
  attributeOptions?: Record<string, string>;
  /** ADX group-level fields copied onto each of its values. */
  dataSet?: string | null;
  completeDate?: string | null;
}

export function emptyHeader(): DataValueSetHeader {
  return {
    dataSet: null,
    completeDate: null,
    period: null,
    orgUnit: null,
    attributeOptionCombo: null,
    attributeCategoryOptions: null,
    idSchemes: {},
    dryRun: null,
    importStrategy: null,
  };
}
