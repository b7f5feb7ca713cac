import { describe, expect, it } from 'vitest';
import { describeCounts, groupTypes, parseMetadataExportResult, typeMatches, withUnlisted } from './metadata-export';

const TYPES = [
  { plural: 'categories', displayName: 'Category', group: 'Categories' },
  { plural: 'categoryCombos', displayName: 'Category Combo', group: 'Categories' },
  { plural: 'dataElements', displayName: 'Data Element', group: 'Data elements' },
  { plural: 'attributes', displayName: 'Attribute', group: 'Other' },
];

describe('metadata export checklist helpers', () => {
  it('matches by display name or plural, ignoring case and spaces', () => {
    expect(typeMatches(TYPES[1]!, 'category combo')).toBe(true);
    expect(typeMatches(TYPES[1]!, 'CATEGORYCOMBOS')).toBe(true);
    expect(typeMatches(TYPES[2]!, 'combo')).toBe(false);
    expect(typeMatches(TYPES[2]!, '  ')).toBe(true);
  });

  it('groups what matches in list order and drops empty groups', () => {
    expect(groupTypes(TYPES, '').map((g) => [g.group, g.types.length])).toEqual([
      ['Categories', 2],
      ['Data elements', 1],
      ['Other', 1],
    ]);
    expect(groupTypes(TYPES, 'combo')).toEqual([{ group: 'Categories', types: [TYPES[1]] }]);
    expect(groupTypes(TYPES, 'nothing')).toEqual([]);
  });

  it('keeps types of a recreated job that the list does not have', () => {
    const all = withUnlisted(TYPES, ['dataElements', 'predictors']);
    expect(all).toHaveLength(5);
    expect(all.at(-1)).toEqual({ plural: 'predictors', displayName: 'predictors', group: 'Not in this list' });
  });

  it('describes counts, biggest first', () => {
    expect(describeCounts({})).toBe('no objects');
    expect(describeCounts({ dataSets: 1 })).toBe('1 dataSets');
    expect(describeCounts({ dataSets: 1, dataElements: 4, organisationUnits: 0 })).toBe('4 dataElements and 1 dataSets');
    expect(describeCounts({ a: 5, b: 4, c: 3 }, 2)).toBe('5 a, 4 b and 1 more type');
  });

  it('reads a job result, or nothing when it is not one', () => {
    expect(parseMetadataExportResult({ file: '/x.json', bytes: 10, sha256: 'ab', counts: { dataSets: 1 } })).toMatchObject({ notes: [] });
    expect(parseMetadataExportResult({ file: '/x.json' })).toBeNull();
  });
});
