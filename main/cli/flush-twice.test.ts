import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach, silentServer, tempDir, testCore, unhandledRejections, waitFor } from '../core/test/helpers';
import { captureOutput } from './capture-output';
import { runCli } from './index';

describe('dhis2-ie flush while another flush runs on the same data folder', () => {
  const cleanups = cleanupsAfterEach();

  it('says so in one line and ends cleanly, even with a server check still under way', async () => {
    // A server that is slow to answer: the second flush's check of it is in flight when that flush gives way.
    const { url, sockets } = await silentServer(cleanups);
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const unhandled = unhandledRejections(cleanups);

    // The first flush (or the app): it holds the runner lock and is busy with a job.
    const first = testCore(dir.path);
    cleanups.push(() => first.close());
    await first.servers.add({ name: 'Slow', url, auth: { kind: 'token', token: 'd2p_test' } });
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
