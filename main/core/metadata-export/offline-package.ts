import { Transform } from 'node:stream';
import { z } from 'zod';
import type { Dhis2Client } from '../dhis2/client';
import { JobFailure } from '../jobs/plugin';
import { OFFLINE_PACKAGE_KEY, OfflinePackageMarker } from '../metadata/load-file';
import { SNAPSHOT_KINDS } from '../metadata/model';
import { syncFields } from '../metadata/sync';

/**
 * The "Prepare offline laptop" package: one DHIS2 metadata export holding what the metadata sync
 * pulls (the same types, with the same fields) plus the exporting user and their roles, which is
 * what `dhis2-ie metadata load` and Load metadata file read at a facility without a connection.
 * A marker names the user, so a laptop with no server profile yet still knows whose org units count.
 */

/** GET /api/metadata with each synced type and its fields; sharing is never needed offline. */
export function offlinePackageQuery(): URLSearchParams {
  const query = new URLSearchParams();
  for (const type of SNAPSHOT_KINDS) query.set(`${type}:fields`, syncFields(type));
  query.set('skipSharing', 'true');
  query.set('download', 'true');
  return query;
}

const Ref = z.object({ id: z.string().min(1) });
const Role = z.object({ id: z.string().min(1), name: z.string().nullish(), authorities: z.array(z.string()).nullish() });
const PackageMe = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  name: z.string().nullish(),
  displayName: z.string().nullish(),
  firstName: z.string().nullish(),
  surname: z.string().nullish(),
  organisationUnits: z.array(Ref).nullish(),
  dataViewOrganisationUnits: z.array(Ref).nullish(),
  userRoles: z.array(Role).nullish(),
  // Before 2.36 the roles lived under the credentials only.
  userCredentials: z.object({ userRoles: z.array(Role).nullish() }).nullish(),
});

const ME_FIELDS =
  'id,username,name,displayName,firstName,surname,organisationUnits[id],dataViewOrganisationUnits[id],userRoles[id,name,authorities],userCredentials[userRoles[id,name,authorities]]';

export interface PackageUser {
  username: string;
  orgUnits: number;
  /** The top-level members to add to the export: the package marker, then `users` and `userRoles`. */
  collections: Record<string, unknown>;
  notes: string[];
}

/** The signed-in user as a metadata export lists users: org units, and roles carrying the authorities. */
export async function packageUser(client: Dhis2Client, signal?: AbortSignal): Promise<PackageUser> {
  const me = await client.getJson('/me', PackageMe, signal, { fields: ME_FIELDS });
  const roles = new Map<string, z.output<typeof Role>>();
  for (const role of [...(me.userRoles ?? []), ...(me.userCredentials?.userRoles ?? [])]) if (!roles.has(role.id)) roles.set(role.id, role);
  const notes: string[] = [];
  if (roles.size === 0 || [...roles.values()].every((role) => !role.authorities?.length)) {
    notes.push(`The roles of ${me.username} could not be read: offline checks will not know which authorities the user has.`);
  }
  const user = {
    id: me.id,
    username: me.username,
    name: me.name ?? me.displayName ?? null,
    firstName: me.firstName ?? null,
    surname: me.surname ?? null,
    organisationUnits: (me.organisationUnits ?? []).map((ref) => ({ id: ref.id })),
    dataViewOrganisationUnits: (me.dataViewOrganisationUnits ?? []).map((ref) => ({ id: ref.id })),
    userRoles: [...roles.keys()].map((id) => ({ id })),
  };
  return {
    username: me.username,
    orgUnits: user.organisationUnits.length,
    collections: {
      [OFFLINE_PACKAGE_KEY]: {
        kind: 'offline-laptop',
        username: me.username,
        server: client.options.baseUrl,
        kinds: [...SNAPSHOT_KINDS],
      } satisfies z.input<typeof OfflinePackageMarker>,
      users: [user],
      userRoles: [...roles.values()].map((role) => ({ id: role.id, name: role.name ?? null, authorities: role.authorities ?? [] })),
    },
    notes,
  };
}

const WHITESPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);
/** Bytes held back besides trailing whitespace: enough to see the closing brace and what precedes it. */
const KEEP = 16;

/**
 * Adds top-level members to a JSON object passing through: everything streams on except the tail,
 * whose closing brace is replaced by `,"users":[...],...}`. The export is never held in memory.
 */
export function appendCollections(collections: Record<string, unknown>): Transform {
  let held = Buffer.alloc(0);
  // `{}` has two bytes that are not whitespace; any member makes more.
  let solid = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (solid <= 2) {
        for (const byte of chunk) if (!WHITESPACE.has(byte) && ++solid > 2) break;
      }
      const all = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      let keepFrom = all.length;
      while (keepFrom > 0 && WHITESPACE.has(all[keepFrom - 1]!)) keepFrom -= 1;
      keepFrom = Math.max(0, keepFrom - KEEP);
      held = Buffer.from(all.subarray(keepFrom));
      callback(null, all.subarray(0, keepFrom));
    },
    flush(callback) {
      // Bytes, not text: the held tail may start inside a multi-byte character.
      let end = held.length;
      while (end > 0 && WHITESPACE.has(held[end - 1]!)) end -= 1;
      if (end === 0 || held[end - 1] !== 0x7d) {
        return callback(
          new JobFailure('retry', 'BAD_EXPORT', 'The metadata the server sent does not end like a JSON object (cut off?). The app will try again.'),
        );
      }
      const members = Object.entries(collections).map(([key, list]) => `${JSON.stringify(key)}:${JSON.stringify(list)}`);
      const joiner = solid > 2 && members.length > 0 ? ',' : '';
      callback(null, Buffer.concat([held.subarray(0, end - 1), Buffer.from(`${joiner}${members.join(',')}}`, 'utf8')]));
    },
  });
}
