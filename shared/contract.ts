import { z } from 'zod';
import { FileRef, Job, JobLogEntry, JobState, JobType } from './jobs';
import { Connectivity, ServerInput, ServerProfile, ServerUpdate, TestConnectionResult, ServerAuthInput, ServerUrl } from './servers';
import { Settings, SettingsUpdate } from './settings';
import { DataFileInspection, ImportDataParams } from './data-import';
import { ImportMetadataOptions, MetadataFileInspection } from './metadata-import';
import { FolderCheck, FolderListing, FolderPathInput } from './folders';
import { OrgUnitChildren, OrgUnitLookupResult, OrgUnitSearchResult } from './org-unit-tree';
import { DataSetCoverageResult } from './data-set-coverage';
import { DEPENDENCY_OBJECT_TYPES, MetadataExportTypeList, PickableObjectList } from './metadata-export';
import {
  ApproveBundleInput,
  ApproveBundleResult,
  CreateBundleInput,
  CreateBundleResult,
  DeviceIdentity,
  DeviceName,
  FolderScan,
  JobTransport,
  LoadFolderInput,
  LoadReport,
} from './bundles';

/**
 * The one contract between the renderer and main. Both transports (Electron IPC and browser-mode
 * HTTP) walk this object: they validate the input with `input`, call the service of the same
 * name, and validate nothing else by hand. Adding a call means adding a line here and a handler
 * in main/core/services.ts; the compiler points at whatever is missing.
 */
function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

const Empty = z.object({}).strict();
const ById = z.object({ id: z.string().min(1) });
const Ok = z.object({ ok: z.literal(true) });

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['desktop', 'browser']),
  dataDir: z.string(),
  platform: z.string(),
  /** Job types this build can run (the rest are listed but not yet available). */
  runnableJobTypes: z.array(JobType),
  /** Whether native dialogs exist (desktop) or the page must use file inputs and typed paths. */
  nativeDialogs: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const JobListQuery = z.object({
  types: z.array(JobType).optional(),
  states: z.array(JobState).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
  offset: z.number().int().min(0).default(0),
});
export type JobListQuery = z.input<typeof JobListQuery>;

export const JobList = z.object({ jobs: z.array(Job), total: z.number().int() });
export type JobList = z.infer<typeof JobList>;

export const JobCounts = z.object({
  active: z.number().int(),
  waiting: z.number().int(),
  needsAttention: z.number().int(),
  failed: z.number().int(),
  done: z.number().int(),
  total: z.number().int(),
});
export type JobCounts = z.infer<typeof JobCounts>;

export const CreateJobInput = z.object({
  type: JobType,
  params: z.record(z.string(), z.unknown()),
  files: z.array(FileRef).default([]),
  serverId: z.string().nullable().optional(),
  title: z.string().max(300).optional(),
  recreatedFrom: z.string().optional(),
});
export type CreateJobInput = z.input<typeof CreateJobInput>;

export const RecreateJobResult = z.object({
  type: JobType,
  params: z.record(z.string(), z.unknown()),
  files: z.array(FileRef),
  serverId: z.string().nullable(),
  recreatedFrom: z.string(),
});
export type RecreateJobResult = z.infer<typeof RecreateJobResult>;

export const TestConnectionInput = z.union([ById, z.object({ url: ServerUrl, auth: ServerAuthInput })]);
export type TestConnectionInput = z.input<typeof TestConnectionInput>;

/** One offline metadata snapshot: what it holds and where it came from ("metadata as of ..."). */
export const MetadataSnapshot = z.object({
  id: z.string(),
  serverId: z.string().nullable(),
  source: z.enum(['server', 'file']),
  /** The server URL, or the file name. */
  label: z.string(),
  /** The DHIS2 version, when the server or the file said. */
  version: z.string().nullable(),
  /** When the metadata was taken from DHIS2: the end of the sync, or the export date a file carries (else when it was loaded). */
  takenAt: z.string(),
  loadedAt: z.string(),
  /** The DHIS2 user whose org units the checks use, if known. */
  username: z.string().nullable(),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  /** What offline checks cannot do with this snapshot, and what was skipped while loading it. */
  notes: z.array(z.string()),
});
export type MetadataSnapshot = z.infer<typeof MetadataSnapshot>;

/** Per server profile (and for a file loaded with no server, serverId null): its snapshot or none. */
export const MetadataStatus = z.object({
  serverId: z.string().nullable(),
  serverName: z.string().nullable(),
  snapshot: MetadataSnapshot.nullable(),
});
export type MetadataStatus = z.infer<typeof MetadataStatus>;

const MetadataTarget = z.object({ serverId: z.string().min(1).nullable().optional() });

export const methods = {
  'app.info': method(Empty, AppInfo),

  'servers.list': method(Empty, z.array(ServerProfile)),
  'servers.add': method(ServerInput, ServerProfile),
  'servers.update': method(ServerUpdate, ServerProfile),
  'servers.remove': method(ById, Ok),
  'servers.setDefault': method(ById, ServerProfile),
  'servers.test': method(TestConnectionInput, TestConnectionResult),

  'connectivity.status': method(Empty, z.array(Connectivity)),
  'connectivity.checkNow': method(Empty, z.array(Connectivity)),

  'jobs.list': method(JobListQuery, JobList),
  'jobs.counts': method(Empty, JobCounts),
  'jobs.get': method(ById, Job),
  'jobs.log': method(z.object({ id: z.string(), afterSeq: z.number().int().optional() }), z.array(JobLogEntry)),
  'jobs.create': method(CreateJobInput, Job),
  'jobs.cancel': method(ById, Job),
  'jobs.retry': method(ById, Job),
  'jobs.recreate': method(ById, RecreateJobResult),

  /** Desktop only: native open dialog; the chosen files are copied into the store. */
  'files.pick': method(z.object({ title: z.string().optional() }), z.array(FileRef)),
  /** Desktop only: native folder dialog; null when the user cancels. */
  'files.pickFolder': method(
    z.object({ title: z.string().max(200).optional(), defaultPath: FolderPathInput.optional() }),
    z.object({ path: z.string().nullable() }),
  ),
  /** Sub-folders of a folder (default: home) and the places to start from (home, USB drives); for browser mode, where there is no native dialog. */
  'files.browseFolders': method(z.object({ path: FolderPathInput.optional(), showHidden: z.boolean().default(false) }), FolderListing),
  /** Whether a job can save into this folder: there, writable, how much space is free. */
  'files.checkFolder': method(z.object({ path: FolderPathInput }), FolderCheck),

  /** Omitted serverId: every server (and a server-less file snapshot); null: only the server-less one. */
  'metadata.status': method(MetadataTarget, z.array(MetadataStatus)),
  /** Queues a sync-metadata job (or returns the one already waiting for that server). */
  'metadata.sync': method(MetadataTarget, Job),
  /** Loads a metadata export already in the file store; omitted serverId: the default server, if any. */
  'metadata.loadFile': method(MetadataTarget.extend({ file: FileRef }), MetadataStatus),

  /** Reads a stored data file offline: format, first values, and the offline validation against the server's metadata. */
  'datavalues.inspect': method(
    z.object({ file: FileRef, params: ImportDataParams.partial().default({}), serverId: z.string().nullable().optional() }),
    DataFileInspection,
  ),
  /** Reads a stored metadata file offline: the ImportReport DHIS2 is expected to give, a create/update/delete preview and notes. */
  'metadataImport.inspect': method(
    z.object({ file: FileRef, params: ImportMetadataOptions.partial().default({}), serverId: z.string().nullable().optional() }),
    MetadataFileInspection,
  ),
  /** Names and ids of one kind of offline metadata, for pickers (data sets, unique attributes...). */
  'metadata.list': method(
    z.object({
      type: z.enum(['dataSets', 'attributes', 'organisationUnits']),
      serverId: z.string().nullable().optional(),
      query: z.string().max(200).optional(),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    z.array(z.object({ id: z.string(), name: z.string().nullable(), code: z.string().nullable(), detail: z.string().nullable() })),
  ),

  /** Org unit tree from the offline metadata. No parentId: the roots (the user's org units, else the top level). */
  'metadata.orgUnitChildren': method(
    z.object({
      serverId: z.string().nullable().optional(),
      parentId: z.string().min(1).max(50).optional(),
      limit: z.number().int().min(1).max(5000).default(2000),
    }),
    OrgUnitChildren,
  ),
  /** Org units by name, code or id within the tree's roots, each with the units above it. */
  'metadata.orgUnitSearch': method(
    z.object({ serverId: z.string().nullable().optional(), query: z.string().trim().min(1).max(200), limit: z.number().int().min(1).max(200).default(50) }),
    OrgUnitSearchResult,
  ),
  /** Names and ancestors of known ids (a recreated job's org units). */
  'metadata.orgUnitLookup': method(
    z.object({ serverId: z.string().nullable().optional(), ids: z.array(z.string().min(1).max(50)).max(1000) }),
    OrgUnitLookupResult,
  ),
  /** How many units each data set is assigned to within a selection (with descendants: below it too); for a "no values" warning. */
  'metadata.dataSetCoverage': method(
    z.object({
      serverId: z.string().nullable().optional(),
      dataSets: z.array(z.string().min(1).max(50)).max(500),
      orgUnits: z.array(z.string().min(1).max(50)).max(1000),
      includeDescendants: z.boolean().default(true),
    }),
    DataSetCoverageResult,
  ),

  /** The object types of the Metadata export checklist: the server's /api/schemas when it answers, else its last list, else DHIS2 2.41's. */
  'metadataExport.types': method(z.object({ serverId: z.string().min(1).nullable().optional() }), MetadataExportTypeList),
  /** Objects a dependency export can start from: offline metadata for data sets, category combos and option sets; else the server (its last list offline). */
  'metadataExport.objects': method(
    z.object({
      serverId: z.string().min(1).nullable().optional(),
      type: z.enum(DEPENDENCY_OBJECT_TYPES),
      query: z.string().max(200).optional(),
      limit: z.number().int().min(1).max(500).default(50),
    }),
    PickableObjectList,
  ),

  /** USB bundles (shared/bundles.ts): this laptop's name in bundles, "Save to USB", "Load collected files", how a job travels. */
  'bundles.device': method(Empty, DeviceIdentity),
  'bundles.setDeviceName': method(z.object({ name: DeviceName }), DeviceIdentity),
  'bundles.create': method(CreateBundleInput, CreateBundleResult),
  'bundles.scan': method(z.object({ folder: LoadFolderInput.shape.folder }), FolderScan),
  'bundles.load': method(LoadFolderInput, LoadReport),
  'bundles.jobTransport': method(ById, JobTransport),
  /** A person approves a held bundle (unknown or changed signer, or unsigned): its key is trusted, then it is loaded if its drive is still there. */
  'bundles.approve': method(ApproveBundleInput, ApproveBundleResult),
  /** A person confirms a delete that arrived by USB: the held job is queued. */
  'bundles.confirmDelete': method(ById, Job),

  'settings.get': method(Empty, Settings),
  'settings.update': method(SettingsUpdate, Settings),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export const events = {
  'job.changed': Job,
  'job.log': JobLogEntry,
  'connectivity.changed': Connectivity,
  'servers.changed': z.object({}),
  /** A metadata snapshot was swapped in (sync finished or a file was loaded). */
  'metadata.changed': MetadataStatus,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/**
 * Uploads are the one call that carries bytes. Each transport streams them its own way
 * (HTTP request body, chunked IPC) into the same core service, which returns a FileRef.
 */
export const UploadMeta = z.object({ name: z.string().min(1).max(500) });
export type UploadMeta = z.infer<typeof UploadMeta>;

/** Errors cross the boundary as data, with words a health data officer can act on. */
export const ApiError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiError>;

export const CallResult = z.union([z.object({ ok: z.literal(true), result: z.unknown() }), z.object({ ok: z.literal(false), error: ApiError })]);
export type CallResult = z.infer<typeof CallResult>;

/** What the renderer sees as `window.api` in both modes. */
export interface AppApi {
  call<M extends MethodName>(name: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  upload(file: Blob, meta: UploadMeta, onProgress?: (sentBytes: number) => void): Promise<FileRef>;
  /**
   * Called when the event stream was cut and came back (a laptop that slept, a host restarted on
   * the same address): events sent in between are lost, so stores reload what they show.
   */
  onResync(listener: () => void): () => void;
}

export * from './ipc';
