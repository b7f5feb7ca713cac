import type { PlacedOrgUnit } from '../../metadata';
import type { DataElement, DataSet } from '../../metadata/model';
import type { Period } from '../../periods';
import type { DataValueRecord } from '../types';

/*
 * What one value's identifiers resolved to, as the checks read it. Kept apart from import-run.ts (which
 * resolves them) and value-checks.ts (which reads them) so neither has to import the other's types.
 */

/** A data element with what every value of it asks: its data sets, and whether input periods matter. */
export interface ElementInfo {
  element: DataElement;
  dataSets: readonly DataSetInfo[];
  /** No data set of the element limits input periods (or it has none), so E7644 passes without a lookup. */
  alwaysInput: boolean;
}

export interface DataSetInfo {
  dataSet: DataSet;
  orgUnits: ReadonlySet<string>;
  /** Its attribute category combo (the default one when it names none). */
  combo: string | null;
  /** latestOpenFuturePeriod, once asked. */
  latestOpen: Period | null | undefined;
}

export interface OrgUnitInfo {
  unit: PlacedOrgUnit;
  /** In the importing user's capture hierarchy; null without a user in the metadata. */
  inCapture: boolean | null;
}

/** One value as DHIS2's DataValueContext has it: the raw entry plus the objects its identifiers resolved to. */
export interface ValueContext {
  record: DataValueRecord;
  /** DHIS2's index of the value (its position among the values the server reads). */
  index: number;
  dataElement: DataElement | null;
  period: Period | null;
  orgUnit: PlacedOrgUnit | null;
  categoryOptionCombo: string | null;
  attributeOptionCombo: string | null;
  /** The identifiers above as ImportRun ordinals (0: none), the value's key for finding duplicates. */
  ordinals: ValueOrdinals;
  /** The data element and org unit with what the checks ask of them. */
  element: ElementInfo | null;
  unit: OrgUnitInfo | null;
  /** The value's target data sets, once a check has needed them. */
  targets: readonly DataSetInfo[] | null;
}

export interface ValueOrdinals {
  dataElement: number;
  period: number;
  orgUnit: number;
  categoryOptionCombo: number;
  attributeOptionCombo: number;
}
