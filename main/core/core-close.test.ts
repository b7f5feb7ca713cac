import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach, silentServer, tempDir, testCore, unhandledRejections, waitFor } from './test/helpers';

describe('closing the core', () => {
  const cleanups = cleanupsAfterEach();

  it('waits for a server check still under way, so nothing touches the database after it is closed', async () => {
    // A server that takes the connection and answers only when told: the ping is in flight when the core closes.
    const { url, sockets } = await silentServer(cleanups);
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const unhandled = unhandledRejections(cleanups);

    const core = testCore(dir.path);
    await core.servers.add({ name: 'Slow', url, auth: { kind: 'token', token: 'd2p_test' }, makeDefault: true });
    core.startBackground();
    await waitFor(() => sockets.length > 0, 'the ping to reach the server');
    const closed = core.close();
    // The server hangs up mid-check: the check ends in an error after close() was called.
    for (const socket of sockets) socket.destroy();
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(unhandled.map((reason) => String(reason))).toEqual([]);
    expect(core.db.open).toBe(false);
  });

  it('cuts a server check short instead of waiting for a server that never answers', async () => {
    const { url, sockets } = await silentServer(cleanups);
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const core = testCore(dir.path);
    // Two minutes: far longer than this test may take, so only cutting the check short lets close() finish.
    core.settings.update({ pingTimeoutMs: 120_000 });
    await core.servers.add({ name: 'Silent', url, auth: { kind: 'token', token: 'd2p_test' } });
    core.startBackground();
    await waitFor(() => sockets.length > 0, 'the ping to reach the server');
    await core.close();
    expect(core.db.open).toBe(false);
  });
});
