import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataExport } from './metadata';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, getJson } from './test-support';
import { FIXTURES, fixtureJson } from './test-seeds';

let sim: Simulator;
let api: string;

beforeAll(async () => {
  // A seed file as the CLI takes it, plus a second export added programmatically.
  sim = await startSimulator({ seedFile: join(FIXTURES, 'metadata/json/e2e_setup_metadata.json') });
  sim.seedMetadata(fixtureJson<MetadataExport>('metadata/json/e2e_aggregate_metadata.json'));
  sim.seedMetadata(fixtureJson<MetadataExport>('metadata/json/dataset_with_sections.json'));
  api = `${sim.url}/api`;
});
afterAll(async () => {
  await sim.close();
});

type Page = { pager?: Record<string, unknown> } & Record<string, unknown>;

async function list(path: string, headers: Record<string, string> = {}): Promise<Page> {
  const { status, body } = await getJson(`${api}${path}`, headers);
  expect(status, path).toBe(200);
  return body as Page;
}

describe('seeding', () => {
  it('indexes the seed file and later exports, and keeps DHIS2 default category objects', () => {
    const md = sim.state.metadata;
    expect(md.list('dataSets').map((ds) => ds['id'])).toEqual(['qNtxTrp56wV', 'VEM58nY22sO', 'em8Bg4LCr5k']);
    expect(md.get('categoryOptionCombos', 'HllvX50cXC0')?.['name']).toBe('default');
    expect(md.orgUnit('DiszpKrYNg8')).toMatchObject({ path: '/ImspTQPwCqd/O6uvpzGd5pu/YuQRtpLP10I/DiszpKrYNg8', level: 4 });
    expect(md.find('dataElements', { type: 'CODE' }, 'TA_GEN_EXT_FUND')?.['id']).toBe('tpz77FcntKx');
    expect(md.dataSetsOfElement('nHwIqKAudKN').map((ds) => ds.id)).toEqual(['em8Bg4LCr5k']);
  });

  it('lets /api/me show the org units the seed gives the user (roots by default)', async () => {
    const me = (await getJson(`${api}/me?fields=organisationUnits[id,name,level,path],dataViewOrganisationUnits[id]`)).body;
    expect(me).toEqual({
      organisationUnits: expect.arrayContaining([{ id: 'ImspTQPwCqd', name: 'Sierra Leone', level: 1, path: '/ImspTQPwCqd' }]) as unknown,
      dataViewOrganisationUnits: expect.arrayContaining([{ id: 'ImspTQPwCqd' }]) as unknown,
    });
  });

  it('takes organisationUnits and dataViewOrganisationUnits from a seed users entry with the same username', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dhis2-sim-md-'));
    try {
      const file = join(dir, 'seed.json');
      const seed = fixtureJson<Record<string, unknown>>('metadata/json/e2e_setup_metadata.json');
      seed['users'] = [
        {
          id: 'M5zQapPyTZI',
          userCredentials: { username: 'admin' },
          organisationUnits: [{ id: 'O6uvpzGd5pu' }],
          dataViewOrganisationUnits: [{ id: 'ImspTQPwCqd' }],
        },
      ];
      writeFileSync(file, JSON.stringify(seed));
      const other = await startSimulator({ seedFile: file });
      try {
        const me = (await getJson(`${other.url}/api/me?fields=organisationUnits[id,name],dataViewOrganisationUnits[id,name]`)).body;
        expect(me).toEqual({
          organisationUnits: [{ id: 'O6uvpzGd5pu', name: 'Bo' }],
          dataViewOrganisationUnits: [{ id: 'ImspTQPwCqd', name: 'Sierra Leone' }],
        });
        expect(other.state.users.get('importer')?.organisationUnits).toEqual(['ImspTQPwCqd']);
      } finally {
        await other.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /api/{type}', () => {
  it('pages by 50 with id and displayName by default, ordered by name, with DHIS2 2.41 pager links', async () => {
    const page = await list('/dataElements');
    expect(page.pager).toEqual({ page: 1, total: 79, pageSize: 50, nextPage: `${api}/dataElements?page=2`, pageCount: 2 });
    expect(Object.keys(page.pager ?? {})).toEqual(['page', 'total', 'pageSize', 'nextPage', 'pageCount']);
    const elements = page['dataElements'] as Record<string, unknown>[];
    expect(elements).toHaveLength(50);
    expect(Object.keys(elements[0] ?? {})).toEqual(['id', 'displayName']);
    const names = elements.map((e) => String(e['displayName']).toLowerCase());
    expect(names).toEqual([...names].sort());
    const last = await list('/dataElements?page=2');
    expect(last.pager).toEqual({ page: 2, total: 79, pageSize: 50, prevPage: `${api}/dataElements`, pageCount: 2 });
    expect(last['dataElements']).toHaveLength(29);
  });

  it('keeps the other parameters in the links and clamps the page', async () => {
    const page = await list('/dataElements.json?pageSize=10&page=3&fields=id&filter=name:like:TA');
    expect(page.pager).toMatchObject({
      page: 3,
      pageSize: 10,
      nextPage: `${api}/dataElements.json?page=4&pageSize=10&fields=id&filter=name%3Alike%3ATA`,
      prevPage: `${api}/dataElements.json?page=2&pageSize=10&fields=id&filter=name%3Alike%3ATA`,
    });
    const beyond = await list('/organisationUnits?page=9');
    expect(beyond.pager).toEqual({ page: 1, total: 6, pageSize: 50, pageCount: 1 });
    expect(beyond['organisationUnits']).toEqual([]);
  });

  it('returns everything without a pager for paging=false', async () => {
    const all = await list('/categoryOptionCombos?paging=false&fields=id');
    expect(all.pager).toBeUndefined();
    expect((all['categoryOptionCombos'] as unknown[]).length).toBe(sim.state.metadata.list('categoryOptionCombos').length);
  });

  it('expands nested selections through references, including the ones a data set sync asks for', async () => {
    const page = await list(
      '/dataSets?filter=id:eq:em8Bg4LCr5k&fields=id,name,periodType,categoryCombo[id],dataSetElements[dataElement[id,valueType],categoryCombo[id]],organisationUnits[id,path],attributeValues[value,attribute[id]]',
    );
    expect(page['dataSets']).toEqual([
      {
        id: 'em8Bg4LCr5k',
        name: 'Data Set',
        periodType: 'Monthly',
        categoryCombo: { id: 'bjDvmb4bfuf' },
        dataSetElements: [{ dataElement: { id: 'nHwIqKAudKN', valueType: 'NUMBER' } }, { dataElement: { id: 'VolAzjFe5zP', valueType: 'NUMBER' } }],
        organisationUnits: [{ id: 'x3gVvpbVgqy', path: '/x3gVvpbVgqy' }],
        attributeValues: [],
      },
    ]);
    const combos = await list('/categoryCombos?filter=id:eq:faV8QvLgIwB&fields=id,categories[id,categoryOptions[id,name]],categoryOptionCombos[id,name]');
    expect(combos['categoryCombos']).toEqual([
      {
        id: 'faV8QvLgIwB',
        categories: [
          {
            id: 'XJGLlMAMCcn',
            categoryOptions: [
              { id: 'JYiFOMKa25J', name: 'Female' },
              { id: 'tdaMRD34m8o', name: 'Male' },
            ],
          },
        ],
        categoryOptionCombos: expect.arrayContaining([{ id: 'J5uZylXMmbB', name: 'Female' }]) as unknown,
      },
    ]);
  });

  it('shows references as {"id"} under * and computes displayName, path, level and children', async () => {
    const page = await list('/organisationUnits?filter=id:eq:YuQRtpLP10I&fields=*');
    const unit = (page['organisationUnits'] as Record<string, unknown>[])[0] ?? {};
    expect(unit).toMatchObject({
      id: 'YuQRtpLP10I',
      displayName: 'Badjia',
      level: 3,
      path: '/ImspTQPwCqd/O6uvpzGd5pu/YuQRtpLP10I',
      parent: { id: 'O6uvpzGd5pu' },
    });
    expect(unit['children']).toEqual([{ id: 'DiszpKrYNg8' }, { id: 'g8upMTyEZGZ' }]);
  });

  it('filters with eq, in, like, ilike, !eq, null and nested paths, AND by default and OR with rootJunction', async () => {
    const ids = async (path: string) => ((await list(path))['organisationUnits'] as { id: string }[]).map((u) => u.id).sort();
    expect(await ids('/organisationUnits?filter=level:eq:4&fields=id')).toEqual(['DiszpKrYNg8', 'g8upMTyEZGZ']);
    expect(await ids('/organisationUnits?filter=id:in:[O6uvpzGd5pu,ImspTQPwCqd]&fields=id')).toEqual(['ImspTQPwCqd', 'O6uvpzGd5pu']);
    expect(await ids('/organisationUnits?filter=name:like:jand&fields=id')).toEqual(['g8upMTyEZGZ']);
    expect(await ids('/organisationUnits?filter=name:like:JAND&fields=id')).toEqual([]);
    expect(await ids('/organisationUnits?filter=name:ilike:JAND&fields=id')).toEqual(['g8upMTyEZGZ']);
    expect(await ids('/organisationUnits?filter=parent.id:eq:YuQRtpLP10I&filter=name:!eq:Ngelehun CHC&fields=id')).toEqual(['g8upMTyEZGZ']);
    expect(await ids('/organisationUnits?filter=parent:null&fields=id')).toEqual(['ImspTQPwCqd', 'x3gVvpbVgqy']);
    expect(await ids('/organisationUnits?filter=level:eq:1&filter=level:eq:2&rootJunction=OR&fields=id')).toEqual([
      'ImspTQPwCqd',
      'O6uvpzGd5pu',
      'x3gVvpbVgqy',
    ]);
    const des = (await list('/dataElements?filter=dataSetElements.dataSet.id:eq:em8Bg4LCr5k&fields=id'))['dataElements'];
    expect(des).toEqual([{ id: 'nHwIqKAudKN' }, { id: 'VolAzjFe5zP' }]);
  });

  it('orders by order=property:direction', async () => {
    const page = await list('/organisationUnits?order=level:desc,name:asc&fields=name,level');
    expect(page['organisationUnits']).toEqual([
      { name: 'Ngelehun CHC', level: 4 },
      { name: 'Njandama MCHP', level: 4 },
      { name: 'Badjia', level: 3 },
      { name: 'Bo', level: 2 },
      { name: 'Country', level: 1 },
      { name: 'Sierra Leone', level: 1 },
    ]);
  });

  it('answers a bad filter with DHIS2 400 messages', async () => {
    const unknown = await getJson(`${api}/dataElements?filter=nope:eq:1`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ httpStatusCode: 400, status: 'ERROR', message: 'Unknown path property: nope' });
    const operator = await getJson(`${api}/dataElements?filter=name:like_ish:1`);
    expect(operator.body).toMatchObject({ message: '`like_ish` is not a valid operator.' });
  });

  it('serves the other listed types: options, optionSets, attributes, organisationUnitLevels', async () => {
    expect((await list('/optionSets?fields=id,options[code]'))['optionSets']).toEqual([
      { id: 'ZGkmoWb77MW', options: [{ code: 'TA_NO' }, { code: 'TA_YES' }] },
    ]);
    expect((await list('/options?fields=code,optionSet[id]&order=code:asc'))['options']).toEqual([
      { code: 'TA_NO', optionSet: { id: 'ZGkmoWb77MW' } },
      { code: 'TA_YES', optionSet: { id: 'ZGkmoWb77MW' } },
    ]);
    expect((await list('/attributes'))['attributes']).toEqual([]);
    expect(((await list('/organisationUnitLevels?fields=level&order=level'))['organisationUnitLevels'] as unknown[]).length).toBeGreaterThan(0);
  });

  it('gzips a JSON answer for clients that accept it', async () => {
    const response = await fetch(`${api}/dataElements?paging=false&fields=*`, { headers: { Authorization: ADMIN_BASIC, 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('cache-control')).toBe('no-cache, private');
    const body = (await response.json()) as Record<string, unknown[]>;
    expect(body['dataElements']).toHaveLength(79);
  });
});

describe('GET /api/{type}/{id}', () => {
  it('gives the whole object by default and picks with fields', async () => {
    const de = (await getJson(`${api}/dataElements/tpz77FcntKx`)).body as Record<string, unknown>;
    expect(de).toMatchObject({
      id: 'tpz77FcntKx',
      code: 'TA_GEN_EXT_FUND',
      displayName: 'TA External funding',
      displayFormName: 'External funding',
      categoryCombo: { id: 'bjDvmb4bfuf' },
    });
    expect((await getJson(`${api}/dataElements/tpz77FcntKx.json?fields=id,categoryCombo[name],href`)).body).toEqual({
      id: 'tpz77FcntKx',
      categoryCombo: { name: 'default' },
      href: `${sim.url}/api/dataElements/tpz77FcntKx`,
    });
  });

  it('is a 404 WebMessage for an unknown id', async () => {
    const { status, body } = await getJson(`${api}/dataSets/abcdefghijk`);
    expect(status).toBe(404);
    expect(body).toEqual({
      httpStatus: 'Not Found',
      httpStatusCode: 404,
      status: 'ERROR',
      message: 'DataSet with id abcdefghijk could not be found.',
      errorCode: 'E1005',
    });
  });
});

describe('GET /api/metadata', () => {
  it('exports the selected types with the system block, owner fields by default', async () => {
    const body = (await getJson(`${api}/metadata?dataSets=true&optionSets=true`)).body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['system', 'dataSets', 'optionSets']);
    expect(body['system']).toMatchObject({ id: sim.state.systemId, version: '2.41.3' });
    expect((body['dataSets'] as unknown[]).length).toBe(3);
    // Default order: name, ignoring case.
    expect((body['dataSets'] as Record<string, unknown>[]).map((ds) => ds['id'])).toEqual(['em8Bg4LCr5k', 'qNtxTrp56wV', 'VEM58nY22sO']);
    expect((body['dataSets'] as Record<string, unknown>[])[0]).toEqual(sim.state.metadata.get('dataSets', 'em8Bg4LCr5k'));
  });

  it('applies fields, per-type fields and filters, and defaults=EXCLUDE', async () => {
    const body = (
      await getJson(
        `${api}/metadata?categoryCombos:fields=id,name&categoryCombos:filter=name:eq:default&dataElements=true&dataElements:filter=code:eq:TA_GEN_EXT_FUND&fields=id,code`,
      )
    ).body as Record<string, unknown>;
    expect(body['categoryCombos']).toEqual([{ id: 'bjDvmb4bfuf', name: 'default' }]);
    expect(body['dataElements']).toEqual([{ id: 'tpz77FcntKx', code: 'TA_GEN_EXT_FUND' }]);
    const noDefaults = (await getJson(`${api}/metadata?categoryCombos=true&defaults=EXCLUDE&fields=name`)).body as Record<string, unknown>;
    expect((noDefaults['categoryCombos'] as { name: string }[]).map((c) => c.name)).not.toContain('default');
  });

  it('exports .json.gz and .json.zip as downloads', async () => {
    const gz = await fetch(`${api}/metadata.json.gz?optionSets=true`, { headers: { Authorization: ADMIN_BASIC } });
    expect(gz.headers.get('content-type')).toBe('application/json+gzip');
    expect(gz.headers.get('content-disposition')).toBe('attachment; filename=metadata.json.gz');
    const fromGz = JSON.parse(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(fromGz)).toEqual(['system', 'optionSets']);
    const zip = await fetch(`${api}/metadata.json.zip?optionSets=true`, { headers: { Authorization: ADMIN_BASIC } });
    expect(zip.headers.get('content-disposition')).toBe('attachment; filename=metadata.json.zip');
    const archive = await yauzl.fromBufferPromise(Buffer.from(await zip.arrayBuffer()), { lazyEntries: true });
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      archive.once('entry', resolve);
      archive.once('error', reject);
      archive.readEntry();
    });
    expect(entry.fileName).toBe('metadata.json');
    archive.close();
  });
});
