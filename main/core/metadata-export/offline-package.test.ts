import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { appendCollections, offlinePackageQuery } from './offline-package';
import { JobFailure } from '../jobs/plugin';
import { SNAPSHOT_KINDS } from '../metadata/model';
import { syncFields } from '../metadata/sync';

/** Runs `text`, cut into pieces of `size` bytes, through the transform. */
async function through(text: string | Buffer, size: number, extra: Record<string, unknown>): Promise<Buffer> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(pieces),
    appendCollections(extra),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        out.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('appendCollections', () => {
  const extra = { 'dhis2-ie': { kind: 'offline-laptop', username: 'admin' }, users: [{ id: 'M5zQapPyTZI' }] };

  it.each([1, 3, 7, 1024])('adds members before the closing brace whatever the chunk size (%i bytes)', async (size) => {
    const source = JSON.stringify({ system: { version: '2.41.3' }, dataSets: [{ id: 'a', name: 'Açaí ✓ 北京' }] }, null, 2) + '\n\n  ';
    const result = JSON.parse((await through(source, size, extra)).toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['system', 'dataSets', 'dhis2-ie', 'users']);
    expect(result.dataSets).toEqual([{ id: 'a', name: 'Açaí ✓ 北京' }]);
    expect(result.users).toEqual(extra.users);
  });

  it('keeps multi-byte characters whole when the held tail starts inside one', async () => {
    // Sixteen bytes before the brace fall inside the three-byte characters.
    const source = Buffer.from(`{"n":"${'北'.repeat(20)}"}`, 'utf8');
    for (const size of [1, 2, 5, 13]) {
      const result = JSON.parse((await through(source, size, { users: [] })).toString('utf8')) as { n: string; users: unknown[] };
      expect(result.n).toBe('北'.repeat(20));
      expect(result.users).toEqual([]);
    }
  });

  it('adds to an empty object without a leading comma', async () => {
    expect(JSON.parse((await through(' { \n } ', 2, { users: [] })).toString('utf8'))).toEqual({ users: [] });
  });

  it('refuses an answer that is not a whole JSON object', async () => {
    // A cut inside the object ends with something else than its brace (the saved file's full read catches the rest).
    await expect(through('{"dataSets":[{"id":"a"}]', 4, { users: [] })).rejects.toBeInstanceOf(JobFailure);
    await expect(through('', 4, { users: [] })).rejects.toMatchObject({ code: 'BAD_EXPORT' });
  });
});

describe('offlinePackageQuery', () => {
  it('asks /api/metadata for every synced type with the fields the sync uses, without sharing', () => {
    const query = offlinePackageQuery();
    for (const type of SNAPSHOT_KINDS) expect(query.get(`${type}:fields`)).toBe(syncFields(type));
    expect(query.get('userGroups:fields')).toBe('id,name,code');
    expect(query.get('organisationUnitLevels:fields')).toBe('id,name,code,level');
    expect(query.get('skipSharing')).toBe('true');
    expect([...query.keys()].filter((key) => key.endsWith(':fields'))).toHaveLength(SNAPSHOT_KINDS.length);
  });
});
