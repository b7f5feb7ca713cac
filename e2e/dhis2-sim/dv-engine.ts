import { type DataValueStore, dataValueKey, type Registration, registrationKey, type StoredDataValue } from './dv-store';
import { type ImportOptions, type ImportStrategy, IMPORT_STRATEGIES, strategyIs } from './dv-options';
import { ImportConflict, ImportSummary } from './dv-summary';
import { type ErrorCode, errorMessage } from './error-codes';
import { IdSchemeError, type IdScheme, type IdSchemeKey, parseIdScheme } from './id-schemes';
import { type DataSetInfo, LookupError, type MetadataObject, type MetadataStore, refId } from './metadata';
import { addDays, isoDay, latestOpenFuturePeriod, metadataDay, parseIsoPeriod, type Period, shiftByPeriods, today, utcDate } from './periods';
import { hasAuthority, isSuperuser, type SimUser } from './users';
import { normalizeBoolean, valueTypeError, isNumericType, isZero } from './value-types';

/**
 * The 2.41 data value import (DefaultDataValueSetService.importDataValueSet and
 * DataValueSetImportValidator), value by value: header checks that abort, the per-value checks in
 * validator order with the first failure recorded as a conflict, then the create/update/delete
 * decision and its count. Inserts go through a simulated JDBC batch: a repeated new key inside one
 * batch is dropped uncounted, as quick's BatchHandler drops it, and a batch is only visible (and only
 * survives a failure) once flushed; updates and deletes are written at once.
 */

/** DataValueSet header fields (JSON keys, XML root attributes). */
export interface DataValueSetHeader {
  idScheme: string | null;
  dataElementIdScheme: string | null;
  orgUnitIdScheme: string | null;
  categoryOptionComboIdScheme: string | null;
  dataSetIdScheme: string | null;
  dryRun: boolean | null;
  strategy: string | null;
  dataSet: string | null;
  completeDate: string | null;
  period: string | null;
  orgUnit: string | null;
  attributeOptionCombo: string | null;
  attributeCategoryOptions: string[] | null;
}

export function emptyHeader(): DataValueSetHeader {
  return {
    idScheme: null,
    dataElementIdScheme: null,
    orgUnitIdScheme: null,
    categoryOptionComboIdScheme: null,
    dataSetIdScheme: null,
    dryRun: null,
    strategy: null,
    dataSet: null,
    completeDate: null,
    period: null,
    orgUnit: null,
    attributeOptionCombo: null,
    attributeCategoryOptions: null,
  };
}

/** DataValueEntry: what each reader gives for a value, raw. */
export interface DataValueEntry {
  dataElement: string | null;
  period: string | null;
  orgUnit: string | null;
  categoryOptionCombo: string | null;
  attributeOptionCombo: string | null;
  value: string | null;
  storedBy: string | null;
  comment: string | null;
  followup: boolean;
  deleted: boolean | null;
}

/** An exception that DefaultDataValueSetService turns into "The import process failed: <message>". */
export class ImportFailure extends Error {
  override name = 'ImportFailure';
}

export interface ImportEnvironment {
  metadata: MetadataStore;
  values: DataValueStore;
  registrations: Map<string, Registration>;
  user: SimUser;
  options: ImportOptions;
  now?: () => number;
  /** Fault injection: throw after this many values have been processed. */
  failAfterValues?: { count: number; message: string } | null;
}

const BATCH_MAX_CHARS = 200_000;

function trimToNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

interface ValueContext {
  index: number;
  de: MetadataObject | null;
  period: Period | null;
  ou: string | null;
  coc: string | null;
  aoc: string | null;
}

export class DataValueImport {
  readonly summary = new ImportSummary();
  private readonly md: MetadataStore;
  private readonly env: ImportEnvironment;
  private readonly now: () => number;
  private strategy: ImportStrategy = 'CREATE_AND_UPDATE';
  private dryRun = false;
  private schemes!: { dataElement: IdScheme; orgUnit: IdScheme; coc: IdScheme; dataSet: IdScheme; generic: IdScheme };
  private dataSet: DataSetInfo | null = null;
  private outerPeriod: Period | null = null;
  private outerOrgUnit: string | null = null;
  private outerAoc: string | null = null;
  private index = 0;
  private started = false;
  private readonly count = { imported: 0, updated: 0, ignored: 0, deleted: 0 };
  private readonly pending = new Map<string, StoredDataValue>();
  private pendingChars = 0;
  private readonly cache = { de: new Map<string, MetadataObject | null>(), ou: new Map<string, string | null>(), coc: new Map<string, string | null>() };
  private readonly futurePeriods = new Map<string, Period>();

  constructor(env: ImportEnvironment) {
    this.env = env;
    this.md = env.metadata;
    this.now = env.now ?? Date.now;
    this.summary.importOptions = env.options;
  }

  get processed(): number {
    return this.index;
  }

  private scheme(fromPayload: string | null, key: IdSchemeKey): IdScheme {
    if (fromPayload !== null && fromPayload !== '') return parseIdScheme(fromPayload);
    return this.env.options.idSchemes.get(key);
  }

  /** Everything before the values: schemes, strategy, data set context and the checks that abort. Returns false when aborted. */
  start(header: DataValueSetHeader): boolean {
    this.started = true;
    try {
      const payloadScheme = (specific: string | null) => (specific !== null && specific !== '' ? specific : header.idScheme);
      this.schemes = {
        generic: this.scheme(header.idScheme, 'idScheme'),
        dataElement: this.scheme(payloadScheme(header.dataElementIdScheme), 'dataElementIdScheme'),
        orgUnit: this.scheme(payloadScheme(header.orgUnitIdScheme), 'orgUnitIdScheme'),
        coc: this.scheme(payloadScheme(header.categoryOptionComboIdScheme), 'categoryOptionComboIdScheme'),
        dataSet: this.scheme(payloadScheme(header.dataSetIdScheme), 'dataSetIdScheme'),
      };
    } catch (error) {
      if (error instanceof IdSchemeError) throw new ImportFailure(error.message);
      throw error;
    }
    if (header.strategy !== null) {
      const strategy = IMPORT_STRATEGIES.find((s) => s === header.strategy);
      if (!strategy) throw new ImportFailure(`No enum constant org.hisp.dhis.importexport.ImportStrategy.${header.strategy}`);
      this.strategy = strategy;
    } else {
      this.strategy = this.env.options.importStrategy;
    }
    this.dryRun = header.dryRun ?? this.env.options.dryRun;

    // createDataSetContext
    const dataSet = header.dataSet !== null ? this.lookup('dataSets', this.schemes.dataSet, header.dataSet) : null;
    this.dataSet = dataSet ? (this.md.dataSet(String(dataSet['id'])) ?? null) : null;
    if (header.attributeOptionCombo !== null) {
      this.outerAoc = this.lookupCoc(trimToNull(header.attributeOptionCombo));
    } else if (header.attributeCategoryOptions !== null && this.dataSet) {
      this.outerAoc = this.attributeOptionComboOf(this.dataSet.categoryCombo, header.attributeCategoryOptions);
    }
    this.outerPeriod = parseIsoPeriod(trimToNull(header.period));
    this.outerOrgUnit = this.lookupOrgUnit(trimToNull(header.orgUnit));

    // DataValueSetImportValidator data set checks: all run, any error aborts.
    const abort = (code: ErrorCode, ...args: (string | null)[]) => {
      this.summary.status = 'ERROR';
      this.summary.addConflict(ImportConflict.create(code, -1, args));
    };
    if (!this.dataSet && trimToNull(header.dataSet) !== null) abort('E7600', header.dataSet);
    if (this.dataSet && !this.md.canData(this.env.user, this.dataSet.object, 'write')) abort('E7601', header.dataSet);
    if (this.outerOrgUnit === null && trimToNull(header.orgUnit) !== null) abort('E7603', header.orgUnit, header.dataSet);
    if (this.outerAoc === null && trimToNull(header.attributeOptionCombo) !== null) abort('E7604', header.attributeOptionCombo, header.dataSet);
    if (this.summary.status === 'ERROR') {
      this.summary.description = 'Import process was aborted';
      return false;
    }

    const completeDate = completionDate(header.completeDate, this.now());
    if (this.dataSet && completeDate !== null) this.complete(this.dataSet, completeDate);
    else this.summary.dataSetComplete = 'false';
    return true;
  }

  /** InputUtils.getAttributeOptionCombo(categoryCombo, options, idScheme). */
  private attributeOptionComboOf(comboId: string, options: readonly string[]): string {
    const optionIds = new Set<string>();
    for (const option of options) {
      const found = this.lookup('categoryOptions', this.schemes.generic, option);
      if (!found) throw new ImportFailure(errorMessage('E1111', option));
      optionIds.add(String(found['id']));
    }
    const coc = this.md.combosCocs(comboId).find((id) => {
      const cocOptions = this.md.cocOptions(id);
      return cocOptions.length === optionIds.size && cocOptions.every((o) => optionIds.has(o));
    });
    if (coc === undefined) throw new ImportFailure(errorMessage('E2041'));
    return coc;
  }

  private complete(dataSet: DataSetInfo, date: number): void {
    if (this.outerOrgUnit === null) {
      this.summary.addConflict(ImportConflict.legacy('OrganisationUnit', 'Must be provided to complete data set'));
      return;
    }
    if (this.outerPeriod === null) {
      this.summary.addConflict(ImportConflict.legacy('Period', 'Must be provided to complete data set'));
      return;
    }
    const aoc = this.outerAoc ?? this.md.defaults().coc;
    // handleComplete writes the registration even on a dry run, as 2.41 does.
    this.env.registrations.set(registrationKey(dataSet.id, this.outerPeriod.iso, this.outerOrgUnit, aoc), {
      dataSet: dataSet.id,
      period: this.outerPeriod.iso,
      orgUnit: this.outerOrgUnit,
      attributeOptionCombo: aoc,
      date,
      storedBy: this.env.user.username,
      lastUpdated: this.now(),
      completed: true,
    });
    this.summary.dataSetComplete = isoDay(date);
  }

  private lookup(type: string, scheme: IdScheme, value: string | null): MetadataObject | null {
    try {
      return this.md.find(type, scheme, value);
    } catch (error) {
      if (error instanceof LookupError) throw new ImportFailure(error.message);
      throw error;
    }
  }

  private lookupDataElement(id: string | null): MetadataObject | null {
    if (id === null) return null;
    let found = this.cache.de.get(id);
    if (found === undefined) {
      found = this.lookup('dataElements', this.schemes.dataElement, id);
      this.cache.de.set(id, found);
    }
    return found;
  }

  private lookupOrgUnit(id: string | null): string | null {
    if (id === null) return null;
    let found = this.cache.ou.get(id);
    if (found === undefined) {
      found = str(this.lookup('organisationUnits', this.schemes.orgUnit, id)?.['id']);
      this.cache.ou.set(id, found);
    }
    return found;
  }

  /** CategoryOptionComboAclCallable: the option combo, or null when any of its options cannot take data from this user. */
  private lookupCoc(id: string | null): string | null {
    if (id === null) return null;
    let found = this.cache.coc.get(id);
    if (found === undefined) {
      const coc = this.lookup('categoryOptionCombos', this.schemes.coc, id);
      const cocId = str(coc?.['id']);
      const writable =
        cocId !== null && this.md.cocOptions(cocId).every((option) => this.md.canData(this.env.user, this.md.get('categoryOptions', option), 'write'));
      found = writable ? cocId : null;
      this.cache.coc.set(id, found);
    }
    return found;
  }

  // -----------------------------------------------------------------------------------------------
  // One value
  // -----------------------------------------------------------------------------------------------

  value(entry: DataValueEntry): void {
    if (!this.started) throw new Error('start() must be called before value()');
    const fault = this.env.failAfterValues;
    if (fault && this.index >= fault.count) throw new ImportFailure(fault.message);
    const index = this.index++;
    const ctx: ValueContext = {
      index,
      de: this.lookupDataElement(trimToNull(entry.dataElement)),
      period: this.outerPeriod ?? parseIsoPeriod(trimToNull(entry.period)),
      ou: this.outerOrgUnit ?? this.lookupOrgUnit(trimToNull(entry.orgUnit)),
      coc: this.lookupCoc(trimToNull(entry.categoryOptionCombo)),
      aoc: this.outerAoc ?? this.lookupCoc(trimToNull(entry.attributeOptionCombo)),
    };
    if (this.rejected(entry, ctx)) {
      this.count.ignored++;
      this.summary.rejectedIndexes.push(index);
      return;
    }
    this.store(entry, ctx);
  }

  private conflict(ctx: ValueContext, code: ErrorCode, ...args: (string | null)[]): true {
    this.summary.addConflict(ImportConflict.create(code, ctx.index, args));
    return true;
  }

  /** DataValueSetImportValidator.skipDataValue: the first check that fails wins. */
  private rejected(entry: DataValueEntry, ctx: ValueContext): boolean {
    const user = this.env.user;
    const md = this.md;
    if (!ctx.de) return this.conflict(ctx, 'E7610', entry.dataElement);
    if (!ctx.period) return this.conflict(ctx, 'E7611', entry.period);
    if (ctx.ou === null) return this.conflict(ctx, 'E7612', entry.orgUnit);
    if (ctx.coc === null && trimToNull(entry.categoryOptionCombo) !== null) return this.conflict(ctx, 'E7613', entry.categoryOptionCombo);
    if (ctx.aoc === null && trimToNull(entry.attributeOptionCombo) !== null) return this.conflict(ctx, 'E7615', entry.attributeOptionCombo);
    if (!md.isInHierarchy(ctx.ou, user.organisationUnits)) return this.conflict(ctx, 'E7617', entry.orgUnit, user.id);
    const isNullValue = entry.value === null && entry.comment === null;
    if (isNullValue && entry.deleted !== true && !strategyIs.delete(this.strategy)) return this.conflict(ctx, 'E7618', entry.dataElement);
    const de = ctx.de;
    const valueType = str(de['valueType']) ?? 'NUMBER';
    const typeError = valueTypeError(normalizeBoolean(entry.value, valueType), valueType, refId(de['optionSet']) !== null);
    if (typeError !== null) return this.conflict(ctx, 'E7619', entry.dataElement, typeError);
    if (entry.comment !== null && entry.comment.trim() !== '' && entry.comment.length > 50_000) {
      return this.conflict(ctx, 'E7620', 'comment_length_greater_than_max_length');
    }
    const optionSet = refId(de['optionSet']);
    if (optionSet !== null) {
      // OptionService.existsAllOptions(set, List.of(value)): List.of(null) throws, so a value-less entry
      // for an option set data element fails the whole 2.41 import with a NullPointerException.
      if (entry.value === null) throw new ImportFailure('null');
      const codes = valueType === 'MULTI_TEXT' ? splitMultiText(entry.value) : [entry.value];
      const known = md.optionSetCodes(optionSet);
      const distinct = new Set(codes.filter((code) => known.has(code)));
      if (distinct.size !== codes.length) return this.conflict(ctx, 'E7621', entry.dataElement);
    }
    const options = this.env.options;
    const defaults = md.defaults();
    if (ctx.coc === null) {
      if (options.requireCategoryOptionCombo) return this.conflict(ctx, 'E7630');
      ctx.coc = defaults.coc;
    }
    if (ctx.aoc === null) {
      if (options.requireAttributeOptionCombo) return this.conflict(ctx, 'E7631');
      ctx.aoc = defaults.coc;
    }
    const deId = String(de['id']);
    const period = ctx.period;
    const ou = ctx.ou;
    const coc = ctx.coc;
    const aoc = ctx.aoc;
    const elementDataSets = md.dataSetsOfElement(deId);
    if (options.strictPeriods && !elementDataSets.some((ds) => ds.periodType === period.type)) {
      return this.conflict(ctx, 'E7632', entry.period, entry.dataElement);
    }
    if (options.strictDataElements) {
      const targets = this.dataSet ? [this.dataSet] : elementDataSets;
      if (!targets.some((ds) => ds.dataElements.has(deId))) return this.conflict(ctx, 'E7633', entry.dataElement, targets.map((ds) => ds.id).join(','));
    }
    if (options.strictCategoryOptionCombos && !md.elementCocs(de).has(coc)) return this.conflict(ctx, 'E7634', entry.categoryOptionCombo, entry.dataElement);
    if (options.strictAttributeOptionCombos && !md.elementAttributeCocs(deId).has(aoc)) {
      return this.conflict(ctx, 'E7635', entry.attributeOptionCombo, entry.dataElement);
    }
    if (options.strictOrganisationUnits && !md.dataSetsOfOrgUnit(ou).some((ds) => md.dataSet(ds)?.dataElements.has(deId))) {
      return this.conflict(ctx, 'E7636', entry.orgUnit, entry.dataElement);
    }
    if (entry.storedBy !== null && entry.storedBy.trim() !== '' && entry.storedBy.length > 255) {
      return this.conflict(ctx, 'E7637', 'stored_by_length_greater_than_max_length');
    }
    if (this.outsideAocDates(aoc, period, deId)) return this.conflict(ctx, 'E7638', entry.period, entry.attributeOptionCombo);
    if (!this.orgUnitValidForAoc(aoc, ou)) return this.conflict(ctx, 'E7639', entry.orgUnit, entry.attributeOptionCombo);

    const force = options.force && isSuperuser(user);
    const targets = force ? [] : this.targetDataSets(deId, ou, aoc);
    const now = this.now();
    const day = today(now);
    // checkDataValueTargetDataSets: unless strict, one data set without the problem is enough.
    const checkTargets = (strict: boolean, problem: (ds: DataSetInfo) => [ErrorCode, ...(string | null)[]] | null): boolean => {
      if (targets.length === 0) return false;
      const staged: [ErrorCode, ...(string | null)[]][] = [];
      for (const ds of targets) {
        const found = problem(ds);
        if (found) staged.push(found);
        else if (!strict) return false;
      }
      for (const [code, ...args] of staged) this.conflict(ctx, code, ...args);
      return staged.length > 0;
    };
    const locked = (ds: DataSetInfo) =>
      ds.expiryDays > 0 && !hasAuthority(user, 'F_EDIT_EXPIRED') && day > addDays(period.end, ds.expiryDays)
        ? (['E7640', entry.period, ds.id] as [ErrorCode, ...string[]])
        : null;
    if (checkTargets(options.strictDataSetLocking, locked)) return true;
    const future = (ds: DataSetInfo): [ErrorCode, ...(string | null)[]] | null => {
      if (ds.periodType === null) return null;
      const latest = this.latestFuture(ds, now);
      return period.end > latest.end ? ['E7641', entry.period, entry.dataElement, ds.id, latest.iso] : null;
    };
    if (checkTargets(true, future)) return true;
    // E7642 (already approved): the simulator has no approvals.
    const inputPeriod = (ds: DataSetInfo): [ErrorCode, ...(string | null)[]] | null => (inputAllowed(ds, period, day) ? null : ['E7643', entry.period, ds.id]);
    if (checkTargets(options.strictDataSetInputPeriods, inputPeriod)) return true;
    if (!force && elementDataSets.length > 0 && !elementDataSets.some((ds) => inputAllowed(ds, period, day))) return this.conflict(ctx, 'E7644', entry.period);
    if (strategyIs.delete(this.strategy) && (valueType === 'FILE_RESOURCE' || valueType === 'IMAGE')) {
      const existing = this.env.values.get(deId, period.iso, ou, coc, aoc);
      if (!existing || existing.deleted) return this.conflict(ctx, 'E7645', entry.dataElement);
    }
    return false;
  }

  private latestFuture(ds: DataSetInfo, now: number): Period {
    const key = `${ds.id}`;
    let latest = this.futurePeriods.get(key);
    if (!latest && ds.periodType !== null) {
      latest = latestOpenFuturePeriod(ds.periodType, ds.openFuturePeriods, now);
      this.futurePeriods.set(key, latest);
    }
    return latest ?? { type: 'Daily', iso: '', start: 0, end: Number.MAX_SAFE_INTEGER };
  }

  /** ImportContext.getTargetDataSets: the given data set, else the element's data sets for this org unit and attribute combo. */
  private targetDataSets(deId: string, ou: string, aoc: string): DataSetInfo[] {
    if (this.dataSet) return [this.dataSet];
    const aocCombo = this.md.cocCombo(aoc);
    return this.md.dataSetsOfElement(deId).filter((ds) => ds.orgUnits.has(ou) && ds.categoryCombo === aocCombo);
  }

  /** CategoryOptionCombo.getDateRange(dataSet | dataElement) against the period. */
  private outsideAocDates(aoc: string, period: Period, deId: string): boolean {
    const options = this.md.cocOptions(aoc).map((id) => this.md.get('categoryOptions', id));
    let start: number | null = null;
    let end: number | null = null;
    for (const option of options) {
      if (!option) continue;
      const optionStart = metadataDay(option['startDate']);
      if (optionStart !== null && (start === null || optionStart > start)) start = optionStart;
      const optionEnd = metadataDay(option['endDate']);
      if (optionEnd === null) continue;
      const dataSets = this.dataSet ? [this.dataSet] : this.md.dataSetsOfElement(deId);
      let adjusted = optionEnd;
      for (const ds of dataSets) {
        if (ds.openPeriodsAfterCoEndDate === 0 || ds.periodType === null) continue;
        const shifted = shiftByPeriods(ds.periodType, optionEnd, ds.openPeriodsAfterCoEndDate);
        if (this.dataSet || shifted > adjusted) adjusted = shifted;
      }
      if (end === null || adjusted < end) end = adjusted;
    }
    return (start !== null && start > period.end) || (end !== null && end < period.start);
  }

  /** CategoryOptionCombo.getOrganisationUnits(): the intersection of its options' org units, null when none restrict. */
  private orgUnitValidForAoc(aoc: string, ou: string): boolean {
    const restricted = this.md
      .cocOptions(aoc)
      .map((id) => this.md.get('categoryOptions', id)?.['organisationUnits'])
      .map((units) => (Array.isArray(units) ? units.map(refId).filter((u): u is string => u !== null) : []))
      .filter((ids) => ids.length > 0);
    const [first, ...rest] = restricted;
    const allowed = first ? rest.reduce((acc, ids) => acc.filter((u) => ids.includes(u)), first) : null;
    return allowed === null || this.md.isInHierarchy(ou, allowed);
  }

  // -----------------------------------------------------------------------------------------------
  // Create, update, delete
  // -----------------------------------------------------------------------------------------------

  private store(entry: DataValueEntry, ctx: ValueContext): void {
    const de = ctx.de as MetadataObject;
    const period = ctx.period as Period;
    const valueType = str(de['valueType']) ?? 'NUMBER';
    const key = dataValueKey(String(de['id']), period.iso, ctx.ou as string, ctx.coc as string, ctx.aoc as string);
    const now = this.now();
    const internal: StoredDataValue = {
      dataElement: String(de['id']),
      period: period.iso,
      orgUnit: ctx.ou as string,
      categoryOptionCombo: ctx.coc as string,
      attributeOptionCombo: ctx.aoc as string,
      value: trimToNull(normalizeBoolean(entry.value, valueType)),
      storedBy: entry.storedBy === null || entry.storedBy.trim() === '' ? this.env.user.username : entry.storedBy,
      created: now,
      lastUpdated: now,
      comment: trimToNull(entry.comment),
      followup: entry.followup,
      deleted: entry.deleted === true,
    };
    const skipExisting = this.env.options.skipExistingCheck;
    const existing = skipExisting
      ? undefined
      : this.env.values.get(internal.dataElement, internal.period, internal.orgUnit, internal.categoryOptionCombo, internal.attributeOptionCombo);
    if (existing) internal.created = existing.created;
    const zeroInsignificant = isZeroAndInsignificant(entry.value, de, valueType);
    if (zeroInsignificant && (!existing || strategyIs.create(this.strategy))) {
      // summary.skipValue() counts on the summary's own ImportCount, which the final count replaces.
      return;
    }
    const strategy = this.strategy;
    if (existing && !existing.deleted) {
      if (strategyIs.createAndUpdate(strategy) || strategyIs.update(strategy)) {
        const internalNull = internal.value === null && internal.comment === null;
        if (internalNull || internal.deleted || zeroInsignificant) {
          internal.deleted = true;
          this.count.deleted++;
        } else if (existing.value === internal.value && existing.comment === internal.comment && existing.followup === internal.followup) {
          this.count.ignored++;
          return;
        } else {
          this.count.updated++;
        }
        if (!this.dryRun) this.env.values.put(internal);
      } else if (strategyIs.delete(strategy)) {
        internal.deleted = true;
        this.count.deleted++;
        if (!this.dryRun) this.env.values.put(internal);
      } else {
        this.count.ignored++;
        this.summary.rejectedIndexes.push(ctx.index);
      }
      return;
    }
    if (!(strategyIs.createAndUpdate(strategy) || strategyIs.create(strategy))) {
      this.count.ignored++;
      this.summary.rejectedIndexes.push(ctx.index);
      return;
    }
    if (internal.value === null && internal.comment === null) {
      this.count.ignored++;
      return;
    }
    if (existing && existing.deleted) {
      this.count.imported++;
      if (!this.dryRun) this.env.values.put(internal);
      return;
    }
    if (this.dryRun) {
      this.count.imported++;
      return;
    }
    if (this.addToBatch(key, internal)) this.count.imported++;
  }

  /** BatchHandler.addObject: false for a key already in the unflushed batch. */
  private addToBatch(key: string, row: StoredDataValue): boolean {
    if (this.pending.has(key)) return false;
    this.pending.set(key, row);
    this.pendingChars += 135 + (row.value?.length ?? 4) + row.storedBy.length + (row.comment?.length ?? 4);
    if (this.pendingChars > BATCH_MAX_CHARS) this.flush('Failed to add objects');
    return true;
  }

  /** One multi-row INSERT: all or nothing; a key that is already stored (skipExistingCheck) fails it. */
  private flush(failure: string): void {
    if (this.pending.size === 0) return;
    for (const row of this.pending.values()) {
      if (this.env.values.has(row)) {
        this.pending.clear();
        this.pendingChars = 0;
        throw new ImportFailure(failure);
      }
    }
    for (const row of this.pending.values()) this.env.values.put(row);
    this.pending.clear();
    this.pendingChars = 0;
  }

  /** The end of a successful run: flush and the final status. */
  finish(): ImportSummary {
    this.flush('Failed to flush BatchHandler');
    this.summary.importCount = { ...this.count };
    this.summary.status = this.summary.hasConflicts() ? 'WARNING' : 'SUCCESS';
    this.summary.description = 'Import process completed successfully';
    return this.summary;
  }

  /** An import that failed half way loses its unflushed batch; what was flushed or updated stays. */
  abandon(): void {
    this.pending.clear();
    this.pendingChars = 0;
  }
}

/** getCompletionDate: "true" is today, "false" nothing, a future date is clamped to today; anything else LocalDate.parse rejects. */
function completionDate(text: string | null, now: number): number | null {
  if (text === null || text === '') return null;
  if (text.toLowerCase() === 'true') return today(now);
  if (text.toLowerCase() === 'false') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? utcDate(Number(match[1]), Number(match[2]), Number(match[3])) : NaN;
  if (!match || Number.isNaN(date) || isoDay(date) !== text) throw new ImportFailure(`Text '${text}' could not be parsed at index 0`);
  return Math.min(date, today(now));
}

function inputAllowed(ds: DataSetInfo, period: Period, day: number): boolean {
  if (ds.dataInputPeriods.length === 0) return true;
  return ds.dataInputPeriods.some((dip) => {
    if (parseIsoPeriod(dip.period)?.iso !== period.iso) return false;
    const opening = metadataDay(dip.opening);
    const closing = metadataDay(dip.closing);
    return (opening === null || day >= opening) && (closing === null || day <= closing);
  });
}

/** Java's String.split(","): trailing empty strings go, but a string without a comma is itself the one element. */
function splitMultiText(value: string): string[] {
  if (!value.includes(',')) return [value];
  const parts = value.split(',');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** ValidationUtils.dataValueIsZeroAndInsignificant. */
function isZeroAndInsignificant(value: string | null, de: MetadataObject, valueType: string): boolean {
  const aggregation = str(de['aggregationType']);
  return isNumericType(valueType) && isZero(value) && de['zeroIsSignificant'] !== true && aggregation !== 'AVERAGE_SUM_ORG_UNIT' && aggregation !== 'AVERAGE';
}
