import { PeriodCalendar, localIsoDate } from '../../periods';
import { emptyHeader, type DataValueRecord, type DataValueSetHeader } from '../types';
import { AdxConverter, type AdxRecord } from './adx-conversion';
import { DEFAULT_INDEX_CAP } from './conflict-log';
import { effectiveIdSchemes } from './id-schemes';
import { ImportRun } from './import-run';
import { resolveSetLevel, setDataSet, valueContext } from './set-context';
import type { ValidationContext } from './types';
import { formatOf, inBatches, strategyFor, type ValueInput } from './validate-data-values';

export interface DataValueTranslator {
  /** The set-level fields to send with the translated values: UIDs, nothing left to override. */
  header: DataValueSetHeader;
  /**
   * A value with UIDs for every identifier that resolves (others stay as written, so that the server
   * reports them), the set-level period, org unit and attribute option combo applied as 2.41 applies them,
   * ADX category options turned into option combos. Null for an ADX value that 2.41 would not import at all.
   */
  translate(record: DataValueRecord): DataValueRecord | null;
}

/** For the import job: values ready to send by UID. Fails (Error) where validation reports the whole import failing. */
export function createDataValueTranslator(context: ValidationContext): DataValueTranslator | Error {
  const format = formatOf(context);
  const adx = format === 'adx';
  const schemes = effectiveIdSchemes(context.header.idSchemes, context.params, adx);
  if (!schemes.ok) return new Error(schemes.message);
  const strategy = strategyFor(context, format);
  if (strategy instanceof Error) return strategy;
  const calendar = PeriodCalendar.of(context.calendar);
  const run = new ImportRun(
    context.index,
    schemes.schemes,
    calendar,
    context.options ?? {},
    strategy,
    localIsoDate(context.today ?? new Date()),
    DEFAULT_INDEX_CAP,
  );
  const dataSetRaw = adx ? null : setDataSet(context.header, format, context.params.dataSet);
  if (!adx) {
    const set = resolveSetLevel(run, context.header, dataSetRaw);
    if (set.failure) return new Error(set.failure);
  }
  const converter = adx ? new AdxConverter(run) : null;
  const header: DataValueSetHeader = {
    ...emptyHeader(),
    dataSet: run.dataSet?.id ?? dataSetRaw,
    completeDate: adx ? null : context.header.completeDate,
    dryRun: context.header.dryRun,
    importStrategy: adx ? null : context.header.importStrategy,
  };
  let serverIndex = 0;
  return {
    header,
    translate(raw) {
      let record = raw;
      let converted = null;
      if (converter) {
        const outcome = converter.convert(raw as AdxRecord);
        if (outcome.kind !== 'value') return null;
        converted = outcome;
        record = outcome.record;
      }
      const value = valueContext(run, record, adx ? serverIndex++ : record.index, converted);
      const { categoryOptions: _c, attributeOptions: _a, dataSet: _d, completeDate: _cd, ...rest } = record as AdxRecord;
      delete (rest as AdxRecord).valueAttribute;
      return {
        ...rest,
        dataElement: value.dataElement?.id ?? record.dataElement,
        period: value.period?.id ?? record.period,
        orgUnit: value.orgUnit?.id ?? (run.outerOrgUnit ? run.outerOrgUnit.id : record.orgUnit),
        categoryOptionCombo: value.categoryOptionCombo ?? record.categoryOptionCombo,
        attributeOptionCombo: value.attributeOptionCombo ?? record.attributeOptionCombo,
      };
    },
  };
}

/** The records of a file translated for sending (see DataValueTranslator), skipping what 2.41 would not import. */
export async function* translateDataValues(records: ValueInput, context: ValidationContext): AsyncGenerator<DataValueRecord, void, undefined> {
  const translator = createDataValueTranslator(context);
  if (translator instanceof Error) throw translator;
  for await (const batch of inBatches(records)) {
    for (const record of batch) {
      const translated = translator.translate(record);
      if (translated) yield translated;
    }
  }
}
