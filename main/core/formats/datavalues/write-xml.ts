import type { DataValueRecord, DataValueSetHeader, IdSchemes } from '../../datavalues/types';
import { DXF2_NAMESPACE } from '../sniff';
import { requireCombos, type DataValueSerializer } from './serializer';
import { xmlAttribute } from './xml-text';

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

const VALUE_ATTRIBUTES = [
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

/** DXF2 XML as DHIS2 2.41 writes it: namespaced root, one `dataValue` element per value, all data in attributes. */
export function xmlSerializer(header: DataValueSetHeader): DataValueSerializer {
  return {
    begin() {
      const attributes: [string, string | null | undefined][] = [
        ['dataSet', header.dataSet],
        ['completeDate', header.completeDate],
        ['period', header.period],
        ['orgUnit', header.orgUnit],
        ['attributeOptionCombo', header.attributeOptionCombo],
        ...ID_SCHEMES.map((scheme): [string, string | undefined] => [scheme, header.idSchemes[scheme]]),
        ['dryRun', header.dryRun === null ? null : String(header.dryRun)],
        ['importStrategy', header.importStrategy],
      ];
      const text = attributes
        .filter((pair): pair is [string, string] => pair[1] !== null && pair[1] !== undefined)
        .map(([name, value]) => ` ${name}="${xmlAttribute(value, null, name)}"`)
        .join('');
      return `<?xml version="1.0" encoding="UTF-8"?>\n<dataValueSet xmlns="${DXF2_NAMESPACE}"${text}>\n`;
    },
    value(record: DataValueRecord) {
      requireCombos(record, 'DXF2 XML');
      let text = '  <dataValue';
      for (const name of VALUE_ATTRIBUTES) {
        const value = record[name];
        if (value !== null) text += ` ${name}="${xmlAttribute(value, record, name)}"`;
      }
      // 2.41 reads the follow-up flag from `followUp` in XML (JSON says `followup`).
      if (record.followup !== null) text += ` followUp="${record.followup}"`;
      if (record.deleted !== null) text += ` deleted="${record.deleted}"`;
      return text + '/>\n';
    },
    finish() {
      return '</dataValueSet>\n';
    },
  };
}
