import type { MetadataIndex, PlacedOrgUnit } from '../../metadata';
import type { IdScheme } from '../../metadata/id-scheme';
import type { DataElement, DataSet, MetadataType } from '../../metadata/model';
import { addDays, dayOf, isPeriodTypeName, type Period, type PeriodCalendar } from '../../periods';
import type { EffectiveIdSchemes } from './id-schemes';
import { formatIdScheme } from './id-schemes';
import { trimToNull } from './java-text';
import { NoticeBoard } from './notices';
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

const IDENTIFIER_CACHE_LIMIT = 200_000;

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

  private readonly identifiers = new Map<string, Resolved>();
  private readonly targets = new Map<string, DataSet[]>();
  private readonly latestOpen = new Map<string, Period | null>();
  private readonly elementInput = new Map<string, boolean>();
  private readonly aocOrgUnits = new Map<string, string[] | null>();

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
    const authorities = index.user?.authorities ?? [];
    this.canEditExpired = authorities.includes('ALL') || authorities.includes('F_EDIT_EXPIRED');
  }

  /** The UID an identifier stands for (trimmed, as DHIS2 trims), cached per type, scheme and identifier. */
  resolve(type: MetadataType, raw: string | null, scheme: IdScheme): Resolved {
    const identifier = trimToNull(raw);
    if (identifier === null) return { uid: null, ambiguity: null };
    const key = `${type}|${formatIdScheme(scheme)}|${identifier}`;
    let resolved = this.identifiers.get(key);
    if (!resolved) {
      // Identifiers that exist are bounded by the metadata; a flood of unknown ones must not grow memory forever.
      if (this.identifiers.size >= IDENTIFIER_CACHE_LIMIT) this.identifiers.clear();
      const outcome = this.index.resolve(type, identifier, scheme);
      if (outcome.ok) resolved = { uid: outcome.uid, ambiguity: null };
      else if (outcome.reason === 'ambiguous') resolved = { uid: outcome.candidates[0] ?? null, ambiguity: outcome.message };
      else resolved = { uid: null, ambiguity: null };
      this.identifiers.set(key, resolved);
    }
    return resolved;
  }

  period(raw: string | null): Period | null {
    const id = trimToNull(raw);
    return id === null ? null : this.calendar.parse(id);
  }

  get defaultCategoryCombo(): string | null {
    return this.index.defaultCategoryCombo;
  }

  dataSetCombo(dataSet: DataSet): string | null {
    return dataSet.categoryCombo ?? this.index.defaultCategoryCombo;
  }

  dataSetsOf(dataElement: DataElement): DataSet[] {
    const sets: DataSet[] = [];
    for (const uid of this.index.dataSetsOfElement(dataElement.id)) {
      const dataSet = this.index.dataSet(uid);
      if (dataSet) sets.push(dataSet);
    }
    return sets;
  }

  /**
   * ImportContext.getTargetDataSets: the import's data set, or the data element's data sets that have the
   * org unit and whose attribute combo is the attribute option combo's.
   */
  targetDataSets(dataElement: DataElement, orgUnit: string, attributeOptionCombo: string): DataSet[] {
    if (this.dataSet) return [this.dataSet];
    const key = `${dataElement.id}-${orgUnit}-${attributeOptionCombo}`;
    let sets = this.targets.get(key);
    if (!sets) {
      const combo = this.index.comboOfOptionCombo(attributeOptionCombo);
      sets = this.dataSetsOf(dataElement).filter((ds) => this.index.dataSetHasOrgUnit(ds.id, orgUnit) && this.dataSetCombo(ds) === combo);
      this.targets.set(key, sets);
    }
    return sets;
  }

  /** DataSet.isLocked without lock exceptions (which offline metadata does not have). */
  isLocked(dataSet: DataSet, period: Period): boolean {
    const expiryDays = dataSet.expiryDays ?? 0;
    if (expiryDays <= 0 || this.canEditExpired || !period.endDate) return false;
    return this.today > addDays(period.endDate, expiryDays);
  }

  /** PeriodType.getFuturePeriod(openFuturePeriods) of a data set's period type, today. */
  latestOpenFuturePeriod(dataSet: DataSet): Period | null {
    let latest = this.latestOpen.get(dataSet.id);
    if (latest === undefined) {
      const type = dataSet.periodType;
      latest = type && isPeriodTypeName(type) ? this.calendar.latestOpenFuturePeriod(type, dataSet.openFuturePeriods ?? 0, this.today) : null;
      this.latestOpen.set(dataSet.id, latest);
    }
    return latest;
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
  elementInputAllowed(dataElement: DataElement, period: Period): boolean {
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
