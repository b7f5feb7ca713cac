import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, fetchError, rawGet, waitFor } from './test-support';

let sim: Simulator;
let api: string;

beforeAll(async () => {
  sim = await startSimulator();
  api = `${sim.url}/api`;
});
afterEach(() => {
  sim.reset();
  sim.requests.length = 0;
});
afterAll(async () => {
  await sim.close();
});

const auth = { Authorization: ADMIN_BASIC };
const get = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${api}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });

function causeCode(error: Error): string | undefined {
  const cause = (error as Error & { cause?: { code?: string } }).cause;
  return cause?.code;
}

describe('offline, reset mode', () => {
  it('resets the connection at once, and answers again when back online', async () => {
    sim.setOffline(true, 'reset');
    const started = Date.now();
    const error = await fetchError(get('/system/ping'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.message).toBe('fetch failed');
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(causeCode(error));
    expect(sim.requests.at(-1)).toMatchObject({ path: '/api/system/ping', status: 0, user: null });

    sim.setOffline(false);
    const response = await get('/system/ping');
    expect(await response.text()).toBe('pong');
  });

  it('is the default mode', async () => {
    sim.setOffline(true);
    expect((await (await fetch(`${sim.url}/__sim/state`)).json()) as object).toMatchObject({ online: false, offlineMode: 'reset' });
    await fetchError(get('/me'));
  });

  it('takes the login page down too, but not the control endpoint', async () => {
    sim.setOffline(true);
    await fetchError(fetch(`${sim.url}/dhis-web-login/`));
    const state = await fetch(`${sim.url}/__sim/state`);
    expect(state.status).toBe(200);
  });
});

describe('offline, hang mode', () => {
  it('accepts the request and never answers, so the client times out', async () => {
    sim.setOffline(true, 'hang');
    const started = Date.now();
    const error = await fetchError(get('/system/ping', { signal: AbortSignal.timeout(300) }));
    expect(error.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(sim.requests.at(-1)).toMatchObject({ status: 0 });
  });

  it('counts hung requests in the state', async () => {
    sim.setOffline(true, 'hang');
    const pending = rawGet(`${api}/system/ping`, auth);
    await waitFor(() => sim.requests.length === 1);
    const state = (await (await fetch(`${sim.url}/__sim/state`)).json()) as { hungRequests: number; online: boolean };
    expect(state).toMatchObject({ online: false, hungRequests: 1 });
    sim.setOffline(false);
    // Going back online does not answer requests already hanging, like a real network.
    const settled = await Promise.race([pending.then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending'), 150))]);
    expect(settled).toBe('pending');
    expect(await (await get('/system/ping')).text()).toBe('pong');
  });
});

describe('latency', () => {
  it('delays every API answer', async () => {
    sim.setLatency(250);
    const started = Date.now();
    expect((await get('/system/ping')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    sim.setLatency(0);
    const quick = Date.now();
    await get('/system/ping');
    expect(Date.now() - quick).toBeLessThan(200);
  });

  it('does not delay the control endpoint', async () => {
    sim.setLatency(2000);
    const started = Date.now();
    await fetch(`${sim.url}/__sim/state`);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('failNext', () => {
  it('fails the next N requests with a proxy HTML 504, then recovers', async () => {
    sim.failNext({ status: 504, count: 2 });
    for (let i = 0; i < 2; i++) {
      const response = await get('/me');
      expect(response.status).toBe(504);
      expect(response.statusText).toBe('Gateway Time-out');
      expect(response.headers.get('content-type')).toBe('text/html');
      expect(response.headers.get('server')).toBe('nginx');
      expect(await response.text()).toContain('<center><h1>504 Gateway Time-out</h1></center>');
    }
    expect((await get('/me')).status).toBe(200);
  });

  it('answers 500 and 503 with a DHIS2 WebMessage', async () => {
    sim.failNext({ status: 500 });
    const five = await get('/me');
    expect(five.status).toBe(500);
    expect(await five.json()).toMatchObject({ httpStatus: 'Internal Server Error', httpStatusCode: 500, status: 'ERROR' });
    sim.failNext({ status: 503 });
    const unavailable = await get('/me');
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ httpStatus: 'Service Unavailable', httpStatusCode: 503, status: 'ERROR' });
  });

  it('answers 413 and 502 as nginx does', async () => {
    sim.failNext({ status: 413 });
    const tooLarge = await get('/me', { method: 'POST', body: 'x'.repeat(1000) });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.text()).toContain('413 Request Entity Too Large');
    sim.failNext({ status: 502 });
    expect(await (await get('/me')).text()).toContain('502 Bad Gateway');
  });

  it('fails before the login check, so even anonymous requests get it', async () => {
    sim.failNext({ status: 504 });
    expect((await fetch(`${api}/me`, { redirect: 'manual' })).status).toBe(504);
  });

  it('only fails requests under the given path, with or without a version prefix', async () => {
    sim.failNext({ status: 500, count: 3, path: '/api/me' });
    expect((await get('/system/ping')).status).toBe(200);
    expect((await get('/41/me.json')).status).toBe(500);
    expect((await get('/me/authorization')).status).toBe(500);
    expect((await get('/me')).status).toBe(500);
    expect((await get('/me')).status).toBe(200);
  });

  it('treats the path as a whole-segment prefix', async () => {
    sim.failNext({ status: 500, path: '/api/system/i' });
    expect((await get('/system/info')).status).toBe(200);
    sim.reset();
    sim.failNext({ status: 500, path: '/api/41/system' });
    expect((await get('/system/info')).status).toBe(500);
  });

  it('uses faults in the order they were added', async () => {
    sim.failNext({ status: 502 });
    sim.failNext({ status: 503 });
    expect((await get('/me')).status).toBe(502);
    expect((await get('/me')).status).toBe(503);
    expect((await get('/me')).status).toBe(200);
  });

  it('refuses bad options', () => {
    expect(() => sim.failNext({ status: 404 as 500 })).toThrow('Invalid failNext options: status: status must be one of 413, 500, 502, 503, 504');
    expect(() => sim.failNext({ status: 500, count: 0 })).toThrow('count must be at least 1');
    expect(() => sim.failNext({ status: 500, path: 'me' })).toThrow('path must start with /api');
    expect(() => sim.setLatency(-5)).toThrow('ms must be 0 or more');
    expect(() => sim.setOffline(true, 'sleep' as 'hang')).toThrow('mode must be "reset" or "hang"');
  });
});

describe('dropNext', () => {
  it('processes the request, then closes the connection without an answer', async () => {
    sim.dropNext({});
    const error = await fetchError(get('/me?fields=id'));
    expect(error.message).toBe('fetch failed');
    expect(sim.requests.at(-1)).toMatchObject({ path: '/api/me?fields=id', status: 0, user: 'admin' });
    expect((await get('/me?fields=id')).status).toBe(200);
  });

  it('can cut the answer after some bytes of the body', async () => {
    sim.dropNext({ afterBytes: 10 });
    const response = await get('/me');
    expect(response.status).toBe(200);
    const error = await fetchError(response.text());
    expect(error.message).toMatch(/terminated/);
  });

  it('can target a path and count', async () => {
    sim.dropNext({ path: '/api/system/info', count: 2 });
    expect((await get('/me?fields=id')).status).toBe(200);
    await fetchError(get('/system/info'));
    await fetchError(get('/41/system/info'));
    expect((await get('/system/info')).status).toBe(200);
  });

  it('refuses bad options', () => {
    expect(() => sim.dropNext({ afterBytes: -1 })).toThrow('afterBytes must be 0 or more');
    expect(() => sim.dropNext({ count: 1.5 })).toThrow(/count/);
  });
});

describe('reset', () => {
  it('goes back online with no latency and no pending faults, keeping the log', async () => {
    await get('/system/ping');
    sim.setOffline(true, 'hang');
    sim.setLatency(5000);
    sim.failNext({ status: 500, count: 5 });
    sim.dropNext({ count: 5 });
    sim.reset();
    const started = Date.now();
    expect((await get('/system/ping')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sim.requests).toHaveLength(2);
  });
});

describe('close', () => {
  it('releases hanging requests and sleeping answers at once', async () => {
    const other = await startSimulator();
    const hanging = other.url;
    other.setOffline(true, 'hang');
    const hung = rawGet(`${hanging}/api/system/ping`, auth);
    await waitFor(() => other.requests.length === 1);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    const outcome = await hung;
    expect(outcome.status).toBeUndefined();
    expect(outcome.error?.code).toBe('ECONNRESET');
    await fetchError(fetch(`${hanging}/__sim/state`));
  });

  it('does not wait for a request sleeping in latency', async () => {
    const other = await startSimulator();
    other.setLatency(30_000);
    const slow = rawGet(`${other.url}/api/system/ping`, auth);
    // The request is only logged once answered, so give it time to arrive and start sleeping.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    const outcome = await slow;
    expect(outcome.status).toBeUndefined();
    expect(outcome.error?.code).toBe('ECONNRESET');
  });

  it('can be called twice', async () => {
    const other = await startSimulator();
    await other.close();
    await expect(other.close()).resolves.toBeUndefined();
  });
});
