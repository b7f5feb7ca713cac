import { hashPat, isValidPatChecksum, patSpecOf, type PatType } from './pat';
import { loadSeed, rootOrgUnitIds, type Metadata } from './seed';
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

/**
 * Everything the simulated server knows. Later features (data values, async tasks) add their own
 * fields here, so handlers keep getting one object.
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
  /** The parsed seed file, or null without one. */
  metadata: Metadata | null;
  seedFile: string | null;
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

/** Users and tokens given in options come on top of the defaults; a user with a default's username replaces it. */
export async function createState(options: StateOptions = {}): Promise<SimState> {
  const profile = versionProfile(options.version ?? DEFAULT_VERSION);
  const metadata = options.seedFile === undefined ? null : await loadSeed(options.seedFile);
  const roots = rootOrgUnitIds(metadata);
  const users = new Map<string, SimUser>();
  for (const user of defaultUsers(roots.length > 0 ? roots : [DEFAULT_ORG_UNIT_ID])) users.set(user.username, user);
  for (const user of options.users ?? []) users.set(user.username, checkedUser(user));

  const state: SimState = {
    profile,
    systemId: SIM_SYSTEM_ID,
    systemName: 'DHIS 2 Simulator',
    startedAt: new Date(),
    users,
    tokens: new Map(),
    metadata,
    seedFile: options.seedFile ?? null,
  };
  if (users.has('admin')) addToken(state, DEFAULT_ADMIN_PAT, 'admin');
  for (const [token, username] of Object.entries(options.tokens ?? {})) addToken(state, token, username);
  return state;
}
