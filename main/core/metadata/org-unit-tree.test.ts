import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OrgUnitChildren, OrgUnitSearchResult } from '../../../shared/org-unit-tree';
import { invoke } from '../services';
import { tempDir, testCore } from '../test/helpers';
import { MetadataIndex } from './index';
import { OrgUnitTree, orgUnitTreeOf } from './org-unit-tree';
import { emptyContent, generateContent, make, type MutableContent } from './testing/generate';
import type { MetadataUser } from './model';

/** Sierra Leone in small: a country, three districts, chiefdoms and facilities; paths left out on some, as exports do. */
function sample(user: MetadataUser | null = null): MutableContent {
  const content = emptyContent();
  content.records.organisationUnits.push(
    make.orgUnit({ id: 'ImspTQPwCqd', name: 'Sierra Leone', code: 'OU_525', level: 1 }),
    make.orgUnit({ id: 'O6uvpzGd5pu', name: 'Bo', code: 'OU_264', parent: 'ImspTQPwCqd' }),
    make.orgUnit({ id: 'fdc6uOvgoji', name: 'Bombali', code: 'OU_193', parent: 'ImspTQPwCqd' }),
    make.orgUnit({ id: 'lc3eMKXaEfw', name: 'Bonthe', code: 'OU_197', parent: 'ImspTQPwCqd' }),
    make.orgUnit({ id: 'vWbkYPRmKyS', name: 'Baoma', code: 'OU_540', parent: 'O6uvpzGd5pu' }),
    make.orgUnit({ id: 'YuQRtpLP10I', name: 'Badjia', code: 'OU_204', parent: 'O6uvpzGd5pu' }),
    make.orgUnit({ id: 'DiszpKrYNg8', name: 'Ngelehun CHC', code: 'OU_559', parent: 'YuQRtpLP10I' }),
    make.orgUnit({ id: 'g8upMTyEZGZ', name: 'Njandama MCHP', code: 'OU_167609', parent: 'YuQRtpLP10I' }),
    make.orgUnit({ id: 'Umh4HKqqFp6', name: 'Jembe CHC', code: 'OU_1100', parent: 'vWbkYPRmKyS' }),
    make.orgUnit({ id: 'aaaaaaaaaa1', name: 'Njandama MCHP', code: 'OU_X', parent: 'fdc6uOvgoji' }),
    // Unit 10 sorts after unit 9 (numeric collation), as people read it.
    make.orgUnit({ id: 'bbbbbbbbb10', name: 'Clinic 10', parent: 'lc3eMKXaEfw' }),
    make.orgUnit({ id: 'bbbbbbbbbb9', name: 'Clinic 9', parent: 'lc3eMKXaEfw' }),
  );
  content.user = user;
  return content;
}

function user(capture: string[], view: string[] = []): MetadataUser {
  return { id: 'M5zQapPyTZI', username: 'district', name: null, organisationUnits: capture, dataViewOrganisationUnits: view, authorities: [] };
}

function tree(content: MutableContent): OrgUnitTree {
  return new OrgUnitTree(MetadataIndex.build(content));
}

describe('org unit tree roots', () => {
  it('starts at the user’s capture and view org units, dropping those that lie inside another', () => {
    // Ngelehun is inside Bo; Bombali comes from the view units.
    const t = tree(sample(user(['O6uvpzGd5pu', 'DiszpKrYNg8'], ['fdc6uOvgoji'])));
    const roots = t.children(undefined, 100);
    expect(roots.rootsFrom).toBe('user');
    expect(roots.hasMetadata).toBe(true);
    expect(roots.nodes.map((n) => n.name)).toEqual(['Bo', 'Bombali']);
    expect(roots.nodes[0]).toEqual({
      id: 'O6uvpzGd5pu',
      name: 'Bo',
      code: 'OU_264',
      level: 2,
      path: '/ImspTQPwCqd/O6uvpzGd5pu',
      hasChildren: true,
      childCount: 2,
    });
    expect(roots.total).toBe(2);
  });

  it('starts at the top of the hierarchy when the snapshot has no user, or none of the user’s units', () => {
    for (const content of [sample(null), sample(user(['NotInFile01']))]) {
      const roots = tree(content).children(undefined, 100);
      expect(roots.rootsFrom).toBe('top');
      expect(roots.nodes.map((n) => n.id)).toEqual(['ImspTQPwCqd']);
    }
  });

  it('puts units whose parent the snapshot lacks at the top (a partial export)', () => {
    const content = sample(null);
    content.records.organisationUnits.push(make.orgUnit({ id: 'orphanUnit1', name: 'Orphan', parent: 'ParentGone1' }));
    const roots = tree(content).children(undefined, 100);
    expect(roots.nodes.map((n) => n.name)).toEqual(['Orphan', 'Sierra Leone']);
    expect(roots.nodes[0]!.path).toBe('/ParentGone1/orphanUnit1');
  });
});

describe('org unit tree children', () => {
  const t = tree(sample(null));

  it('lists the children of a unit by name, with whether each has children of its own', () => {
    const bo = t.children('O6uvpzGd5pu', 100);
    expect(bo.rootsFrom).toBeNull();
    expect(bo.nodes.map((n) => [n.name, n.hasChildren, n.childCount, n.level])).toEqual([
      ['Badjia', true, 2, 3],
      ['Baoma', true, 1, 3],
    ]);
    const leaves = t.children('YuQRtpLP10I', 100);
    expect(leaves.nodes.map((n) => [n.name, n.hasChildren])).toEqual([
      ['Ngelehun CHC', false],
      ['Njandama MCHP', false],
    ]);
    expect(t.children('DiszpKrYNg8', 100)).toEqual({ hasMetadata: true, rootsFrom: null, nodes: [], total: 0 });
  });

  it('sorts numbers in names as numbers', () => {
    expect(t.children('lc3eMKXaEfw', 100).nodes.map((n) => n.name)).toEqual(['Clinic 9', 'Clinic 10']);
  });

  it('cuts a long list at the limit and says how many there are', () => {
    const districts = t.children('ImspTQPwCqd', 2);
    expect(districts.nodes.map((n) => n.name)).toEqual(['Bo', 'Bombali']);
    expect(districts.total).toBe(3);
  });

  it('refuses an id that is not in the offline metadata, in words', () => {
    expect(() => t.children('Nowhere0001', 10)).toThrow(/No organisation unit with id "Nowhere0001"/);
  });
});

describe('org unit search', () => {
  it('finds by part of the name, any case, with the units above from the root down', () => {
    const t = tree(sample(null));
    const result = t.search('njandama', 10);
    expect(result.total).toBe(2);
    // Both names start with the query: the higher level comes first.
    expect(result.matches.map((m) => [m.id, m.ancestors.map((a) => a.name)])).toEqual([
      ['aaaaaaaaaa1', ['Sierra Leone', 'Bombali']],
      ['g8upMTyEZGZ', ['Sierra Leone', 'Bo', 'Badjia']],
    ]);
  });

  it('puts an exact code or id first, then names that start with the query', () => {
    const t = tree(sample(null));
    expect(t.search('OU_559', 10).matches[0]!.name).toBe('Ngelehun CHC');
    expect(t.search('diszpkrynG8', 10).matches.map((m) => m.name)).toEqual(['Ngelehun CHC']);
    // "Bo" the district (exact name), then the names that start with "bo".
    expect(t.search('bo', 10).matches.map((m) => m.name)).toEqual(['Bo', 'Bombali', 'Bonthe']);
  });

  it('stays inside the user’s units, and shows ancestors from the user’s root down', () => {
    const t = tree(sample(user(['O6uvpzGd5pu'])));
    const result = t.search('njandama', 10);
    expect(result.matches.map((m) => m.id)).toEqual(['g8upMTyEZGZ']);
    expect(result.matches[0]!.ancestors.map((a) => a.id)).toEqual(['O6uvpzGd5pu', 'YuQRtpLP10I']);
    expect(t.search('Sierra', 10).total).toBe(0);
  });

  it('returns at most the limit, and the total found', () => {
    const t = tree(sample(null));
    const result = t.search('a', 3);
    expect(result.matches).toHaveLength(3);
    expect(result.total).toBeGreaterThan(3);
  });

  it('looks ids up for a recreated job, listing those it cannot show', () => {
    const t = tree(sample(user(['O6uvpzGd5pu'])));
    const result = t.lookup(['DiszpKrYNg8', 'aaaaaaaaaa1', 'Nowhere0001', 'DiszpKrYNg8']);
    expect(result.found.map((m) => [m.name, m.ancestors.map((a) => a.name)])).toEqual([['Ngelehun CHC', ['Bo', 'Badjia']]]);
    expect(result.missing).toEqual(['aaaaaaaaaa1', 'Nowhere0001']);
  });
});

describe('org unit tree without metadata, and per index', () => {
  it('says there is no metadata instead of failing', () => {
    const none = orgUnitTreeOf(null);
    expect(none.children(undefined, 10)).toEqual({ hasMetadata: false, rootsFrom: null, nodes: [], total: 0 });
    expect(none.search('bo', 10)).toEqual({ hasMetadata: false, matches: [], total: 0 });
    expect(none.lookup(['DiszpKrYNg8'])).toEqual({ hasMetadata: false, found: [], missing: ['DiszpKrYNg8'] });
  });

  it('builds the tree once per index', () => {
    const index = MetadataIndex.build(sample(null));
    expect(orgUnitTreeOf(index)).toBe(orgUnitTreeOf(index));
    expect(orgUnitTreeOf(MetadataIndex.build(sample(null)))).not.toBe(orgUnitTreeOf(index));
  });

  it('handles a national hierarchy of 60,000 units', () => {
    const content = generateContent({ orgUnits: 60_000, dataElements: 10, dataSets: 1, branching: [15, 150, 1500] });
    const index = MetadataIndex.build(content);
    const t = orgUnitTreeOf(index);
    const roots = t.children(undefined, 2000);
    // The generated user captures data in the first district.
    expect(roots.rootsFrom).toBe('user');
    expect(roots.nodes).toHaveLength(1);
    const chiefdoms = t.children(roots.nodes[0]!.id, 2000);
    expect(chiefdoms.total).toBe(10);
    expect(chiefdoms.nodes.every((n) => n.hasChildren)).toBe(true);
    const facility = t.children(t.children(chiefdoms.nodes[0]!.id, 2000).nodes[0]!.id, 2000).nodes[0]!;
    const found = t.search(facility.code!, 5);
    expect(found.matches[0]?.id).toBe(facility.id);
    expect(found.matches[0]!.ancestors.map((a) => a.id)).toEqual(facility.path.split('/').slice(2, -1));
    // Units outside the user's district are not offered.
    expect(t.search('Unit', 200_000).total).toBeLessThan(60_000);
  });
});

describe('org unit calls through the contract', () => {
  it('say there is no metadata, then serve the tree of a loaded snapshot', async () => {
    const dir = tempDir();
    const core = testCore(dir.path);
    try {
      expect(await invoke(core, 'metadata.orgUnitChildren', {})).toEqual({ hasMetadata: false, rootsFrom: null, nodes: [], total: 0 });
      expect(await invoke(core, 'metadata.orgUnitSearch', { query: 'bo' })).toEqual({ hasMetadata: false, matches: [], total: 0 });

      const file = join(dir.path, 'metadata.json');
      writeFileSync(
        file,
        JSON.stringify({
          organisationUnits: [
            { id: 'ImspTQPwCqd', name: 'Sierra Leone', level: 1, path: '/ImspTQPwCqd' },
            { id: 'O6uvpzGd5pu', name: 'Bo', parent: { id: 'ImspTQPwCqd' } },
            { id: 'DiszpKrYNg8', name: 'Ngelehun CHC', code: 'OU_559', parent: { id: 'O6uvpzGd5pu' } },
          ],
        }),
      );
      await core.metadata.loadPath(file, 'metadata.json', null);
      const roots = (await invoke(core, 'metadata.orgUnitChildren', {})) as OrgUnitChildren;
      expect(roots.nodes.map((n) => n.name)).toEqual(['Sierra Leone']);
      const bo = (await invoke(core, 'metadata.orgUnitChildren', { parentId: 'O6uvpzGd5pu' })) as OrgUnitChildren;
      expect(bo.nodes.map((n) => [n.name, n.path])).toEqual([['Ngelehun CHC', '/ImspTQPwCqd/O6uvpzGd5pu/DiszpKrYNg8']]);
      const found = (await invoke(core, 'metadata.orgUnitSearch', { query: 'ou_559' })) as OrgUnitSearchResult;
      expect(found.matches.map((m) => m.ancestors.map((a) => a.name))).toEqual([['Sierra Leone', 'Bo']]);
      await expect(invoke(core, 'metadata.orgUnitSearch', { query: '   ' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(invoke(core, 'metadata.orgUnitChildren', { parentId: 'Nowhere0001' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await core.close();
      dir.remove();
    }
  });
});
