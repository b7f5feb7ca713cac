/**
 * MetadataImportParams as DefaultMetadataImportService.getParamsFromMap reads them in 2.41: every
 * enum falls back to its default when the value is not an exact constant name, booleans are true only
 * for "true" (any case), and only the first value of a repeated parameter counts. There is no
 * mergeMode, dryRun or inclusionStrategy any more; those are ignored like any unknown parameter.
 */

export const IMPORT_MODES = ['COMMIT', 'VALIDATE'] as const;
export const IDENTIFIERS = ['UID', 'CODE'] as const;
export const PREHEAT_MODES = ['REFERENCE', 'ALL', 'NONE'] as const;
// ImportStrategy.java: the legacy names are constants too, so they parse, and then find no validation chain.
export const IMPORT_STRATEGIES = ['CREATE', 'UPDATE', 'CREATE_AND_UPDATE', 'DELETE', 'SYNC', 'NEW_AND_UPDATES', 'NEW', 'UPDATES', 'DELETES'] as const;
export const ATOMIC_MODES = ['ALL', 'NONE'] as const;
export const FLUSH_MODES = ['AUTO', 'OBJECT'] as const;
export const IMPORT_REPORT_MODES = ['FULL', 'ERRORS', 'ERRORS_NOT_OWNER', 'DEBUG'] as const;
export const USER_OVERRIDE_MODES = ['NONE', 'CURRENT', 'SELECTED'] as const;

export type ImportMode = (typeof IMPORT_MODES)[number];
export type Identifier = (typeof IDENTIFIERS)[number];
export type ImportStrategy = (typeof IMPORT_STRATEGIES)[number];
export type AtomicMode = (typeof ATOMIC_MODES)[number];
export type ImportReportMode = (typeof IMPORT_REPORT_MODES)[number];

export interface MetadataImportParams {
  userOverrideMode: (typeof USER_OVERRIDE_MODES)[number];
  importMode: ImportMode;
  identifier: Identifier;
  preheatMode: (typeof PREHEAT_MODES)[number];
  importStrategy: ImportStrategy;
  atomicMode: AtomicMode;
  flushMode: (typeof FLUSH_MODES)[number];
  importReportMode: ImportReportMode;
  skipSharing: boolean;
  skipTranslation: boolean;
  skipValidation: boolean;
  metadataSyncImport: boolean;
  async: boolean;
  /** CsvImportClass name, CSV imports only. */
  csvImportClass: string | null;
  firstRowIsHeader: boolean;
}

function enumParam<T extends string>(query: URLSearchParams, name: string, values: readonly T[], fallback: T): T {
  const value = query.get(name);
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : fallback;
}

function boolParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name);
  return value === null ? fallback : value.toLowerCase() === 'true';
}

export function parseMetadataImportParams(query: URLSearchParams): MetadataImportParams {
  return {
    userOverrideMode: enumParam(query, 'userOverrideMode', USER_OVERRIDE_MODES, 'NONE'),
    importMode: enumParam(query, 'importMode', IMPORT_MODES, 'COMMIT'),
    identifier: enumParam(query, 'identifier', IDENTIFIERS, 'UID'),
    preheatMode: enumParam(query, 'preheatMode', PREHEAT_MODES, 'REFERENCE'),
    importStrategy: enumParam(query, 'importStrategy', IMPORT_STRATEGIES, 'CREATE_AND_UPDATE'),
    atomicMode: enumParam(query, 'atomicMode', ATOMIC_MODES, 'ALL'),
    flushMode: enumParam(query, 'flushMode', FLUSH_MODES, 'AUTO'),
    importReportMode: enumParam(query, 'importReportMode', IMPORT_REPORT_MODES, 'ERRORS'),
    skipSharing: boolParam(query, 'skipSharing', false),
    skipTranslation: boolParam(query, 'skipTranslation', false),
    skipValidation: boolParam(query, 'skipValidation', false),
    metadataSyncImport: false,
    async: boolParam(query, 'async', false),
    csvImportClass: null,
    firstRowIsHeader: boolParam(query, 'firstRowIsHeader', true),
  };
}

/**
 * The params as JSON, in MetadataImportParams field order. DHIS2's own mapper leaves nulls out
 * (importParams, jobParameters); the plain ObjectMapper behind the first job notification keeps them.
 */
export function metadataImportParamsJson(params: MetadataImportParams, withNulls = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (withNulls) out['user'] = null;
  out['userOverrideMode'] = params.userOverrideMode;
  if (withNulls) out['overrideUser'] = null;
  out['importMode'] = params.importMode;
  out['identifier'] = params.identifier;
  out['preheatMode'] = params.preheatMode;
  out['importStrategy'] = params.importStrategy;
  out['atomicMode'] = params.atomicMode;
  out['flushMode'] = params.flushMode;
  out['importReportMode'] = params.importReportMode;
  out['skipSharing'] = params.skipSharing;
  out['skipTranslation'] = params.skipTranslation;
  out['skipValidation'] = params.skipValidation;
  out['metadataSyncImport'] = params.metadataSyncImport;
  out['async'] = params.async;
  if (withNulls) out['filename'] = null;
  if (params.csvImportClass !== null || withNulls) out['csvImportClass'] = params.csvImportClass;
  out['firstRowIsHeader'] = params.firstRowIsHeader;
  return out;
}

/** ImportStrategy.isCreate() and friends, which accept the legacy names. */
export function strategyKind(strategy: ImportStrategy): 'CREATE' | 'UPDATE' | 'CREATE_AND_UPDATE' | 'DELETE' | 'SYNC' {
  switch (strategy) {
    case 'CREATE':
    case 'NEW':
      return 'CREATE';
    case 'UPDATE':
    case 'UPDATES':
      return 'UPDATE';
    case 'CREATE_AND_UPDATE':
    case 'NEW_AND_UPDATES':
      return 'CREATE_AND_UPDATE';
    case 'DELETE':
    case 'DELETES':
      return 'DELETE';
    case 'SYNC':
      return 'SYNC';
  }
}
