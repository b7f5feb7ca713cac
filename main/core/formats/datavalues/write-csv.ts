import type { DataValueRecord, DataValueSetHeader } from '../../datavalues/types';
import { requireCombos, type DataValueSerializer } from './serializer';

/** DHIS2's export header (2.41 CsvDataValueSetWriter and 2.43 alike), which also makes the columns readable by name. */
export const CSV_HEADER = [
  'dataelement',
  'period',
  'orgunit',
  'categoryoptioncombo',
  'attributeoptioncombo',
  'value',
  'storedby',
  'lastupdated',
  'comment',
  'followup',
  'deleted',
];

/**
 * CSV as DHIS2 exports it. CSV has no set-level fields, so the header's period, organisation unit and
 * attribute option combo (which DHIS2 applies over every value's own) are written into each row.
 */
export function csvSerializer(header: DataValueSetHeader): DataValueSerializer {
  return {
    begin() {
      return CSV_HEADER.join(',') + '\n';
    },
    value(record: DataValueRecord) {
      requireCombos(record, 'CSV');
      return (
        [
          record.dataElement,
          header.period ?? record.period,
          header.orgUnit ?? record.orgUnit,
          record.categoryOptionCombo,
          header.attributeOptionCombo ?? record.attributeOptionCombo,
          record.value,
          record.storedBy,
          record.lastUpdated,
          record.comment,
          record.followup === null ? null : String(record.followup),
          record.deleted === null ? null : String(record.deleted),
        ]
          .map(csvCell)
          .join(',') + '\n'
      );
    },
    finish() {
      return '';
    },
  };
}

/** Quoted when it must be: separators, quotes, line breaks, or edge spaces that a reader would trim. */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]|^[ \t]|[ \t]$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
