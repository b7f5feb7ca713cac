import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../core';
import { startSimulator, type Simulator } from '../../../e2e/dhis2-sim/server';
import { integrationSeed } from '../../../e2e/dhis2-sim/test-seeds';
import { tempDir, testCore } from '../test/helpers';
import { Dhis2Error } from '../dhis2/errors';
import type { Dhis2Client } from '../dhis2/client';
import type { ServerProfile } from '../../../shared/servers';
import { MetadataExportService, metadataExportServiceOf } from './service';
import { BUILT_IN_SCHEMAS, EXCLUDED_SCHEMAS, OTHER_GROUP, exportableSchemas, groupTypes, SchemasResponse } from './schema-types';

const SCHEMAS_2_34 = JSON.parse(readFileSync(join(__dirname, '../../../e2e/fixtures/responses/import-export-app-2.34/schemas.json'), 'utf8')) as unknown;

describe('metadata export object types', () => {
  it('keeps the metadata schemas the DHIS2 app offers and groups them by Java package', () => {
    const entries = exportableSchemas(SchemasResponse.parse(SCHEMAS_2_34));
    const plurals = entries.map((entry) => entry.plural);
    expect(plurals).toContain('dataElements');
    expect(plurals).toContain('organisationUnits');
    // metadata: false, and the app's exclusion list.
    expect(plurals).not.toContain('dataElementOperands');
    for (const excluded of ['sections', 'constants', 'sqlViews', 'reportTables']) expect(plurals).not.toContain(excluded);

    const grouped = groupTypes(entries);
    const groupOf = (plural: string) => grouped.find((type) => type.plural === plural)?.group;
    expect(groupOf('categoryCombos')).toBe('Categories');
    expect(groupOf('categoryOptions')).toBe('Categories');
    expect(groupOf('dataElements')).toBe('Data elements');
    // Alone in its package: "Other", listed last.
    expect(groupOf('attributes')).toBe(OTHER_GROUP);
    expect(grouped.at(-1)!.group).toBe(OTHER_GROUP);
  });

  it('has a built-in DHIS2 2.41 list with nothing the DHIS2 app leaves out', () => {
    const plurals = BUILT_IN_SCHEMAS.map((entry) => entry.plural);
    expect(new Set(plurals).size).toBe(plurals.length);
    for (const plural of plurals) expect(EXCLUDED_SCHEMAS.has(plural), plural).toBe(false);
    for (const needed of ['dataSets', 'programs', 'visualizations', 'optionSets', 'users']) expect(plurals).toContain(needed);
  });

  const server: ServerProfile = {
    id: 'srv1',
    name: 'National',
    url: 'https://hmis.example.org',
    isDefault: true,
  } as ServerProfile;

  function serviceWith(answer: () => Promise<unknown>, online: boolean | null, store = new Map<string, string>()) {
    const client = { getJson: async (_path: string, schema: typeof SchemasResponse) => schema.parse(await answer()) } as unknown as Dhis2Client;
    return new MetadataExportService({
      servers: { list: () => [server], get: () => server, clientFor: async () => client },
      isOnline: () => online,
      settings: { getInternal: (key) => store.get(key) ?? null, setInternal: (key, value) => void store.set(key, value) },
      indexFor: () => null,
      now: () => new Date('2025-03-01T10:00:00Z'),
    });
  }

  it('asks the server when it answers, remembers its list, and offers that list when it does not', async () => {
    const store = new Map<string, string>();
    const fresh = await serviceWith(async () => SCHEMAS_2_34, true, store).types();
    expect(fresh).toMatchObject({ source: 'server', fetchedAt: '2025-03-01T10:00:00.000Z', note: null });
    expect(fresh.types.some((type) => type.plural === 'charts')).toBe(false);

    const offline = await serviceWith(async () => Promise.reject(new Error('must not be asked')), false, store).types();
    expect(offline.source).toBe('cache');
    expect(offline.types).toEqual(fresh.types);
    expect(offline.note).toContain('cannot be reached');
    expect(offline.note).toContain('2025-03-01');

    const failing = await serviceWith(
      async () => Promise.reject(new Dhis2Error('offline', 'TIMEOUT', 'The server did not answer in time.', null)),
      null,
      store,
    ).types();
    expect(failing).toMatchObject({ source: 'cache', note: expect.stringContaining('did not answer in time') });
  });

  it('falls back to the built-in list when the server never answered', async () => {
    const list = await serviceWith(async () => Promise.reject(new Error('offline')), false).types();
    expect(list.source).toBe('built-in');
    expect(list.types).toHaveLength(BUILT_IN_SCHEMAS.length);
    expect(list.note).toContain('DHIS2 2.41');
  });
});

describe('objects for a dependency export', () => {
  let sim: Simulator;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let serverId: string;

  beforeEach(async () => {
    sim = await startSimulator({ port: 0 });
    sim.seedMetadata(
      {
        ...integrationSeed(),
        programs: [
          { id: 'IpHINAT79UW', name: 'Child Programme', programType: 'WITH_REGISTRATION' },
          { id: 'eBAyeGv0exc', name: 'Inpatient morbidity and mortality', programType: 'WITHOUT_REGISTRATION' },
        ],
      },
      { replace: true },
    );
    dir = tempDir();
    core = testCore(join(dir.path, 'data'));
    serverId = (await core.servers.add({ name: 'Sim', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } })).id;
  });
  afterEach(async () => {
    await core.close();
    await sim.close();
    dir.remove();
  });

  it("lists the simulated server's own object types, then its remembered list once it is offline", async () => {
    const service = metadataExportServiceOf(core);
    const fresh = await service.types(serverId);
    expect(fresh.source).toBe('server');
    const plurals = fresh.types.map((type) => type.plural);
    for (const plural of ['dataElements', 'dataSets', 'organisationUnits', 'programs']) expect(plurals).toContain(plural);
    for (const excluded of ['sections', 'constants', 'sqlViews']) expect(plurals).not.toContain(excluded);
    expect(fresh.types.find((type) => type.plural === 'dataElements')!.group).toBe('Data elements');

    sim.setOffline(true);
    await core.connectivity.checkAll();
    const offline = await service.types(serverId);
    expect(offline.source).toBe('cache');
    expect(offline.types).toEqual(fresh.types);
  });

  it('lists data sets from the offline metadata, without the server', async () => {
    const seedPath = join(dir.path, 'metadata.json');
    writeFileSync(seedPath, JSON.stringify(integrationSeed()));
    await core.metadata.loadPath(seedPath, 'metadata.json', serverId);
    sim.setOffline(true);
    const service = metadataExportServiceOf(core);
    const listed = await service.objects({ serverId, type: 'dataSets', query: 'dataseta', limit: 10 });
    expect(listed).toMatchObject({ source: 'offline-metadata', objects: [{ id: 'pBOMPrpg1QX', name: 'DataSetA', code: 'DS_A', detail: 'Monthly' }] });
    expect((await service.objects({ serverId, type: 'categoryCombos', limit: 10 })).objects.map((o) => o.name)).toEqual(['CategoryComboA', 'default']);
    expect((await service.objects({ serverId, type: 'dataSets', query: 'nothing like it', limit: 10 })).objects).toEqual([]);
  });

  it('lists programs from the server, and its last list when it cannot be reached', async () => {
    const service = metadataExportServiceOf(core);
    const online = await service.objects({ serverId, type: 'programs', limit: 10 });
    expect(online.source).toBe('server');
    expect(online.objects).toEqual([
      { id: 'IpHINAT79UW', name: 'Child Programme', code: null, detail: 'tracker program' },
      { id: 'eBAyeGv0exc', name: 'Inpatient morbidity and mortality', code: null, detail: 'event program' },
    ]);

    sim.setOffline(true);
    await core.connectivity.checkAll();
    const offline = await service.objects({ serverId, type: 'programs', query: 'child', limit: 10 });
    expect(offline.source).toBe('cache');
    expect(offline.objects.map((o) => o.id)).toEqual(['IpHINAT79UW']);
    expect(offline.note).toContain('cannot be reached');

    const never = await service.objects({ serverId, type: 'dataElementGroups', limit: 10 });
    expect(never.source).toBe('none');
    expect(never.note).toContain('type the 11-character id of the data element group');
  });
});
