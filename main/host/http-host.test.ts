import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Core } from '../core/core';
import { startHttpHost, type HttpHost } from './http-host';
import { tempDir, testCore, waitFor } from '../core/test/helpers';

/** Raw HTTP, because fetch will not let a test forge the Host header. */
function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser-mode HTTP host', () => {
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let host: HttpHost;
  let cookie: string;
  const json = { 'Content-Type': 'application/json', 'X-Requested-By': 'dhis2-ie' };

  beforeEach(async () => {
    dir = tempDir();
    const rendererDir = join(dir.path, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir.path, 'secret.txt'), 'outside');
    core = testCore(join(dir.path, 'data'));
    host = await startHttpHost({ core, port: 0, rendererDir });
    const login = await fetch(host.openUrl, { redirect: 'manual' });
    expect(login.status).toBe(302);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  });
  afterEach(async () => {
    await host.close();
    await core.close();
    dir.remove();
  });

  const call = (name: string, body: unknown, headers: Record<string, string> = { ...json, Cookie: cookie }) =>
    fetch(`${host.url}/api/call/${name}`, { method: 'POST', headers, body: JSON.stringify(body) });

  it('prints a URL that signs the browser in with an HttpOnly, same-site cookie', async () => {
    expect(host.openUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const login = await fetch(host.openUrl, { redirect: 'manual' });
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
    expect(login.headers.get('location')).toBe('/');
    const wrong = await fetch(`${host.url}/?token=nope`, { redirect: 'manual' });
    expect(wrong.status).toBe(401);
  });

  it('answers contract calls for a signed-in page', async () => {
    const response = await call('app.info', {});
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { ok: boolean; result: { mode: string; runnableJobTypes: string[] } };
    expect(body.ok).toBe(true);
    expect(body.result.mode).toBe('browser');
    expect(body.result.runnableJobTypes).toContain('self-test');
  });

  it('returns contract errors as data with a readable message', async () => {
    const body = (await (await call('servers.add', { name: 'x', url: 'not a url', auth: { kind: 'token', token: 't' } })).json()) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(body).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(body.error.message).toMatch(/"not a url" is not a web address/);
    const unknown = await call('servers.drop', {});
    expect(unknown.status).toBe(404);
    const badJson = await fetch(`${host.url}/api/call/app.info`, { method: 'POST', headers: { ...json, Cookie: cookie }, body: '{oops' });
    expect(badJson.status).toBe(400);
  });

  it('refuses callers without the session, without the page header, or from another origin', async () => {
    expect((await call('servers.list', {}, json)).status).toBe(401);
    expect((await call('servers.list', {}, { 'Content-Type': 'application/json', Cookie: cookie })).status).toBe(403);
    expect((await call('servers.list', {}, { ...json, Cookie: cookie, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('servers.list', {}, { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` })).status).toBe(200);
    expect((await call('servers.list', {}, { 'Content-Type': 'application/json', Authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    expect(await rawGet(`${host.url}/`, { Host: 'evil.example' })).toBe(421);
    expect(await rawGet(`${host.url}/`, { Host: `localhost:${new URL(host.url).port}` })).toBe(200);
  });

  it('serves the built renderer with a strict CSP and nothing outside its folder', async () => {
    const index = await fetch(`${host.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    expect(await (await fetch(`${host.url}/assets/app.js`)).text()).toBe('console.log(1)');
    expect((await fetch(`${host.url}/..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${host.url}/assets/..%2f..%2fsecret.txt`)).status).toBe(404);
  });

  it('streams an upload into the file store', async () => {
    const content = Buffer.from('dataelement,period,orgunit,value\n'.repeat(1000));
    const response = await fetch(`${host.url}/api/upload?name=${encodeURIComponent('Monthly RCH.csv')}`, {
      method: 'POST',
      headers: { 'X-Requested-By': 'dhis2-ie', Cookie: cookie, 'Content-Type': 'application/octet-stream' },
      body: content,
    });
    const body = (await response.json()) as { ok: boolean; result: { sha256: string; size: number; name: string } };
    expect(body).toEqual({ ok: true, result: { sha256: createHash('sha256').update(content).digest('hex'), size: content.length, name: 'Monthly RCH.csv' } });
    expect(core.files.has(body.result.sha256)).toBe(true);
  });

  it('streams events to the page as they happen', async () => {
    const controller = new AbortController();
    const response = await fetch(`${host.url}/api/events`, { headers: { Cookie: cookie }, signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    let received = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        received += Buffer.from(value).toString('utf8');
      }
    })().catch(() => undefined);
    // Long-lived: events must still arrive well after the stream opened.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await call('servers.add', { name: 'Play', url: 'https://play.dhis2.org/41', auth: { kind: 'token', token: 'd2p_abc' } });
    await waitFor(() => received.includes('"servers.changed"'), 'servers.changed over SSE');
    expect(received).not.toContain('d2p_abc');
    controller.abort();
    await reading;
  });
});
