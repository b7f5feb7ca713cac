import { emptyImportCount, type ImportCount } from '../../../../shared/import-summary';
import { PeriodCalendar, localIsoDate } from '../../periods';
import type { DataValueFormat, DataValueRecord } from '../types';
import { AdxConverter, type AdxRecord } from './adx-conversion';
import { ConflictLog, DEFAULT_INDEX_CAP } from './conflict-log';
import { effectiveIdSchemes } from './id-schemes';
import { ImportRun, strategyOf, type Strategy } from './import-run';
import { trimToNull } from './java-text';
import { resolveSetLevel, setDataSet, valueContext } from './set-context';
import { DUPLICATE_EXPLANATION, DuplicateFinder } from './duplicates';
import type { ValidationContext, ValidationResult } from './types';
import { checkValue, isFileType } from './value-checks';
import type { ValueContext } from './value-context';
import { NUMERIC_VALUE_TYPES, isZero, normalizeBoolean } from './value-types';

/** The format of the records: stated, else the request's, else the file name's extension. */
export function formatOf(context: Pick<ValidationContext, 'format' | 'params' | 'fileName'>): DataValueFormat {
  if (context.format) return context.format;
  if (context.params.format !== 'auto') return context.params.format;
  const name = context.fileName.toLowerCase().replace(/\.(gz|zip)$/, '');
  if (name.endsWith('.adx.xml') || name.endsWith('.adx')) return 'adx';
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.xml')) return 'xml';
  if (name.endsWith('.pdf')) return 'pdf';
  return 'json';
}

/** The strategy of the import: the payload's (exact enum names, as ImportStrategy.valueOf) or the request's. */
export function strategyFor(context: Pick<ValidationContext, 'header' | 'params'>, format: DataValueFormat): Strategy | Error {
  const fromPayload = format === 'adx' ? null : context.header.importStrategy;
  if (fromPayload === null) return strategyOf(context.params.strategy) ?? 'CREATE_AND_UPDATE';
  return strategyOf(fromPayload) ?? new Error(`No enum constant org.hisp.dhis.importexport.ImportStrategy.${fromPayload}`);
}

/**
 * Predicts DHIS2 2.41's ImportSummary for a data value file from offline metadata: the same checks in the
 * same order, the same conflicts (grouped, with indexes, plus the file lines), and the import count under
 * the assumption stated in the result. Streams: memory grows with distinct conflicts, and with the values
 * written only by their keys (for finding duplicates), at about 33 bytes each.
 */
export async function validateDataValues(records: ValueInput, context: ValidationContext): Promise<ValidationResult> {
  const format = formatOf(context);
  const adx = format === 'adx';
  const cap = context.indexCap ?? DEFAULT_INDEX_CAP;
  const calendar = PeriodCalendar.of(context.calendar);
  const today = localIsoDate(context.today ?? new Date());
  const unchecked = uncheckedList(context, calendar);

  const failed = (description: string, checked = 0): ValidationResult => ({
    summary: {
      responseType: 'ImportSummary',
      status: 'ERROR',
      description,
      importCount: emptyImportCount(),
      conflicts: [],
      rejectedIndexes: [],
      predicted: true,
      rejectedCount: 0,
    },
    checked,
    duplicates: { count: 0, examples: [], explanation: DUPLICATE_EXPLANATION },
    notices: [],
    unchecked,
    countAssumption: '',
    aborted: true,
  });

  const schemes = effectiveIdSchemes(context.header.idSchemes, context.params, adx);
  if (!schemes.ok) return failed(`The import process failed: ${schemes.message}`);
  const strategy = strategyFor(context, format);
  if (strategy instanceof Error) return failed(`The import process failed: ${strategy.message}`);
  const dryRun = (format === 'xml' ? (context.header.dryRun === true ? true : null) : context.header.dryRun) ?? context.params.dryRun;

  const run = new ImportRun(context.index, schemes.schemes, calendar, context.options ?? {}, strategy, today, cap);
  const log = new ConflictLog(cap);
  const adxLog = new ConflictLog(cap);
  const count: ImportCount = emptyImportCount();
  const rejected: number[] = [];
  let rejectedCount = 0;
  const reject = (index: number) => {
    rejectedCount++;
    if (rejected.length < cap) rejected.push(index);
  };

  const set = adx ? null : resolveSetLevel(run, context.header, setDataSet(context.header, format, context.params.dataSet));
  if (set?.failure) return failed(`The import process failed: ${set.failure}`);
  if (set && set.conflicts.length > 0) {
    for (const found of set.conflicts) log.add(found, -1, -1);
    const result = failed('Import process was aborted');
    return { ...result, summary: { ...result.summary, conflicts: log.list() } };
  }
  if (set?.completionConflict) log.addLegacy(set.completionConflict.object ?? '', set.completionConflict.value, -1);

  const converter = adx ? new AdxConverter(run) : null;
  const duplicates = new DuplicateFinder(cap, (ordinal) => run.idOf(ordinal));
  let checked = 0;
  let serverIndex = 0;
  let sawFileDelete = false;

  for await (const batch of inBatches(records)) {
    for (const raw of batch) {
      checked++;
      let record = raw;
      let converted = null;
      if (converter) {
        const outcome = converter.convert(raw as AdxRecord);
        if (outcome.kind === 'abort') {
          const result = failed(`Data set import failed within group number: ${outcome.group}`, checked);
          return { ...result, summary: { ...result.summary, conflicts: [{ object: outcome.object, value: outcome.message, lines: [raw.line] }] } };
        }
        if (outcome.kind === 'conflict') {
          adxLog.addLegacy(outcome.object, outcome.message, raw.line);
          count.ignored++;
          continue;
        }
        converted = outcome;
        record = outcome.record;
      }
      const index = adx ? serverIndex++ : record.index;
      const value = valueContext(run, record, index, converted);
      const found = checkValue(run, value);
      if (found) {
        for (const conflict of found) log.add(conflict, index, record.line);
        count.ignored++;
        reject(index);
        continue;
      }
      if (strategy === 'DELETE' && isFileType(value.dataElement)) sawFileDelete = true;

      const zero = zeroInsignificant(value);
      const counted = predictCount(count, strategy, value, zero, reject);
      // An insignificant zero is never written when creating, so it cannot collide.
      if (!(zero && createsOnly(strategy))) duplicates.see(value, record, dryRun ? NOT_COUNTED : counted);
    }
  }

  // A repeat the server drops (creating, not a dry run) is counted by neither: take back what was counted for it.
  const found = duplicates.finish();
  count.imported -= found.marked[COUNTED_IMPORTED] ?? 0;
  count.ignored -= found.marked[COUNTED_IGNORED] ?? 0;

  if (sawFileDelete) unchecked.push('Deleting FILE_RESOURCE or IMAGE values: whether the server has the value to delete (E7645) is not knowable offline.');
  const conflicts = [...log.list(), ...adxLog.list()];
  return {
    summary: {
      responseType: 'ImportSummary',
      // ADX conflicts are added after the DXF2 import has set the status, so they do not change it (2.41).
      status: log.size > 0 ? 'WARNING' : 'SUCCESS',
      description: 'Import process completed successfully',
      importCount: count,
      conflicts,
      rejectedIndexes: rejected,
      dataSetComplete: set?.dataSetComplete ?? 'false',
      predicted: true,
      rejectedCount,
    },
    checked,
    duplicates: found.report,
    notices: run.notices.list(),
    unchecked,
    countAssumption: assumption(strategy, dryRun),
    aborted: false,
  };
}

/** Values one by one, or (faster) a source's batches. */
export type ValueInput = AsyncIterable<DataValueRecord> | { batches(): AsyncIterable<readonly DataValueRecord[]> };

export function inBatches(input: ValueInput): AsyncIterable<readonly DataValueRecord[]> {
  if ('batches' in input) return input.batches();
  return (async function* () {
    for await (const record of input) yield [record];
  })();
}

function createsOnly(strategy: Strategy): boolean {
  return strategy === 'CREATE_AND_UPDATE' || strategy === 'CREATE';
}

/** ValidationUtils.dataValueIsZeroAndInsignificant, on the value as written. */
function zeroInsignificant(value: ValueContext): boolean {
  const element = value.dataElement!;
  return (
    element.valueType !== null &&
    NUMERIC_VALUE_TYPES.has(element.valueType) &&
    isZero(value.record.value) &&
    !element.zeroIsSignificant &&
    element.aggregationType !== 'AVERAGE_SUM_ORG_UNIT' &&
    element.aggregationType !== 'AVERAGE'
  );
}

/** What predictCount did with a value, where a repeat of an earlier value would change it. */
const NOT_COUNTED = 0;
const COUNTED_IMPORTED = 1;
const COUNTED_IGNORED = 2;

/**
 * The counting of DefaultDataValueSetService.importDataValue for a value that passed every check, with
 * existing values guessed: none when creating (CREATE_AND_UPDATE, CREATE), all when updating or deleting.
 * Counted as if the value were the first with its key; returns what to take back if it was not.
 */
function predictCount(count: ImportCount, strategy: Strategy, value: ValueContext, zero: boolean, reject: (index: number) => void): number {
  const record = value.record;
  const nullValue = trimToNull(normalizeBoolean(record.value, value.dataElement!.valueType)) === null && trimToNull(record.comment) === null;
  switch (strategy) {
    case 'CREATE_AND_UPDATE':
    case 'CREATE':
      // An insignificant zero is skipped without being counted at all (its count goes to a summary DHIS2 then replaces).
      if (zero) return NOT_COUNTED;
      if (nullValue) {
        count.ignored++;
        return COUNTED_IGNORED;
      }
      count.imported++;
      return COUNTED_IMPORTED;
    case 'UPDATE':
      if (nullValue || record.deleted === true || zero) count.deleted++;
      else count.updated++;
      return NOT_COUNTED;
    case 'DELETE':
      count.deleted++;
      return NOT_COUNTED;
    case 'SYNC':
      count.ignored++;
      reject(value.index);
      return NOT_COUNTED;
  }
}

function assumption(strategy: Strategy, dryRun: boolean): string {
  const run = dryRun ? ' (dry run: nothing is saved, the count is the same)' : '';
  switch (strategy) {
    case 'CREATE_AND_UPDATE':
    case 'CREATE':
      return `Values are assumed new on the server${run}: those that pass count as imported; values the server already has would count as updated (or ignored when unchanged, rejected under CREATE).`;
    case 'UPDATE':
      return `Values are assumed to exist on the server${run}: those that pass count as updated (deleted when empty); values it does not have would be ignored and rejected.`;
    case 'DELETE':
      return `Values are assumed to exist on the server${run}: those that pass count as deleted; values it does not have would be ignored and rejected.`;
    case 'SYNC':
      return 'Strategy SYNC does not create, update or delete aggregate values: every value that passes is ignored and rejected.';
  }
}

function uncheckedList(context: ValidationContext, calendar: PeriodCalendar): string[] {
  const list: string[] = [];
  const user = context.index.user;
  if (!user) {
    list.push('No user in the offline metadata: whether the org units are in the importing user’s data capture hierarchy (E7617) is not checked.');
  } else if (context.username && context.username !== user.username) {
    list.push(
      `The offline metadata describes user ${user.username}, not ${context.username} who imports: the org unit hierarchy (E7617) and expiry rights (E7640) are checked for ${user.username}.`,
    );
  }
  if (!context.index.defaultCategoryOptionCombo) {
    list.push(
      'The default category option combo is not in the offline metadata: for values without option combos, the attribute option checks (E7638, E7639) and the data set checks (E7640, E7641, E7643) are skipped.',
    );
  }
  list.push(
    'Sharing is not in the offline metadata: data write access to the data set (E7601) and to category options (E7614, E7616; DHIS2 also reports unwritable option combos as not found, E7613/E7615) is not checked.',
    'Data approval is not knowable offline: values for approved data (E7642) would be rejected by the server.',
    'Lock exceptions are not in the offline metadata: values predicted past expiry (E7640) may be accepted where the server has a lock exception for the data set, period and org unit.',
    'Data sets’ “open periods after category option end date” is not in the offline metadata: attribute option end dates are used as they are (E7638).',
    'The server’s system settings can make strict checks (periods, data elements, option combos, org units, locking, input periods) or required option combos apply to every import; offline they apply only when requested.',
    'Values already on the server are not known offline: see the count assumption.',
  );
  if (calendar.problem)
    list.push(
      `Period dates in the ${calendar.name} calendar could not be computed (${calendar.problem}): period date ranges (E7638), expiry (E7640) and input periods (E7643/E7644) are not checked.`,
    );
  return list;
}
