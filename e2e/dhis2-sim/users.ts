import { z } from 'zod';
import { UID_REGEX } from './uid';

export interface SimUser {
  username: string;
  password: string;
  firstName: string;
  surname: string;
  id: string;
  authorities: string[];
  /** Data capture org units: imports must be at or below one of them (E7617). */
  organisationUnits: string[];
  /** Data view org units (exports, E2012); absent means the capture ones, as DHIS2 falls back to them. */
  dataViewOrganisationUnits?: string[];
  disabled?: boolean;
  /** DHIS2's temporary lockout after too many failed logins: every login is refused with "Account locked". */
  locked?: boolean;
  email?: string;
}

export const SimUserSchema = z.object({
  username: z.string().min(1, 'username must not be empty'),
  password: z.string(),
  firstName: z.string(),
  surname: z.string(),
  id: z.string().regex(UID_REGEX, 'id must be a DHIS2 UID: a letter then 10 letters or digits'),
  authorities: z.array(z.string()),
  organisationUnits: z.array(z.string().regex(UID_REGEX, 'organisation unit ids must be DHIS2 UIDs')),
  dataViewOrganisationUnits: z.array(z.string().regex(UID_REGEX, 'organisation unit ids must be DHIS2 UIDs')).optional(),
  disabled: z.boolean().optional(),
  locked: z.boolean().optional(),
  email: z.string().optional(),
});

export const DEFAULT_PASSWORD = 'district';
/** The Sierra Leone demo's root org unit; replaced by the seed's roots when a seed has organisation units. */
export const DEFAULT_ORG_UNIT_ID = 'ImspTQPwCqd';

export const DEFAULT_CREDENTIALS = {
  admin: { username: 'admin', password: DEFAULT_PASSWORD },
  importer: { username: 'importer', password: DEFAULT_PASSWORD },
  disabled: { username: 'disabled', password: DEFAULT_PASSWORD },
  locked: { username: 'locked', password: DEFAULT_PASSWORD },
} as const;

/** A V2 token with a valid checksum, owned by admin. Never valid on a real server. */
export const DEFAULT_ADMIN_PAT = 'd2p_RKAckWZvZFkCY0fNfYXIdkEPR5Jf5jtHCBPMB83Y7L6B153H4k';

const IMPORTER_AUTHORITIES = ['F_DATAVALUE_ADD', 'F_DATAVALUE_DELETE', 'F_EXPORT_DATA', 'F_IMPORT_DATA', 'F_METADATA_EXPORT'];

export function defaultUsers(orgUnits: readonly string[]): SimUser[] {
  const units = [...orgUnits];
  return [
    {
      ...DEFAULT_CREDENTIALS.admin,
      firstName: 'admin',
      surname: 'admin',
      id: 'M5zQapPyTZI',
      authorities: ['ALL'],
      organisationUnits: units,
      email: 'admin@dhis2-sim.invalid',
    },
    {
      ...DEFAULT_CREDENTIALS.importer,
      firstName: 'Ina',
      surname: 'Importer',
      id: 'Kx3tSp8NqRe',
      authorities: IMPORTER_AUTHORITIES,
      organisationUnits: units,
      email: 'importer@dhis2-sim.invalid',
    },
    {
      ...DEFAULT_CREDENTIALS.disabled,
      firstName: 'Dora',
      surname: 'Disabled',
      id: 'Dq7mWv2LsYb',
      authorities: IMPORTER_AUTHORITIES,
      organisationUnits: units,
      disabled: true,
    },
    {
      ...DEFAULT_CREDENTIALS.locked,
      firstName: 'Lars',
      surname: 'Locked',
      id: 'Lz4pTc9HwFa',
      authorities: IMPORTER_AUTHORITIES,
      organisationUnits: units,
      locked: true,
    },
  ];
}

export function isSuperuser(user: SimUser): boolean {
  return user.authorities.includes('ALL');
}

/** User.getDataViewOrganisationUnitsWithFallback. */
export function dataViewOrgUnits(user: SimUser): string[] {
  return user.dataViewOrganisationUnits && user.dataViewOrganisationUnits.length > 0 ? user.dataViewOrganisationUnits : user.organisationUnits;
}

/** User.isAuthorized: ALL grants everything. */
export function hasAuthority(user: SimUser, authority: string): boolean {
  return user.authorities.includes('ALL') || user.authorities.includes(authority);
}
