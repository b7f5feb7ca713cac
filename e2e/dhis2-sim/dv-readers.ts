import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { type DataValueEntry, type DataValueSetHeader, emptyHeader, ImportFailure } from './dv-engine';
import { type IdScheme, idSchemeName, type IdSchemes } from './id-schemes';
import { JsonNumber, JsonSetReader, JsonSyntaxError, type JsonValue } from './json-stream';
import { identifierOf, type MetadataObject, type MetadataStore, refId } from './metadata';
import { parseAdxPeriod } from './periods';
import { javaHashMapOrder } from './java-hash';
import { isNumericType } from './value-types';

/**
 * Readers for the four data value set formats, each giving the header first and then the values in
 * batches as the text arrives: DXF2 JSON (JsonDataValueSetReader: the whole document is read before
 * anything is imported, so a syntax error anywhere imports nothing), DXF2 XML (XmlDataValueSetReader:
 * streamed, values before a parse error are imported), CSV (CsvDataValueSetReader: positional
 * columns, javacsv rules) and ADX (DefaultAdxDataService: groups converted to DXF2 values).
 */

export type ReaderEvent =
  | { kind: 'header'; header: DataValueSetHeader }
  | { kind: 'values'; entries: DataValueEntry[] }
  /** ADX conversion problems, which become {object, value} conflicts after the import. */
  | { kind: 'adxConflicts'; conflicts: { object: string; message: string }[] };

/** Text of the (decompressed) body; may be read more than once. */
export type TextSource = () => AsyncIterable<string>;

// -------------------------------------------------------------------------------------------------
// JSON
// -------------------------------------------------------------------------------------------------

const SET_CLASS = 'org.hisp.dhis.dxf2.datavalueset.DataValueSet';
const VALUE_CLASS = 'org.hisp.dhis.dxf2.datavalue.DataValue';

function tokenName(value: JsonValue): string {
  if (Array.isArray(value)) return 'Array value (token `JsonToken.START_ARRAY`)';
  if (value instanceof JsonNumber) return 'Number value';
  if (typeof value === 'object' && value !== null) return 'Object value (token `JsonToken.START_OBJECT`)';
  if (typeof value === 'string') return `String value`;
  return 'value';
}

class Coercer {
  constructor(private readonly where: () => string) {}

  fail(message: string, chain: string): never {
    throw new ImportFailure(`${message}\n at [Source: (org.apache.catalina.connector.CoyoteInputStream); ${this.where()}] (through reference chain: ${chain})`);
  }

  /** StringDeserializer with DHIS2's EmptyStringToNull: scalars as their text, "" as null. */
  string(value: JsonValue | undefined, chain: string): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value === '' ? null : value;
    if (value instanceof JsonNumber) return value.raw;
    if (typeof value === 'boolean') return String(value);
    return this.fail(`Cannot deserialize value of type \`java.lang.String\` from ${tokenName(value)}`, chain);
  }

  /** Jackson boolean: true/false, 0/1 and the strings "true"/"True"/"TRUE" (and false); null as `fallback`. */
  boolean(value: JsonValue | undefined, chain: string, type: 'boolean' | 'java.lang.Boolean'): boolean | null {
    if (value === undefined || value === null) return type === 'boolean' ? false : null;
    if (typeof value === 'boolean') return value;
    if (value instanceof JsonNumber && /^-?\d+$/.test(value.raw)) return Number(value.raw) !== 0;
    if (typeof value === 'string') {
      if (value === 'true' || value === 'True' || value === 'TRUE') return true;
      if (value === 'false' || value === 'False' || value === 'FALSE') return false;
      if (value === '') return type === 'boolean' ? false : null;
      return this.fail(
        `Cannot deserialize value of type \`${type}\` from String "${value}": only "true"/"True"/"TRUE" or "false"/"False"/"FALSE" recognized`,
        chain,
      );
    }
    return this.fail(`Cannot deserialize value of type \`${type}\` from ${tokenName(value)}`, chain);
  }
}

function entryFromJson(value: JsonValue, index: number, where: () => string): DataValueEntry | null {
  const chain = (key: string) => `${SET_CLASS}["dataValues"]->java.util.ArrayList[${index}]->${VALUE_CLASS}["${key}"]`;
  const c = new Coercer(where);
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumber) {
    return c.fail(
      `Cannot construct instance of \`${VALUE_CLASS}\` (although at least one Creator exists): no ${tokenName(value)} deserializer`,
      `${SET_CLASS}["dataValues"]->java.util.ArrayList[${index}]`,
    );
  }
  // created and lastUpdated are String properties too: a bad type there fails the import although the values are not used.
  c.string(value['created'], chain('created'));
  c.string(value['lastUpdated'], chain('lastUpdated'));
  return {
    dataElement: c.string(value['dataElement'], chain('dataElement')),
    period: c.string(value['period'], chain('period')),
    orgUnit: c.string(value['orgUnit'], chain('orgUnit')),
    categoryOptionCombo: c.string(value['categoryOptionCombo'], chain('categoryOptionCombo')),
    attributeOptionCombo: c.string(value['attributeOptionCombo'], chain('attributeOptionCombo')),
    value: c.string(value['value'], chain('value')),
    storedBy: c.string(value['storedBy'], chain('storedBy')),
    comment: c.string(value['comment'], chain('comment')),
    followup: c.boolean(value['followup'], chain('followup'), 'boolean') ?? false,
    deleted: c.boolean(value['deleted'], chain('deleted'), 'java.lang.Boolean'),
  };
}

const HEADER_STRINGS = [
  'idScheme',
  'dataElementIdScheme',
  'orgUnitIdScheme',
  'categoryOptionComboIdScheme',
  'dataSetIdScheme',
  'strategy',
  'dataSet',
  'completeDate',
  'period',
  'orgUnit',
  'attributeOptionCombo',
] as const;

function applyHeaderMember(header: DataValueSetHeader, key: string, value: JsonValue, where: () => string): void {
  const c = new Coercer(where);
  const chain = `${SET_CLASS}["${key}"]`;
  if ((HEADER_STRINGS as readonly string[]).includes(key)) {
    header[key as (typeof HEADER_STRINGS)[number]] = c.string(value, chain);
  } else if (key === 'dryRun') {
    header.dryRun = c.boolean(value, chain, 'java.lang.Boolean');
  } else if (key === 'attributeCategoryOptions') {
    if (value === null) header.attributeCategoryOptions = null;
    else if (!Array.isArray(value)) c.fail(`Cannot deserialize value of type \`java.util.ArrayList<java.lang.String>\` from ${tokenName(value)}`, chain);
    else header.attributeCategoryOptions = value.map((item, i) => c.string(item, `${chain}->java.util.ArrayList[${i}]`) ?? '');
  } else if (key === 'dataValues' && value !== null) {
    c.fail(`Cannot deserialize value of type \`java.util.ArrayList<${VALUE_CLASS}>\` from ${tokenName(value)}`, chain);
  }
}

function syntaxFailure(error: unknown): never {
  if (error instanceof JsonSyntaxError) throw new ImportFailure(error.message);
  throw error;
}

/**
 * Two passes: the first reads the whole document (as Jackson does before 2.41 imports anything) to
 * check it and collect the header wherever its members are; the second streams the values.
 */
export async function* readJsonSet(source: TextSource): AsyncGenerator<ReaderEvent> {
  const header = emptyHeader();
  let arrays = 0;
  const first = new JsonSetReader(
    'dataValues',
    {
      member: (key, value, where) => applyHeaderMember(header, key, value, where),
      arrayStart: () => arrays++,
      element: (value, index, where) => void entryFromJson(value, index, where),
    },
    SET_CLASS,
  );
  try {
    for await (const text of source()) {
      first.push(text);
      if (first.finished()) break;
    }
    first.end();
  } catch (error) {
    syntaxFailure(error);
  }
  yield { kind: 'header', header };
  if (arrays === 0) return;

  let batch: DataValueEntry[] = [];
  let emitting = false;
  let nullAt: number | null = null;
  const npe = () => new ImportFailure('Cannot invoke "org.hisp.dhis.dxf2.datavalueset.DataValueEntry.getDataElement()" because "dataValue" is null');
  const second = new JsonSetReader(
    'dataValues',
    {
      member: () => undefined,
      arrayStart: (_key, occurrence) => {
        emitting = occurrence === arrays - 1;
      },
      element: (value, index, where) => {
        if (!emitting) return;
        const entry = entryFromJson(value, index, where);
        // A null element reaches the import loop as null, where 2.41 fails with a NullPointerException.
        if (entry === null) nullAt = nullAt ?? index;
        else if (nullAt === null) batch.push(entry);
      },
    },
    SET_CLASS,
  );
  try {
    for await (const text of source()) {
      second.push(text);
      if (batch.length > 0) {
        yield { kind: 'values', entries: batch };
        batch = [];
      }
      if (nullAt !== null) throw npe();
      if (second.finished()) break;
    }
    second.end();
  } catch (error) {
    syntaxFailure(error);
  }
  if (batch.length > 0) yield { kind: 'values', entries: batch };
}

// -------------------------------------------------------------------------------------------------
// XML (DXF2)
// -------------------------------------------------------------------------------------------------

function attributesByLocalName(tag: SaxesTagNS): Map<string, string> {
  const out = new Map<string, string>();
  for (const attribute of Object.values(tag.attributes) as SaxesAttributeNS[]) {
    if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
    if (!out.has(attribute.local)) out.set(attribute.local, attribute.value);
  }
  return out;
}

/** staxwax getAttributeValue: an empty attribute reads as null. */
function attribute(attrs: Map<string, string>, name: string): string | null {
  const value = attrs.get(name);
  return value === undefined || value === '' ? null : value;
}

function xmlEntry(attrs: Map<string, string>): DataValueEntry {
  const get = (name: string) => attribute(attrs, name);
  return {
    dataElement: get('dataElement'),
    period: get('period'),
    orgUnit: get('orgUnit'),
    categoryOptionCombo: get('categoryOptionCombo'),
    attributeOptionCombo: get('attributeOptionCombo'),
    value: get('value'),
    storedBy: get('storedBy'),
    comment: get('comment'),
    // Boolean.parseBoolean / Boolean.valueOf: "true" in any case, anything else false.
    followup: (get('followUp') ?? '').toLowerCase() === 'true',
    deleted: (get('deleted') ?? '').toLowerCase() === 'true',
  };
}

function xmlHeader(attrs: Map<string, string>): DataValueSetHeader {
  const get = (name: string) => attribute(attrs, name);
  return {
    idScheme: get('idScheme'),
    dataElementIdScheme: get('dataElementIdScheme'),
    orgUnitIdScheme: get('orgUnitIdScheme'),
    categoryOptionComboIdScheme: get('categoryOptionComboIdScheme'),
    dataSetIdScheme: get('dataSetIdScheme'),
    dryRun: get('dryRun') === 'true' ? true : null,
    strategy: get('importStrategy'),
    dataSet: get('dataSet'),
    completeDate: get('completeDate'),
    period: get('period'),
    orgUnit: get('orgUnit'),
    attributeOptionCombo: get('attributeOptionCombo'),
    attributeCategoryOptions: null,
  };
}

function xmlFailure(error: unknown): never {
  throw new ImportFailure(error instanceof Error ? error.message : String(error));
}

/** Streams `<dataValueSet>` and its `<dataValue>` elements; nothing after the set's end tag is read. */
export async function* readXmlSet(source: TextSource): AsyncGenerator<ReaderEvent> {
  const parser = new SaxesParser({ xmlns: true });
  let header: DataValueSetHeader | null = null;
  let headerSent = false;
  let depth = 0;
  let setDepth = -1;
  let ended = false;
  let batch: DataValueEntry[] = [];
  parser.on('opentag', (tag) => {
    depth++;
    if (ended) return;
    if (!header) {
      if (tag.local === 'dataValueSet') {
        header = xmlHeader(attributesByLocalName(tag));
        setDepth = depth;
      }
    } else if (tag.local === 'dataValue') {
      batch.push(xmlEntry(attributesByLocalName(tag)));
    }
  });
  parser.on('closetag', () => {
    if (depth === setDepth) ended = true;
    depth--;
  });
  try {
    for await (const text of source()) {
      parser.write(text);
      if (header && !headerSent) {
        headerSent = true;
        yield { kind: 'header', header };
      }
      if (batch.length > 0) {
        yield { kind: 'values', entries: batch };
        batch = [];
      }
      if (ended) return;
    }
    parser.close();
  } catch (error) {
    if (error instanceof ImportFailure) throw error;
    xmlFailure(error);
  }
  if (!header) throw new ImportFailure('Current state END_DOCUMENT is not START_ELEMENT');
  if (!headerSent) yield { kind: 'header', header };
  if (batch.length > 0) yield { kind: 'values', entries: batch };
}

// -------------------------------------------------------------------------------------------------
// CSV
// -------------------------------------------------------------------------------------------------

/**
 * An incremental CSV record splitter with javacsv's defaults as DHIS2 uses them: comma, double quote
 * with doubled quotes inside, records end at CR, LF or CRLF, unquoted whitespace around a value is
 * trimmed and empty lines are skipped.
 */
export class CsvRecords {
  private state: 'start' | 'unquoted' | 'quoted' | 'quote' | 'afterQuoted' = 'start';
  private field = '';
  private record: string[] = [];
  private content = false;
  private pendingCr = false;

  push(text: string, out: string[][]): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charAt(i);
      if (this.pendingCr) {
        this.pendingCr = false;
        if (ch === '\n') continue;
      }
      const lineEnd = ch === '\r' || ch === '\n';
      switch (this.state) {
        case 'start':
          if (ch === ' ' || ch === '\t') continue;
          if (ch === '"') {
            this.state = 'quoted';
            this.content = true;
          } else if (ch === ',') {
            this.endField();
          } else if (lineEnd) {
            this.endRecord(out);
          } else {
            this.field = ch;
            this.state = 'unquoted';
            this.content = true;
          }
          break;
        case 'unquoted':
          if (ch === ',') this.endField();
          else if (lineEnd) this.endRecord(out);
          else this.field += ch;
          break;
        case 'quoted':
          if (ch === '"') this.state = 'quote';
          else this.field += ch;
          break;
        case 'quote':
          if (ch === '"') {
            this.field += '"';
            this.state = 'quoted';
          } else if (ch === ',') this.endField();
          else if (lineEnd) this.endRecord(out);
          else {
            this.state = 'afterQuoted';
            if (ch !== ' ' && ch !== '\t') this.field += ch;
          }
          break;
        case 'afterQuoted':
          if (ch === ',') this.endField();
          else if (lineEnd) this.endRecord(out);
          else if (ch !== ' ' && ch !== '\t') this.field += ch;
          break;
      }
      if (ch === '\r' && this.state === 'start') this.pendingCr = true;
    }
  }

  private endField(): void {
    this.record.push(this.state === 'unquoted' ? this.field.replace(/[ \t]+$/, '') : this.field);
    this.field = '';
    this.state = 'start';
    this.content = true;
  }

  private endRecord(out: string[][]): void {
    if (!this.content) return;
    this.endField();
    out.push(this.record);
    this.record = [];
    this.content = false;
  }

  /** The last record when the text does not end with a line break; an unterminated quote runs to the end. */
  end(out: string[][]): void {
    this.endRecord(out);
  }
}

function csvEntry(record: readonly string[]): DataValueEntry {
  const get = (i: number) => record[i] ?? '';
  return {
    dataElement: get(0),
    period: get(1),
    orgUnit: get(2),
    categoryOptionCombo: get(3),
    attributeOptionCombo: get(4),
    value: get(5),
    storedBy: get(6),
    comment: get(8),
    followup: get(9).toLowerCase() === 'true',
    deleted: get(10).toLowerCase() === 'true',
  };
}

/** Columns by position (≤2.42); the first record is a header unless firstRowIsHeader=false; the data set comes from the dataSet option. */
export async function* readCsvSet(source: TextSource, options: { firstRowIsHeader: boolean; dataSet: string | null }): AsyncGenerator<ReaderEvent> {
  const header = emptyHeader();
  if (options.dataSet !== null && options.dataSet !== '') header.dataSet = options.dataSet;
  yield { kind: 'header', header };
  const splitter = new CsvRecords();
  let skip = options.firstRowIsHeader;
  const records: string[][] = [];
  const flush = (): DataValueEntry[] => {
    const entries: DataValueEntry[] = [];
    for (const record of records.splice(0)) {
      if (skip) {
        skip = false;
        continue;
      }
      entries.push(csvEntry(record));
    }
    return entries;
  };
  for await (const text of source()) {
    splitter.push(text, records);
    const entries = flush();
    if (entries.length > 0) yield { kind: 'values', entries };
  }
  splitter.end(records);
  const entries = flush();
  if (entries.length > 0) yield { kind: 'values', entries };
}

// -------------------------------------------------------------------------------------------------
// ADX
// -------------------------------------------------------------------------------------------------

/** A group-level AdxException: the whole import fails with "Data set import failed within group number: N". */
export class AdxFatal extends Error {
  override name = 'AdxFatal';
  constructor(
    message: string,
    readonly object: string | null,
    readonly groupNumber: number,
  ) {
    super(message);
  }
}

class AdxError extends Error {
  constructor(
    message: string,
    readonly object = 'ADX Error',
  ) {
    super(message);
  }
}

/** An option combo without an identifier in the output scheme: writing it fails each value ("Value for x is null"). */
const NULL_MARK = '\u0000null';

const XML_NAME = /^[A-Za-z_:][-A-Za-z0-9_:.\u00B7-\uFFFF]*$/;

interface AdxContext {
  metadata: MetadataStore;
  /** The import's id schemes, with CODE as the default. */
  idSchemes: IdSchemes;
}

/** DefaultAdxDataService.convertAttributesToDxf: category attributes to an option combo identifier. */
function convertCategories(attrs: Map<string, string>, key: string, comboId: string, ctx: AdxContext): void {
  const md = ctx.metadata;
  const combo = md.get('categoryCombos', comboId);
  if (!combo || comboId === md.defaults().combo) return;
  const categoryScheme: IdScheme = ctx.idSchemes.get('categoryIdScheme');
  const optionScheme: IdScheme = ctx.idSchemes.get('categoryOptionIdScheme');
  const categories = (Array.isArray(combo['categories']) ? combo['categories'] : [])
    .map((ref) => md.get('categories', refId(ref) ?? ''))
    .filter((c): c is MetadataObject => c !== undefined);
  const categoryIds: string[] = [];
  for (const category of categories) {
    const id = identifierOf(category, categoryScheme);
    if (id === null || !XML_NAME.test(id)) {
      throw new AdxError(`Category ${idSchemeName(categoryScheme)} for ${String(category['name'])} is missing or invalid: ${String(id)}`);
    }
    categoryIds.push(id);
  }
  const chosen = new Map<string, string>();
  categories.forEach((category, i) => {
    const id = categoryIds[i] ?? '';
    const value = attrs.get(id);
    if (value === undefined) throw new AdxError(`Category combo ${String(combo['name'])} must have ${String(category['name'])}`);
    chosen.set(id, value);
    attrs.delete(id);
  });
  const wanted = categoryIds.map((id) => `"${chosen.get(id) ?? ''}"`).join('');
  const coc = md.combosCocs(comboId).find((cocId) => {
    const options = md.cocOptions(cocId).map((o) => md.get('categoryOptions', o));
    const key = categories
      .map((category) => {
        const inCategory = new Set((Array.isArray(category['categoryOptions']) ? category['categoryOptions'] : []).map(refId));
        const option = options.find((o) => o !== undefined && inCategory.has(String(o['id'])));
        return `"${identifierOf(option, optionScheme) ?? ''}"`;
      })
      .join('');
    return key === wanted;
  });
  if (coc === undefined)
    throw new AdxError(
      `Invalid attributes: {${javaHashMapOrder([...chosen])
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}}`,
    );
  const identifier = identifierOf(md.get('categoryOptionCombos', coc), ctx.idSchemes.get('categoryOptionComboIdScheme'));
  attrs.set(key, identifier ?? NULL_MARK);
}

function groupAttributes(tag: SaxesTagNS, ctx: AdxContext, groupNumber: number): Map<string, string> {
  const attrs = attributesByLocalName(tag);
  const fatal = (message: string, object: string | null = 'ADX Error') => new AdxFatal(message, object, groupNumber);
  if (!attrs.has('period')) throw fatal("period attribute is required on 'group'");
  if (!attrs.has('orgUnit')) throw fatal("orgUnit attribute is required on 'group'");
  const parsed = parseAdxPeriod(attrs.get('period') ?? '');
  if ('error' in parsed) throw fatal(parsed.error);
  attrs.set('period', parsed.period.iso);
  if (!attrs.has('attributeOptionCombo') && attrs.has('dataSet')) {
    const raw = attrs.get('dataSet') ?? '';
    const scheme = ctx.idSchemes.get('dataSetIdScheme');
    const trimmed = raw.trim() === '' ? null : raw.trim();
    const dataSet = ctx.metadata.find('dataSets', scheme, trimmed);
    if (!dataSet) throw fatal(`No data set matching ${idSchemeName(scheme).toLowerCase()} '${raw}'`);
    attrs.set('dataSet', String(dataSet['id']));
    try {
      convertCategories(attrs, 'attributeOptionCombo', ctx.metadata.dataSet(String(dataSet['id']))?.categoryCombo ?? ctx.metadata.defaults().combo, ctx);
    } catch (error) {
      if (error instanceof AdxError) throw fatal(error.message, error.object);
      throw error;
    }
  }
  return attrs;
}

function adxValue(group: Map<string, string>, attrs: Map<string, string>, annotation: string | null, ctx: AdxContext): DataValueEntry {
  if (!attrs.has('dataElement')) throw new AdxError("dataElement attribute is required on 'dataValue'");
  if (!attrs.has('value')) throw new AdxError("value attribute is required on 'dataValue'");
  const raw = attrs.get('dataElement') ?? '';
  const scheme = ctx.idSchemes.get('dataElementIdScheme');
  const trimmed = raw.trim() === '' ? null : raw.trim();
  const de = ctx.metadata.find('dataElements', scheme, trimmed);
  if (!de) throw new AdxError(`No data element matching ${idSchemeName(scheme).toLowerCase()} '${String(trimmed)}'`);
  if (!attrs.has('categoryOptionCombo')) convertCategories(attrs, 'categoryOptionCombo', ctx.metadata.elementCombo(de), ctx);
  const valueType = typeof de['valueType'] === 'string' ? de['valueType'] : 'NUMBER';
  if (!isNumericType(valueType)) {
    if (annotation === null) throw new AdxError('DataElement expects text annotation', raw);
    attrs.set('value', annotation);
  }
  const merged = new Map([...group, ...attrs]);
  for (const [name, value] of merged) if (value === NULL_MARK) throw new AdxError(`Value for ${name} is null`);
  return xmlEntry(merged);
}

/** ADX groups as DXF2 values. Value-level problems are conflicts; group-level ones end the import (AdxFatal). */
export async function* readAdx(source: TextSource, ctx: AdxContext): AsyncGenerator<ReaderEvent> {
  yield { kind: 'header', header: emptyHeader() };
  const parser = new SaxesParser({ xmlns: true });
  let groupNumber = 0;
  let group: Map<string, string> | null = null;
  let value: { attrs: Map<string, string>; depth: number } | null = null;
  let annotation: { text: string; depth: number; done: boolean } | null = null;
  let depth = 0;
  let groupDepth = -1;
  let batch: DataValueEntry[] = [];
  let conflicts: { object: string; message: string }[] = [];

  const finishValue = () => {
    if (!value || !group) return;
    try {
      batch.push(adxValue(group, value.attrs, annotation?.done ? annotation.text : null, ctx));
    } catch (error) {
      if (!(error instanceof AdxError)) throw error;
      conflicts.push({ object: error.object, message: error.message });
    }
    value = null;
    annotation = null;
  };

  parser.on('opentag', (tag) => {
    depth++;
    if (tag.local === 'group' && !group) {
      group = groupAttributes(tag, ctx, groupNumber);
      groupDepth = depth;
    } else if (group && !value && tag.local === 'dataValue') {
      value = { attrs: attributesByLocalName(tag), depth };
    } else if (value && !annotation && tag.local === 'annotation') {
      annotation = { text: '', depth, done: false };
    }
  });
  parser.on('text', (text) => {
    if (annotation && !annotation.done) annotation.text += text;
  });
  parser.on('cdata', (text) => {
    if (annotation && !annotation.done) annotation.text += text;
  });
  parser.on('closetag', () => {
    if (annotation && !annotation.done && depth === annotation.depth) annotation.done = true;
    else if (value && depth === value.depth) finishValue();
    else if (group && depth === groupDepth) {
      group = null;
      groupNumber++;
    }
    depth--;
  });
  try {
    for await (const text of source()) {
      parser.write(text);
      if (conflicts.length > 0) {
        yield { kind: 'adxConflicts', conflicts };
        conflicts = [];
      }
      if (batch.length > 0) {
        yield { kind: 'values', entries: batch };
        batch = [];
      }
    }
    parser.close();
  } catch (error) {
    if (error instanceof AdxFatal) throw error;
    throw new AdxFatal(error instanceof Error ? error.message : String(error), null, groupNumber);
  }
  if (conflicts.length > 0) yield { kind: 'adxConflicts', conflicts };
  if (batch.length > 0) yield { kind: 'values', entries: batch };
}
