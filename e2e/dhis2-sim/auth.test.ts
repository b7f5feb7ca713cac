import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_PAT, generatePat, startSimulator, type Simulator } from './server';
import { addToken } from './state';
import { ADMIN_BASIC, basic, getJson, XHR } from './test-support';

let sim: Simulator;
let api: string;
const v1Token = generatePat(1);
const disabledUserToken = generatePat();

beforeAll(async () => {
  sim = await startSimulator({ tokens: { [v1Token]: 'importer', [disabledUserToken]: 'disabled' } });
  api = `${sim.url}/api`;
});
afterAll(async () => {
  await sim.close();
});

const unauthorized = (message: string) => ({ httpStatus: 'Unauthorized', httpStatusCode: 401, status: 'ERROR', message });

async function call(path: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${api}${path}`, { headers, redirect: 'manual' });
}

describe('Basic auth', () => {
  it('lets the right user and password in', async () => {
    const response = await call('/me?fields=username', { Authorization: ADMIN_BASIC });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ username: 'admin' });
  });

  it('refuses a wrong password or unknown user with 401 Unauthorized and no WWW-Authenticate', async () => {
    for (const auth of [basic('admin', 'wrong'), basic('nobody', 'district'), basic('admin', '')]) {
      const response = await call('/me', { Authorization: auth });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/json');
      // FormLoginBasicAuthenticationEntryPoint writes no challenge, so browsers show no login pop-up.
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(await response.json()).toEqual(unauthorized('Unauthorized'));
    }
  });

  it('says "Account disabled" for a disabled user, whatever the password', async () => {
    for (const password of ['district', 'wrong']) {
      const response = await call('/me', { Authorization: basic('disabled', password) });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(unauthorized('Account disabled'));
    }
  });

  it('says "Account locked" for a locked user, whatever the password', async () => {
    for (const password of ['district', 'wrong']) {
      const response = await call('/me', { Authorization: basic('locked', password) });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(unauthorized('Account locked'));
    }
  });

  it('treats a broken Basic header as bad credentials', async () => {
    const noColon = `Basic ${Buffer.from('admindistrict').toString('base64')}`;
    for (const auth of ['Basic', 'Basic !!!notbase64', noColon, 'Basic YWRtaW46ZGlzdHJpY3Q=x']) {
      const response = await call('/me', { Authorization: auth });
      expect(response.status, auth).toBe(401);
      expect(await response.json()).toEqual(unauthorized('Unauthorized'));
    }
  });

  it('redirects a failed lowercase "basic" login, since the entry point only looks for "Basic"', async () => {
    const response = await call('/me', { Authorization: `basic ${Buffer.from('admin:wrong').toString('base64')}` });
    expect(response.status).toBe(302);
    const ok = await call('/me?fields=id', { Authorization: `basic ${Buffer.from('admin:district').toString('base64')}` });
    expect(ok.status).toBe(200);
  });

  it('answers 401 as XML when the client accepts XML', async () => {
    const response = await call('/me', { Authorization: basic('admin', 'wrong'), Accept: 'application/xml' });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/xml');
    expect(await response.text()).toContain(
      '<webMessage xmlns="http://dhis2.org/schema/dxf/2.0" httpStatus="Unauthorized" httpStatusCode="401" status="ERROR"><message>Unauthorized</message></webMessage>',
    );
  });
});

describe('without credentials', () => {
  it('redirects a browser-style request to the 2.41 login page, absolute URL', async () => {
    const response = await call('/me', {});
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${sim.url}/dhis-web-login`);
    expect(await response.text()).toBe('');
  });

  it('builds the redirect from the Host the client used', async () => {
    const response = await fetch(`http://localhost:${sim.port}/api/me`, { redirect: 'manual' });
    expect(response.headers.get('location')).toBe(`http://localhost:${sim.port}/dhis-web-login`);
  });

  it('lands on an HTML login page when the redirect is followed, as with a real server', async () => {
    const response = await fetch(`${api}/me`);
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${sim.url}/dhis-web-login/`);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<html');
  });

  it('answers 401 JSON instead when X-Requested-With: XMLHttpRequest is sent', async () => {
    const response = await call('/me', XHR);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(unauthorized('Unauthorized'));
  });

  it('treats an unknown scheme like no credentials', async () => {
    expect((await call('/me', { Authorization: 'Bearer abc' })).status).toBe(302);
    expect((await call('/me', { Authorization: 'Bearer abc', ...XHR })).status).toBe(401);
  });

  it('needs a login for /api/system/ping on 2.41, unlike /api/ping', async () => {
    expect((await call('/system/ping', {})).status).toBe(302);
    expect((await call('/system/ping', XHR)).status).toBe(401);
    // /api/ping is outside Spring Security altogether: even bad credentials pass.
    expect((await call('/ping', { Authorization: basic('admin', 'wrong') })).status).toBe(200);
    // Only that exact path is exempt.
    expect((await call('/41/ping', XHR)).status).toBe(401);
  });
});

describe('personal access tokens', () => {
  it('lets the default admin token in', async () => {
    const response = await call('/me?fields=username', { Authorization: `ApiToken ${DEFAULT_ADMIN_PAT}` });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ username: 'admin' });
  });

  it('accepts V1 tokens given in the options, for their owner', async () => {
    const response = await call('/me?fields=username', { Authorization: `ApiToken ${v1Token}` });
    expect(await response.json()).toEqual({ username: 'importer' });
  });

  it('reads the scheme name case-insensitively', async () => {
    expect((await call('/me?fields=id', { Authorization: `apitoken ${DEFAULT_ADMIN_PAT}` })).status).toBe(200);
  });

  it('refuses a bad checksum with 400 and the ApiToken challenge', async () => {
    const bad = `${DEFAULT_ADMIN_PAT.slice(0, -1)}${DEFAULT_ADMIN_PAT.endsWith('k') ? 'j' : 'k'}`;
    for (const token of [bad, 'FAKE_KEY', 'd2pat_tWhOu7GsXzTZYroHAmdwtBCAmA0qD5Ze383854']) {
      const response = await call('/me', { Authorization: `ApiToken ${token}` });
      expect(response.status, token).toBe(400);
      expect(response.headers.get('www-authenticate')).toBe('ApiToken');
      expect(await response.json()).toEqual({ httpStatus: 'Bad Request', httpStatusCode: 400, status: 'ERROR', message: 'Checksum validation failed' });
    }
  });

  it('refuses a malformed header with 400', async () => {
    for (const value of ['ApiToken', 'ApiToken a b', 'ApiToken  d2p_x', 'ApiToken d2p_ä']) {
      const response = await call('/me', { Authorization: value });
      expect(response.status, value).toBe(400);
      expect(await response.json()).toMatchObject({ message: 'Api token is malformed' });
    }
  });

  it('refuses an unknown token with a valid checksum with 401', async () => {
    const response = await call('/me', { Authorization: `ApiToken ${generatePat()}`, ...XHR });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('ApiToken');
    expect(await response.json()).toEqual(unauthorized('The API token does not exists'));
  });

  it('refuses the token of a disabled user', async () => {
    const response = await call('/me', { Authorization: `ApiToken ${disabledUserToken}` });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(unauthorized('The API token is disabled, locked or 2FA is enabled.'));
  });

  it('refuses an expired token', async () => {
    const token = generatePat();
    addToken(sim.state, token, 'admin', Date.now() - 1000);
    const response = await call('/me', { Authorization: `ApiToken ${token}` });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(unauthorized('Failed to authenticate API token, token has expired.'));
  });
});

describe('startup checks on users and tokens', () => {
  it('refuses a token with a bad checksum or an unknown owner', async () => {
    await expect(startSimulator({ tokens: { d2p_nope: 'admin' } })).rejects.toThrow(/valid checksum/);
    await expect(startSimulator({ tokens: { [generatePat()]: 'ghost' } })).rejects.toThrow(/"ghost" is not a simulator user/);
  });

  it('refuses a user whose id is not a UID', async () => {
    const user = { username: 'x', password: 'y', firstName: 'X', surname: 'Y', id: 'short', authorities: [], organisationUnits: [] };
    await expect(startSimulator({ users: [user] })).rejects.toThrow(/Invalid simulator user "x": id: id must be a DHIS2 UID/);
  });

  it('lets a custom user replace a default one with the same username', async () => {
    const other = await startSimulator({
      users: [{ username: 'admin', password: 'secret', firstName: 'A', surname: 'B', id: 'Ab123456789', authorities: ['ALL'], organisationUnits: [] }],
    });
    try {
      expect((await getJson(`${other.url}/api/me?fields=id`, { Authorization: basic('admin', 'secret') })).body).toEqual({ id: 'Ab123456789' });
      expect((await getJson(`${other.url}/api/me`, { Authorization: ADMIN_BASIC, ...XHR })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('other versions', () => {
  it('redirects to /login/ from 2.43 and opens /api/system/ping from 2.44', async () => {
    const v43 = await startSimulator({ version: '2.43.0' });
    const v44 = await startSimulator({ version: '2.44-SNAPSHOT' });
    try {
      const redirect = await fetch(`${v43.url}/api/me`, { redirect: 'manual' });
      expect(redirect.headers.get('location')).toBe(`${v43.url}/login/`);
      expect((await fetch(`${v43.url}/api/system/ping`, { redirect: 'manual' })).status).toBe(302);
      expect((await fetch(`${v43.url}/api/43/me?fields=id`, { headers: { Authorization: ADMIN_BASIC } })).status).toBe(200);
      const ping = await fetch(`${v44.url}/api/system/ping`, { redirect: 'manual' });
      expect(ping.status).toBe(200);
      expect(await ping.text()).toBe('pong');
    } finally {
      await Promise.all([v43.close(), v44.close()]);
    }
  });

  it('refuses a version string it cannot read', async () => {
    await expect(startSimulator({ version: '41' })).rejects.toThrow(/Unsupported DHIS2 version "41"/);
  });
});
