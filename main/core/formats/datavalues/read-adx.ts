import type { Readable } from 'node:stream';
import type { SaxesTagNS } from 'saxes';
import type { DataValueRecord } from '../../datavalues/types';
import { FormatError, at } from '../format-error';
import { adxToDhis2Period } from './adx-period';
import { blankRecord, emptyToNull, parseJavaBoolean } from './record';
import { plainAttributes, xmlItemBatches } from './xml-items';

/**
 * An ADX data value as read. When an `<annotation>` gave the value, `valueAttribute` keeps what the
 * `value` attribute said: DHIS2 2.41 uses the annotation only for non-numeric data elements, which only
 * validation (knowing the value types) can tell.
 */
export interface AdxDataValueRecord extends DataValueRecord {
  valueAttribute?: string | null;
}

/*
 * ADX as DHIS2 2.41's DefaultAdxDataService reads it. A group needs period and orgUnit; its other
 * attributes are either DXF2 value fields that 2.41 passes through onto every value (comment, storedBy, …)
 * or attribute categories (category identifier -> option identifier) standing in for an
 * attributeOptionCombo. The same holds for a dataValue's attributes and its categoryOptionCombo. Which
 * attributes really are categories only the metadata can tell, so every unknown one is kept for validation.
 */

const GROUP_FIELDS = new Set(['dataSet', 'period', 'orgUnit', 'completeDate', 'attributeOptionCombo']);
const VALUE_FIELDS = new Set(['dataElement', 'value', 'categoryOptionCombo', 'attributeOptionCombo', 'period', 'orgUnit']);
const PASSED_THROUGH = new Set(['comment', 'storedBy', 'created', 'lastUpdated', 'followUp', 'followup', 'deleted']);

interface Group {
  dataSet: string | null;
  period: string;
  orgUnit: string;
  completeDate: string | null;
  attributeOptionCombo: string | null;
  attributeOptions: Record<string, string> | null;
  passedThrough: Map<string, string>;
}

interface Pending {
  record: AdxDataValueRecord;
  valueAttribute: string | undefined;
  annotation: string | null;
}

export function readAdxBatches(open: () => Readable, fileName: string): AsyncGenerator<AdxDataValueRecord[], void, undefined> {
  let depth = 0;
  let index = 0;
  let group: Group | null = null;
  let pending: Pending | null = null;
  let inAnnotation = false;
  return xmlItemBatches<AdxDataValueRecord>(open(), fileName, {
    open(tag, line) {
      if (depth++ === 0) return checkAdxRoot(tag, line, fileName);
      if (tag.local === 'group') group = groupOf(tag, line, fileName);
      else if (tag.local === 'dataValue' && group !== null) pending = pendingOf(tag, group, index++, line);
      else if (tag.local === 'annotation' && pending !== null) {
        inAnnotation = true;
        pending.annotation ??= '';
      }
    },
    text(text) {
      if (inAnnotation && pending !== null) pending.annotation += text;
    },
    close(tag, emit) {
      depth--;
      if (tag.local === 'annotation') inAnnotation = false;
      else if (tag.local === 'group') group = null;
      else if (tag.local === 'dataValue' && pending !== null) {
        emit(finish(pending, fileName));
        pending = null;
      }
    },
  });
}

export function checkAdxRoot(tag: SaxesTagNS, line: number, fileName: string): void {
  if (tag.local === 'adx') return;
  const hint =
    tag.local === 'dataValueSet'
      ? 'it is a DXF2 XML file: import it with the XML format'
      : `its root element is <${tag.local}>, not <adx>, so it is not an ADX file`;
  throw new FormatError('ADX_NOT_ADX', `${at(fileName, line)}: ${hint}.`, { file: fileName, line });
}

function missing(fileName: string, line: number, attribute: string, element: string): FormatError {
  return new FormatError(
    'ADX_MISSING_ATTRIBUTE',
    `${at(fileName, line)}: ${attribute} attribute is required on '${element}'. Add it to the <${element}> element and import the file again.`,
    { file: fileName, line, field: attribute },
  );
}

function groupOf(tag: SaxesTagNS, line: number, fileName: string): Group {
  const attributes = plainAttributes(tag);
  const adxPeriod = attributes.get('period');
  const orgUnit = attributes.get('orgUnit');
  if (adxPeriod === undefined) throw missing(fileName, line, 'period', 'group');
  if (orgUnit === undefined) throw missing(fileName, line, 'orgUnit', 'group');
  const attributeOptions: Record<string, string> = {};
  const passedThrough = new Map<string, string>();
  for (const [name, value] of attributes) {
    if (PASSED_THROUGH.has(name)) passedThrough.set(name, value);
    else if (!GROUP_FIELDS.has(name)) attributeOptions[name] = value;
  }
  return {
    dataSet: emptyToNull(attributes.get('dataSet')),
    // An unconvertible period stays as written so that validation reports it against the value.
    period: adxToDhis2Period(adxPeriod) ?? adxPeriod,
    orgUnit,
    completeDate: emptyToNull(attributes.get('completeDate')),
    attributeOptionCombo: emptyToNull(attributes.get('attributeOptionCombo')),
    attributeOptions: Object.keys(attributeOptions).length > 0 ? attributeOptions : null,
    passedThrough,
  };
}

function pendingOf(tag: SaxesTagNS, group: Group, index: number, line: number): Pending {
  const attributes = plainAttributes(tag);
  const fields = new Map(group.passedThrough);
  const categoryOptions: Record<string, string> = {};
  for (const [name, value] of attributes) {
    if (PASSED_THROUGH.has(name)) fields.set(name, value);
    else if (!VALUE_FIELDS.has(name)) categoryOptions[name] = value;
  }
  const record: AdxDataValueRecord = blankRecord(index, line);
  record.dataElement = emptyToNull(attributes.get('dataElement'));
  record.period = group.period;
  record.orgUnit = emptyToNull(group.orgUnit);
  record.categoryOptionCombo = emptyToNull(attributes.get('categoryOptionCombo'));
  record.attributeOptionCombo = emptyToNull(attributes.get('attributeOptionCombo')) ?? group.attributeOptionCombo;
  record.storedBy = emptyToNull(fields.get('storedBy'));
  record.created = emptyToNull(fields.get('created'));
  record.lastUpdated = emptyToNull(fields.get('lastUpdated'));
  record.comment = emptyToNull(fields.get('comment'));
  record.followup = parseJavaBoolean(fields.get('followUp') ?? fields.get('followup'));
  record.deleted = parseJavaBoolean(fields.get('deleted'));
  if (Object.keys(categoryOptions).length > 0) record.categoryOptions = categoryOptions;
  if (group.attributeOptions) record.attributeOptions = { ...group.attributeOptions };
  record.dataSet = group.dataSet;
  record.completeDate = group.completeDate;
  return { record, valueAttribute: attributes.get('value'), annotation: null };
}

function finish(pending: Pending, fileName: string): AdxDataValueRecord {
  const record = pending.record;
  if (record.dataElement === null) throw missing(fileName, record.line, 'dataElement', 'dataValue');
  if (pending.valueAttribute === undefined && pending.annotation === null) throw missing(fileName, record.line, 'value', 'dataValue');
  if (pending.annotation !== null) {
    // The annotation is the value of non-numeric data elements (2.41) and of every value in 2.43; the
    // attribute (DHIS2 writes "0" there) is kept aside for validation to decide on numeric ones.
    record.value = emptyToNull(pending.annotation);
    record.valueAttribute = emptyToNull(pending.valueAttribute);
  } else {
    record.value = emptyToNull(pending.valueAttribute);
  }
  return record;
}
