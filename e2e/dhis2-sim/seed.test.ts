import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SeedError } from './seed';
import { startSimulator } from './server';
import { getJson } from './test-support';

const dir = mkdtempSync(join(tmpdir(), 'dhis2-sim-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = {
  system: { id: 'x', rev: 'abc', version: '2.41.3', date: '2024-01-01T00:00:00.000' },
  date: '2024-01-01T00:00:00.000Z',
  organisationUnits: [
    { id: 'ImspTQPwCqd', name: 'Sierra Leone', shortName: 'Sierra Leone', openingDate: '1994-01-01T00:00:00.000', path: '/ImspTQPwCqd', level: 1 },
    { id: 'O6uvpzGd5pu', name: 'Bo', shortName: 'Bo', openingDate: '1994-01-01T00:00:00.000', parent: { id: 'ImspTQPwCqd' }, level: 2 },
  ],
  dataSets: [{ id: 'BfMAe6Itzgt', name: 'Child Health', periodType: 'Monthly' }],
  programs: [{ id: 'IpHINAT79UW', name: 'Child Programme' }],
};

function seedFile(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('seed file', () => {
  it('is parsed into state.metadata and drives the default users', async () => {
    const file = seedFile('seed.json', JSON.stringify(SEED));
    const sim = await startSimulator({ seedFile: file });
    try {
      expect(sim.state.metadata.list('organisationUnits')).toEqual(SEED.organisationUnits);
      expect(sim.state.metadata.list('dataSets')).toEqual(SEED.dataSets);
      expect(sim.state.metadata.exportHeader()).toEqual({ system: SEED.system, date: SEED.date });
      expect(sim.state.seedFile).toBe(file);
      const me = (await getJson(`${sim.url}/api/me?fields=organisationUnits[id,name,level],dataSets,programs`)).body;
      expect(me).toEqual({
        organisationUnits: [{ id: 'ImspTQPwCqd', name: 'Sierra Leone', level: 1 }],
        programs: ['IpHINAT79UW'],
        dataSets: ['BfMAe6Itzgt'],
      });
    } finally {
      await sim.close();
    }
  });

  it("assigns default users to the seed's own root org units", async () => {
    const seed = {
      organisationUnits: [
        { id: 'AbcDef12345', name: 'Root A' },
        { id: 'Child123456', name: 'Child', parent: { id: 'AbcDef12345' } },
      ],
    };
    const sim = await startSimulator({ seedFile: seedFile('roots.json', JSON.stringify(seed)) });
    try {
      expect(sim.state.users.get('admin')?.organisationUnits).toEqual(['AbcDef12345']);
    } finally {
      await sim.close();
    }
  });

  it('reads a gzipped export and skips a byte-order mark', async () => {
    const gz = await startSimulator({ seedFile: seedFile('seed.json.gz', gzipSync(JSON.stringify(SEED))) });
    const bom = await startSimulator({ seedFile: seedFile('bom.json', `\uFEFF${JSON.stringify({ dataElements: [] })}`) });
    try {
      expect(gz.state.metadata.list('dataSets')).toEqual(SEED.dataSets);
      expect(bom.state.metadata.list('dataElements')).toEqual([]);
      expect(bom.state.metadata.isEmpty()).toBe(true);
    } finally {
      await Promise.all([gz.close(), bom.close()]);
    }
  });

  it('without a seed holds only the default category objects', async () => {
    const sim = await startSimulator();
    try {
      expect(sim.state.metadata.isEmpty()).toBe(true);
      expect(sim.state.metadata.types()).toEqual(['categories', 'categoryCombos', 'categoryOptionCombos', 'categoryOptions']);
      expect(sim.state.seedFile).toBeNull();
    } finally {
      await sim.close();
    }
  });
});

describe('bad seed files', () => {
  async function failure(file: string): Promise<Error> {
    try {
      const sim = await startSimulator({ seedFile: file });
      await sim.close();
    } catch (error) {
      expect(error).toBeInstanceOf(SeedError);
      return error as Error;
    }
    throw new Error(`Expected ${file} to be refused`);
  }

  it('names a missing file and why it cannot be read', async () => {
    const missing = join(dir, 'nope.json');
    expect((await failure(missing)).message).toBe(`Cannot read seed file ${missing}: ENOENT: no such file or directory, open '${missing}'`);
  });

  it('resolves relative paths so the message says where it looked', async () => {
    expect((await failure('no-such-seed.json')).message).toContain(resolve('no-such-seed.json'));
  });

  it('refuses a directory', async () => {
    expect((await failure(dir)).message).toMatch(/^Cannot read seed file .*: EISDIR/);
  });

  it('refuses text that is not JSON', async () => {
    const file = seedFile('broken.json', '{"dataElements": [');
    expect((await failure(file)).message).toMatch(new RegExp(`^Seed file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON: `));
  });

  it('refuses JSON that is not a metadata export, saying what is wrong', async () => {
    const cases: Array<[string, string]> = [
      ['[1,2]', 'the top level is a list, not an object'],
      ['"text"', 'the top level is a string, not an object'],
      ['null', 'the top level is null, not an object'],
      ['{"dataElements": {"id": "x"}}', '"dataElements" should be a list of objects but is an object'],
      ['{"dataElements": [{"id": "x"}, 3]}', '"dataElements"[1] should be an object but is a number'],
    ];
    for (const [content, detail] of cases) {
      const file = seedFile('shape.json', content);
      expect((await failure(file)).message).toBe(`Seed file ${file} is not a DHIS2 metadata export (expected {"<type>": [objects], ...}): ${detail}`);
    }
  });

  it('refuses a corrupt gzip', async () => {
    const file = seedFile('corrupt.json.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
    expect((await failure(file)).message).toMatch(/looks gzipped but cannot be unpacked/);
  });
});
