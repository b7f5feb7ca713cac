import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../core';
import type { Connectivity } from '../../../shared/servers';
import { startSimulator, DEFAULT_ADMIN_PAT, type Simulator } from '../../../e2e/dhis2-sim/server';
import { tempDir, testCore, waitFor } from '../test/helpers';

describe('servers against the DHIS2 simulator', () => {
  let sim: Simulator;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.reset();
    dir = tempDir();
    core = testCore(dir.path);
  });
  afterEach(async () => {
    await core.close();
    dir.remove();
  });

  it('tests a server with a personal access token and remembers its version and user', async () => {
    const profile = await core.servers.add({ name: 'Sim', url: `${sim.url}/api`, auth: { kind: 'token', token: DEFAULT_ADMIN_PAT } });
    expect(profile.url).toBe(sim.url);
    const result = await core.servers.test({ id: profile.id });
    expect(result).toMatchObject({ ok: true, version: '2.41.3', username: 'admin', error: null });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(core.servers.get(profile.id)).toMatchObject({ lastVersion: '2.41.3', lastUser: 'admin' });
    const last = sim.requests.at(-1)!;
    expect(last.user).toBe('admin');
  });

  it('keeps the secret encrypted at rest and out of every profile', async () => {
    await core.servers.add({ name: 'Sim', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
    const raw = core.db.prepare('SELECT secret FROM servers').get() as { secret: Buffer };
    expect(raw.secret.includes(Buffer.from('district'))).toBe(false);
    expect(JSON.stringify(core.servers.list())).not.toContain('district');
    expect((await core.servers.test({ id: core.servers.list()[0]!.id })).ok).toBe(true);
  });

  it('explains each way a connection test can fail', async () => {
    const cases: [string, () => void, object][] = [
      ['wrong password', () => undefined, { url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'nope' } }],
      ['disabled account', () => undefined, { url: sim.url, auth: { kind: 'basic', username: 'disabled', password: 'district' } }],
      ['bad token', () => undefined, { url: sim.url, auth: { kind: 'token', token: 'd2p_notARealTokenAtAll' } }],
      ['offline', () => sim.setOffline(true), { url: sim.url, auth: { kind: 'token', token: DEFAULT_ADMIN_PAT } }],
      ['gateway timeout', () => sim.failNext({ status: 504 }), { url: sim.url, auth: { kind: 'token', token: DEFAULT_ADMIN_PAT } }],
      ['not DHIS2', () => undefined, { url: `${sim.url}/not-dhis2`, auth: { kind: 'token', token: DEFAULT_ADMIN_PAT } }],
    ];
    const outcomes: Record<string, { code: string; message: string } | null> = {};
    for (const [label, arrange, input] of cases) {
      sim.reset();
      arrange();
      outcomes[label] = (await core.servers.test(input as Parameters<Core['servers']['test']>[0])).error;
    }
    expect(outcomes['wrong password']).toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/refused the user name and password or the access token/),
    });
    expect(outcomes['disabled account']).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/Account disabled/) });
    expect(outcomes['bad token']?.code).toBe('UNAUTHORIZED');
    expect(outcomes['offline']).toMatchObject({ code: 'OFFLINE', message: expect.stringMatching(/Cannot reach the server/) });
    expect(outcomes['gateway timeout']).toMatchObject({ code: 'HTTP_504', message: expect.stringMatching(/try again/) });
    expect(outcomes['not DHIS2']?.message).toMatch(/DHIS2/);
  });

  it('reports a server that accepts the connection but never answers as timed out', async () => {
    sim.setOffline(true, 'hang');
    const result = await core.servers.test({ url: sim.url, auth: { kind: 'token', token: DEFAULT_ADMIN_PAT } }, 500);
    expect(result.error).toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/did not answer in time/) });
  });

  it('refuses a duplicate name and keeps exactly one default', async () => {
    const first = await core.servers.add({ name: 'National', url: sim.url, auth: { kind: 'token', token: DEFAULT_ADMIN_PAT } });
    await expect(core.servers.add({ name: 'national', url: sim.url, auth: { kind: 'token', token: 'x' } })).rejects.toMatchObject({ code: 'DUPLICATE_NAME' });
    const second = await core.servers.add({ name: 'Training', url: sim.url, auth: { kind: 'token', token: 'x' }, makeDefault: true });
    expect(
      core.servers
        .list()
        .filter((s) => s.isDefault)
        .map((s) => s.id),
    ).toEqual([second.id]);
    core.servers.remove(second.id);
    expect(core.servers.get(first.id).isDefault).toBe(true);
  });

  it('monitors connectivity: online, offline when the server goes away, online again, waking the queue', async () => {
    const events: Connectivity[] = [];
    core.bus.on('connectivity.changed', (c) => events.push(c));
    const profile = await core.servers.add({ name: 'Sim', url: sim.url, auth: { kind: 'token', token: DEFAULT_ADMIN_PAT } });
    expect((await core.connectivity.checkAll())[0]).toMatchObject({ serverId: profile.id, online: true, error: null });
    sim.setOffline(true);
    expect((await core.connectivity.checkAll())[0]).toMatchObject({ online: false, error: expect.stringMatching(/Cannot reach/) });
    sim.setOffline(false);
    core.runner.start();
    const job = core.runner.create({ type: 'self-test', params: { steps: 1, stepMs: 0, needsServer: true } });
    await waitFor(() => core.jobs.get(job.id)!.state === 'waiting-for-connection' || core.jobs.get(job.id)!.state === 'done', 'the job to wait or finish');
    await core.connectivity.checkAll();
    await waitFor(() => core.jobs.get(job.id)!.state === 'done', 'the job to finish once online');
    expect(events.map((e) => e.online)).toEqual([true, false, true]);
  });

  it('counts a server that refuses the sign-in as reachable, with the refusal as its error', async () => {
    await core.servers.add({ name: 'Sim', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'changed' } });
    const [status] = await core.connectivity.checkAll();
    expect(status).toMatchObject({ online: true, error: expect.stringMatching(/refused/) });
  });
});
