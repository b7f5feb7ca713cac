import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, testCore } from '../test/helpers';
import type { Core } from '../core';
import { MetadataStore } from './store';
import { make } from './testing/generate';

describe('metadata store', () => {
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let store: MetadataStore;

  beforeEach(() => {
    dir = tempDir();
    core = testCore(dir.path);
    store = new MetadataStore(core.db);
  });
  afterEach(async () => {
    await core.close();
    dir.remove();
  });

  const finished = { version: null, takenAt: null, user: null, notes: [] };

  it('keeps the active snapshot in use until the new one is complete, then swaps in one step', () => {
    const old = store.begin({ serverId: null, source: 'file', label: 'old.json' });
    old.put('dataElements', make.dataElement({ id: 'deOldxxxxxx' }));
    const oldSnapshot = old.finish(finished);

    const next = store.begin({ serverId: null, source: 'file', label: 'new.json' });
    for (let i = 0; i < 2500; i++) next.put('organisationUnits', make.orgUnit({ id: `ou${String(i).padStart(9, '0')}` }));
    next.flush();
    // Half-built: readers still see the old one.
    expect(store.active(null)!.id).toBe(oldSnapshot.id);
    expect(store.readContent(oldSnapshot.id).records.organisationUnits).toHaveLength(0);

    const swapped = next.finish({ ...finished, notes: ['a note'] });
    expect(store.active(null)).toMatchObject({ id: swapped.id, label: 'new.json', counts: { organisationUnits: 2500, dataElements: 0 }, notes: ['a note'] });
    expect(store.stateOf(oldSnapshot.id)).toBeNull();
    expect(core.db.prepare(`SELECT COUNT(*) AS n FROM metadata_objects WHERE type != '#held'`).get()).toEqual({ n: 2500 });
  });

  it('refuses to swap in a snapshot that was discarded while it was built', () => {
    const builder = store.begin({ serverId: null, source: 'server', label: 'x', jobId: 'job-1' });
    builder.put('dataElements', make.dataElement({ id: 'deabcdefghA' }));
    store.discardBuilding(null);
    expect(() => builder.finish(finished)).toThrow(/discarded while it was being built/);
    expect(store.active(null)).toBeNull();
  });

  it('clears what an interrupted attempt wrote for one type', () => {
    const builder = store.begin({ serverId: null, source: 'server', label: 'x', jobId: 'job-1' });
    builder.putAll('dataElements', [make.dataElement({ id: 'deabcdefghA' }), make.dataElement({ id: 'deabcdefghB' })]);
    builder.putAll('dataSets', [make.dataSet({ id: 'dsabcdefghA' })]);
    builder.clearType('dataElements');
    expect(builder.counts()).toMatchObject({ dataElements: 0, dataSets: 1 });
    expect(store.resume(builder.id)?.id).toBe(builder.id);
  });

  it('keeps one snapshot per server, and forgets a server’s snapshot with the server', async () => {
    const a = await core.servers.add({ name: 'A', url: 'http://a.example', auth: { kind: 'token', token: 't' } });
    const b = await core.servers.add({ name: 'B', url: 'http://b.example', auth: { kind: 'token', token: 't' } });
    for (const serverId of [a.id, b.id, null]) {
      const builder = store.begin({ serverId, source: 'file', label: `${serverId}` });
      builder.put('dataElements', make.dataElement({ id: 'deabcdefghA' }));
      builder.finish(finished);
    }
    expect(store.listActive().map((snapshot) => snapshot.serverId)).toEqual([a.id, b.id, null]);
    core.servers.remove(a.id);
    expect(store.listActive().map((snapshot) => snapshot.serverId)).toEqual([b.id, null]);
    expect(core.metadata.status().map((status) => [status.serverName, status.snapshot?.label ?? null])).toEqual([
      ['B', b.id],
      [null, 'null'],
    ]);
  });

  it('falls back to the snapshot loaded with no server for a server that has none yet', async () => {
    const builder = store.begin({ serverId: null, source: 'file', label: 'usb.json' });
    builder.put('dataElements', make.dataElement({ id: 'deabcdefghA' }));
    builder.finish(finished);
    const server = await core.servers.add({ name: 'Later', url: 'http://later.example', auth: { kind: 'token', token: 't' }, makeDefault: true });
    expect(core.metadata.status(server.id)).toEqual([{ serverId: server.id, serverName: 'Later', snapshot: null }]);
    expect(core.metadata.indexFor(server.id)?.snapshot?.label).toBe('usb.json');
    expect(core.metadata.indexFor()?.dataElement('deabcdefghA')).toBeDefined();
  });
});
