import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './index';
import { captureOutput as capture } from './capture-output';
import { tempDir } from '../core/test/helpers';

describe('dhis2-ie CLI', () => {
  let dir: ReturnType<typeof tempDir>;
  const run = async (...argv: string[]) => {
    const output = capture();
    const code = await runCli([...argv, '--data-dir', dir.path], output);
    return { code, ...output };
  };

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('adds, lists, edits, defaults and removes servers without ever printing a secret', async () => {
    expect((await run('server', 'add', '--name', 'National', '--url', 'https://hmis.example.org/dhis/api/', '--token', 'd2p_SECRET1')).code).toBe(0);
    expect((await run('server', 'add', '--name', 'Training', '--url', 'https://train.example.org', '--username', 'admin', '--password', 'district')).code).toBe(
      0,
    );
    const list = await run('server', 'list', '--json');
    const servers = JSON.parse(list.stdout) as { name: string; url: string; isDefault: boolean; authKind: string; username: string | null }[];
    expect(servers.map((s) => [s.name, s.url, s.isDefault, s.authKind, s.username])).toEqual([
      ['National', 'https://hmis.example.org/dhis', true, 'token', null],
      ['Training', 'https://train.example.org', false, 'basic', 'admin'],
    ]);
    expect(list.stdout).not.toMatch(/SECRET1|district/);
    const table = await run('server', 'list');
    expect(table.stdout).toMatch(/\*\s+National\s+https:\/\/hmis\.example\.org\/dhis\s+access token/);

    expect((await run('server', 'default', 'Training')).stdout).toMatch(/"Training" is now the default server/);
    expect((await run('server', 'edit', 'Training', '--name', 'Training 2.41')).code).toBe(0);
    expect((await run('server', 'remove', 'Training 2.41')).code).toBe(0);
    const after = JSON.parse((await run('server', 'list', '--json')).stdout) as { name: string; isDefault: boolean }[];
    expect(after).toEqual([expect.objectContaining({ name: 'National', isDefault: true })]);
  });

  it('explains bad input in one line with exit code 2', async () => {
    const noAuth = await run('server', 'add', '--name', 'X', '--url', 'https://x.org');
    expect(noAuth.code).toBe(2);
    expect(noAuth.stderr).toMatch(/^dhis2-ie: Say how to sign in/);
    const badUrl = await run('server', 'add', '--name', 'X', '--url', 'ftp://x.org', '--token', 't');
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/must start with https:\/\/ or http:\/\//);
    expect((await run('server', 'frobnicate')).stderr).toMatch(/Unknown server action "frobnicate"/);
    expect((await run('jobs', '--type', 'import-everything')).stderr).toMatch(/Unknown job type "import-everything"/);
    expect((await run('bogus')).code).toBe(2);
    expect((await run('server', 'add', '--nmae', 'typo')).stderr).toMatch(/Unknown option '--nmae'/);
  });

  it('reports a missing server or job as an error with exit code 1', async () => {
    const missing = await run('server', 'test', 'Nowhere');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Server "Nowhere" does not exist/);
    const noDefault = await run('server', 'test');
    expect(noDefault.stderr).toMatch(/No DHIS2 server is set up yet/);
    expect((await run('jobs', 'show', 'nope')).stderr).toMatch(/Job "nope" does not exist/);
  });

  it('lists jobs by type and shows one with its log', async () => {
    const { createCore } = await import('../core/core');
    const core = createCore({ dataDir: dir.path, mode: 'cli', appVersion: 'test', enableSelfTestJobs: true });
    const job = core.runner.create({ type: 'self-test', params: { steps: 2, stepMs: 0 } });
    await core.close();

    expect((await run('jobs')).stdout).toMatch(new RegExp(`${job.id.slice(0, 8)}\\s+self-test\\s+Queued`));
    const json = JSON.parse((await run('jobs', '--type', 'self-test', '--json')).stdout) as { total: number; jobs: { id: string }[] };
    expect(json.total).toBe(1);
    expect(json.jobs[0]!.id).toBe(job.id);
    expect(JSON.parse((await run('jobs', '--type', 'import-data', '--json')).stdout)).toEqual({ jobs: [], total: 0 });
    const shown = await run('jobs', 'show', job.id.slice(0, 8));
    expect(shown.stdout).toMatch(/Queue self-test \(2 steps\)/);
    expect(shown.stdout).toMatch(/Job queued\./);
    const shownJson = JSON.parse((await run('jobs', 'show', job.id, '--json')).stdout) as { log: { message: string }[] };
    expect(shownJson.log[0]!.message).toBe('Job queued.');
  });

  it('prints help and version', async () => {
    const help = capture();
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.stdout).toMatch(/dhis2-ie serve \[--port P\]/);
    expect(help.stdout).toMatch(/dhis2-ie jobs show ID/);
  });
});
