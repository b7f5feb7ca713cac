import type { ImportDataParams } from '../../../shared/data-import';
import type { DataValueRecord, DataValueSetHeader } from './types';

/**
 * DHIS2 2.41 lets set-level period, orgUnit and attributeOptionCombo win over the values' own
 * (DefaultDataValueSetService#createDataValueContext). The chunks we send carry no set header,
 * so the override is applied to each value before sending.
 */
export function applyHeader(record: DataValueRecord, header: DataValueSetHeader): DataValueRecord {
  if (header.period === null && header.orgUnit === null && header.attributeOptionCombo === null) return record;
  return {
    ...record,
    period: header.period ?? record.period,
    orgUnit: header.orgUnit ?? record.orgUnit,
    attributeOptionCombo: header.attributeOptionCombo ?? record.attributeOptionCombo,
  };
}

/**
 * Query parameters for POST /api/dataValueSets. When the values were translated to UIDs offline
 * the id schemes are UID; otherwise the user's schemes go along, with the file's own winning as
 * DHIS2 lets payload schemes win over query parameters.
 */
export function sendParams(params: ImportDataParams, header: DataValueSetHeader, translated: boolean): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {
    importStrategy: params.strategy,
    dryRun: params.dryRun,
    preheatCache: params.preheatCache,
    skipExistingCheck: params.skipExistingCheck,
    skipAudit: params.skipAudit,
  };
  if (translated) {
    out.idScheme = 'UID';
    return out;
  }
  const schemes: Record<string, string | undefined> = {
    idScheme: header.idSchemes.idScheme ?? params.idScheme,
    dataElementIdScheme: header.idSchemes.dataElementIdScheme ?? params.dataElementIdScheme,
    orgUnitIdScheme: header.idSchemes.orgUnitIdScheme ?? params.orgUnitIdScheme,
    categoryOptionComboIdScheme: header.idSchemes.categoryOptionComboIdScheme ?? params.categoryOptionComboIdScheme,
    dataSetIdScheme: header.idSchemes.dataSetIdScheme,
  };
  for (const [key, value] of Object.entries(schemes)) if (value) out[key] = value;
  return out;
}
