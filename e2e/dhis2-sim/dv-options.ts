import { IdSchemeError, type IdSchemeKey, IdSchemes, parseIdScheme } from './id-schemes';

/**
 * ImportOptions (dhis-api dxf2/common/ImportOptions.java) as Spring binds them from the query string
 * of POST /api/dataValueSets, and as they print inside an ImportSummary or a job's parameters.
 */

export const IMPORT_STRATEGIES = ['CREATE', 'UPDATE', 'CREATE_AND_UPDATE', 'DELETE', 'SYNC', 'NEW_AND_UPDATES', 'NEW', 'UPDATES', 'DELETES'] as const;
export type ImportStrategy = (typeof IMPORT_STRATEGIES)[number];

export const strategyIs = {
  create: (s: ImportStrategy) => s === 'CREATE' || s === 'NEW',
  update: (s: ImportStrategy) => s === 'UPDATE' || s === 'UPDATES',
  createAndUpdate: (s: ImportStrategy) => s === 'CREATE_AND_UPDATE' || s === 'NEW_AND_UPDATES',
  delete: (s: ImportStrategy) => s === 'DELETE' || s === 'DELETES',
};

const MERGE_MODES = ['REPLACE'] as const;
const REPORT_MODES = ['FULL', 'ERRORS', 'DEBUG'] as const;
const NOTIFICATION_LEVELS = ['OFF', 'DEBUG', 'LOOP', 'INFO', 'WARN', 'ERROR'] as const;

const BOOLEANS = [
  'dryRun',
  'async',
  'skipExistingCheck',
  'sharing',
  'skipNotifications',
  'skipAudit',
  'datasetAllowsPeriods',
  'strictPeriods',
  'strictDataElements',
  'strictCategoryOptionCombos',
  'strictAttributeOptionCombos',
  'strictOrganisationUnits',
  'strictDataSetApproval',
  'strictDataSetLocking',
  'strictDataSetInputPeriods',
  'requireCategoryOptionCombo',
  'requireAttributeOptionCombo',
  'skipPatternValidation',
  'ignoreEmptyCollection',
  'force',
  'firstRowIsHeader',
  'skipLastUpdated',
  'mergeDataValues',
  'skipCache',
] as const;
type BooleanOption = (typeof BOOLEANS)[number];

export type ImportOptions = Record<BooleanOption, boolean> & {
  idSchemes: IdSchemes;
  /** Boolean in Java: null means "not given" and prints as nothing. */
  preheatCache: boolean | null;
  importStrategy: ImportStrategy;
  mergeMode: string;
  reportMode: string;
  filename: string | null;
  notificationLevel: string | null;
  dataSet: string | null;
};

export function defaultImportOptions(): ImportOptions {
  const options = Object.fromEntries(BOOLEANS.map((name) => [name, false])) as Record<BooleanOption, boolean>;
  return {
    ...options,
    firstRowIsHeader: true,
    idSchemes: new IdSchemes(),
    preheatCache: null,
    importStrategy: 'CREATE_AND_UPDATE',
    mergeMode: 'REPLACE',
    reportMode: 'FULL',
    filename: null,
    notificationLevel: null,
    dataSet: null,
  };
}

export function copyImportOptions(options: ImportOptions): ImportOptions {
  return { ...options, idSchemes: options.idSchemes };
}

// ImportOptions setters that feed IdSchemes (setEventIdScheme -> programStageInstanceIdScheme).
const ID_SCHEME_SETTERS: Record<string, IdSchemeKey> = {
  idScheme: 'idScheme',
  dataElementIdScheme: 'dataElementIdScheme',
  categoryOptionComboIdScheme: 'categoryOptionComboIdScheme',
  categoryOptionIdScheme: 'categoryOptionIdScheme',
  categoryIdScheme: 'categoryIdScheme',
  orgUnitIdScheme: 'orgUnitIdScheme',
  programIdScheme: 'programIdScheme',
  programStageIdScheme: 'programStageIdScheme',
  trackedEntityIdScheme: 'trackedEntityIdScheme',
  trackedEntityAttributeIdScheme: 'trackedEntityAttributeIdScheme',
  dataSetIdScheme: 'dataSetIdScheme',
  eventIdScheme: 'programStageInstanceIdScheme',
};

/** CrudControllerAdvice's 400 texts for values Spring cannot bind. */
function notValid(value: string, field: string, detail: string): string {
  const head = value === '' ? `${field} cannot be empty.` : `Value '${value}' is not valid for parameter ${field}.`;
  return detail === '' ? head : `${head} ${detail}`;
}

/** Spring's StringToBooleanConverter: true/on/yes/1 and false/off/no/0, any case. */
export function springBoolean(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(v)) return true;
  if (['false', 'off', 'no', '0'].includes(v)) return false;
  return null;
}

function enumValue<T extends string>(values: readonly T[], raw: string, field: string): { value: T } | { message: string } {
  const found = values.find((value) => value === raw.trim());
  return found !== undefined ? { value: found } : { message: notValid(raw, field, `Valid values are: [${values.join(', ')}]`) };
}

export type OptionsParse = { ok: true; options: ImportOptions } | { ok: false; message: string };

/** Binds the query string; the first value that cannot be bound is a 400 with DHIS2's message. */
export function parseImportOptions(query: URLSearchParams): OptionsParse {
  const options = defaultImportOptions();
  for (const [name, raw] of query) {
    if ((BOOLEANS as readonly string[]).includes(name)) {
      const value = springBoolean(raw);
      if (value === null) return { ok: false, message: notValid(raw, name, 'It should be of type boolean') };
      options[name as BooleanOption] = value;
    } else if (name === 'preheatCache') {
      if (raw.trim() === '') {
        options.preheatCache = null;
        continue;
      }
      const value = springBoolean(raw);
      if (value === null) return { ok: false, message: notValid(raw, name, `Invalid boolean value [${raw}]`) };
      options.preheatCache = value;
    } else if (name === 'importStrategy' || name === 'strategy') {
      const bound = enumValue(IMPORT_STRATEGIES, raw, name);
      if ('message' in bound) return { ok: false, message: bound.message };
      options.importStrategy = bound.value;
    } else if (name === 'mergeMode' || name === 'reportMode' || name === 'notificationLevel') {
      const values = name === 'mergeMode' ? MERGE_MODES : name === 'reportMode' ? REPORT_MODES : NOTIFICATION_LEVELS;
      const bound = enumValue<string>(values, raw, name);
      if ('message' in bound) return { ok: false, message: bound.message };
      options[name] = bound.value;
    } else if (name === 'filename') {
      options.filename = raw === '' ? null : raw;
    } else if (name === 'dataSet') {
      options.dataSet = raw === '' ? null : raw;
    } else {
      const key = ID_SCHEME_SETTERS[name];
      if (key === undefined) continue;
      try {
        options.idSchemes.set(key, parseIdScheme(raw));
      } catch (error) {
        const detail = error instanceof IdSchemeError ? error.message : String(error);
        return { ok: false, message: notValid(raw, name, `Property '${name}' threw exception; ${detail}`) };
      }
    }
  }
  return { ok: true, options };
}

/**
 * ImportOptions as DHIS2's ObjectMapper writes it (NON_NULL) in field order; with `keepNulls` as the plain
 * ObjectMapper the job notifications use, which prints the unset Boolean and String fields as null.
 */
export function importOptionsJson(options: ImportOptions, keepNulls = false): Record<string, unknown> {
  const out: Record<string, unknown> = { idSchemes: options.idSchemes.toJSON(), dryRun: options.dryRun };
  if (options.preheatCache !== null || keepNulls) out['preheatCache'] = options.preheatCache;
  Object.assign(out, {
    async: options.async,
    importStrategy: options.importStrategy,
    mergeMode: options.mergeMode,
    reportMode: options.reportMode,
    skipExistingCheck: options.skipExistingCheck,
    sharing: options.sharing,
    skipNotifications: options.skipNotifications,
    skipAudit: options.skipAudit,
    datasetAllowsPeriods: options.datasetAllowsPeriods,
    strictPeriods: options.strictPeriods,
    strictDataElements: options.strictDataElements,
    strictCategoryOptionCombos: options.strictCategoryOptionCombos,
    strictAttributeOptionCombos: options.strictAttributeOptionCombos,
    strictOrganisationUnits: options.strictOrganisationUnits,
    strictDataSetApproval: options.strictDataSetApproval,
    strictDataSetLocking: options.strictDataSetLocking,
    strictDataSetInputPeriods: options.strictDataSetInputPeriods,
    requireCategoryOptionCombo: options.requireCategoryOptionCombo,
    requireAttributeOptionCombo: options.requireAttributeOptionCombo,
    skipPatternValidation: options.skipPatternValidation,
    ignoreEmptyCollection: options.ignoreEmptyCollection,
    force: options.force,
    firstRowIsHeader: options.firstRowIsHeader,
  });
  if (options.filename !== null || keepNulls) out['filename'] = options.filename;
  if (options.notificationLevel !== null || keepNulls) out['notificationLevel'] = options.notificationLevel;
  Object.assign(out, { skipLastUpdated: options.skipLastUpdated, mergeDataValues: options.mergeDataValues, skipCache: options.skipCache });
  if (options.dataSet !== null || keepNulls) out['dataSet'] = options.dataSet;
  return out;
}
