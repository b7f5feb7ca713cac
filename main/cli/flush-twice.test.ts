import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, testCore, waitFor } from '../core/test/helpers';
import { captureOutput } from './capture-output';
import { runCli } from './index';

describe('dhis2-ie flush while another flush runs on the same data folder', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('says so in one line and ends cleanly, even with a server check still under way', async () => {
    // A server that is slow to answer: the second flush's check of it is in flight when that flush gives way.
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(() => process.off('unhandledRejection', onUnhandled));

    // The first flush (or the app): it holds the runner lock and is busy with a job.
    const first = testCore(dir.path);
    cleanups.push(() => first.close());
    await first.servers.add({
      name: 'Slow',
      url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      auth: { kind: 'token', token: 'd2p_test' },
    });
    const job = first.runner.create({ type: 'self-test', params: { steps: 100, stepMs: 50 } });
    first.startBackground();
    await waitFor(() => first.jobs.require(job.id).state === 'running', 'the first flush to be sending');

    const output = captureOutput();
    const code = await runCli(['flush', '--data-dir', dir.path], output);
    expect(code).toBe(0);
    expect(output.stdout).toBe('The app (or another dhis2-ie command) is already sending jobs from this data folder; nothing to do here.\n');
    expect(output.stderr).toBe('');
    // The server answers (by hanging up) only now, after the second flush closed its database.
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(unhandled.map(String)).toEqual([]);
  });
});
