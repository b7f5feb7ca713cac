import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args';
import { DEFAULT_ADMIN_PAT } from './users';

describe('parseCliArgs', () => {
  it("defaults to a free port and 2.41's job scheduler", () => {
    expect(parseCliArgs([])).toEqual({ kind: 'run', options: { port: 0, scheduler: 'dhis2' } });
  });

  it('reads every option, with a space or an equals sign', () => {
    expect(parseCliArgs(['--port', '8080', '--host=0.0.0.0', '--seed', 'a.json', '--version=2.40.1', '--scheduler', 'immediate'])).toEqual({
      kind: 'run',
      options: { port: 8080, host: '0.0.0.0', seedFile: 'a.json', version: '2.40.1', scheduler: 'immediate' },
    });
  });

  it('asks for help', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it('refuses bad arguments with one line', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--port', 'abc'], /^--port must be a whole number from 0 to 65535, not "abc"$/],
      [['--scheduler', 'fast'], /^--scheduler must be "dhis2" or "immediate", not "fast"$/],
      [['--port', '70000'], /^--port must be a whole number/],
      [['--port', '-1'], /^--port must be a whole number from 0 to 65535, not "-1"$/],
      [['--port'], /^--port needs a value/],
      [['--seed', '--port', '1'], /^--seed needs a value/],
      [['--version', '3.0'], /^Unsupported DHIS2 version "3.0"/],
      [['--verbose'], /^Unknown argument "--verbose"/],
      [['extra'], /^Unknown argument "extra"/],
    ];
    for (const [argv, message] of cases) {
      const parsed = parseCliArgs(argv);
      expect(parsed.kind, argv.join(' ')).toBe('error');
      if (parsed.kind === 'error') {
        expect(parsed.message).toMatch(message);
        expect(parsed.message).not.toContain('\n');
      }
    }
  });
});

describe('bundled CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dhis2-sim-cli-'));
  const bundle = join(dir, 'cli.cjs');

  beforeAll(async () => {
    // The same shape as the real build: one CommonJS file run by plain node.
    await build({
      entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'cli.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundle,
      logLevel: 'silent',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(args: string[]): ChildProcessWithoutNullStreams {
    return spawn(process.execPath, [bundle, ...args], { stdio: 'pipe' });
  }

  function finished(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  function firstLines(child: ChildProcessWithoutNullStreams, count: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        if (lines.length > count) resolve(lines.slice(0, count));
      });
      child.on('close', (code) => reject(new Error(`CLI exited with ${String(code)} before printing ${count} lines`)));
    });
  }

  it('prints the base URL first, then a help line, serves, and stops on SIGTERM', async () => {
    const child = run(['--port', '0']);
    const done = finished(child);
    const [url, help] = await firstLines(child, 2);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(help).toContain('admin/district');
    expect(help).toContain(DEFAULT_ADMIN_PAT);
    expect(help).toContain(`${url}/__sim/`);
    const ping = await fetch(`${url}/api/system/ping`, { headers: { Authorization: `ApiToken ${DEFAULT_ADMIN_PAT}` } });
    expect(await ping.text()).toBe('pong');
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('stops on SIGINT too', async () => {
    const child = run(['--version', '2.40.2']);
    const done = finished(child);
    const [url] = await firstLines(child, 1);
    const info = await fetch(`${url}/api/system/info?fields=version`, { headers: { Authorization: `ApiToken ${DEFAULT_ADMIN_PAT}` } });
    expect(await info.json()).toEqual({ version: '2.40.2' });
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
  });

  it('exits 2 with one stderr line on bad arguments', async () => {
    const result = await finished(run(['--port', 'abc']));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('dhis2-sim: --port must be a whole number from 0 to 65535, not "abc"\n');
  });

  it('exits 2 with one stderr line when the seed file cannot be used', async () => {
    const missing = join(dir, 'missing.json');
    const result = await finished(run(['--seed', missing]));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`dhis2-sim: Cannot read seed file ${missing}: ENOENT: no such file or directory, open '${missing}'\n`);
  });

  it('exits 1 when the port is taken', async () => {
    const first = run([]);
    const firstDone = finished(first);
    const [url] = await firstLines(first, 1);
    const port = new URL(url ?? '').port;
    const result = await finished(run(['--port', port]));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^dhis2-sim: listen EADDRINUSE.*\n$/);
    first.kill('SIGTERM');
    await firstDone;
  });

  it('prints usage for --help', async () => {
    const result = await finished(run(['--help']));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: dhis2-sim/);
  });
});
