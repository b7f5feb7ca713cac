import type { Readable } from 'node:stream';
import type { CsvImportClass } from '../../../../shared/metadata-import';
import { CsvTokenizer, csvText } from '../datavalues/csv-rows';
import type { MetadataObjectRecord, MetadataReadResult } from './records';

/**
 * DHIS2's CSV metadata import (DefaultCsvImportService, 2.41): positional columns per class key, the
 * first row skipped when it is a header. Objects are built as DHIS2 builds them, defaults and silent
 * truncation included, so the checks see what the server will see. Where DHIS2 drops a row or cuts a
 * value without a word, a note says so.
 */

interface Row {
  cells: string[];
  line: number;
}

/** DHIS2's getSafe: a blank cell or a missing column gives the default; text is cut to `max` characters. */
class Cells {
  constructor(
    private readonly row: Row,
    private readonly notes: MetadataReadResult['notes'],
  ) {}

  get(index: number, fallback: string | null = null, max: number | null = null, label?: string): string | null {
    const raw = this.row.cells[index];
    const value = raw === undefined || raw.trim() === '' ? fallback : raw;
    if (value === null) return null;
    if (max !== null && value.length > max) {
      const cut = value.slice(0, max);
      if (raw !== undefined && raw.trim() !== '') {
        this.notes.push({
          line: this.row.line,
          message: `Line ${this.row.line}: the ${label ?? `value in column ${index + 1}`} is longer than ${max} characters; DHIS2 cuts it to "${cut}".`,
        });
      }
      return cut;
    }
    return value;
  }
}

function identifiable(cells: Cells): { object: Record<string, unknown>; generatedId: boolean } {
  const object: Record<string, unknown> = {};
  const name = cells.get(0, null, 230, 'name');
  const id = cells.get(1, null, 11, 'id');
  const code = cells.get(2, null, 50, 'code');
  if (name !== null) object.name = name;
  if (id !== null) object.id = id;
  if (code !== null) object.code = code;
  return { object, generatedId: id === null };
}

const DEFAULT_OPENING_DATE = '1970-01-01';

/** Rows to objects of one class; membership classes gather their rows per group. */
export async function* readMetadataCsv(
  input: Readable,
  fileName: string,
  classKey: CsvImportClass,
  firstRowIsHeader: boolean,
  result: MetadataReadResult,
): AsyncGenerator<MetadataObjectRecord, void, undefined> {
  const notes = result.notes;
  const counters = new Map<string, number>();
  const nextIndex = (type: string) => {
    const index = counters.get(type) ?? 0;
    counters.set(type, index + 1);
    return index;
  };
  const record = (type: string, row: Row, built: { object: Record<string, unknown>; generatedId: boolean }, extra: Partial<MetadataObjectRecord> = {}) =>
    ({ type, index: nextIndex(type), line: row.line, object: built.object, generatedId: built.generatedId, ...extra }) satisfies MetadataObjectRecord;

  const groups = new Map<string, { type: string; line: number; member: string; members: string[]; extra: Record<string, unknown> }>();
  const optionSets = new Map<string, { line: number; object: Record<string, unknown>; generatedId: boolean; options: string[] }>();
  const optionGroups = new Map<string, { line: number; object: Record<string, unknown>; generatedId: boolean; options: Record<string, unknown>[] }>();
  const options: MetadataObjectRecord[] = [];
  let skippedHeader = !firstRowIsHeader;

  for await (const row of rows(input, fileName)) {
    if (!skippedHeader) {
      skippedHeader = true;
      continue;
    }
    const cells = new Cells(row, notes);
    switch (classKey) {
      case 'DATA_ELEMENT': {
        const built = identifiable(cells);
        const o = built.object;
        o.shortName = cells.get(3, (o.name as string | undefined) ?? null, 50, 'short name');
        setIf(o, 'description', cells.get(4));
        setIf(o, 'formName', cells.get(5, null, 230, 'form name'));
        o.domainType = cells.get(6, 'AGGREGATE', 16, 'domain type');
        o.valueType = cells.get(7, 'INTEGER', 50, 'value type');
        o.aggregationType = cells.get(8, 'SUM', 50, 'aggregation type');
        const combo = cells.get(9, null, 11, 'category combo id');
        if (combo !== null) o.categoryCombo = { id: combo };
        setIf(o, 'url', cells.get(10, null, 255, 'url'));
        o.zeroIsSignificant = cells.get(11, 'false') === 'true';
        const optionSet = cells.get(12, null, 11, 'option set id');
        if (optionSet !== null) o.optionSet = { id: optionSet };
        const commentOptionSet = cells.get(13, null, 11, 'comment option set id');
        if (commentOptionSet !== null) o.commentOptionSet = { id: commentOptionSet };
        yield record('dataElements', row, built);
        break;
      }
      case 'DATA_ELEMENT_GROUP':
      case 'CATEGORY_OPTION':
      case 'ORGANISATION_UNIT_GROUP': {
        const built = identifiable(cells);
        built.object.shortName = cells.get(3, (built.object.name as string | undefined) ?? null, 50, 'short name');
        const type = classKey === 'DATA_ELEMENT_GROUP' ? 'dataElementGroups' : classKey === 'CATEGORY_OPTION' ? 'categoryOptions' : 'organisationUnitGroups';
        yield record(type, row, built);
        break;
      }
      case 'CATEGORY': {
        const built = identifiable(cells);
        setIf(built.object, 'description', cells.get(3, null, 255, 'description'));
        built.object.dataDimensionType = cells.get(4, 'DISAGGREGATION', 40, 'data dimension type');
        built.object.dataDimension = cells.get(5, 'false') === 'true';
        yield record('categories', row, built);
        break;
      }
      case 'CATEGORY_COMBO': {
        const built = identifiable(cells);
        built.object.dataDimensionType = cells.get(3, 'DISAGGREGATION', 40, 'data dimension type');
        built.object.skipTotal = cells.get(4, 'false') === 'true';
        yield record('categoryCombos', row, built);
        break;
      }
      case 'CATEGORY_OPTION_GROUP': {
        const built = identifiable(cells);
        built.object.shortName = cells.get(3, (built.object.name as string | undefined) ?? null, 50, 'short name');
        built.object.dataDimensionType = (cells.get(4, 'DISAGGREGATION', 50, 'data dimension type') ?? '').toUpperCase();
        yield record('categoryOptionGroups', row, built);
        break;
      }
      case 'ORGANISATION_UNIT': {
        const built = identifiable(cells);
        const o = built.object;
        const parent = cells.get(3, null, 230, 'parent id');
        o.shortName = cells.get(4, (o.name as string | undefined) ?? null, 50, 'short name');
        setIf(o, 'description', cells.get(5));
        o.openingDate = cells.get(6, DEFAULT_OPENING_DATE);
        setIf(o, 'closedDate', cells.get(7));
        setIf(o, 'comment', cells.get(8));
        const featureType = cells.get(9, 'NONE', 50);
        const coordinates = cells.get(10);
        if (featureType !== 'NONE' && coordinates) o.geometry = { type: featureType, coordinates };
        setIf(o, 'url', cells.get(11, null, 255, 'url'));
        setIf(o, 'contactPerson', cells.get(12, null, 255, 'contact person'));
        setIf(o, 'address', cells.get(13, null, 255, 'address'));
        setIf(o, 'email', cells.get(14, null, 150, 'email'));
        setIf(o, 'phoneNumber', cells.get(15, null, 150, 'phone number'));
        if (parent !== null) o.parent = { id: parent };
        yield record('organisationUnits', row, built);
        break;
      }
      case 'VALIDATION_RULE': {
        const built = identifiable(cells);
        const o = built.object;
        setIf(o, 'description', cells.get(3, null, 255, 'description'));
        setIf(o, 'instruction', cells.get(4, null, 255, 'instruction'));
        o.importance = cells.get(5, 'MEDIUM', 255);
        o.operator = cells.get(7, 'equal_to', 255);
        o.periodType = cells.get(8, 'Monthly', 255);
        o.leftSide = {
          expression: cells.get(9, null, 255, 'left side'),
          description: cells.get(10, null, 255),
          missingValueStrategy: cells.get(11, 'NEVER_SKIP', 50),
        };
        o.rightSide = {
          expression: cells.get(12, null, 255, 'right side'),
          description: cells.get(13, null, 255),
          missingValueStrategy: cells.get(14, 'NEVER_SKIP', 50),
        };
        yield record('validationRules', row, built);
        break;
      }
      case 'INDICATOR': {
        const built = identifiable(cells);
        const o = built.object;
        setIf(o, 'description', cells.get(3, null, 255, 'description'));
        o.shortName = cells.get(4, (o.name as string | undefined) ?? null, 50, 'short name');
        setIf(o, 'denominator', cells.get(5));
        setIf(o, 'denominatorDescription', cells.get(6, null, 255));
        setIf(o, 'numerator', cells.get(7));
        setIf(o, 'numeratorDescription', cells.get(8, null, 255));
        o.annualized = cells.get(9, 'false', 40) === 'true';
        o.decimals = Number.parseInt(cells.get(10) ?? '', 10) || 0;
        const type = cells.get(11);
        if (type !== null) o.indicatorType = { id: type };
        yield record('indicators', row, built, { resolvedWhileReading: ['indicatorType'] });
        break;
      }
      case 'ORGANISATION_UNIT_GROUP_MEMBERSHIP':
      case 'DATA_ELEMENT_GROUP_MEMBERSHIP':
      case 'INDICATOR_GROUP_MEMBERSHIP':
      case 'OPTION_GROUP_SET_MEMBERSHIP': {
        const [type, member] = MEMBERSHIP[classKey];
        const group = classKey === 'OPTION_GROUP_SET_MEMBERSHIP' ? cells.get(0, null, 11) : (row.cells[0] ?? '');
        const item = classKey === 'OPTION_GROUP_SET_MEMBERSHIP' ? cells.get(1, null, 11) : (row.cells[1] ?? '');
        if (!group || !item) {
          notes.push({ line: row.line, message: `Line ${row.line}: a membership row needs a group id and a member id; DHIS2 skips this row.` });
          break;
        }
        if (groups.size === 0) {
          notes.push({
            line: null,
            message: `DHIS2 adds members only to ${MEMBERSHIP[classKey][0] === 'optionGroupSets' ? 'option group sets' : 'groups'} that already exist on the server, and skips the rows of any other group without saying so; the offline metadata does not hold groups, so the server decides.`,
          });
        }
        const existing = groups.get(group);
        if (existing) existing.members.push(item);
        else groups.set(group, { type, line: row.line, member, members: [item], extra: {} });
        break;
      }
      case 'OPTION_SET': {
        const built = identifiable(cells);
        const optionName = cells.get(3, null, 230, 'option name');
        const optionId = cells.get(4, null, 11, 'option id');
        const optionCode = cells.get(5, null, 50, 'option code');
        const setName = built.object.name as string | undefined;
        if (!setName || optionCode === null) {
          notes.push({ line: row.line, message: `Line ${row.line}: an option set row needs the set's name and the option's code; DHIS2 skips this row.` });
          break;
        }
        const option: Record<string, unknown> = { code: optionCode };
        if (optionName !== null) option.name = optionName;
        if (optionId !== null) option.id = optionId;
        const optionRecord: MetadataObjectRecord = {
          type: 'options',
          index: nextIndex('options'),
          line: row.line,
          object: option,
          generatedId: optionId === null,
        };
        options.push(optionRecord);
        built.object.valueType = 'TEXT';
        // DHIS2 keeps the last row's set per name (and a fresh id on each row without one).
        const set = optionSets.get(setName);
        const ids = [...(set?.options ?? []), optionId ?? `#${optionRecord.index}`];
        optionSets.set(setName, { line: set?.line ?? row.line, object: built.object, generatedId: built.generatedId, options: ids });
        break;
      }
      case 'OPTION_GROUP': {
        const built = identifiable(cells);
        const shortName = cells.get(3, null, 50, 'short name');
        const optionSet = cells.get(4, null, 11, 'option set id');
        const optionId = cells.get(5, null, 11, 'option id');
        const optionCode = cells.get(6, null, 50, 'option code');
        const name = built.object.name as string | undefined;
        if (!name || shortName === null || optionSet === null || (optionId === null && optionCode === null)) {
          notes.push({
            line: row.line,
            message: `Line ${row.line}: an option group row needs the group's name and short name, the option set id and the option's id or code; DHIS2 skips this row.`,
          });
          break;
        }
        built.object.shortName = shortName;
        built.object.optionSet = { id: optionSet };
        const option: Record<string, unknown> = optionId !== null ? { id: optionId } : { code: optionCode };
        const group = optionGroups.get(name);
        optionGroups.set(name, {
          line: group?.line ?? row.line,
          object: built.object,
          generatedId: built.generatedId,
          options: [...(group?.options ?? []), option],
        });
        break;
      }
      case 'OPTION_GROUP_SET': {
        const built = identifiable(cells);
        built.object.dataDimension = cells.get(3, 'false', 40) === 'true';
        setIf(built.object, 'description', cells.get(4));
        const setId = cells.get(5, null, 11, 'option set id');
        const setCode = cells.get(6, null, 50, 'option set code');
        if (setId === null && setCode === null) {
          notes.push({ line: row.line, message: `Line ${row.line}: an option group set row needs an option set id or code; DHIS2 skips this row.` });
          break;
        }
        built.object.optionSet = setId !== null ? { id: setId } : { code: setCode };
        yield record('optionGroupSets', row, built, { resolvedWhileReading: ['optionSet'] });
        break;
      }
    }
  }

  for (const [name, set] of optionSets) {
    // Options reach their set by position here, since rows without an option id get a new one from DHIS2.
    const refs = set.options.map((id) => (id.startsWith('#') ? { index: Number(id.slice(1)) } : { id }));
    yield { type: 'optionSets', index: nextIndex('optionSets'), line: set.line, object: { ...set.object, name, options: refs }, generatedId: set.generatedId };
  }
  yield* options;
  for (const [name, group] of optionGroups) {
    yield {
      type: 'optionGroups',
      index: nextIndex('optionGroups'),
      line: group.line,
      object: { ...group.object, name, options: group.options },
      generatedId: group.generatedId,
      resolvedWhileReading: ['optionSet', 'options'],
    };
  }
  for (const [id, group] of groups) {
    yield {
      type: group.type,
      index: nextIndex(group.type),
      line: group.line,
      object: { id, [group.member]: group.members.map((member) => ({ id: member })) },
      resolvedWhileReading: ['id'],
    };
  }
}

const MEMBERSHIP: Record<
  'ORGANISATION_UNIT_GROUP_MEMBERSHIP' | 'DATA_ELEMENT_GROUP_MEMBERSHIP' | 'INDICATOR_GROUP_MEMBERSHIP' | 'OPTION_GROUP_SET_MEMBERSHIP',
  [string, string]
> = {
  ORGANISATION_UNIT_GROUP_MEMBERSHIP: ['organisationUnitGroups', 'organisationUnits'],
  DATA_ELEMENT_GROUP_MEMBERSHIP: ['dataElementGroups', 'dataElements'],
  INDICATOR_GROUP_MEMBERSHIP: ['indicatorGroups', 'indicators'],
  OPTION_GROUP_SET_MEMBERSHIP: ['optionGroupSets', 'optionGroups'],
};

function setIf(object: Record<string, unknown>, key: string, value: string | null): void {
  if (value !== null) object[key] = value;
}

/** Non-empty rows with trimmed cells, as javacsv (DHIS2's reader) gives them. */
async function* rows(input: Readable, fileName: string): AsyncGenerator<Row, void, undefined> {
  const tokenizer = new CsvTokenizer(fileName);
  let batch: Row[] = [];
  const sink = (cells: string[], line: number) => {
    const trimmed = cells.map((cell) => cell.replace(/^[ \t]+|[ \t]+$/g, ''));
    if (trimmed.some((cell) => cell !== '')) batch.push({ cells: trimmed, line });
  };
  const handOver = () => {
    const full = batch;
    batch = [];
    return full;
  };
  for await (const text of csvText(input, fileName)) {
    const problem = tokenizer.feed(text, sink);
    yield* handOver();
    if (problem) throw problem;
  }
  const problem = tokenizer.end(sink);
  yield* handOver();
  if (problem) throw problem;
}
