import { gunzipSync } from 'node:zlib';
import * as yauzl from 'yauzl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetadataObject } from './metadata';
import { mdFixtureJson, postMetadata, reportOf, withSimulator } from './md-test-support';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, getJson } from './test-support';

let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(async () => {
  await sim.close();
});

type Export = Record<string, unknown> & { system: Record<string, unknown> };

async function exportOf(path: string, server = sim): Promise<Export> {
  const { status, body } = await getJson(`${server.url}/api/${path}`);
  expect(status, path).toBe(200);
  return body as Export;
}

function idsOf(exported: Export, type: string): string[] {
  return ((exported[type] as MetadataObject[] | undefined) ?? []).map((object) => String(object['id'])).sort();
}

async function unzipFirst(buffer: Buffer): Promise<{ name: string; text: string }> {
  const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true });
  try {
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      zip.once('entry', resolve);
      zip.once('error', reject);
      zip.readEntry();
    });
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    return { name: entry.fileName, text: Buffer.concat(chunks).toString('utf8') };
  } finally {
    zip.close();
  }
}

describe('GET /api/schemas', () => {
  it('lists the 2.41 schemas with what the Metadata Export page asks for', async () => {
    const { body } = await getJson(`${sim.url}/api/schemas?fields=metadata,collectionName,displayName,klass`);
    const schemas = (body as { schemas: Record<string, unknown>[] }).schemas;
    expect(schemas.find((schema) => schema['collectionName'] === 'dataElements')).toEqual({
      klass: 'org.hisp.dhis.dataelement.DataElement',
      metadata: true,
      displayName: 'Data Element',
      collectionName: 'dataElements',
    });
    const metadata = schemas.filter((schema) => schema['metadata'] === true).map((schema) => schema['collectionName']);
    expect(metadata).toEqual(
      expect.arrayContaining(['organisationUnits', 'categoryOptionCombos', 'dataSets', 'programs', 'dashboards', 'visualizations', 'optionSets', 'users']),
    );
    expect(metadata).not.toContain('dataSetElements');
    expect(metadata).not.toContain('charts');
    expect(schemas.find((schema) => schema['collectionName'] === 'smsCommands')?.['displayName']).toBe('S M S Command');
  });

  it('shows one schema by its singular name, in Schema order, and 404s an unknown one', async () => {
    const { status, body } = await getJson(`${sim.url}/api/schemas/dataSet`);
    expect(status).toBe(200);
    const schema = body as Record<string, unknown>;
    expect(Object.keys(schema).slice(0, 8)).toEqual([
      'klass',
      'identifiableObject',
      'nameableObject',
      'subscribableObject',
      'embeddedObject',
      'singular',
      'plural',
      'metadata',
    ]);
    expect(schema).toMatchObject({
      singular: 'dataSet',
      plural: 'dataSets',
      name: 'dataSet',
      relativeApiEndpoint: '/dataSets',
      apiEndpoint: `${sim.url}/api/dataSets`,
      href: `${sim.url}/api/schemas/dataSet`,
      shareable: true,
      dataShareable: true,
      translatable: true,
      order: 1310,
      authorities: [
        { type: 'CREATE_PUBLIC', authorities: ['F_DATASET_PUBLIC_ADD'] },
        { type: 'CREATE_PRIVATE', authorities: ['F_DATASET_PRIVATE_ADD'] },
        { type: 'DELETE', authorities: ['F_DATASET_DELETE'] },
      ],
    });
    const properties = schema['properties'] as Record<string, unknown>[];
    expect(properties.find((property) => property['fieldName'] === 'organisationUnits')).toMatchObject({
      name: 'organisationUnit',
      collectionName: 'organisationUnits',
      propertyType: 'COLLECTION',
    });
    const missing = await getJson(`${sim.url}/api/schemas/dataSets`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      httpStatus: 'Not Found',
      httpStatusCode: 404,
      status: 'ERROR',
      message: 'Type dataSets does not exist.',
      errorCode: 'E1005',
    });
  });
});

describe('GET /api/{type}/{uid}/metadata', () => {
  beforeEach(async () => {
    expect((await postMetadata(sim, mdFixtureJson('metadata/json/dataset_with_sections.json'))).status).toBe(200);
  });

  it('a data set brings data elements, category model, sections and defaults, but no organisation units', async () => {
    const exported = await exportOf('dataSets/em8Bg4LCr5k/metadata');
    expect(exported.system).toMatchObject({ id: sim.state.systemId, version: '2.41.3' });
    expect(Object.keys(exported).sort()).toEqual([
      'categories',
      'categoryCombos',
      'categoryOptionCombos',
      'categoryOptions',
      'dataElements',
      'dataSets',
      'sections',
      'system',
    ]);
    expect(idsOf(exported, 'dataSets')).toEqual(['em8Bg4LCr5k']);
    expect(idsOf(exported, 'dataElements')).toEqual(['VolAzjFe5zP', 'nHwIqKAudKN']);
    expect(idsOf(exported, 'sections')).toEqual(['C50M0WxaI7y', 'JwcV2ZifEQf']);
    // The Gender combo and the default combo the other data element and the data set use.
    expect(idsOf(exported, 'categoryCombos')).toEqual(['bjDvmb4bfuf', 'faV8QvLgIwB']);
    expect(idsOf(exported, 'categoryOptionCombos')).toEqual(['HllvX50cXC0', 'J5uZylXMmbB', 'p99yaU6mweU']);
    expect(idsOf(exported, 'categoryOptions')).toEqual(['JYiFOMKa25J', 'tdaMRD34m8o', 'xYerKDKCefk']);
    expect(exported['organisationUnits']).toBeUndefined();
    const dataSet = (exported['dataSets'] as MetadataObject[])[0] ?? {};
    expect(dataSet['organisationUnits']).toEqual([{ id: 'x3gVvpbVgqy' }]);
    expect(dataSet['sharing']).toBeDefined();
    const skipped = await exportOf('dataSets/em8Bg4LCr5k/metadata?skipSharing=true');
    expect((skipped['dataSets'] as MetadataObject[])[0]?.['sharing']).toBeUndefined();
  });

  it('option sets bring their options; category combos their categories and option combos', async () => {
    sim.seedMetadata({
      optionSets: [{ id: 'osColorAAAA', name: 'Color', valueType: 'TEXT', options: [{ id: 'opBlueAAAAA' }, { id: 'opRedAAAAAA' }] }],
      options: [
        { id: 'opBlueAAAAA', name: 'Blue', code: 'BLUE', optionSet: { id: 'osColorAAAA' } },
        { id: 'opRedAAAAAA', name: 'Red', code: 'RED', optionSet: { id: 'osColorAAAA' } },
      ],
    });
    const options = await exportOf('optionSets/osColorAAAA/metadata.json');
    expect(idsOf(options, 'options')).toEqual(['opBlueAAAAA', 'opRedAAAAAA']);
    const combo = await exportOf('categoryCombos/faV8QvLgIwB/metadata');
    expect(Object.keys(combo).sort()).toEqual(['categories', 'categoryCombos', 'categoryOptionCombos', 'categoryOptions', 'system']);
    expect(idsOf(combo, 'categoryOptionCombos')).toEqual(['J5uZylXMmbB', 'p99yaU6mweU']);
  });

  it('comes as .json.gz and .json.zip attachments, and with download=true', async () => {
    const gz = await fetch(`${sim.url}/api/dataSets/em8Bg4LCr5k/metadata.json.gz`, { headers: { Authorization: ADMIN_BASIC } });
    expect(gz.headers.get('content-type')).toBe('application/json+gzip');
    expect(gz.headers.get('content-disposition')).toBe('attachment; filename=metadata.json.gz');
    const fromGz = JSON.parse(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')) as Export;
    expect(idsOf(fromGz, 'dataElements')).toEqual(['VolAzjFe5zP', 'nHwIqKAudKN']);
    const zip = await fetch(`${sim.url}/api/dataSets/em8Bg4LCr5k/metadata.json.zip?skipSharing=true`, { headers: { Authorization: ADMIN_BASIC } });
    expect(zip.headers.get('content-type')).toBe('application/json+zip');
    const entry = await unzipFirst(Buffer.from(await zip.arrayBuffer()));
    expect(entry.name).toBe('metadata.json');
    expect(idsOf(JSON.parse(entry.text) as Export, 'sections')).toEqual(['C50M0WxaI7y', 'JwcV2ZifEQf']);
    const download = await fetch(`${sim.url}/api/dataSets/em8Bg4LCr5k/metadata.json?download=true`, { headers: { Authorization: ADMIN_BASIC } });
    expect(download.headers.get('content-disposition')).toBe('attachment; filename=metadata.json');
  });

  it('404s an unknown uid with each controller message', async () => {
    const dataSet = await getJson(`${sim.url}/api/dataSets/nosuchthing/metadata`);
    expect(dataSet.status).toBe(404);
    expect(dataSet.body).toEqual({ httpStatus: 'Not Found', httpStatusCode: 404, status: 'ERROR', message: 'DataSet not found for uid: nosuchthing' });
    expect((await getJson(`${sim.url}/api/programs/nosuchthing/metadata`)).body).toMatchObject({ message: 'Program not found for uid: nosuchthing' });
    expect((await getJson(`${sim.url}/api/categoryCombos/nosuchthing/metadata`)).body).toMatchObject({
      message: 'CategoryCombo with id nosuchthing could not be found.',
      errorCode: 'E1005',
    });
  });
});

describe('what stops an export', () => {
  it('406 for XML or CSV (only JSON converters exist), 409 for an unfiltered export without F_METADATA_EXPORT', async () => {
    expect((await getJson(`${sim.url}/api/metadata.xml?dataElements=true`)).status).toBe(406);
    const xml = await getJson(`${sim.url}/api/metadata?dataElements=true`, { Accept: 'application/xml' });
    expect(xml.status).toBe(406);
    expect(xml.body).toMatchObject({ httpStatusCode: 406, message: 'Could not find acceptable representation' });
    expect((await getJson(`${sim.url}/api/metadata?dataElements=true`, { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })).status).toBe(200);
    const clerk = await startSimulator({
      users: [
        {
          username: 'clerk',
          password: 'district',
          firstName: 'Data',
          surname: 'Clerk',
          id: 'clerkAAAAAA',
          authorities: ['F_DATAVALUE_ADD'],
          organisationUnits: [],
        },
      ],
    });
    try {
      const auth = { Authorization: `Basic ${Buffer.from('clerk:district').toString('base64')}` };
      const all = await getJson(`${clerk.url}/api/metadata`, auth);
      expect(all.status).toBe(409);
      expect(all.body).toMatchObject({
        status: 'ERROR',
        message: "Unfiltered access to metadata export requires super user or 'F_METADATA_EXPORT' authority.",
      });
      expect((await getJson(`${clerk.url}/api/metadata?dataElements=true`, auth)).status).toBe(200);
      expect((await getJson(`${clerk.url}/api/metadata?users=true`, auth)).body).toMatchObject({
        message: "Exporting user metadata requires the 'F_USER_VIEW' authority.",
      });
      expect((await getJson(`${clerk.url}/api/categoryCombos/bjDvmb4bfuf/metadata`, auth)).status).toBe(409);
    } finally {
      await clerk.close();
    }
  });
});

describe('round trip: export with dependencies from one server, import into a fresh one', () => {
  it('recreates the same objects, and a second import changes nothing but counts updates', async () => {
    await postMetadata(sim, mdFixtureJson('metadata/json/dataset_with_sections.json'));
    sim.seedMetadata({
      optionSets: [{ id: 'osColorAAAA', name: 'Color', valueType: 'TEXT', options: [{ id: 'opBlueAAAAA' }] }],
      options: [{ id: 'opBlueAAAAA', name: 'Blue', code: 'BLUE', optionSet: { id: 'osColorAAAA' } }],
      dataElementGroups: [{ id: 'degAAAAAAAA', name: 'Group', shortName: 'Group', dataElements: [{ id: 'nHwIqKAudKN' }] }],
    });
    const exported = await exportOf('dataSets/em8Bg4LCr5k/metadata');
    await withSimulator(async (fresh) => {
      // The export leaves organisation units out, so the data set's assignment does not resolve on an empty server.
      const withoutUnits = reportOf(await postMetadata(fresh, exported));
      expect(withoutUnits.status).toBe('ERROR');
      expect(withoutUnits.typeReports.flatMap((t) => t.objectReports.flatMap((o) => o.errorReports.map((e) => e.message)))).toEqual([
        'Invalid reference [x3gVvpbVgqy] (OrganisationUnit) on object Data Set [em8Bg4LCr5k] (DataSet) for association `organisationUnit`',
      ]);
      expect(fresh.state.metadata.list('dataElements')).toEqual([]);
      fresh.seedMetadata({ organisationUnits: [{ id: 'x3gVvpbVgqy', name: 'Country', shortName: 'Country', openingDate: '2016-03-08T00:00:00.000' }] });
      const posted = await postMetadata(fresh, exported);
      expect(posted.status).toBe(200);
      const report = reportOf(posted);
      // The default category objects are in the export but never imported.
      expect(report.stats).toEqual({ created: 11, updated: 0, deleted: 0, ignored: 0, total: 11 });
      const back = await exportOf('dataSets/em8Bg4LCr5k/metadata', fresh);
      for (const type of Object.keys(exported).filter((key) => key !== 'system')) {
        expect(idsOf(back, type), type).toEqual(idsOf(exported, type));
        const strip = (object: MetadataObject) => {
          const { lastUpdated: _lastUpdated, lastUpdatedBy: _lastUpdatedBy, createdBy: _createdBy, ...rest } = object;
          return rest;
        };
        const before = (exported[type] as MetadataObject[]).map(strip);
        const after = (back[type] as MetadataObject[]).map(strip);
        expect(
          after.sort((a, b) => String(a['id']).localeCompare(String(b['id']))),
          type,
        ).toEqual(before.sort((a, b) => String(a['id']).localeCompare(String(b['id']))));
      }
      // A data element group export lands the same way.
      const group = await exportOf('dataElementGroups/degAAAAAAAA/metadata');
      expect(reportOf(await postMetadata(fresh, group))).toMatchObject({ status: 'OK', stats: { created: 1, updated: 1 } });
      expect(reportOf(await postMetadata(fresh, exported)).stats).toEqual({ created: 0, updated: 11, deleted: 0, ignored: 0, total: 11 });
    });
  });

  it('the full /api/metadata export of one server imports into a fresh one with OK', async () => {
    await postMetadata(sim, mdFixtureJson('metadata/json/dataset_with_sections.json'));
    await postMetadata(sim, mdFixtureJson('metadata/json/category_and_categorycombo.json'));
    const exported = await exportOf('metadata?skipSharing=true');
    expect(idsOf(exported, 'organisationUnits')).toEqual(['x3gVvpbVgqy']);
    await withSimulator(async (fresh) => {
      const report = reportOf(await postMetadata(fresh, exported));
      expect(report.status).toBe('OK');
      // Every object except the four defaults (the generated option combos of combos come along as objects).
      const count = Object.entries(exported)
        .filter(([key, value]) => key !== 'system' && Array.isArray(value))
        .reduce((sum, [, value]) => sum + (value as MetadataObject[]).filter((object) => object['name'] !== 'default').length, 0);
      expect(report.stats.created).toBe(count);
    });
  });
});
