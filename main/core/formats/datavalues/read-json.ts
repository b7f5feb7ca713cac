import type { Readable } from 'node:stream';
import { emptyHeader, type DataValueRecord, type DataValueSetHeader, type IdSchemes } from '../../datavalues/types';
import { FormatError, at } from '../format-error';
import { textChunks } from '../text-chunks';
import { JsonTokenizer, type JsonSyntaxProblem, type JsonToken, type TokenBatch } from './json-tokens';
import { blankRecord, emptyToNull, type BooleanField, type StringField } from './record';

/*
 * DXF2 JSON as DHIS2 2.41 reads it with Jackson: values are strings but numbers and booleans are taken as
 * their text, empty strings are null, unknown keys are ignored, and a value of the wrong shape (an object
 * where a string belongs) fails the whole file. Both `followup` (2.41) and `followUp` (2.43) are accepted.
 */

const STRING_FIELDS: Record<string, StringField> = {
  dataElement: 'dataElement',
  period: 'period',
  orgUnit: 'orgUnit',
  categoryOptionCombo: 'categoryOptionCombo',
  attributeOptionCombo: 'attributeOptionCombo',
  value: 'value',
  storedBy: 'storedBy',
  created: 'created',
  lastUpdated: 'lastUpdated',
  comment: 'comment',
};

const BOOLEAN_FIELDS: Record<string, BooleanField> = { followup: 'followup', followUp: 'followup', deleted: 'deleted' };

type HeaderStringField = 'dataSet' | 'completeDate' | 'period' | 'orgUnit' | 'attributeOptionCombo';
const HEADER_STRINGS: Record<string, HeaderStringField> = {
  dataSet: 'dataSet',
  completeDate: 'completeDate',
  period: 'period',
  orgUnit: 'orgUnit',
  attributeOptionCombo: 'attributeOptionCombo',
};

const ID_SCHEMES: ReadonlySet<keyof IdSchemes> = new Set<keyof IdSchemes>([
  'idScheme',
  'dataElementIdScheme',
  'orgUnitIdScheme',
  'categoryOptionComboIdScheme',
  'dataSetIdScheme',
  'categoryIdScheme',
  'categoryOptionIdScheme',
  'attributeOptionComboIdScheme',
]);

/**
 * The set-level keys. They may come after `dataValues`, so this reads the whole file once; a syntax error
 * is left for `readJsonBatches`, which reports it after handing over every value before it.
 */
export async function readJsonHeader(open: () => Readable, fileName: string): Promise<DataValueSetHeader> {
  const walker = new HeaderWalker(fileName);
  for await (const batch of tokenBatches(open(), fileName)) {
    for (const token of batch.tokens) if (walker.take(token)) return walker.header;
    if (batch.problem) break;
  }
  return walker.header;
}

export async function* readJsonBatches(open: () => Readable, fileName: string): AsyncGenerator<DataValueRecord[], void, undefined> {
  const walker = new ValuesWalker(fileName);
  for await (const batch of tokenBatches(open(), fileName)) {
    const records: DataValueRecord[] = [];
    let wrongShape: unknown = null;
    try {
      for (const token of batch.tokens) {
        const record = walker.take(token);
        if (record) records.push(record);
      }
    } catch (error) {
      wrongShape = error;
    }
    if (records.length > 0) yield records;
    if (wrongShape) throw wrongShape;
    if (batch.problem) throw syntaxError(fileName, batch.problem);
  }
}

/**
 * stream-json makes an object per token, a dozen per value. They are taken from the tokenizer a few
 * kilobytes of text at a time, so that each lot is gone before the garbage collector looks: a chunk's worth
 * at once would outlive collections and fill the old generation with dead tokens.
 */
const TOKEN_SLICE = 8 * 1024;

async function* tokenBatches(input: Readable, fileName: string): AsyncGenerator<TokenBatch, void, undefined> {
  const tokenizer = new JsonTokenizer();
  for await (const text of textChunks(input, fileName)) {
    for (let at = 0; at < text.length; at += TOKEN_SLICE) {
      const batch = tokenizer.feed(text.length <= TOKEN_SLICE ? text : text.slice(at, at + TOKEN_SLICE));
      yield batch;
      if (batch.problem) return;
    }
  }
  yield tokenizer.end();
}

function syntaxError(fileName: string, problem: JsonSyntaxProblem): FormatError {
  const message = problem.endedEarly
    ? `${at(fileName, problem.line)}: the file ends in the middle of the JSON (${problem.detail}); it may have been cut off. Copy it again or complete it.`
    : `${at(fileName, problem.line)}: this is not valid JSON (${problem.detail}). Correct the file and import it again.`;
  return new FormatError('JSON_SYNTAX', message, { file: fileName, line: problem.line });
}

function describe(token: JsonToken): string {
  switch (token.name) {
    case 'startObject':
      return 'an object';
    case 'startArray':
      return 'a list';
    case 'stringValue':
      return `"${token.value}"`;
    case 'numberValue':
      return token.value;
    default:
      return token.name.replace('Value', '');
  }
}

function wrongShape(fileName: string, token: JsonToken, field: string, expected: string): FormatError {
  return new FormatError(
    'JSON_WRONG_TYPE',
    `${at(fileName, token.line)}: "${field}" must be ${expected}, not ${describe(token)}. Correct the file and import it again.`,
    {
      file: fileName,
      line: token.line,
      field,
    },
  );
}

/** Jackson's coercion of a scalar into a String property: numbers and booleans keep their text. */
function asText(token: JsonToken, fileName: string, field: string): string | null {
  switch (token.name) {
    case 'stringValue':
      return emptyToNull(token.value);
    case 'numberValue':
      return token.value;
    case 'trueValue':
    case 'falseValue':
      return String(token.value);
    case 'nullValue':
      return null;
    default:
      throw wrongShape(fileName, token, field, 'text');
  }
}

/** Jackson's coercion into a Boolean property: true/false in any case, 0/1 style integers, empty is null. */
function asBoolean(token: JsonToken, fileName: string, field: string): boolean | null {
  switch (token.name) {
    case 'trueValue':
    case 'falseValue':
      return token.value;
    case 'nullValue':
      return null;
    case 'stringValue': {
      const text = token.value.trim().toLowerCase();
      if (text === '') return null;
      if (text === 'true' || text === 'false') return text === 'true';
      throw wrongShape(fileName, token, field, 'true or false');
    }
    case 'numberValue':
      if (/^-?\d+$/.test(token.value)) return Number(token.value) !== 0;
      throw wrongShape(fileName, token, field, 'true or false');
    default:
      throw wrongShape(fileName, token, field, 'true or false');
  }
}

function isScalar(token: JsonToken): boolean {
  return token.name !== 'startObject' && token.name !== 'startArray' && token.name !== 'endObject' && token.name !== 'endArray' && token.name !== 'keyValue';
}

function notADataValueSet(fileName: string, token: JsonToken): FormatError {
  return new FormatError(
    'JSON_NOT_A_DATA_VALUE_SET',
    `${at(fileName, token.line)}: the JSON starts with ${describe(token)}, but a data value file is one object with a "dataValues" list ({"dataValues": [...]}).`,
    { file: fileName, line: token.line },
  );
}

/** Skips over one nested value (object or list) token by token. */
class Skipper {
  private depth = 0;

  get active(): boolean {
    return this.depth > 0;
  }

  start(): void {
    this.depth = 1;
  }

  /** Returns true once the skipped value has ended. */
  take(token: JsonToken): boolean {
    if (token.name === 'startObject' || token.name === 'startArray') this.depth++;
    else if (token.name === 'endObject' || token.name === 'endArray') this.depth--;
    return this.depth === 0;
  }
}

class HeaderWalker {
  readonly header = emptyHeader();
  private depth = 0;
  private key: string | null = null;
  private options: string[] | null = null;
  private readonly skipper = new Skipper();

  constructor(private readonly fileName: string) {}

  /** Returns true when the root object has ended. */
  take(token: JsonToken): boolean {
    if (this.skipper.active) {
      if (this.skipper.take(token)) this.key = null;
      return false;
    }
    if (this.depth === 0) {
      if (token.name !== 'startObject') throw notADataValueSet(this.fileName, token);
      this.depth = 1;
      return false;
    }
    if (this.options !== null) {
      if (token.name === 'endArray') {
        this.header.attributeCategoryOptions = this.options;
        this.options = null;
        this.key = null;
      } else {
        const option = asText(token, this.fileName, 'attributeCategoryOptions');
        if (option !== null) this.options.push(option);
      }
      return false;
    }
    if (token.name === 'endObject') return true;
    if (token.name === 'keyValue') {
      this.key = token.value;
      return false;
    }
    this.value(this.key ?? '', token);
    return false;
  }

  private value(key: string, token: JsonToken): void {
    const header = this.header;
    const stringField = HEADER_STRINGS[key];
    if (stringField) header[stringField] = asText(token, this.fileName, key);
    else if (ID_SCHEMES.has(key as keyof IdSchemes)) {
      const scheme = asText(token, this.fileName, key);
      if (scheme !== null) header.idSchemes[key as keyof IdSchemes] = scheme;
    } else if (key === 'dryRun') header.dryRun = asBoolean(token, this.fileName, key);
    else if (key === 'strategy' || key === 'importStrategy') header.importStrategy = asText(token, this.fileName, key);
    else if (key === 'attributeCategoryOptions' && token.name === 'startArray') {
      this.options = [];
      return;
    } else if (key === 'attributeCategoryOptions' && token.name === 'nullValue') header.attributeCategoryOptions = null;
    else if (key === 'attributeCategoryOptions') throw wrongShape(this.fileName, token, key, 'a list of category option identifiers');
    else if (!isScalar(token)) {
      this.skipper.start();
      return;
    }
    this.key = null;
  }
}

class ValuesWalker {
  private depth = 0;
  private key: string | null = null;
  private record: DataValueRecord | null = null;
  private sawFollowup = false;
  private index = 0;
  private readonly skipper = new Skipper();

  constructor(private readonly fileName: string) {}

  /** Returns a record when its object closes. */
  take(token: JsonToken): DataValueRecord | null {
    if (this.skipper.active) {
      if (this.skipper.take(token)) this.key = null;
      return null;
    }
    switch (this.depth) {
      case 0:
        if (token.name !== 'startObject') throw notADataValueSet(this.fileName, token);
        this.depth = 1;
        return null;
      case 1:
        return this.inRoot(token);
      case 2:
        return this.inList(token);
      default:
        return this.inValue(token);
    }
  }

  private inRoot(token: JsonToken): null {
    if (token.name === 'keyValue') {
      this.key = token.value;
      return null;
    }
    if (token.name === 'endObject') {
      this.depth = 0;
      return null;
    }
    if (this.key === 'dataValues') {
      if (token.name === 'startArray') this.depth = 2;
      else if (token.name !== 'nullValue') throw wrongShape(this.fileName, token, 'dataValues', 'a list of data values');
    } else if (!isScalar(token)) {
      this.skipper.start();
      return null;
    }
    this.key = null;
    return null;
  }

  private inList(token: JsonToken): null {
    if (token.name === 'endArray') {
      this.depth = 1;
      this.key = null;
      return null;
    }
    if (token.name !== 'startObject') throw wrongShape(this.fileName, token, 'dataValues', 'a list of objects, one per data value');
    this.record = blankRecord(this.index++, token.line);
    this.sawFollowup = false;
    this.depth = 3;
    return null;
  }

  private inValue(token: JsonToken): DataValueRecord | null {
    const record = this.record!;
    if (token.name === 'keyValue') {
      this.key = token.value;
      return null;
    }
    if (token.name === 'endObject') {
      this.depth = 2;
      this.record = null;
      this.key = null;
      return record;
    }
    const key = this.key ?? '';
    this.key = null;
    const stringField = STRING_FIELDS[key];
    const booleanField = BOOLEAN_FIELDS[key];
    if (stringField) record[stringField] = asText(token, this.fileName, key);
    else if (booleanField === 'followup') {
      // 2.41 binds `followup`; `followUp` (2.43's name) only counts when `followup` is absent.
      if (key === 'followup' || !this.sawFollowup) record.followup = asBoolean(token, this.fileName, key);
      if (key === 'followup') this.sawFollowup = true;
    } else if (booleanField) record[booleanField] = asBoolean(token, this.fileName, key);
    else if (!isScalar(token)) this.skipper.start();
    return null;
  }
}
