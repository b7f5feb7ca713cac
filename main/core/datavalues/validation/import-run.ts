import type { MetadataIndex, PlacedOrgUnit } from '../../metadata';
import type { IdScheme } from '../../metadata/id-scheme';
import type { DataElement, DataSet, MetadataType } from '../../metadata/model';
import { addDays, dayOf, isPeriodTypeName, type Period, type PeriodCalendar } from '../../periods';
import type { EffectiveIdSchemes } from './id-schemes';
import { formatIdScheme } from './id-schemes';
import { trimToNull } from './java-text';
import { NoticeBoard } from './notices';
import { ownCopy } from './own-copy';
import type { DataSetInfo, ElementInfo, OrgUnitInfo, ValueContext } from './value-context';
import { blankRecord } from '../../formats/datavalues/record';
import type { StrictOptions } from './types';

export type Strategy = 'CREATE' | 'UPDATE' | 'CREATE_AND_UPDATE' | 'DELETE' | 'SYNC';

/** ImportStrategy.valueOf: the enum's names exactly, the legacy ones mapped onto what they mean. */
export function strategyOf(name: string): Strategy | null {
  const legacy: Record<string, Strategy> = { NEW_AND_UPDATES: 'CREATE_AND_UPDATE', NEW: 'CREATE', UPDATES: 'UPDATE', DELETES: 'DELETE' };
  if (['CREATE', 'UPDATE', 'CREATE_AND_UPDATE', 'DELETE', 'SYNC'].includes(name)) return name as Strategy;
  return legacy[name] ?? null;
}

export interface Resolved {
  uid: string | null;
  /** Set when several objects carry the identifier: DHIS2 then takes whichever its database lists first. */
  ambiguity: string | null;
}

/** A resolved identifier as one import run keeps it: with the object it names and a small number standing for its UID. */
export interface IdEntry<T> extends Resolved {
  object: T | null;
  /** The UID interned (see ImportRun.ordinal); 0 when nothing was found. */
  ordinal: number;
}

/** A period id as written, read once per import run. */
export interface PeriodEntry {
  period: Period | null;
  /** The canonical id interned (see ImportRun.ordinal); 0 when not a period. */
  ordinal: number;
}

const IDENTIFIER_CACHE_LIMIT = 200_000;
/** The longest period of a type with open future periods (a leap year, or a financial year with a leap day). */
const MAX_PERIOD_DAYS = 366;
const NO_DATA_SETS: readonly DataSetInfo[] = [];
const NO_ENTRY: IdEntry<never> = { uid: null, ambiguity: null, object: null, ordinal: 0 };
const NO_PERIOD: PeriodEntry = { period: null, ordinal: 0 };

/**
 * The identifiers of one type under one scheme, keyed by their spelling in the file (untrimmed, so a
 * million values cost a million map reads and nothing else).
 */
export class IdCache<T> {
  private readonly entries = new Map<string, IdEntry<T>>();
  // Files name the same org unit, period or option combo many times in a row: comparing with the last costs less than a map read.
  private lastRaw = '';
  private lastEntry: IdEntry<T> = NO_ENTRY;

  constructor(
    private readonly run: ImportRun,
    private readonly type: MetadataType,
    private readonly scheme: IdScheme,
    private readonly fetch: (uid: string) => T | undefined,
  ) {}

  get(raw: string | null): IdEntry<T> {
    if (raw === null) return NO_ENTRY;
    if (raw === this.lastRaw) return this.lastEntry;
    let entry = this.entries.get(raw);
    if (entry === undefined) {
      // Identifiers that exist are bounded by the metadata; a flood of unknown ones must not grow memory forever.
      if (this.entries.size >= IDENTIFIER_CACHE_LIMIT) this.entries.clear();
      entry = this.compute(raw);
      this.entries.set(ownCopy(raw), entry);
    }
    this.lastRaw = raw;
    this.lastEntry = entry;
    return entry;
  }

  private compute(raw: string): IdEntry<T> {
    // Trimmed as DHIS2 trims.
    const identifier = trimToNull(raw);
    if (identifier === null) return NO_ENTRY;
    const outcome = this.run.index.resolve(this.type, identifier, this.scheme);
    const uid = outcome.ok ? outcome.uid : outcome.reason === 'ambiguous' ? (outcome.candidates[0] ?? null) : null;
    const ambiguity = !outcome.ok && outcome.reason === 'ambiguous' ? ownCopy(outcome.message) : null;
    if (uid === null) return { uid: null, ambiguity, object: null, ordinal: 0 };
    return { uid, ambiguity, object: this.fetch(uid) ?? null, ordinal: this.run.ordinal(uid) };
  }
}

/**
 * Everything one validation pass knows besides the values: metadata, schemes, the set-level objects and
 * the caches that make a million values cheap (DHIS2 caches the same things per import).
 */
export class ImportRun {
  readonly options: Required<StrictOptions>;
  readonly notices: NoticeBoard;
  readonly canEditExpired: boolean;
  /** The set-level objects (header dataSet, period, orgUnit, attribute option combo), resolved. */
  dataSet: DataSet | null = null;
  outerPeriod: Period | null = null;
  outerOrgUnit: PlacedOrgUnit | null = null;
  outerAttributeOptionCombo: string | null = null;

  /** The values' own identifiers, each under its scheme. */
  readonly dataElements: IdCache<ElementInfo>;
  readonly orgUnits: IdCache<OrgUnitInfo>;
  readonly optionCombos: IdCache<true>;
  /** The same identifiers as optionCombos, in a cache of their own: a file's two option combo columns each repeat their own last value. */
  readonly attributeOptionCombos: IdCache<true>;

  /** The context valueContext fills for each value in turn. */
  readonly scratch: ValueContext = {
    record: blankRecord(0, 0),
    index: 0,
    dataElement: null,
    period: null,
    orgUnit: null,
    categoryOptionCombo: null,
    attributeOptionCombo: null,
    ordinals: { dataElement: 0, period: 0, orgUnit: 0, categoryOptionCombo: 0, attributeOptionCombo: 0 },
    element: null,
    unit: null,
    targets: null,
  };

  private readonly caches = new Map<string, IdCache<unknown>>();
  private readonly periods = new Map<string, PeriodEntry>();
  private lastPeriodRaw = '';
  private lastPeriod = NO_PERIOD;
  private readonly ordinals = new Map<string, number>();
  private readonly ids: string[] = [''];
  private readonly elementSets = new Map<string, DataSet[]>();
  private readonly dataSetInfos = new Map<string, DataSetInfo>();
  private readonly unitInfos = new Map<string, OrgUnitInfo>();
  private readonly elementInput = new Map<string, boolean>();
  private readonly aocOrgUnits = new Map<string, string[] | null>();
  private readonly aocDates = new Map<string, { start: string | null; end: string | null }>();
  private readonly aocCombos = new Map<string, string | null>();
  // Most files have one attribute option combo throughout: the last one's answers are kept at hand.
  private lastAoc = '';
  private lastAocCombo: string | null = null;
  private lastAocDates: { start: string | null; end: string | null } = { start: null, end: null };
  private lastAocUnitsFor = '';
  private lastAocUnits: string[] | null = null;
  private readonly lockDates = new Map<number, Map<string, string>>();
  /** 366 days before today: see endsBeforeAnyOpenFuturePeriod. */
  private readonly longAgo: string;

  constructor(
    readonly index: MetadataIndex,
    readonly schemes: EffectiveIdSchemes,
    readonly calendar: PeriodCalendar,
    options: StrictOptions,
    readonly strategy: Strategy,
    readonly today: string,
    indexCap: number,
  ) {
    this.options = {
      strictPeriods: false,
      strictDataElements: false,
      strictCategoryOptionCombos: false,
      strictAttributeOptionCombos: false,
      strictOrganisationUnits: false,
      strictDataSetLocking: false,
      strictDataSetInputPeriods: false,
      strictDataSetApproval: false,
      requireCategoryOptionCombo: false,
      requireAttributeOptionCombo: false,
      ...options,
    };
    this.notices = new NoticeBoard(indexCap);
    this.longAgo = addDays(today, -MAX_PERIOD_DAYS);
    const authorities = index.user?.authorities ?? [];
    this.canEditExpired = authorities.includes('ALL') || authorities.includes('F_EDIT_EXPIRED');
    this.dataElements = this.cache('dataElements', schemes.dataElement, (uid) => this.elementInfo(uid));
    this.orgUnits = this.cache('organisationUnits', schemes.orgUnit, (uid) => {
      const unit = index.orgUnit(uid);
      return unit && this.orgUnitInfo(unit);
    });
    this.optionCombos = this.cache('categoryOptionCombos', schemes.categoryOptionCombo, () => true as const);
    this.attributeOptionCombos = new IdCache<true>(this, 'categoryOptionCombos', schemes.categoryOptionCombo, () => true as const);
  }

  private cache<T>(type: MetadataType, scheme: IdScheme, fetch: (uid: string) => T | undefined): IdCache<T> {
    const key = `${type}|${formatIdScheme(scheme)}`;
    let cache = this.caches.get(key) as IdCache<T> | undefined;
    if (!cache) this.caches.set(key, (cache = new IdCache<T>(this, type, scheme, fetch)) as IdCache<unknown>);
    return cache;
  }

  /** The UID an identifier stands for (trimmed, as DHIS2 trims), cached per type, scheme and identifier. */
  resolve(type: MetadataType, raw: string | null, scheme: IdScheme): Resolved {
    return this.cache(type, scheme, () => true).get(raw);
  }

  /**
   * A small number for a UID or period id, the same for the same text throughout the run: value keys made of
   * these compare exactly without building strings. Bounded by the metadata and the periods a file names.
   */
  ordinal(id: string | null): number {
    if (id === null) return 0;
    let ordinal = this.ordinals.get(id);
    if (ordinal === undefined) {
      ordinal = this.ids.length;
      this.ordinals.set(id, ordinal);
      this.ids.push(id);
    }
    return ordinal;
  }

  /** The id an ordinal stands for; '' for 0. */
  idOf(ordinal: number): string {
    return this.ids[ordinal] ?? '';
  }

  period(raw: string | null): Period | null {
    return this.periodEntry(raw).period;
  }

  /** A period id as written, read in this run's calendar. */
  periodEntry(raw: string | null): PeriodEntry {
    if (raw === null) return NO_PERIOD;
    if (raw === this.lastPeriodRaw) return this.lastPeriod;
    let entry = this.periods.get(raw);
    if (entry === undefined) {
      if (this.periods.size >= IDENTIFIER_CACHE_LIMIT) this.periods.clear();
      const id = trimToNull(raw);
      const period = id === null ? null : this.calendar.parse(id);
      entry = period === null ? NO_PERIOD : { period, ordinal: this.ordinal(period.id) };
      this.periods.set(ownCopy(raw), entry);
    }
    this.lastPeriodRaw = raw;
    this.lastPeriod = entry;
    return entry;
  }

  get defaultCategoryCombo(): string | null {
    return this.index.defaultCategoryCombo;
  }

  dataSetCombo(dataSet: DataSet): string | null {
    return dataSet.categoryCombo ?? this.index.defaultCategoryCombo;
  }

  private elementInfo(uid: string): ElementInfo | undefined {
    const element = this.index.dataElement(uid);
    if (!element) return undefined;
    const sets = this.dataSetsOf(element);
    return {
      element,
      dataSets: sets.map((ds) => this.dataSetInfo(ds)),
      // DataElement.isDataInputAllowedForPeriodAndDate: any data set without input periods allows every period.
      alwaysInput: sets.length === 0 || sets.some((ds) => ds.dataInputPeriods.length === 0),
    };
  }

  dataSetInfo(dataSet: DataSet): DataSetInfo {
    let info = this.dataSetInfos.get(dataSet.id);
    if (!info) {
      info = { dataSet, orgUnits: this.index.dataSetOrgUnits(dataSet.id), combo: this.dataSetCombo(dataSet), latestOpen: undefined };
      this.dataSetInfos.set(dataSet.id, info);
    }
    return info;
  }

  orgUnitInfo(unit: PlacedOrgUnit): OrgUnitInfo {
    let info = this.unitInfos.get(unit.id);
    if (!info) this.unitInfos.set(unit.id, (info = { unit, inCapture: this.index.inCaptureHierarchy(unit.id) }));
    return info;
  }

  /** The data element's data sets (the same array each time: do not change it). */
  dataSetsOf(dataElement: DataElement): readonly DataSet[] {
    let sets = this.elementSets.get(dataElement.id);
    if (!sets) {
      sets = [];
      for (const uid of this.index.dataSetsOfElement(dataElement.id)) {
        const dataSet = this.index.dataSet(uid);
        if (dataSet) sets.push(dataSet);
      }
      this.elementSets.set(dataElement.id, sets);
    }
    return sets;
  }

  /**
   * ImportContext.getTargetDataSets: the import's data set, or the data element's data sets that have the
   * org unit and whose attribute combo is the attribute option combo's.
   */
  targetDataSets(element: ElementInfo, orgUnit: string, attributeOptionCombo: string): readonly DataSetInfo[] {
    if (this.dataSet) return [this.dataSetInfo(this.dataSet)];
    const sets = element.dataSets;
    if (sets.length === 0) return sets;
    // Worked out per value rather than cached: element x org unit pairs can run into the millions.
    const combo = this.comboOfAttributeOptionCombo(attributeOptionCombo);
    let targets: DataSetInfo[] | null = null;
    for (let i = 0; i < sets.length; i++) {
      const info = sets[i]!;
      const fits = info.combo === combo && info.orgUnits.has(orgUnit);
      if (fits && targets === null && i === sets.length - 1) return i === 0 ? sets : [info];
      if (fits) (targets ??= []).push(info);
    }
    return targets ?? NO_DATA_SETS;
  }

  private comboOfAttributeOptionCombo(aoc: string): string | null {
    if (aoc !== this.lastAoc) {
      let combo = this.aocCombos.get(aoc);
      if (combo === undefined) this.aocCombos.set(aoc, (combo = this.index.comboOfOptionCombo(aoc)));
      this.lastAocDates = this.attributeOptionComboDates(aoc);
      this.lastAoc = aoc;
      this.lastAocCombo = combo;
    }
    return this.lastAocCombo;
  }

  /** DataSet.isLocked without lock exceptions (which offline metadata does not have). */
  isLocked(dataSet: DataSet, period: Period): boolean {
    const expiryDays = dataSet.expiryDays ?? 0;
    if (expiryDays <= 0 || this.canEditExpired || !period.endDate) return false;
    let deadlines = this.lockDates.get(expiryDays);
    if (!deadlines) this.lockDates.set(expiryDays, (deadlines = new Map()));
    let deadline = deadlines.get(period.endDate);
    if (deadline === undefined) deadlines.set(period.endDate, (deadline = addDays(period.endDate, expiryDays)));
    return this.today > deadline;
  }

  /**
   * Whether a period ends too long ago to be after any data set's latest open future period, so that E7641 needs no
   * calendar work. That period is the one before today's (or later, with open future periods), and no period type that
   * has one is longer than 366 days (TwoYearly has none: E7641 never applies to it), so it ends at most 366 days before
   * today (period-calendar.test.ts checks every type around leap days). Historical files (a backlog, a migration) then
   * skip the calendar library, whose first computation of a period list costs more than a thousand values' checks.
   */
  endsBeforeAnyOpenFuturePeriod(period: Period, info: DataSetInfo): boolean {
    return (info.dataSet.openFuturePeriods ?? 0) >= 0 && period.endDate !== '' && period.endDate < this.longAgo;
  }

  /** PeriodType.getFuturePeriod(openFuturePeriods) of a data set's period type, today. */
  latestOpenFuturePeriod(info: DataSetInfo): Period | null {
    if (info.latestOpen === undefined) {
      const type = info.dataSet.periodType;
      info.latestOpen = type && isPeriodTypeName(type) ? this.calendar.latestOpenFuturePeriod(type, info.dataSet.openFuturePeriods ?? 0, this.today) : null;
    }
    return info.latestOpen;
  }

  /** DataSet.isDataInputPeriodAndDateAllowed(period, today). */
  inputAllowed(dataSet: DataSet, period: Period): boolean {
    if (dataSet.dataInputPeriods.length === 0) return true;
    return dataSet.dataInputPeriods.some((input) => {
      const opening = dayOf(input.openingDate);
      const closing = dayOf(input.closingDate);
      if ((opening && this.today < opening) || (closing && this.today > closing)) return false;
      // Period.equals compares type and dates, which the canonical id stands for.
      return this.calendar.parse(input.period)?.id === period.id;
    });
  }

  /** DataElement.isDataInputAllowedForPeriodAndDate(period, today), cached per element and period. */
  elementInputAllowed(info: ElementInfo, period: Period): boolean {
    if (info.alwaysInput) return true;
    const dataElement = info.element;
    const key = `${dataElement.id}${period.id}`;
    let allowed = this.elementInput.get(key);
    if (allowed === undefined) {
      const sets = this.dataSetsOf(dataElement);
      allowed = sets.length === 0 || sets.some((ds) => this.inputAllowed(ds, period));
      this.elementInput.set(key, allowed);
    }
    return allowed;
  }

  /** CategoryOptionCombo.getOrganisationUnits: the org units all restricted options share; null when none is restricted. */
  attributeOptionComboOrgUnits(attributeOptionCombo: string): string[] | null {
    if (attributeOptionCombo === this.lastAocUnitsFor) return this.lastAocUnits;
    this.lastAocUnitsFor = attributeOptionCombo;
    this.lastAocUnits = this.computeAocOrgUnits(attributeOptionCombo);
    return this.lastAocUnits;
  }

  private computeAocOrgUnits(attributeOptionCombo: string): string[] | null {
    let units = this.aocOrgUnits.get(attributeOptionCombo);
    if (units === undefined) {
      units = null;
      for (const optionId of this.index.categoryOptionCombo(attributeOptionCombo)?.categoryOptions ?? []) {
        const restricted = this.index.categoryOption(optionId)?.organisationUnits ?? [];
        if (restricted.length === 0) continue;
        units = units === null ? [...restricted] : units.filter((unit) => restricted.includes(unit));
      }
      this.aocOrgUnits.set(attributeOptionCombo, units);
    }
    return units;
  }

  /** The latest option start and earliest option end of an attribute option combo (no openPeriodsAfterCoEndDate offline). */
  attributeOptionComboDates(attributeOptionCombo: string): { start: string | null; end: string | null } {
    if (attributeOptionCombo === this.lastAoc) return this.lastAocDates;
    let dates = this.aocDates.get(attributeOptionCombo);
    if (!dates) this.aocDates.set(attributeOptionCombo, (dates = this.computeAocDates(attributeOptionCombo)));
    return dates;
  }

  private computeAocDates(attributeOptionCombo: string): { start: string | null; end: string | null } {
    let start: string | null = null;
    let end: string | null = null;
    for (const optionId of this.index.categoryOptionCombo(attributeOptionCombo)?.categoryOptions ?? []) {
      const option = this.index.categoryOption(optionId);
      const optionStart = dayOf(option?.startDate);
      const optionEnd = dayOf(option?.endDate);
      if (optionStart && (start === null || optionStart > start)) start = optionStart;
      if (optionEnd && (end === null || optionEnd < end)) end = optionEnd;
    }
    return { start, end };
  }
}
