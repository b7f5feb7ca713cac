import { describe, expect, it } from 'vitest';
import { isDestructive } from './destructive';

describe('isDestructive', () => {
  it('sees a delete in either import strategy, in any spelling the importers accept', () => {
    expect(isDestructive({ strategy: 'DELETE' })).toBe(true);
    expect(isDestructive({ strategy: 'deletes' })).toBe(true);
    expect(isDestructive({ importStrategy: 'DELETE', dryRun: false })).toBe(true);
    expect(isDestructive({ strategy: 'CREATE_AND_UPDATE' })).toBe(false);
    expect(isDestructive({ importStrategy: 'UPDATE', note: 'DELETE' })).toBe(false);
    expect(isDestructive({})).toBe(false);
  });
});
