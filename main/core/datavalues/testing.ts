import type { DataValueRecord } from './types';

const ELEMENTS = ['f7n9E0hX8qk', 'Ix2HsbDMLea', 'eY5ehpbEsB7', 'deDDDDDDDDD'];
const UNITS = ['DiszpKrYNg8', 'BdfsJfj87js'];

export type ValueKeys = Pick<DataValueRecord, 'dataElement' | 'period' | 'orgUnit' | 'value'>;

/** 288 good values of the integration seed: 36 months from January 2021, two org units, four data elements, the month as value. */
export function monthlyValues(): ValueKeys[] {
  const out: ValueKeys[] = [];
  for (let month = 1; month <= 36; month++) {
    const period = `${2021 + Math.floor((month - 1) / 12)}${String(((month - 1) % 12) + 1).padStart(2, '0')}`;
    for (const orgUnit of UNITS) for (const dataElement of ELEMENTS) out.push({ dataElement, period, orgUnit, value: String(month) });
  }
  return out;
}

/** A record as a reader hands it over, every optional field empty; `index` is its place, its line the file's after the header. */
export function dataValueRecord(fields: ValueKeys & Partial<DataValueRecord>, index: number): DataValueRecord {
  const { dataElement, period, orgUnit, value, ...rest } = fields;
  return {
    index,
    line: index + 2,
    dataElement,
    period,
    orgUnit,
    categoryOptionCombo: null,
    attributeOptionCombo: null,
    value,
    storedBy: null,
    created: null,
    lastUpdated: null,
    comment: null,
    followup: null,
    deleted: null,
    ...rest,
  };
}
