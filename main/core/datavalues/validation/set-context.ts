import type { ImportConflict } from '../../../../shared/import-summary';
import { isValidIsoDate } from '../../periods';
import type { DataValueFormat, DataValueRecord, DataValueSetHeader } from '../types';
import type { FoundConflict } from './conflict-log';
import type { AdxOutcome } from './adx-conversion';
import type { ImportRun } from './import-run';
import type { OrgUnitInfo, ValueContext } from './value-context';
import { trimToNull } from './java-text';

/** What the set level decides before any value: conflicts that abort, or a failure of the whole request. */
export interface SetLevelOutcome {
  conflicts: FoundConflict[];
  /** DHIS2 threw: the import fails with "The import process failed: <message>" and nothing else. */
  failure: string | null;
  /** `dataSetComplete` of the summary, and a legacy conflict when completing needs what is missing. */
  dataSetComplete: string;
  completionConflict: ImportConflict | null;
}

/** The data set the server takes for the set: the payload's, or for CSV the request's `dataSet`. */
export function setDataSet(header: DataValueSetHeader, format: DataValueFormat, requested: string | undefined): string | null {
  if (format === 'csv') return requested && requested !== '' ? requested : null;
  return header.dataSet;
}

/**
 * createDataSetContext and the data-set validations (E7600, E7603, E7604: all run, any aborts), then the
 * completion date (getCompletionDate/handleComplete). Sets the run's set-level objects.
 */
export function resolveSetLevel(run: ImportRun, header: DataValueSetHeader, dataSetRaw: string | null): SetLevelOutcome {
  const { schemes } = run;
  const conflicts: FoundConflict[] = [];
  const outcome = (failure: string | null = null): SetLevelOutcome => ({ conflicts, failure, dataSetComplete: 'false', completionConflict: null });

  if (dataSetRaw !== null) {
    const uid = run.resolve('dataSets', dataSetRaw, schemes.dataSet).uid;
    run.dataSet = (uid && run.index.dataSet(uid)) || null;
  }
  run.outerPeriod = run.period(header.period);
  const orgUnit = run.resolve('organisationUnits', header.orgUnit, schemes.orgUnit).uid;
  run.outerOrgUnit = (orgUnit && run.index.orgUnit(orgUnit)) || null;

  if (header.attributeOptionCombo !== null) {
    run.outerAttributeOptionCombo = run.resolve('categoryOptionCombos', header.attributeOptionCombo, schemes.categoryOptionCombo).uid;
  } else if (header.attributeCategoryOptions !== null && run.dataSet !== null) {
    // InputUtils.getAttributeOptionCombo throws on what it cannot find: the whole import fails.
    const options: string[] = [];
    for (const raw of header.attributeCategoryOptions) {
      const uid = run.resolve('categoryOptions', raw, schemes.general).uid;
      if (!uid) return outcome(`Category option not found or not accessible: \`${raw}\``);
      options.push(uid);
    }
    const combo = run.dataSetCombo(run.dataSet);
    const aoc = combo ? run.index.optionComboOf(combo, options) : undefined;
    if (!aoc) return outcome('Attribute option combo does not exist for given category combo and category options');
    run.outerAttributeOptionCombo = aoc;
  }

  if (run.dataSet === null && trimToNull(dataSetRaw) !== null) conflicts.push({ code: 'E7600', args: [dataSetRaw] });
  if (run.outerOrgUnit === null && trimToNull(header.orgUnit) !== null) conflicts.push({ code: 'E7603', args: [header.orgUnit, dataSetRaw] });
  if (run.outerAttributeOptionCombo === null && trimToNull(header.attributeOptionCombo) !== null) {
    conflicts.push({ code: 'E7604', args: [header.attributeOptionCombo, dataSetRaw] });
  }
  if (conflicts.length > 0) return outcome();

  const completion = completionDate(header.completeDate, run.today);
  if (completion instanceof Error) return outcome(completion.message);
  if (run.dataSet === null || completion === null) return outcome();
  if (run.outerOrgUnit === null) return { ...outcome(), completionConflict: { object: 'OrganisationUnit', value: 'Must be provided to complete data set' } };
  if (run.outerPeriod === null) return { ...outcome(), completionConflict: { object: 'Period', value: 'Must be provided to complete data set' } };
  return { ...outcome(), dataSetComplete: completion };
}

/** getCompletionDate: "true" is today, "false" none, a later date today; anything else must be yyyy-MM-dd. */
function completionDate(value: string | null, today: string): string | null | Error {
  if (value === null || value === '') return null;
  if (value.toLowerCase() === 'true') return today;
  if (value.toLowerCase() === 'false') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match || !isValidIsoDate(Number(match[1]), Number(match[2]), Number(match[3]))) return new Error(`Text '${value}' could not be parsed at index 0`);
  return value > today ? today : value;
}

/**
 * createDataValueContext: each identifier resolved with its scheme, the set-level period, org unit and
 * attribute option combo in place of the value's own. ADX values bring their option combos converted.
 * The context is the run's one scratch object, filled afresh for each value (a million values make no
 * garbage here): use it before asking for the next, and keep nothing of it but its fields' values.
 */
export function valueContext(run: ImportRun, record: DataValueRecord, index: number, adx: Extract<AdxOutcome, { kind: 'value' }> | null): ValueContext {
  const de = run.dataElements.get(record.dataElement);
  if (de.ambiguity !== null) noteAmbiguity(run, de.ambiguity, index, record);
  let unit: OrgUnitInfo | null;
  let ouOrdinal: number;
  if (run.outerOrgUnit === null) {
    const ou = run.orgUnits.get(record.orgUnit);
    if (ou.ambiguity !== null) noteAmbiguity(run, ou.ambiguity, index, record);
    unit = ou.object;
    ouOrdinal = ou.ordinal;
  } else {
    unit = run.orgUnitInfo(run.outerOrgUnit);
    ouOrdinal = run.ordinal(run.outerOrgUnit.id);
  }
  let coc = adx?.categoryOptionCombo ?? null;
  let cocOrdinal: number;
  if (coc === null) {
    const resolved = run.optionCombos.get(record.categoryOptionCombo);
    if (resolved.ambiguity !== null) noteAmbiguity(run, resolved.ambiguity, index, record);
    coc = resolved.uid;
    cocOrdinal = resolved.ordinal;
  } else cocOrdinal = run.ordinal(coc);
  let aoc = run.outerAttributeOptionCombo ?? adx?.attributeOptionCombo ?? null;
  let aocOrdinal: number;
  if (aoc === null) {
    const resolved = run.attributeOptionCombos.get(record.attributeOptionCombo);
    if (resolved.ambiguity !== null) noteAmbiguity(run, resolved.ambiguity, index, record);
    aoc = resolved.uid;
    aocOrdinal = resolved.ordinal;
  } else aocOrdinal = run.ordinal(aoc);
  let period = run.outerPeriod;
  let peOrdinal: number;
  if (period === null) {
    const entry = run.periodEntry(record.period);
    period = entry.period;
    peOrdinal = entry.ordinal;
  } else peOrdinal = run.ordinal(period.id);
  const v = run.scratch;
  v.record = record;
  v.index = index;
  v.dataElement = de.object?.element ?? null;
  v.period = period;
  v.orgUnit = unit?.unit ?? null;
  v.categoryOptionCombo = coc;
  v.attributeOptionCombo = aoc;
  const o = v.ordinals;
  o.dataElement = de.ordinal;
  o.period = peOrdinal;
  o.orgUnit = ouOrdinal;
  o.categoryOptionCombo = cocOrdinal;
  o.attributeOptionCombo = aocOrdinal;
  v.element = de.object;
  v.unit = unit;
  v.targets = null;
  return v;
}

function noteAmbiguity(run: ImportRun, ambiguity: string, index: number, record: DataValueRecord): void {
  run.notices.add('ambiguous-identifier', `${ambiguity} DHIS2 takes whichever its database returns first.`, index, record.line);
}
