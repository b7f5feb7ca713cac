import type { IdScheme } from '../../metadata/id-scheme';
import type { Category, CategoryCombo, CategoryOptionCombo } from '../../metadata/model';
import { periodTypeOf } from '../../periods';
import type { DataValueRecord } from '../types';
import { schemeWord } from './id-schemes';
import type { ImportRun } from './import-run';
import { javaHashMapToString, javaStringHash } from './java-hash-map';
import { trimToNull } from './java-text';
import { NUMERIC_VALUE_TYPES } from './value-types';

/**
 * DHIS2 2.41 imports ADX by rewriting each group into DXF2 XML first (DefaultAdxDataService), with its
 * own errors: per value, an AdxException becomes a legacy conflict `{object, value}` and the value is not
 * imported (and counted ignored); in a group's own attributes it stops the whole import. This emulates
 * that rewriting: category -> option maps become option combos named by the categoryOptionComboIdScheme,
 * non-numeric values come from the annotation.
 */

export type AdxOutcome =
  /** The value as the DXF2 stage reads it, option combos already resolved (their identifiers as written). */
  | { kind: 'value'; record: DataValueRecord; categoryOptionCombo: string | null; attributeOptionCombo: string | null }
  | { kind: 'conflict'; object: string; message: string }
  | { kind: 'abort'; object: string; message: string; group: number };

/** Reader output: `valueAttribute` is there when an annotation gave the value. */
export type AdxRecord = DataValueRecord & { valueAttribute?: string | null };

const ADX_ERROR = 'ADX Error';

class AdxError extends Error {
  constructor(
    message: string,
    readonly object = ADX_ERROR,
  ) {
    super(message);
  }
}

interface GroupResult {
  /** The attributeOptionCombo written onto the group's values: none, an identifier, or a combo without one. */
  aoc: { kind: 'none' } | { kind: 'raw'; identifier: string } | { kind: 'converted'; uid: string; identifier: string | null };
}

export class AdxConverter {
  private groupCount = -1;
  private groupSignature: string | null = null;
  private readonly groups = new Map<string, GroupResult>();
  private readonly comboMaps = new Map<string, Map<string, CategoryOptionCombo> | AdxError>();

  constructor(private readonly run: ImportRun) {}

  convert(record: AdxRecord): AdxOutcome {
    const signature = JSON.stringify([record.period, record.orgUnit, record.dataSet ?? null, record.completeDate ?? null, record.attributeOptions ?? null]);
    if (signature !== this.groupSignature) {
      this.groupSignature = signature;
      this.groupCount++;
    }
    let group: GroupResult;
    try {
      group = this.group(record);
    } catch (error) {
      const adx = error instanceof AdxError ? error : new AdxError(String(error));
      return { kind: 'abort', object: adx.object, message: adx.message, group: this.groupCount };
    }
    try {
      return this.value(record, group);
    } catch (error) {
      const adx = error instanceof AdxError ? error : new AdxError(String(error));
      return { kind: 'conflict', object: adx.object, message: adx.message };
    }
  }

  private group(record: AdxRecord): GroupResult {
    const period = record.period ?? '';
    if (periodTypeOf(period) === null) throw new AdxError(adxPeriodError(period));
    const aocIdentifier = trimToNull(record.attributeOptionCombo) === null ? null : record.attributeOptionCombo;
    if (aocIdentifier !== null) return { aoc: { kind: 'raw', identifier: aocIdentifier } };
    const dataSetRaw = record.dataSet ?? null;
    if (dataSetRaw === null) return { aoc: { kind: 'none' } };
    const key = JSON.stringify([dataSetRaw, record.attributeOptions ?? null]);
    let result = this.groups.get(key);
    if (!result) {
      const { schemes } = this.run;
      const uid = this.run.resolve('dataSets', dataSetRaw, schemes.dataSet).uid;
      const dataSet = uid ? this.run.index.dataSet(uid) : undefined;
      if (!dataSet) throw new AdxError(`No data set matching ${schemeWord(schemes.dataSet)} '${dataSetRaw}'`);
      const comboUid = this.run.dataSetCombo(dataSet);
      const combo = comboUid ? this.run.index.categoryCombo(comboUid) : undefined;
      if (!combo || this.run.index.isDefaultCategoryCombo(combo.id)) result = { aoc: { kind: 'none' } };
      else {
        const coc = this.optionComboFromAttributes(record.attributeOptions ?? {}, combo);
        result = { aoc: { kind: 'converted', uid: coc.id, identifier: propertyValue(coc, schemes.categoryOptionCombo) } };
      }
      this.groups.set(key, result);
    }
    return result;
  }

  private value(record: AdxRecord, group: GroupResult): AdxOutcome {
    const { run } = this;
    const deRaw = trimToNull(record.dataElement);
    const deUid = run.resolve('dataElements', record.dataElement, run.schemes.dataElement).uid;
    const element = deUid ? run.index.dataElement(deUid) : undefined;
    if (!element) throw new AdxError(`No data element matching ${schemeWord(run.schemes.dataElement)} '${deRaw}'`);

    let coc: { uid: string | null; identifier: string | null; converted: boolean } = { uid: null, identifier: record.categoryOptionCombo, converted: false };
    if (record.categoryOptionCombo === null) {
      const combo = element.categoryCombo ? run.index.categoryCombo(element.categoryCombo) : undefined;
      if (combo && !run.index.isDefaultCategoryCombo(combo.id)) {
        const found = this.optionComboFromAttributes(record.categoryOptions ?? {}, combo);
        coc = { uid: found.id, identifier: propertyValue(found, run.schemes.categoryOptionCombo), converted: true };
      }
    }

    let value = record.value;
    const numeric = element.valueType !== null && NUMERIC_VALUE_TYPES.has(element.valueType);
    const annotated = 'valueAttribute' in record;
    if (numeric && annotated) value = record.valueAttribute ?? null;
    if (!numeric && element.valueType !== null && !annotated) throw new AdxError('DataElement expects text annotation', record.dataElement ?? ADX_ERROR);

    if (group.aoc.kind === 'converted' && group.aoc.identifier === null) throw new AdxError('Value for attributeOptionCombo is null');
    if (coc.converted && coc.identifier === null) throw new AdxError('Value for categoryOptionCombo is null');

    const aocIdentifier = group.aoc.kind === 'none' ? null : group.aoc.identifier;
    return {
      kind: 'value',
      record: { ...record, value, categoryOptionCombo: coc.identifier, attributeOptionCombo: aocIdentifier },
      categoryOptionCombo: coc.converted ? coc.uid : null,
      attributeOptionCombo: group.aoc.kind === 'converted' ? group.aoc.uid : null,
    };
  }

  /** convertAttributesToDxf + getCatOptComboFromAttributes for a non-default combo. */
  private optionComboFromAttributes(attributes: Readonly<Record<string, string>>, combo: CategoryCombo): CategoryOptionCombo {
    const { index, schemes } = this.run;
    const categories = combo.categories.map((uid) => index.category(uid)).filter((category): category is Category => category !== undefined);
    // The category map is a HashMap: its order (bucket, then insertion) decides which missing category is named.
    const named: { id: string; category: Category }[] = [];
    for (const category of categories) {
      const id = propertyValue(category, schemes.category);
      if (id === null || !isXmlName(id)) throw new AdxError(`Category ${schemes.category.kind} for ${category.name} is missing or invalid: ${id}`);
      named.push({ id, category });
    }
    const inHashOrder = [...named].sort((a, b) => bucket(a.id) - bucket(b.id) || named.indexOf(a) - named.indexOf(b));
    const given: [string, string][] = [];
    for (const { id, category } of inHashOrder) {
      const option = attributes[id];
      if (option === undefined) throw new AdxError(`Category combo ${combo.name} must have ${category.name}`);
      given.push([id, option]);
    }
    const map = this.comboMap(combo, categories);
    const composite = named.map(({ id }) => `"${attributes[id]}"`).join('');
    const found = map.get(composite);
    if (!found) throw new AdxError(`Invalid attributes: ${javaHashMapToString(given)}`);
    return found;
  }

  /** CategoryComboMap: each option combo by its options' identifiers (categoryOptionIdScheme), in category order. */
  private comboMap(combo: CategoryCombo, categories: Category[]): Map<string, CategoryOptionCombo> {
    let map = this.comboMaps.get(combo.id);
    if (!map) {
      const { index, schemes } = this.run;
      try {
        const built = new Map<string, CategoryOptionCombo>();
        for (const cocUid of index.optionCombosOf(combo.id)) {
          const coc = index.categoryOptionCombo(cocUid);
          if (!coc) continue;
          let composite = '';
          for (const category of categories) {
            const optionUid = category.categoryOptions.find((option) => coc.categoryOptions.includes(option));
            const option = optionUid ? index.categoryOption(optionUid) : undefined;
            if (!option) throw new AdxError(`No categoryOption in ${category.name} matching ${coc.name}`);
            const identifier = propertyValue(option, schemes.categoryOption);
            if (identifier === null) throw new AdxError(`No ${schemes.categoryOption.kind} identifier for CategoryOption: ${option.name}`);
            composite += `"${identifier.trim()}"`;
          }
          built.set(composite, coc);
        }
        map = built;
      } catch (error) {
        map = error instanceof AdxError ? error : new AdxError(String(error));
      }
      this.comboMaps.set(combo.id, map);
    }
    if (map instanceof AdxError) throw map;
    return map;
  }
}

/** IdentifiableObject.getPropertyValue(scheme). */
function propertyValue(
  object: { id: string; code: string | null; name: string | null; attributeValues?: { attribute: string; value: string }[] },
  scheme: IdScheme,
): string | null {
  switch (scheme.kind) {
    case 'UID':
      return object.id;
    case 'CODE':
      return object.code;
    case 'NAME':
      return object.name;
    case 'ATTRIBUTE':
      return object.attributeValues?.find((value) => value.attribute === scheme.attribute)?.value ?? null;
  }
}

function bucket(key: string): number {
  const hash = javaStringHash(key);
  return ((hash ^ (hash >>> 16)) >>> 0) & 15;
}

/** Xerces XMLChar.isValidName (XML 1.0 5th edition names), for the names categories take as ADX attributes. */
function isXmlName(value: string): boolean {
  if (value === '') return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const start = /[A-Za-z_:]/.test(value[i]!) || inRanges(code, NAME_START_RANGES);
    if (!start && (i === 0 || !(/[0-9.-]/.test(value[i]!) || code === 0xb7 || inRanges(code, NAME_EXTRA_RANGES)))) return false;
  }
  return true;
}

const NAME_START_RANGES: readonly [number, number][] = [
  [0xc0, 0xd6],
  [0xd8, 0xf6],
  [0xf8, 0x2ff],
  [0x370, 0x37d],
  [0x37f, 0x1fff],
  [0x200c, 0x200d],
  [0x2070, 0x218f],
  [0x2c00, 0x2fef],
  [0x3001, 0xdfff],
  [0xf900, 0xfdcf],
  [0xfdf0, 0xfffd],
];
const NAME_EXTRA_RANGES: readonly [number, number][] = [
  [0x300, 0x36f],
  [0x203f, 0x2040],
];

function inRanges(code: number, ranges: readonly [number, number][]): boolean {
  return ranges.some(([from, to]) => code >= from && code <= to);
}

/** AdxPeriod.parse's complaint about a period it cannot read. */
export function adxPeriodError(period: string): string {
  const tokens = period.split('/');
  if (tokens.length !== 2) return `${period} not in valid <date>/<duration> format`;
  const [start = '', duration = ''] = tokens;
  const known = ['P1D', 'P7D', 'P14D', 'P1M', 'P2M', 'P3M', 'P6M', 'P1Y'];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !known.includes(duration)) return `${duration} is not a supported duration type`;
  if (duration === 'P7D') return `${period} is invalid weekly type`;
  if (duration === 'P6M') return `${period} is invalid sixmonthly type`;
  if (duration === 'P1Y') return `${period} is invalid yearly type`;
  return `${duration} is not a supported duration type`;
}
