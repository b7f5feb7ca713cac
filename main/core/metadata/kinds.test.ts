import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flattenErrors } from '../../../shared/import-report';
import { ImportMetadataParams } from '../../../shared/metadata-import';
import { coreInTempDir, type TempDir } from '../test/helpers';
import type { Core } from '../core';
import { checkMetadataFile, openMetadataFile } from '../metadata-import/open-file';
import { dataElementFixture } from '../metadata-import/testing';

/*
 * The kinds an offline copy holds decide what the metadata import check may claim: a kind held with no
 * objects is known to be empty (a reference into it is DHIS2's E5002), a kind not held is "cannot check
 * offline", and a copy made before kinds were recorded holds what the sync fetched then.
 */

const DEFAULTS = {
  categoryCombos: [{ id: 'bjDvmb4bfuf', name: 'default', code: 'default', isDefault: true, categories: [{ id: 'GLevLNI9wkl' }] }],
};
const ELEMENT = dataElementFixture({
  sharing: { public: 'rw------', userGroups: { UgAaaaaaaa1: { id: 'UgAaaaaaaa1', access: 'rw------' } } },
});

describe('kinds held by the offline copy', () => {
  let dir: TempDir;
  let core: Core;
  let close: () => Promise<void>;
  beforeEach(() => void ({ dir, core, close } = coreInTempDir()));
  afterEach(() => close());

  const load = async (content: Record<string, unknown>) => {
    const path = join(dir.path, 'copy.json');
    writeFileSync(path, JSON.stringify(content));
    return (await core.metadata.loadPath(path, 'copy.json', null)).status.snapshot!;
  };
  const check = async (file: Record<string, unknown>) => {
    const path = join(dir.path, 'import.json');
    writeFileSync(path, JSON.stringify(file));
    const params = ImportMetadataParams.parse({});
    return checkMetadataFile(await openMetadataFile(path, 'import.json', params), params, core.metadata.indexFor(null));
  };

  it('a collection loaded empty is held: its kind is known to have no objects, and one the file lacks is not held', async () => {
    const snapshot = await load({ ...DEFAULTS, userGroups: [], organisationUnitLevels: [{ id: 'LvAaaaaaaa1', name: 'National', level: 1 }] });
    expect(snapshot.counts).toMatchObject({ userGroups: 0, organisationUnitLevels: 1 });
    expect(snapshot.counts).not.toHaveProperty('organisationUnitGroups');
    const index = core.metadata.indexFor(null)!;
    expect(index.holds('userGroups')).toBe(true);
    expect(index.holds('organisationUnitLevels')).toBe(true);
    expect(index.hasObject('organisationUnitLevels', 'LvAaaaaaaa1')).toBe(true);
    expect(index.holds('organisationUnitGroups')).toBe(false);
    expect(snapshot.notes.some((note) => note.startsWith('This copy was made before'))).toBe(false);
  });

  it('a reference into a kind held empty is the error DHIS2 gives (E5002)', async () => {
    await load({ ...DEFAULTS, userGroups: [] });
    const result = await check({ dataElements: [ELEMENT] });
    expect(flattenErrors(result.report).map(({ error }) => error.message)).toEqual([
      'Invalid reference [UgAaaaaaaa1] (UserGroup) on object ANC visits [DeAaaaaaaa1] (DataElement) for association `userGroupAccesses`',
    ]);
    expect(result.unchecked).toBe(0);
  });

  it('a kind not held: references to it cannot be checked, objects of it are neither created nor called OK', async () => {
    await load({ ...DEFAULTS });
    const result = await check({ dataElements: [ELEMENT], organisationUnitGroups: [{ id: 'OgAaaaaaaa1', name: 'Hospitals', shortName: 'Hospitals' }] });
    expect(flattenErrors(result.report)).toEqual([]);
    expect(result.notes).toContain(
      'Cannot check references to user groups offline (the offline metadata does not hold user groups): 1 reference to 1 object not in this file (UgAaaaaaaa1). The server checks them.',
    );
    const groups = result.preview.types.find((type) => type.type === 'organisationUnitGroups')!;
    expect(groups).toMatchObject({ unknown: 1, create: 0, checkedOffline: false });
    expect(result.report.typeReports.find((type) => type.klass.endsWith('OrganisationUnitGroup'))?.stats.created ?? 0).toBe(0);
    // The user group reference, and both objects: the copy holds neither data elements nor org unit groups.
    expect(result.unchecked).toBe(3);
    expect(result.notes[0]).toMatch(/^No error was found, but not everything could be checked offline/);
  });

  it('a copy made before kinds were recorded holds what the sync fetched then, and says so', async () => {
    await load({ ...DEFAULTS, userGroups: [] });
    const active = core.metadata.status(null)[0]!.snapshot!;
    // What an older version left: no record of the kinds.
    core.db.prepare(`DELETE FROM metadata_objects WHERE snapshot_id = ? AND type = '#held'`).run(active.id);
    core.db.prepare(`UPDATE metadata_snapshots SET source = 'server' WHERE id = ?`).run(active.id);
    const snapshot = core.metadata.status(null)[0]!.snapshot!;
    expect(snapshot.notes.some((note) => note.startsWith('This copy was made before the app kept user groups'))).toBe(true);
    const index = core.metadata.indexFor(null)!;
    expect(index.kindsRecorded).toBe(false);
    expect(index.holds('organisationUnits')).toBe(true);
    expect(index.holds('userGroups')).toBe(false);
    const result = await check({ dataElements: [ELEMENT] });
    expect(flattenErrors(result.report)).toEqual([]);
    expect(result.notes.some((note) => note.startsWith('Cannot check references to user groups offline'))).toBe(true);
  });
});
