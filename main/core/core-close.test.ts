import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, testCore, waitFor } from './test/helpers';

describe('closing the core', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('waits for a server check still under way, so nothing touches the database after it is closed', async () => {
    // A server that takes the connection and answers only when told: the ping is in flight when the core closes.
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as { port: number }).port;
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(() => process.off('unhandledRejection', onUnhandled));

    const core = testCore(dir.path);
    await core.servers.add({ name: 'Slow', url: `http://127.0.0.1:${port}`, auth: { kind: 'token', token: 'd2p_test' }, makeDefault: true });
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
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const core = testCore(dir.path);
    // Two minutes: far longer than this test may take, so only cutting the check short lets close() finish.
    core.settings.update({ pingTimeoutMs: 120_000 });
    await core.servers.add({
      name: 'Silent',
      url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      auth: { kind: 'token', token: 'd2p_test' },
    });
    core.startBackground();
    await waitFor(() => sockets.length > 0, 'the ping to reach the server');
    await core.close();
    expect(core.db.open).toBe(false);
  });
});
