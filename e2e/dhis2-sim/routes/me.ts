import { dhis2Date } from '../dates';
import { filterFields, identifiable } from '../fields';
import { json, NO_STORE, type SimResponse } from '../respond';
import type { Route, RouteContext } from '../router';
import { viewOf } from '../metadata-view';
import type { SimState } from '../state';
import { stableUid } from '../uid';
import { hasAuthority, isSuperuser, type SimUser } from '../users';

// The Sierra Leone demo's "Superuser" role id, so superusers look like they do on play servers.
const SUPERUSER_ROLE_ID = 'yrB6vc5Ip3r';
const ACCOUNT_CREATED = '2024-01-15T09:30:00.000';

/** UserSettingKey values with their fallbacks, as getUserSettingsWithFallbackByUserAsMap returns them. */
const USER_SETTINGS = {
  keyMessageSmsNotification: true,
  keyStyle: 'light_blue/light_blue.css',
  keyUiLocale: 'en',
  keyAnalysisDisplayProperty: 'name',
  keyMessageEmailNotification: true,
};

function currentUser(ctx: RouteContext): SimUser {
  if (!ctx.user) throw new Error('Route needs an authenticated user');
  return ctx.user;
}

/** An org unit as the seed describes it, or just its id without a seed. */
function orgUnitRef(state: SimState, id: string): Record<string, unknown> {
  const seeded = state.metadata.get('organisationUnits', id);
  if (!seeded) return identifiable({ id });
  return identifiable(viewOf(state.metadata, 'organisationUnits', seeded));
}

function roleRef(user: SimUser): Record<string, unknown> {
  if (isSuperuser(user)) {
    return identifiable({ id: SUPERUSER_ROLE_ID, name: 'Superuser', displayName: 'Superuser', authorities: ['ALL'] });
  }
  const name = `${user.firstName} ${user.surname} role`;
  return identifiable({ id: stableUid(`role:${user.username}`), name, displayName: name, authorities: [...user.authorities] });
}

function selfAccess(user: SimUser): Record<string, boolean> {
  const all = isSuperuser(user);
  return { manage: all, externalize: all, write: all, read: true, update: all, delete: all };
}

function idsOf(state: SimState, type: string): string[] {
  return state.metadata
    .list(type)
    .map((object) => object['id'])
    .filter((id): id is string => typeof id === 'string');
}

/** MeDto.java, properties in declaration order; nulls are dropped on output. */
function meDto(state: SimState, user: SimUser): Record<string, unknown> {
  const units = () => user.organisationUnits.map((id) => orgUnitRef(state, id));
  const viewUnits = () => (user.dataViewOrganisationUnits ?? user.organisationUnits).map((id) => orgUnitRef(state, id));
  const access = selfAccess(user);
  const fullName = `${user.firstName} ${user.surname}`;
  const superuser = isSuperuser(user);
  const patTokens = [...state.tokens.values()]
    .filter((token) => token.username === user.username)
    .map((token) => identifiable({ id: token.id, version: token.version, type: token.type, expire: token.expire, attributes: [] }));
  return {
    id: user.id,
    username: user.username,
    surname: user.surname,
    firstName: user.firstName,
    created: ACCOUNT_CREATED,
    lastUpdated: ACCOUNT_CREATED,
    dataViewOrganisationUnits: viewUnits(),
    favorites: [],
    userGroups: [],
    translations: [],
    teiSearchOrganisationUnits: [],
    organisationUnits: units(),
    displayName: fullName,
    access,
    name: fullName,
    email: user.email ?? null,
    userRoles: [roleRef(user)],
    settings: { ...USER_SETTINGS },
    // A superuser reads every program and data set; others get none until sharing is simulated.
    programs: superuser ? idsOf(state, 'programs') : [],
    authorities: [...user.authorities],
    dataSets: superuser ? idsOf(state, 'dataSets') : [],
    userCredentials: {
      id: user.id,
      username: user.username,
      externalAuth: false,
      twoFA: false,
      passwordLastUpdated: ACCOUNT_CREATED,
      cogsDimensionConstraints: [],
      catDimensionConstraints: [],
      previousPasswords: [],
      lastLogin: dhis2Date(state.startedAt),
      selfRegistered: false,
      invitation: false,
      disabled: user.disabled === true,
      access,
      sharing: { external: false, users: {}, userGroups: {} },
      userRoles: [roleRef(user)],
    },
    patTokens,
  };
}

function me(ctx: RouteContext): SimResponse {
  return json(200, filterFields(meDto(ctx.state, currentUser(ctx)), ctx.req.query.getAll('fields')));
}

function authorities(ctx: RouteContext): SimResponse {
  return json(200, [...new Set(currentUser(ctx).authorities)], NO_STORE);
}

function hasOne(ctx: RouteContext): SimResponse {
  return json(200, hasAuthority(currentUser(ctx), ctx.params['authority'] ?? ''), NO_STORE);
}

export const meRoutes: Route[] = [
  { method: 'GET', path: '/me', handler: me },
  { method: 'GET', path: '/me/authorization', handler: authorities },
  { method: 'GET', path: '/me/authorities', handler: authorities },
  { method: 'GET', path: '/me/authorization/:authority', handler: hasOne },
  { method: 'GET', path: '/me/authorities/:authority', handler: hasOne },
  { method: 'GET', path: '/me/settings', handler: () => json(200, { ...USER_SETTINGS }, NO_STORE) },
];
