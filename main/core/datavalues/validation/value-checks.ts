import type { DataElement } from '../../metadata/model';
import type { FoundConflict } from './conflict-log';
import type { ImportRun } from './import-run';
import type { DataSetInfo, ValueContext } from './value-context';
import { javaIsBlank, trimToNull } from './java-text';
import { FILE_VALUE_TYPES, VALUE_TYPES, isValidOption, normalizeBoolean, valueTypeError } from './value-types';

const one = (code: FoundConflict['code'], ...args: (string | null)[]): FoundConflict[] => [{ code, args }];

/*
 * The per-value checks in the order DataValueSetImportValidator.init registers them (2.41). The first one
 * that finds something decides (skipDataValue); a check may find several conflicts at once (one per data
 * set). Checks that need what offline metadata cannot know (sharing, approvals, lock exceptions, stored
 * file resources) are left out and listed as unchecked by the caller. Messages use the identifiers as the
 * value wrote them, as DHIS2 does, even where the set-level period, org unit or option combo replaced them.
 * Each check is a plain function called by name (not a list walked per value): a million values pass
 * through here.
 */

/** skipDataValue: the conflicts of the first check that finds any, or null when the value passes them all. */
export function checkValue(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  return (
    // E7610–E7613
    (v.dataElement ? null : one('E7610', v.record.dataElement)) ??
    (v.period ? null : one('E7611', v.record.period)) ??
    (v.orgUnit ? null : one('E7612', v.record.orgUnit)) ??
    (v.categoryOptionCombo === null && trimToNull(v.record.categoryOptionCombo) !== null ? one('E7613', v.record.categoryOptionCombo) : null) ??
    // E7614 (category option sharing) cannot be checked offline.
    (v.attributeOptionCombo === null && trimToNull(v.record.attributeOptionCombo) !== null ? one('E7615', v.record.attributeOptionCombo) : null) ??
    // E7616 (category option sharing) cannot be checked offline.
    captureHierarchy(run, v) ??
    (v.record.value === null && v.record.comment === null && v.record.deleted !== true && run.strategy !== 'DELETE'
      ? one('E7618', v.record.dataElement)
      : null) ??
    valueType(run, v) ??
    (!javaIsBlank(v.record.comment) && v.record.comment!.length > 50_000 ? one('E7620', 'comment_length_greater_than_max_length') : null) ??
    option(run, v) ??
    // E7630/E7631, or the default option combo in their place.
    categoryOptionCombo(run, v) ??
    attributeOptionCombo(run, v) ??
    (run.options.strictPeriods ? strictPeriod(run, v) : null) ??
    (run.options.strictDataElements ? strictDataElement(run, v) : null) ??
    (run.options.strictCategoryOptionCombos ? strictCategoryOptionCombo(run, v) : null) ??
    (run.options.strictAttributeOptionCombos ? strictAttributeOptionCombo(run, v) : null) ??
    (run.options.strictOrganisationUnits ? strictOrganisationUnit(run, v) : null) ??
    (!javaIsBlank(v.record.storedBy) && v.record.storedBy!.length > 255 ? one('E7637', 'stored_by_length_greater_than_max_length') : null) ??
    attributeOptionComboDates(run, v) ??
    attributeOptionComboOrgUnits(run, v) ??
    forTargetDataSets(run, v, LOCKED) ??
    forTargetDataSets(run, v, FUTURE) ??
    // E7642 (approvals) cannot be checked offline.
    forTargetDataSets(run, v, INPUT_PERIOD) ??
    (run.elementInputAllowed(v.element!, v.period!) ? null : one('E7644', v.record.period))
    // E7645 (a stored file for a deleted FILE_RESOURCE value) cannot be checked offline.
  );
}

function captureHierarchy(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  const user = run.index.user;
  if (!user) return null;
  return v.unit!.inCapture ? null : one('E7617', v.record.orgUnit, user.id);
}

function valueType(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  const element = v.dataElement!;
  const valueType = element.valueType;
  if (valueType === null || !VALUE_TYPES.has(valueType)) {
    run.notices.add(
      'unknown-value-type',
      `Data element ${element.id} has ${valueType === null ? 'no value type in the offline metadata' : `value type ${valueType}, unknown to DHIS2 2.41`}: its values were not checked against a type.`,
      v.index,
      v.record.line,
    );
    return null;
  }
  const error = valueTypeError(normalizeBoolean(v.record.value, valueType), valueType, element.optionSet !== null, run.calendar);
  return error ? one('E7619', v.record.dataElement, error) : null;
}

function option(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  const element = v.dataElement!;
  if (element.optionSet === null) return null;
  if (!run.index.optionSet(element.optionSet)) {
    run.notices.add(
      'metadata-gap',
      `Option set ${element.optionSet} of data element ${element.id} is not in the offline metadata: options not checked.`,
      v.index,
      v.record.line,
    );
    return null;
  }
  if (v.record.value === null) {
    run.notices.add(
      'import-would-fail',
      'A value without value (deleted, or strategy DELETE) for a data element with an option set: DHIS2 2.41.0–2.41.3 report it as not a valid option (E7621, as predicted here); 2.41.4 and later fail the whole import ("The import process failed: null").',
      v.index,
      v.record.line,
    );
  }
  const multiText = element.valueType === 'MULTI_TEXT';
  return isValidOption(v.record.value, multiText, (code) => run.index.optionByCode(element.optionSet!, code) !== undefined)
    ? null
    : one('E7621', v.record.dataElement);
}

function categoryOptionCombo(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  if (v.categoryOptionCombo !== null) return null;
  if (run.options.requireCategoryOptionCombo) return one('E7630');
  v.categoryOptionCombo = run.index.defaultCategoryOptionCombo;
  v.ordinals.categoryOptionCombo = run.ordinal(v.categoryOptionCombo);
  return null;
}

function attributeOptionCombo(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  if (v.attributeOptionCombo !== null) return null;
  if (run.options.requireAttributeOptionCombo) return one('E7631');
  v.attributeOptionCombo = run.index.defaultCategoryOptionCombo;
  v.ordinals.attributeOptionCombo = run.ordinal(v.attributeOptionCombo);
  return null;
}

function strictPeriod(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  const types = new Set(run.dataSetsOf(v.dataElement!).map((ds) => ds.periodType));
  return types.has(v.period!.type) ? null : one('E7632', v.record.period, v.record.dataElement);
}

function strictDataElement(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  const element = v.dataElement!;
  const targets = run.dataSet ? [run.dataSet] : run.dataSetsOf(element);
  return targets.some((ds) => run.index.dataSetHasElement(ds.id, element.id)) ? null : one('E7633', v.record.dataElement, targets.map((ds) => ds.id).join(','));
}

function strictCategoryOptionCombo(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  const element = v.dataElement!;
  const combos = new Set([element.categoryCombo ?? run.defaultCategoryCombo]);
  for (const ds of run.dataSetsOf(element)) {
    const override = ds.dataSetElements.find((dse) => dse.dataElement === element.id)?.categoryCombo;
    if (override) combos.add(override);
  }
  const coc = v.categoryOptionCombo;
  return coc !== null && [...combos].some((combo) => combo !== null && run.index.comboHasOptionCombo(combo, coc))
    ? null
    : one('E7634', v.record.categoryOptionCombo, v.record.dataElement);
}

function strictAttributeOptionCombo(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  const aoc = v.attributeOptionCombo;
  const allowed = run.dataSetsOf(v.dataElement!).some((ds) => {
    const combo = run.dataSetCombo(ds);
    return aoc !== null && combo !== null && run.index.comboHasOptionCombo(combo, aoc);
  });
  return allowed ? null : one('E7635', v.record.attributeOptionCombo, v.record.dataElement);
}

function strictOrganisationUnit(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  const assigned = run.dataSetsOf(v.dataElement!).some((ds) => run.index.dataSetHasOrgUnit(ds.id, v.orgUnit!.id));
  return assigned ? null : one('E7636', v.record.orgUnit, v.record.dataElement);
}

function attributeOptionComboDates(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  const aoc = v.attributeOptionCombo;
  const period = v.period!;
  if (aoc === null || run.calendar.problem) return null;
  const { start, end } = run.attributeOptionComboDates(aoc);
  return (start !== null && start > period.endDate) || (end !== null && end < period.startDate)
    ? one('E7638', v.record.period, v.record.attributeOptionCombo)
    : null;
}

function attributeOptionComboOrgUnits(run: ImportRun, v: ValueContext): FoundConflict[] | null {
  const aoc = v.attributeOptionCombo;
  if (aoc === null) return null;
  const units = run.attributeOptionComboOrgUnits(aoc);
  return units === null || run.index.isWithinAny(v.orgUnit!.id, units) ? null : one('E7639', v.record.orgUnit, v.record.attributeOptionCombo);
}

/** The checks made against each target data set. */
const LOCKED = 0;
const FUTURE = 1;
const INPUT_PERIOD = 2;
type TargetCheck = typeof LOCKED | typeof FUTURE | typeof INPUT_PERIOD;

function checkTarget(run: ImportRun, v: ValueContext, info: DataSetInfo, check: TargetCheck): FoundConflict[] | null {
  const period = v.period!;
  switch (check) {
    case LOCKED:
      return run.isLocked(info.dataSet, period) ? one('E7640', v.record.period, info.dataSet.id) : null;
    case FUTURE: {
      if (!run.calendar.isIso || run.endsBeforeAnyOpenFuturePeriod(period, info)) return null;
      const latest = run.latestOpenFuturePeriod(info);
      return latest && period.endDate > latest.endDate ? one('E7641', v.record.period, v.record.dataElement, info.dataSet.id, latest.id) : null;
    }
    case INPUT_PERIOD:
      return run.inputAllowed(info.dataSet, period) ? null : one('E7643', v.record.period, info.dataSet.id);
  }
}

/**
 * checkDataValueTargetDataSets: a value passes when one of its target data sets passes, unless strict,
 * when every data set's conflicts count. Without target data sets there is nothing to check.
 */
function forTargetDataSets(run: ImportRun, v: ValueContext, check: TargetCheck): FoundConflict[] | null {
  const aoc = v.attributeOptionCombo;
  if (aoc === null) return null;
  const strict = check === FUTURE || (check === LOCKED ? run.options.strictDataSetLocking : run.options.strictDataSetInputPeriods);
  const targets = (v.targets ??= run.targetDataSets(v.element!, v.orgUnit!.id, aoc));
  let staged: FoundConflict[] | null = null;
  for (const info of targets) {
    const found = checkTarget(run, v, info, check);
    if (!found) {
      if (!strict) return null;
    } else (staged ??= []).push(...found);
  }
  return staged;
}

export function isFileType(element: DataElement | null): boolean {
  return element?.valueType !== null && element?.valueType !== undefined && FILE_VALUE_TYPES.has(element.valueType);
}
