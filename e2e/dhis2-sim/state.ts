import { DataValueStore, type Registration } from './dv-store';
import { type MetadataExport, MetadataStore, refId } from './metadata';
import { hashPat, isValidPatChecksum, patSpecOf, type PatType } from './pat';
import { loadSeed } from './seed';
import { TaskManager } from './tasks';
import { stableUid } from './uid';
import { DEFAULT_ADMIN_PAT, DEFAULT_ORG_UNIT_ID, defaultUsers, type SimUser, SimUserSchema } from './users';
import { DEFAULT_VERSION, versionProfile, type VersionProfile } from './version';

export interface ApiTokenRecord {
  id: string;
  username: string;
  type: PatType;
  version: 1 | 2;
  /** Epoch millis; DHIS2 refuses the token from then on. */
  expire: number;
}

/** One POST /api/dataValueSets as the server received it: which payload (by hash) and how often. */
export interface DataValuePost {
  /** SHA-256 of the raw request body. */
  sha256: string;
  /** How many times this exact body was posted. */
  count: number;
  bytes: number;
  contentType: string;
  async: boolean;
  dryRun: boolean;
  /** HTTP status of each answer, 0 while an async job has not reported back or the import is still running. */
  statuses: number[];
  /** Values the import read from the body (of the last post). */
  values: number;
  firstAt: string;
  lastAt: string;
}

/** A pending fault for the next async data value job. */
export interface AsyncJobFault {
  /** Values processed before the job fails. */
  afterValues: number;
  /** `error`: the import fails with an ERROR summary ("The import process failed: <message>"); `crash`: the job itself fails, no summary. */
  mode: 'error' | 'crash';
  message: string;
  /** Which kind of async job it hits; a metadata import only crashes (MetadataImportJob has no partial summary). */
  jobType: 'DATAVALUE_IMPORT' | 'METADATA_IMPORT';
}

/** Takes the first pending fault for this kind of job. */
export function takeAsyncJobFault(state: { asyncJobFaults: AsyncJobFault[] }, jobType: AsyncJobFault['jobType']): AsyncJobFault | undefined {
  const index = state.asyncJobFaults.findIndex((fault) => fault.jobType === jobType);
  return index < 0 ? undefined : state.asyncJobFaults.splice(index, 1)[0];
}

/**
 * Everything the simulated server knows, so handlers keep getting one object. Metadata, data values
 * and registrations are the "database" and survive a simulated restart; tasks are in memory in DHIS2
 * and do not.
 */
export interface SimState {
  profile: VersionProfile;
  /** SystemInfo.systemId: fixed, so clients can recognise "the same server" across restarts. */
  systemId: string;
  systemName: string;
  startedAt: Date;
  users: Map<string, SimUser>;
  /** Keyed by SHA-256 of the plaintext token, as DHIS2 stores them. */
  tokens: Map<string, ApiTokenRecord>;
  /** The seeded metadata, indexed; empty apart from DHIS2's default category objects without a seed. */
  metadata: MetadataStore;
  seedFile: string | null;
  /** Usernames of the default users whose org units follow the seed. */
  seedAssignedUsers: Set<string>;
  dataValues: DataValueStore;
  registrations: Map<string, Registration>;
  tasks: TaskManager;
  dataValuePosts: Map<string, DataValuePost>;
  asyncJobFaults: AsyncJobFault[];
}

export const SIM_SYSTEM_ID = '3f6c0e3a-5d4b-4c1e-9a7f-2b8d6e1c4a90';

export interface StateOptions {
  version?: string;
  seedFile?: string;
  users?: SimUser[];
  tokens?: Record<string, string>;
}

const FAR_FUTURE = Date.UTC(2099, 0, 1);

function checkedUser(user: SimUser): SimUser {
  const result = SimUserSchema.safeParse(user);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'user'}: ${issue.message}`).join('; ');
    throw new Error(`Invalid simulator user "${String(user.username)}": ${problems}`);
  }
  return user;
}

export function addToken(state: SimState, token: string, username: string, expire = FAR_FUTURE): ApiTokenRecord {
  const spec = patSpecOf(token);
  if (!spec || !isValidPatChecksum(token)) {
    throw new Error(`Token for "${username}" is not a DHIS2 personal access token with a valid checksum (make one with generatePat())`);
  }
  if (!state.users.has(username)) throw new Error(`Token owner "${username}" is not a simulator user`);
  const record: ApiTokenRecord = { id: stableUid(`token:${token}`), username, type: spec.type, version: spec.version, expire };
  state.tokens.set(hashPat(token), record);
  return record;
}

function refIds(value: unknown): string[] {
  return Array.isArray(value) ? value.map(refId).filter((id): id is string => id !== null) : [];
}

/**
 * Default users work on the seed: a seed `users` entry with their username gives their org units, or
 * else they get the seed's root org units. Users passed in options keep what they were given.
 */
export function assignSeedOrgUnits(state: SimState): void {
  const roots = state.metadata.rootOrgUnits();
  for (const username of state.seedAssignedUsers) {
    const user = state.users.get(username);
    if (!user) continue;
    const seeded = state.metadata.seedUser(username);
    const capture = refIds(seeded?.['organisationUnits']);
    if (capture.length > 0) {
      user.organisationUnits = capture;
      const view = refIds(seeded?.['dataViewOrganisationUnits']);
      if (view.length > 0) user.dataViewOrganisationUnits = view;
      else delete user.dataViewOrganisationUnits;
    } else if (roots.length > 0) {
      user.organisationUnits = roots;
      delete user.dataViewOrganisationUnits;
    }
  }
}

/** Adds a metadata export to the state (replacing objects with the same id, or everything with `replace`). */
export function seedMetadata(state: SimState, exported: MetadataExport, options: { replace?: boolean } = {}): void {
  state.metadata.load(exported, options);
  assignSeedOrgUnits(state);
}

/** Users and tokens given in options come on top of the defaults; a user with a default's username replaces it. */
export async function createState(options: StateOptions = {}): Promise<SimState> {
  const profile = versionProfile(options.version ?? DEFAULT_VERSION);
  const seed = options.seedFile === undefined ? null : await loadSeed(options.seedFile);
  const metadata = new MetadataStore(seed);
  const users = new Map<string, SimUser>();
  const seedAssignedUsers = new Set<string>();
  for (const user of defaultUsers([DEFAULT_ORG_UNIT_ID])) {
    users.set(user.username, user);
    seedAssignedUsers.add(user.username);
  }
  for (const user of options.users ?? []) {
    users.set(user.username, checkedUser(user));
    seedAssignedUsers.delete(user.username);
  }

  const state: SimState = {
    profile,
    systemId: SIM_SYSTEM_ID,
    systemName: 'DHIS 2 Simulator',
    startedAt: new Date(),
    users,
    tokens: new Map(),
    metadata,
    seedFile: options.seedFile ?? null,
    seedAssignedUsers,
    dataValues: new DataValueStore(),
    registrations: new Map(),
    tasks: new TaskManager(),
    dataValuePosts: new Map(),
    asyncJobFaults: [],
  };
  assignSeedOrgUnits(state);
  if (users.has('admin')) addToken(state, DEFAULT_ADMIN_PAT, 'admin');
  for (const [token, username] of Object.entries(options.tokens ?? {})) addToken(state, token, username);
  return state;
}
