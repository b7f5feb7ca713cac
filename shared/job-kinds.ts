import { z } from 'zod';
import { ImportDataParams, ImportDataResult } from './data-import';
import { ExportDataParams, SavedFileResult } from './data-export';
import { ExportMetadataDependenciesParams, ExportMetadataParams, MetadataExportResult } from './metadata-export';
import { ImportMetadataParams, ImportMetadataResult } from './metadata-import';
import { GeometryImportParams, GeometryImportResult } from './geometry-import';

/**
 * Every kind of job, declared once. The contract's job types, the runner's registry, the CLI, the Job
 * overview (filters, details, Recreate), and the USB bundle writer and loader all read these
 * declarations instead of naming types. A new kind of job starts here: see main/README.md.
 */
export interface JobKind<P = unknown, R = unknown> {
  /** Plain words, for the Job overview and the CLI. */
  readonly label: string;
  /** Its parameters with their defaults; null while this version cannot make such jobs. */
  readonly params: z.ZodType<P, Record<string, unknown>> | null;
  /** What a finished job stores as its result; checked when it is stored and when it is read. */
  readonly result: z.ZodType<R> | null;
  /** The page that makes this kind, and that "Recreate" opens refilled; null when no page makes it. */
  readonly page: string | null;
  /** Whether a queued job of this kind may travel on a USB bundle to be sent from the district. */
  readonly usb: boolean;
  /** How its input file is checked offline (on the page, in the CLI, and when a bundle is loaded at the district). */
  readonly offlineCheck: 'data-values' | 'metadata' | 'geometry' | null;
  /** How the Job overview shows its result. */
  readonly resultView: 'import-summary' | 'import-report' | 'saved-file' | 'metadata-sync' | 'none';
  /** Offered as a filter in the Job overview (internal kinds are not). */
  readonly listed: boolean;
}

/** Parameters of the queue self-test job (only registered when self-test jobs are enabled). */
export const SelfTestParams = z.object({
  steps: z.number().int().min(1).max(10_000),
  stepMs: z.number().int().min(0).max(60_000),
  needsServer: z.boolean().default(false),
  failTimes: z.number().int().min(0).max(100).default(0),
});
export type SelfTestParams = z.infer<typeof SelfTestParams>;
export const SelfTestResult = z.object({ completedSteps: z.number().int().nonnegative() });
export type SelfTestResult = z.infer<typeof SelfTestResult>;

/** Parameters of the offline metadata sync; the page size only matters on very slow or very fast links. */
export const SyncMetadataParams = z.object({
  pageSize: z.number().int().min(1).max(10_000).default(1000),
});
export type SyncMetadataParams = z.infer<typeof SyncMetadataParams>;
export const SyncMetadataResult = z.object({
  snapshotId: z.string(),
  version: z.string().nullable(),
  counts: z.record(z.string(), z.number().int().nonnegative()),
});
export type SyncMetadataResult = z.infer<typeof SyncMetadataResult>;

const planned = (label: string, page: string, usb: boolean): JobKind<never, never> => ({
  label,
  params: null,
  result: null,
  page,
  usb,
  offlineCheck: null,
  resultView: 'none',
  listed: true,
});

export const JOB_KINDS = {
  'import-data': {
    label: 'Data import',
    params: ImportDataParams,
    result: ImportDataResult,
    page: '/import/data',
    usb: true,
    offlineCheck: 'data-values',
    resultView: 'import-summary',
    listed: true,
  },
  'import-metadata': {
    label: 'Metadata import',
    params: ImportMetadataParams,
    result: ImportMetadataResult,
    page: '/import/metadata',
    usb: true,
    offlineCheck: 'metadata',
    resultView: 'import-report',
    listed: true,
  },
  'import-events': planned('Event import', '/import/event', true),
  'import-tracker': planned('Tracked entity import', '/import/tei', true),
  'import-geometry': {
    label: 'Org unit geometry import',
    params: GeometryImportParams,
    result: GeometryImportResult,
    page: '/import/geometry',
    usb: true,
    offlineCheck: 'geometry',
    // Neither existing view reads a GeoJsonImportReport (import-summary is data values', import-report metadata's).
    resultView: 'none',
    listed: true,
  },
  'import-population': planned('Earth Engine import', '/import/earthengine', true),
  'export-data': {
    label: 'Data export',
    params: ExportDataParams,
    result: SavedFileResult,
    page: '/export/data',
    usb: false,
    offlineCheck: null,
    resultView: 'saved-file',
    listed: true,
  },
  'export-metadata': {
    label: 'Metadata export',
    params: ExportMetadataParams,
    result: MetadataExportResult,
    page: '/export/metadata',
    usb: false,
    offlineCheck: null,
    resultView: 'saved-file',
    listed: true,
  },
  'export-metadata-dependencies': {
    label: 'Metadata dependency export',
    params: ExportMetadataDependenciesParams,
    result: MetadataExportResult,
    page: '/export/metadata-dependency',
    usb: false,
    offlineCheck: null,
    resultView: 'saved-file',
    listed: true,
  },
  'export-events': planned('Event export', '/export/event', false),
  'export-tracker': planned('Tracked entity export', '/export/tei', false),
  'sync-metadata': {
    label: 'Metadata sync',
    params: SyncMetadataParams,
    result: SyncMetadataResult,
    page: null,
    usb: false,
    offlineCheck: null,
    resultView: 'metadata-sync',
    listed: true,
  },
  'self-test': {
    label: 'Queue self-test',
    params: SelfTestParams,
    result: SelfTestResult,
    page: null,
    usb: false,
    offlineCheck: null,
    resultView: 'none',
    listed: false,
  },
} as const satisfies Record<string, JobKind>;

export type JobKinds = typeof JOB_KINDS;
export type JobKindName = keyof JobKinds;
/** The parameters a job of this kind runs with (defaults applied). */
export type ParamsOf<T extends JobKindName> = JobKinds[T]['params'] extends z.ZodType<infer P> ? P : never;
/** What a job of this kind may be given (defaults not yet applied). */
export type ParamsInputOf<T extends JobKindName> = JobKinds[T]['params'] extends z.ZodType<unknown, infer I> ? I : never;
/** What a finished job of this kind stores as its result. */
export type ResultOf<T extends JobKindName> = JobKinds[T]['result'] extends z.ZodType<infer R> ? R : never;

/** The declaration of a kind, typed loosely for code that walks all kinds. */
export function jobKind(type: JobKindName): JobKind {
  return JOB_KINDS[type] as JobKind;
}

/**
 * A job's result read through its kind's schema: the one shape both sides use. Null when the job has no
 * result yet or it does not match (a result stored by an older version, say), so the caller shows the raw JSON.
 */
export function resultOf<T extends JobKindName>(job: { type: T; result: unknown }): ResultOf<T> | null {
  const schema = JOB_KINDS[job.type].result as z.ZodType<ResultOf<T>> | null;
  if (!schema || job.result === null || job.result === undefined) return null;
  const parsed = schema.safeParse(job.result);
  return parsed.success ? parsed.data : null;
}

export type ResultView = JobKind['resultView'];
type KindsShownAs<V extends ResultView> = { [T in JobKindName]: JobKinds[T]['resultView'] extends V ? T : never }[JobKindName];
/** A job's result with the view its kind declares, typed by the view: a page switches on `view`, never on type names. */
export type ViewedResult = { [V in ResultView]: { view: V; result: ResultOf<KindsShownAs<V>> } }[ResultView];

/** The job's result read through its kind's schema, with the view that shows it; null when there is none to show. */
export function viewedResult(job: { type: JobKindName; result: unknown }): ViewedResult | null {
  const result = resultOf(job);
  if (result === null) return null;
  return { view: JOB_KINDS[job.type].resultView, result } as ViewedResult;
}
