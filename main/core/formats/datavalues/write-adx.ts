import type { DataValueRecord, DataValueSetHeader } from '../../datavalues/types';
import { FormatError } from '../format-error';
import { ADX_NAMESPACE } from '../sniff';
import { dhis2ToAdxPeriod } from './adx-period';
import { whichValue, type DataValueSerializer } from './serializer';
import { xmlAttribute, xmlText } from './xml-text';

export interface AdxWriteOptions {
  /**
   * Whether a data element's value type is numeric. ADX carries non-numeric values in an `<annotation>`
   * (with `value="0"`, as DHIS2 exports them). Without it, values that look like numbers are taken as numeric.
   */
  isNumeric?: (dataElement: string) => boolean;
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
// Category identifiers become attribute names, so they must be XML names (DHIS2 checks the same).
const XML_NAME = /^[\p{L}_][\p{L}\p{N}_.\-\u00B7]*$/u;
const GROUP_NAMES = new Set(['dataSet', 'period', 'orgUnit', 'completeDate', 'attributeOptionCombo']);
const VALUE_NAMES = new Set(['dataElement', 'value', 'categoryOptionCombo', 'attributeOptionCombo', 'comment', 'deleted']);

/**
 * ADX as DHIS2 exports it: one `<group>` per data set, period, organisation unit and attribute option
 * combo, periods in ADX form. Values are streamed, so a new group starts whenever the group changes from
 * one value to the next: input sorted by those fields gives one group each, unsorted input stays valid
 * ADX with more groups.
 */
export function adxSerializer(header: DataValueSetHeader, options: AdxWriteOptions = {}): DataValueSerializer {
  let openGroup: string | null = null;
  return {
    begin() {
      return `<?xml version="1.0" encoding="UTF-8"?>\n<adx xmlns="${ADX_NAMESPACE}">\n`;
    },
    value(record: DataValueRecord) {
      const group = groupTag(record, header);
      let text = '';
      if (group !== openGroup) {
        if (openGroup !== null) text += '  </group>\n';
        text += `  ${group}\n`;
        openGroup = group;
      }
      return text + valueElement(record, options);
    },
    finish() {
      return (openGroup === null ? '' : '  </group>\n') + '</adx>\n';
    },
  };
}

function groupTag(record: DataValueRecord, header: DataValueSetHeader): string {
  const dataSet = record.dataSet ?? header.dataSet;
  const period = header.period ?? record.period;
  const orgUnit = header.orgUnit ?? record.orgUnit;
  if (dataSet === null) throw needs(record, 'dataSet', 'a data set; give one for the whole file');
  if (period === null) throw needs(record, 'period', 'a period');
  if (orgUnit === null) throw needs(record, 'orgUnit', 'an organisation unit');
  const adxPeriod = period.includes('/') ? period : dhis2ToAdxPeriod(period);
  if (adxPeriod === null) {
    throw new FormatError('ADX_PERIOD', `${whichValue(record)} has the period "${period}", which ADX cannot express; write JSON, XML or CSV instead.`, {
      line: lineOf(record),
      field: 'period',
    });
  }
  let tag = `<group dataSet="${xmlAttribute(dataSet, record, 'dataSet')}" period="${xmlAttribute(adxPeriod, record, 'period')}" orgUnit="${xmlAttribute(orgUnit, record, 'orgUnit')}"`;
  const completeDate = record.completeDate ?? header.completeDate;
  if (completeDate !== null) tag += ` completeDate="${xmlAttribute(completeDate, record, 'completeDate')}"`;
  const combo = header.attributeOptionCombo ?? record.attributeOptionCombo;
  if (combo !== null) tag += ` attributeOptionCombo="${xmlAttribute(combo, record, 'attributeOptionCombo')}"`;
  else tag += categoryAttributes(record, record.attributeOptions, GROUP_NAMES);
  return tag + '>';
}

function valueElement(record: DataValueRecord, options: AdxWriteOptions): string {
  if (record.dataElement === null) throw needs(record, 'dataElement', 'a data element');
  let text = `    <dataValue dataElement="${xmlAttribute(record.dataElement, record, 'dataElement')}"`;
  if (record.categoryOptionCombo !== null) text += ` categoryOptionCombo="${xmlAttribute(record.categoryOptionCombo, record, 'categoryOptionCombo')}"`;
  else text += categoryAttributes(record, record.categoryOptions, VALUE_NAMES);
  if (record.comment !== null) text += ` comment="${xmlAttribute(record.comment, record, 'comment')}"`;
  if (record.deleted === true) text += ' deleted="true"';
  const value = record.value;
  const numeric = options.isNumeric ? options.isNumeric(record.dataElement) : value === null || NUMBER.test(value);
  if (numeric) return `${text} value="${value === null ? '' : xmlAttribute(value, record, 'value')}"/>\n`;
  return `${text} value="0">\n      <annotation>${value === null ? '' : xmlText(value, record, 'value')}</annotation>\n    </dataValue>\n`;
}

function categoryAttributes(record: DataValueRecord, options: Record<string, string> | undefined, reserved: ReadonlySet<string>): string {
  let text = '';
  for (const [category, option] of Object.entries(options ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!XML_NAME.test(category) || reserved.has(category)) {
      throw new FormatError(
        'ADX_CATEGORY_NAME',
        `${whichValue(record)} names the category "${category}", which cannot be an ADX attribute; use category codes that are valid XML names.`,
        { line: lineOf(record), field: category },
      );
    }
    text += ` ${category}="${xmlAttribute(option, record, category)}"`;
  }
  return text;
}

function needs(record: DataValueRecord, field: string, what: string): FormatError {
  return new FormatError('ADX_MISSING_FIELD', `${whichValue(record)} has no ${field}; ADX needs ${what}.`, { line: lineOf(record), field });
}

function lineOf(record: DataValueRecord): number | undefined {
  return record.line > 0 ? record.line : undefined;
}
