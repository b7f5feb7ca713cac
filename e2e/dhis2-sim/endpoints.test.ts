import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, basic, getJson } from './test-support';
import { isValidUid } from './uid';

let sim: Simulator;
let api: string;

beforeAll(async () => {
  sim = await startSimulator();
  api = `${sim.url}/api`;
});
afterAll(async () => {
  await sim.close();
});

const ME_KEYS = [
  'id',
  'username',
  'surname',
  'firstName',
  'created',
  'lastUpdated',
  'dataViewOrganisationUnits',
  'favorites',
  'userGroups',
  'translations',
  'teiSearchOrganisationUnits',
  'organisationUnits',
  'displayName',
  'access',
  'name',
  'email',
  'userRoles',
  'settings',
  'programs',
  'authorities',
  'dataSets',
  'userCredentials',
  'patTokens',
];

describe('startup', () => {
  it('listens on a free port of 127.0.0.1 and reports its base URL', () => {
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.port).toBeGreaterThan(0);
  });
});

describe('ping', () => {
  it('answers /api/system/ping with text pong and no-store for a logged-in user', async () => {
    const response = await fetch(`${api}/system/ping`, { headers: { Authorization: ADMIN_BASIC } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('pong');
  });

  it('answers /api/ping with an empty 200 without any login', async () => {
    const response = await fetch(`${api}/ping`, { redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});

describe('/api/system/info', () => {
  it('looks like the real body, with version, fixed systemId and a current serverDate', async () => {
    const { status, body, response } = await getJson(`${api}/system/info`, { 'User-Agent': 'sim-test/1' });
    expect(status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    const info = body as Record<string, unknown>;
    expect(info['version']).toBe('2.41.3');
    expect(info['systemId']).toBe('3f6c0e3a-5d4b-4c1e-9a7f-2b8d6e1c4a90');
    expect(info['contextPath']).toBe(sim.url);
    expect(info['userAgent']).toBe('sim-test/1');
    expect(info['calendar']).toBe('iso8601');
    expect(info['dateFormat']).toBe('yyyy-mm-dd');
    expect(info['serverDate']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    expect(Math.abs(Date.parse(`${String(info['serverDate'])}Z`) - Date.now())).toBeLessThan(5000);
    expect(info['databaseInfo']).toMatchObject({ spatialSupport: true, name: 'dhis2' });
    expect(info['javaVersion']).toBeDefined();
    // 2.41 has neither of the 2.44 keys.
    expect(info).not.toHaveProperty('capability');
    expect(info).not.toHaveProperty('sessionTimeout');
    expect(Object.values(info)).not.toContain(null);
  });

  it('hides the sensitive parts from users who are not superusers', async () => {
    const { body } = await getJson(`${api}/system/info`, { Authorization: basic('importer', 'district') });
    const info = body as Record<string, unknown>;
    expect(info['version']).toBe('2.41.3');
    expect(info['systemId']).toBeDefined();
    expect(info).not.toHaveProperty('javaVersion');
    expect(info).not.toHaveProperty('externalDirectory');
    expect(info['databaseInfo']).toEqual({ spatialSupport: true, time: expect.any(String) });
  });

  it('follows fields=', async () => {
    const { body } = await getJson(`${api}/system/info?fields=version,systemId`);
    expect(body).toEqual({ version: '2.41.3', systemId: '3f6c0e3a-5d4b-4c1e-9a7f-2b8d6e1c4a90' });
  });

  it('reports the configured version, with the 2.44 keys only on 2.44', async () => {
    const other = await startSimulator({ version: '2.44-SNAPSHOT' });
    try {
      const { body } = await getJson(`${other.url}/api/system/info`);
      expect(body).toMatchObject({ version: '2.44-SNAPSHOT', sessionTimeout: 3600, capability: { analyticsTotalCounts: false } });
    } finally {
      await other.close();
    }
  });
});

describe('/api/me', () => {
  it('returns MeDto keys in DHIS2 order with references as ids and nulls left out', async () => {
    const { status, body } = await getJson(`${api}/me`);
    expect(status).toBe(200);
    const me = body as Record<string, unknown>;
    expect(Object.keys(me)).toEqual(ME_KEYS);
    expect(me).toMatchObject({
      id: 'M5zQapPyTZI',
      username: 'admin',
      firstName: 'admin',
      surname: 'admin',
      name: 'admin admin',
      displayName: 'admin admin',
      organisationUnits: [{ id: 'ImspTQPwCqd' }],
      dataViewOrganisationUnits: [{ id: 'ImspTQPwCqd' }],
      teiSearchOrganisationUnits: [],
      userRoles: [{ id: 'yrB6vc5Ip3r' }],
      userGroups: [],
      authorities: ['ALL'],
      settings: { keyUiLocale: 'en' },
      access: { read: true, update: true },
    });
    expect((me['patTokens'] as unknown[]).length).toBe(1);
  });

  it('omits email for a user without one instead of sending null', async () => {
    const other = await startSimulator({
      users: [{ username: 'nomail', password: 'pw', firstName: 'No', surname: 'Mail', id: 'Nm1234567ab', authorities: [], organisationUnits: [] }],
    });
    try {
      const me = (await getJson(`${other.url}/api/me`, { Authorization: basic('nomail', 'pw') })).body as Record<string, unknown>;
      expect(me['username']).toBe('nomail');
      expect(me).not.toHaveProperty('email');
      expect(me['organisationUnits']).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('follows fields= with a list of names, in DHIS2 property order', async () => {
    const { body } = await getJson(`${api}/me?fields=username,id,notAField`);
    expect(body).toEqual({ id: 'M5zQapPyTZI', username: 'admin' });
  });

  it('follows nested fields as the app client asks them', async () => {
    const { body } = await getJson(`${api}/me?fields=id,username,name,displayName,firstName,surname,authorities,organisationUnits[id]`);
    expect(body).toEqual({
      id: 'M5zQapPyTZI',
      username: 'admin',
      surname: 'admin',
      firstName: 'admin',
      organisationUnits: [{ id: 'ImspTQPwCqd' }],
      displayName: 'admin admin',
      name: 'admin admin',
      authorities: ['ALL'],
    });
  });

  it('answers /me/authorization with the authority list and /me/authorization/{a} with true or false', async () => {
    expect((await getJson(`${api}/me/authorization`)).body).toEqual(['ALL']);
    const importer = { Authorization: basic('importer', 'district') };
    expect((await getJson(`${api}/me/authorization/F_IMPORT_DATA`, importer)).body).toBe(true);
    expect((await getJson(`${api}/me/authorization/ALL`, importer)).body).toBe(false);
    expect((await getJson(`${api}/me/authorities/F_ANYTHING`)).body).toBe(true);
    const response = await fetch(`${api}/me/authorization/F_IMPORT_DATA`, { headers: importer });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('/api/system/id', () => {
  it('gives one valid UID by default', async () => {
    const { body, response } = await getJson(`${api}/system/id`);
    const codes = (body as { codes: string[] }).codes;
    expect(codes).toHaveLength(1);
    expect(isValidUid(codes[0] ?? '')).toBe(true);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('gives limit distinct UIDs, also under the /uid alias', async () => {
    const { body } = await getJson(`${api}/system/uid?limit=50`);
    const codes = (body as { codes: string[] }).codes;
    expect(new Set(codes).size).toBe(50);
    expect(codes.every(isValidUid)).toBe(true);
  });

  it('caps the count at 10000 and gives none for a negative limit', async () => {
    expect(((await getJson(`${api}/system/id?limit=20000`)).body as { codes: string[] }).codes).toHaveLength(10000);
    expect((await getJson(`${api}/system/id?limit=-3`)).body).toEqual({ codes: [] });
  });

  it('answers a limit that is not a number with the 400 DHIS2 gives', async () => {
    const { status, body } = await getJson(`${api}/system/id?limit=abc`);
    expect(status).toBe(400);
    expect(body).toEqual({
      httpStatus: 'Bad Request',
      httpStatusCode: 400,
      status: 'ERROR',
      message: 'Value \'abc\' is not valid for parameter limit. For input string: "abc"',
    });
  });

  it('writes CSV when asked for application/csv', async () => {
    const response = await fetch(`${api}/system/id?limit=2`, { headers: { Authorization: ADMIN_BASIC, Accept: 'application/csv' } });
    const lines = (await response.text()).trim().split('\n');
    expect(lines[0]).toBe('uid');
    expect(lines.slice(1).every(isValidUid)).toBe(true);
    expect(lines).toHaveLength(3);
  });
});

describe('paths', () => {
  it('accepts /api/NN/ for the versions 2.41 knows (28 to 42) and .json', async () => {
    for (const prefix of ['/api/28', '/api/41', '/api/42']) {
      const { status, body } = await getJson(`${sim.url}${prefix}/me.json?fields=id`);
      expect(status, prefix).toBe(200);
      expect(body).toEqual({ id: 'M5zQapPyTZI' });
    }
    expect((await getJson(`${api}/41/me/authorization/ALL.json`)).body).toBe(true);
  });

  it('finds nothing under versions 2.41 does not know', async () => {
    for (const prefix of ['/api/27', '/api/43', '/api/041']) {
      expect((await getJson(`${sim.url}${prefix}/me`)).status, prefix).toBe(404);
    }
  });

  it('answers unknown API paths with a 404 WebMessage, after the login check', async () => {
    const { status, body } = await getJson(`${api}/doesNotExist`);
    expect(status).toBe(404);
    expect(body).toEqual({ httpStatus: 'Not Found', httpStatusCode: 404, status: 'ERROR', message: 'No handler found for GET /api/doesNotExist' });
    const anonymous = await fetch(`${api}/doesNotExist`, { redirect: 'manual', headers: { 'X-Requested-With': 'XMLHttpRequest' } });
    expect(anonymous.status).toBe(401);
  });

  it('answers a wrong method with a 405 WebMessage', async () => {
    const response = await fetch(`${api}/system/info`, { method: 'POST', headers: { Authorization: ADMIN_BASIC }, body: '{}' });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({
      httpStatus: 'Method Not Allowed',
      httpStatusCode: 405,
      status: 'ERROR',
      message: "Request method 'POST' not supported",
    });
    const del = await fetch(`${api}/41/me`, { method: 'DELETE', headers: { Authorization: ADMIN_BASIC } });
    expect(del.status).toBe(405);
  });

  it('answers HEAD like GET without a body', async () => {
    const response = await fetch(`${api}/system/ping`, { method: 'HEAD', headers: { Authorization: ADMIN_BASIC } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('4');
    expect(await response.text()).toBe('');
  });

  it('logs API requests with status and user, and not the control endpoint', async () => {
    sim.requests.length = 0;
    await fetch(`${api}/41/me?fields=id`, { headers: { Authorization: ADMIN_BASIC } });
    await fetch(`${api}/me`, { redirect: 'manual' });
    await fetch(`${sim.url}/__sim/state`);
    expect(sim.requests).toEqual([
      { at: expect.any(String), method: 'GET', path: '/api/41/me?fields=id', status: 200, user: 'admin' },
      { at: expect.any(String), method: 'GET', path: '/api/me', status: 302, user: null },
    ]);
  });
});
