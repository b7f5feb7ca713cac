import type { Readable } from 'node:stream';
import type { SaxesTagNS } from 'saxes';
import { emptyHeader, type DataValueRecord, type DataValueSetHeader, type IdSchemes } from '../../datavalues/types';
import { FormatError, at } from '../format-error';
import { blankRecord, emptyToNull, parseJavaBoolean, type StringField } from './record';
import { textChunks } from '../text-chunks';
import { FastDxfValues } from './xml-fast';
import { plainAttributes, xmlItemBatches, xmlItems } from './xml-items';

/*
 * DXF2 XML as DHIS2 2.41's XmlDataValueSetReader reads it: everything is in attributes, unknown attributes
 * (such as the `timestamp` in DHIS2's own test files) are ignored, elements are matched by local name
 * whether or not they carry the DXF2 namespace.
 */

const VALUE_ATTRIBUTES: readonly StringField[] = [
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
];

const HEADER_ATTRIBUTES = ['dataSet', 'completeDate', 'period', 'orgUnit', 'attributeOptionCombo'] as const;

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

/** The root element's attributes; reads only as far as the root tag. */
export async function readXmlHeader(open: () => Readable, fileName: string): Promise<DataValueSetHeader> {
  for await (const header of xmlItems<DataValueSetHeader>(open(), fileName, {
    open(tag, line, emit) {
      checkRoot(tag, line, fileName);
      emit(headerOf(tag));
    },
  })) {
    return header;
  }
  throw new FormatError('XML_NOT_A_DATA_VALUE_SET', `${at(fileName)} holds no XML element; it is not a DXF2 data value file.`, { file: fileName });
}

/**
 * The values, in batches. Read first by FastDxfValues; where the file leaves the plain shape that reader
 * handles, saxes reads it again from the start and takes over after the values already handed over (the
 * two read those identically), so every refusal and error is saxes's.
 */
export async function* readXmlBatches(open: () => Readable, fileName: string): AsyncGenerator<DataValueRecord[], void, undefined> {
  const fast = new FastDxfValues();
  let handedOver = 0;
  const input = open();
  try {
    for await (const text of textChunks(input, fileName)) {
      const batch = fast.feed(text);
      if (batch === null) break;
      if (batch.length > 0) {
        handedOver += batch.length;
        yield batch;
      }
    }
  } finally {
    input.destroy();
  }
  if (fast.end()) return;
  let skip = handedOver;
  for await (const batch of saxesBatches(open, fileName)) {
    if (skip >= batch.length) skip -= batch.length;
    else {
      yield skip > 0 ? batch.slice(skip) : batch;
      skip = 0;
    }
  }
}

/** The values as saxes reads them, from the start: what readXmlBatches falls back on, and what it must equal. */
export function saxesBatches(open: () => Readable, fileName: string): AsyncGenerator<DataValueRecord[], void, undefined> {
  let depth = 0;
  let index = 0;
  return xmlItemBatches<DataValueRecord>(open(), fileName, {
    open(tag, line, emit) {
      if (depth++ === 0) return checkRoot(tag, line, fileName);
      if (tag.local === 'dataValue') emit(recordOf(tag, index++, line));
    },
    close() {
      depth--;
    },
  });
}

function checkRoot(tag: SaxesTagNS, line: number, fileName: string): void {
  if (tag.local === 'dataValueSet') return;
  const hint =
    tag.local === 'adx'
      ? 'it is an ADX file: import it with the ADX format'
      : `its root element is <${tag.local}>, not <dataValueSet>, so it is not a DXF2 data value file`;
  throw new FormatError('XML_NOT_A_DATA_VALUE_SET', `${at(fileName, line)}: ${hint}.`, { file: fileName, line });
}

function headerOf(tag: SaxesTagNS): DataValueSetHeader {
  const attributes = plainAttributes(tag);
  const header = emptyHeader();
  for (const name of HEADER_ATTRIBUTES) header[name] = emptyToNull(attributes.get(name));
  for (const name of ID_SCHEMES) {
    const scheme = emptyToNull(attributes.get(name));
    if (scheme !== null) header.idSchemes[name] = scheme;
  }
  const dryRun = attributes.get('dryRun');
  header.dryRun = dryRun === 'true' ? true : dryRun === 'false' ? false : null;
  header.importStrategy = emptyToNull(attributes.get('importStrategy'));
  return header;
}

function recordOf(tag: SaxesTagNS, index: number, line: number): DataValueRecord {
  const attributes = plainAttributes(tag);
  const record = blankRecord(index, line);
  for (const name of VALUE_ATTRIBUTES) record[name] = emptyToNull(attributes.get(name));
  // 2.41 reads `followUp`; DHIS2's own sample files write `followup`.
  record.followup = parseJavaBoolean(attributes.get('followUp') ?? attributes.get('followup'));
  record.deleted = parseJavaBoolean(attributes.get('deleted'));
  return record;
}
