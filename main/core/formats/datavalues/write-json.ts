import type { DataValueRecord, DataValueSetHeader, IdSchemes } from '../../datavalues/types';
import { requireCombos, type DataValueSerializer } from './serializer';

const ID_SCHEMES: readonly (keyof IdSchemes)[] = [
  'idScheme',
  'dataElementIdScheme',
  'orgUnitIdScheme',
  'categoryOptionComboIdScheme',
  'dataSetIdScheme',
  'categoryIdScheme',
  'categoryOptionIdScheme',
  'attributeOptionComboIdScheme',
];

const STRING_KEYS = [
  'dataElement',
  'period',
  'orgUnit',
  'categoryOptionCombo',
  'attributeOptionCombo',
  'value',
  'storedBy',
  'created',
  'lastUpdated',
  'comment',
] as const;

/**
 * DXF2 JSON in the shape of DHIS2 2.41's export: set fields first, then `dataValues` with string values
 * and the 2.41 key `followup`. Absent fields are left out (DHIS2's JSON convention) rather than written null.
 */
export function jsonSerializer(header: DataValueSetHeader): DataValueSerializer {
  let first = true;
  return {
    begin() {
      const fields: string[] = [];
      const add = (key: string, value: unknown) => {
        if (value !== null && value !== undefined) fields.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
      };
      add('dataSet', header.dataSet);
      add('completeDate', header.completeDate);
      add('period', header.period);
      add('orgUnit', header.orgUnit);
      add('attributeOptionCombo', header.attributeOptionCombo);
      add('attributeCategoryOptions', header.attributeCategoryOptions);
      for (const scheme of ID_SCHEMES) add(scheme, header.idSchemes[scheme]);
      add('dryRun', header.dryRun);
      // 2.41's JSON property for the import strategy is `strategy`.
      add('strategy', header.importStrategy);
      return `{${fields.map((field) => field + ',').join('')}"dataValues":[`;
    },
    value(record: DataValueRecord) {
      requireCombos(record, 'DXF2 JSON');
      const fields: string[] = [];
      for (const key of STRING_KEYS) {
        const value = record[key];
        if (value !== null) fields.push(`"${key}":${JSON.stringify(value)}`);
      }
      if (record.followup !== null) fields.push(`"followup":${record.followup}`);
      if (record.deleted !== null) fields.push(`"deleted":${record.deleted}`);
      const text = `${first ? '' : ','}\n{${fields.join(',')}}`;
      first = false;
      return text;
    },
    finish() {
      return first ? ']}\n' : '\n]}\n';
    },
  };
}
