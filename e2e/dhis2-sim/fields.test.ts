import { describe, expect, it } from 'vitest';
import { filterFields, identifiable, parseFields } from './fields';
import { toDhis2Json } from './respond';

function sample(): Record<string, unknown> {
  return {
    id: 'M5zQapPyTZI',
    name: 'admin admin',
    email: null,
    organisationUnits: [identifiable({ id: 'ImspTQPwCqd', name: 'Sierra Leone', level: 1 })],
    settings: { keyUiLocale: 'en' },
    credentials: { username: 'admin', userRoles: [identifiable({ id: 'yrB6vc5Ip3r', name: 'Superuser' })] },
  };
}

describe('fields filter', () => {
  it('gives everything for *, with identifiable objects reduced to their id', () => {
    expect(filterFields(sample(), [])).toEqual({
      id: 'M5zQapPyTZI',
      name: 'admin admin',
      email: null,
      organisationUnits: [{ id: 'ImspTQPwCqd' }],
      settings: { keyUiLocale: 'en' },
      credentials: { username: 'admin', userRoles: [{ id: 'yrB6vc5Ip3r' }] },
    });
    expect(filterFields(sample(), ['*'])).toEqual(filterFields(sample(), [':all']));
  });

  it('picks named properties in the object order and ignores unknown names', () => {
    const out = filterFields(sample(), ['settings,id,doesNotExist']);
    expect(Object.keys(out)).toEqual(['id', 'settings']);
  });

  it('goes into nested objects and lists with brackets or parentheses', () => {
    expect(filterFields(sample(), ['id,organisationUnits[id,name]'])).toEqual({
      id: 'M5zQapPyTZI',
      organisationUnits: [{ id: 'ImspTQPwCqd', name: 'Sierra Leone' }],
    });
    expect(filterFields(sample(), ['organisationUnits(level)'])).toEqual({ organisationUnits: [{ level: 1 }] });
    expect(filterFields(sample(), ['credentials[userRoles[name]]'])).toEqual({ credentials: { userRoles: [{ name: 'Superuser' }] } });
  });

  it('leaves out excluded properties and joins repeated fields parameters', () => {
    expect(Object.keys(filterFields(sample(), ['*,!settings,!credentials']))).toEqual(['id', 'name', 'email', 'organisationUnits']);
    expect(filterFields(sample(), ['id', 'name'])).toEqual({ id: 'M5zQapPyTZI', name: 'admin admin' });
  });

  it('ignores transformers instead of failing', () => {
    expect(filterFields(sample(), ['name~rename(n),organisationUnits::size'])).toEqual({
      name: 'admin admin',
      organisationUnits: [{ id: 'ImspTQPwCqd' }],
    });
  });

  it('parses exclusions and nesting', () => {
    expect(parseFields('a,!b,c[d,e[f]]')).toEqual([
      { name: 'a', exclude: false, children: null },
      { name: 'b', exclude: true, children: null },
      {
        name: 'c',
        exclude: false,
        children: [
          { name: 'd', exclude: false, children: null },
          { name: 'e', exclude: false, children: [{ name: 'f', exclude: false, children: null }] },
        ],
      },
    ]);
  });

  it('serialises like Jackson NON_NULL: null properties dropped, nulls in arrays and empty lists kept', () => {
    expect(toDhis2Json({ a: null, b: [], c: [null, 1], d: { e: null, f: 0 } })).toBe('{"b":[],"c":[null,1],"d":{"f":0}}');
  });
});
