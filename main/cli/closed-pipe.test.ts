import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../core/core';
import { tempDir } from '../core/test/helpers';

/** The CLI as `npm run build` bundles it, run by plain node in a child process: what a shell pipes. */
describe('the CLI writing to a reader that stops early', () => {
  const dir = tempDir();
  const bundle = join(dir.path, 'cli.cjs');
  const dataDir = join(dir.path, 'data');
  // The bundle lives in a temp folder; its dependencies are this repository's.
  const env = { ...process.env, NODE_PATH: join(__dirname, '..', '..', 'node_modules'), DHIS2_IE_DATA_DIR: dataDir };

  beforeAll(async () => {
    await build({
      entryPoints: [join(__dirname, 'main.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundle,
      packages: 'external',
      logLevel: 'silent',
    });
    const core = createCore({ dataDir, mode: 'cli', appVersion: 'test', enableSelfTestJobs: true });
    // Far more output than a pipe holds, so the writer is still writing when the reader goes.
    core.db.transaction(() => {
      for (let i = 0; i < 600; i++) core.runner.create({ type: 'self-test', params: { steps: 1, stepMs: 0 } });
    })();
    await core.close();
  }, 60_000);
  afterAll(() => dir.remove());

  /** `dhis2-ie ARGS | head -c 100` in a shell; returns the CLI's exit code and what it wrote on stderr. */
  function pipedToHead(args: string[]): Promise<{ code: number; stderr: string; head: string }> {
    const script = `"${process.execPath}" "${bundle}" ${args.join(' ')} 2>"${join(dir.path, 'stderr.txt')}" | head -c 100; echo "exit:\${PIPESTATUS[0]}"; cat "${join(dir.path, 'stderr.txt')}"`;
    const child = spawn('bash', ['-c', script], { env });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return new Promise((resolve) =>
      child.on('close', () => {
        const at = text.indexOf('exit:');
        const [code, ...stderr] = text.slice(at + 'exit:'.length).split('\n');
        resolve({ code: Number(code), stderr: stderr.join('\n').trim(), head: text.slice(0, at) });
      }),
    );
  }

  it('ends quietly with exit code 0 when `head` has read enough (jobs, jobs --json)', async () => {
    for (const args of [
      ['jobs', '--limit', '600'],
      ['jobs', '--json', '--limit', '600'],
    ]) {
      const run = await pipedToHead(args);
      expect(run.head.length, args.join(' ')).toBe(100);
      expect(run.stderr, args.join(' ')).toBe('');
      expect(run.code, args.join(' ')).toBe(0);
    }
  }, 60_000);

  it('ends quietly when the reader is gone before anything is written', async () => {
    const child = spawn(process.execPath, [bundle, 'jobs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
