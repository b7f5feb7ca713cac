import { gunzipSync } from 'node:zlib';
import * as yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, basic } from './test-support';
import { adxSeed, DEFAULT_COC, fixture, integrationSeed, postDataValues } from './test-seeds';

let sim: Simulator;
let api: string;

beforeAll(async () => {
  sim = await startSimulator();
  sim.seedMetadata(integrationSeed());
  api = `${sim.url}/api`;
  await postDataValues(sim, fixture('datavalues/dxf2-xml/dataValueSetB.xml'), 'application/xml');
  await postDataValues(sim, fixture('datavalues/dxf2-xml/dataValueSetACode.xml'), 'application/xml');
  // One soft-deleted value and one with a quote and a comma in its comment.
  await postDataValues(
    sim,
    JSON.stringify({
      dataValues: [
        { dataElement: 'deDDDDDDDDD', period: '201201', orgUnit: 'DiszpKrYNg8', value: '4', comment: 'said "hi", twice' },
        { dataElement: 'eY5ehpbEsB7', period: '201202', orgUnit: 'BdfsJfj87js', deleted: true },
      ],
    }),
    'application/json',
  );
});
afterAll(async () => {
  await sim.close();
});

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${api}${path}`, { headers: { Authorization: ADMIN_BASIC, ...headers } });
}

const LONG_GMT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;

describe('JSON', () => {
  it('writes a single data value set with its header, nulls included, as the 2.41 JsonDataValueSetWriter', async () => {
    const response = await get('/dataValueSets.json?dataSet=pBOMPrpg1QX&period=201201&orgUnit=DiszpKrYNg8');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-store, max-age=0, must-revalidate');
    const text = await response.text();
    expect(
      text.startsWith('{"dataSet":"pBOMPrpg1QX","completeDate":"2012-01-09T00:00:00.000+0000","period":"201201","orgUnit":"DiszpKrYNg8","dataValues":['),
    ).toBe(true);
    const body = JSON.parse(text) as { dataValues: Record<string, unknown>[] };
    expect(body.dataValues).toHaveLength(4);
    const first = body.dataValues[0] ?? {};
    expect(Object.keys(first)).toEqual([
      'dataElement',
      'period',
      'orgUnit',
      'categoryOptionCombo',
      'attributeOptionCombo',
      'value',
      'storedBy',
      'created',
      'lastUpdated',
      'comment',
      'followup',
    ]);
    expect(first).toMatchObject({
      dataElement: 'f7n9E0hX8qk',
      period: '201201',
      orgUnit: 'DiszpKrYNg8',
      categoryOptionCombo: DEFAULT_COC,
      attributeOptionCombo: DEFAULT_COC,
      value: '10001',
      storedBy: 'john',
      comment: 'comment',
      followup: false,
    });
    expect(first['created']).toMatch(LONG_GMT);
  });

  it('has no header for more than one org unit, and shows deleted values only with includeDeleted', async () => {
    const plain = (await (await get('/dataValueSets?dataSet=pBOMPrpg1QX&period=201202&orgUnit=DiszpKrYNg8,BdfsJfj87js')).json()) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(['dataValues']);
    expect(plain['dataValues']).toHaveLength(5);
    const all = (await (await get('/dataValueSets?dataSet=pBOMPrpg1QX&period=201202&orgUnit=DiszpKrYNg8&orgUnit=BdfsJfj87js&includeDeleted=true')).json()) as {
      dataValues: Record<string, unknown>[];
    };
    expect(all.dataValues).toHaveLength(6);
    expect(all.dataValues.filter((v) => v['deleted'] === true)).toEqual([expect.objectContaining({ dataElement: 'eY5ehpbEsB7', orgUnit: 'BdfsJfj87js' })]);
  });

  it('selects by data element, start and end dates, lastUpdated and limit, and writes codes with idScheme=CODE', async () => {
    const byDates = (await (
      await get('/dataValueSets?dataElement=f7n9E0hX8qk&startDate=2012-01-01&endDate=2012-01-31&orgUnit=OU_A&inputOrgUnitIdScheme=code&idScheme=CODE')
    ).json()) as {
      dataValues: Record<string, unknown>[];
    };
    expect(byDates.dataValues).toEqual([
      expect.objectContaining({
        dataElement: 'DE_A',
        orgUnit: 'OU_A',
        categoryOptionCombo: 'OC_DEF_CODE',
        attributeOptionCombo: 'OC_DEF_CODE',
        value: '10001',
      }),
    ]);
    const limited = (await (await get('/dataValueSets?dataSet=pBOMPrpg1QX&lastUpdated=2000-01-01&orgUnit=DiszpKrYNg8&limit=2')).json()) as {
      dataValues: unknown[];
    };
    expect(limited.dataValues).toHaveLength(2);
    const future = (await (await get('/dataValueSets?dataSet=pBOMPrpg1QX&lastUpdated=2999-01-01&orgUnit=DiszpKrYNg8')).json()) as { dataValues: unknown[] };
    expect(future.dataValues).toEqual([]);
  });

  it('streams large answers gzipped for Accept-Encoding: gzip', async () => {
    const response = await get('/dataValueSets?dataSet=pBOMPrpg1QX&period=201201&period=201202&orgUnit=DiszpKrYNg8', { 'Accept-Encoding': 'gzip' });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(((await response.json()) as { dataValues: unknown[] }).dataValues).toHaveLength(7);
  });
});

describe('XML and CSV', () => {
  it('writes DXF2 XML with attributes, followUp always and deleted only when true', async () => {
    const response = await get('/dataValueSets.xml?dataSet=pBOMPrpg1QX&period=201202&orgUnit=BdfsJfj87js&includeDeleted=true');
    expect(response.headers.get('content-type')).toBe('application/xml;charset=UTF-8');
    const text = await response.text();
    expect(
      text.startsWith(
        `<?xml version='1.0' encoding='UTF-8'?><dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" dataSet="pBOMPrpg1QX" period="201202" orgUnit="BdfsJfj87js">`,
      ),
    ).toBe(true);
    expect(text).toMatch(
      /<dataValue dataElement="f7n9E0hX8qk" period="201202" orgUnit="BdfsJfj87js" categoryOptionCombo="HllvX50cXC0" attributeOptionCombo="HllvX50cXC0" value="10004" storedBy="john" created="[^"]+\+0000" lastUpdated="[^"]+" comment="comment" followUp="false"\/>/,
    );
    expect(text).toMatch(/dataElement="eY5ehpbEsB7"[^>]*followUp="false" deleted="true"\/>/);
    expect(text.endsWith('</dataValueSet>')).toBe(true);
  });

  it('writes CSV with the constant header, javacsv quoting and "null" for rows that are not deleted', async () => {
    for (const path of [
      '/dataValueSets.csv?dataElement=deDDDDDDDDD&period=201201&orgUnit=DiszpKrYNg8',
      '/dataValueSets?dataElement=deDDDDDDDDD&period=201201&orgUnit=DiszpKrYNg8&format=csv',
    ]) {
      const response = await get(path);
      expect(response.headers.get('content-type')).toBe('application/csv;charset=UTF-8');
      const lines = (await response.text()).split('\n');
      expect(lines[0]).toBe('dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted');
      expect(lines[1]).toMatch(/^deDDDDDDDDD,201201,DiszpKrYNg8,HllvX50cXC0,HllvX50cXC0,4,admin,\d{4}-[^,]+\+0000,"said ""hi"", twice",false,null$/);
      expect(lines[2]).toBe('');
    }
  });

  it('compresses with compression=gzip|zip and names the attachment, with the dates when given', async () => {
    const gz = await get(
      '/dataValueSets.csv?dataSet=pBOMPrpg1QX&startDate=2012-01-01&endDate=2012-12-31&orgUnit=DiszpKrYNg8&compression=gzip&attachment=mine.csv.gz',
    );
    expect(gz.headers.get('content-disposition')).toBe('attachment; filename=mine_2012-01-01_2012-12-31.csv.gz');
    expect(gz.headers.get('content-transfer-encoding')).toBe('binary');
    const csv = gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8');
    expect(csv.split('\n').filter((line) => line.length > 0)).toHaveLength(1 + 7);
    const zip = await get('/dataValueSets.json?dataSet=pBOMPrpg1QX&period=201201&orgUnit=DiszpKrYNg8&compression=zip');
    expect(zip.headers.get('content-disposition')).toBe('attachment; filename=dataValues.json.zip');
    const archive = await yauzl.fromBufferPromise(Buffer.from(await zip.arrayBuffer()), { lazyEntries: true });
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      archive.once('entry', resolve);
      archive.once('error', reject);
      archive.readEntry();
    });
    expect(entry.fileName).toBe('dataValues.json');
    const stream = await archive.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    archive.close();
    expect((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { dataValues: unknown[] }).dataValues).toHaveLength(4);
    const attached = await get('/dataValueSets.json?dataSet=pBOMPrpg1QX&period=201201&orgUnit=DiszpKrYNg8&attachment=values');
    expect(attached.headers.get('content-disposition')).toBe('attachment; filename=values.json');
  });
});

describe('validation', () => {
  it('answers E2001 when no data element, data set or group is given', async () => {
    const response = await get('/dataValueSets?period=201201&orgUnit=DiszpKrYNg8');
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      httpStatus: 'Conflict',
      httpStatusCode: 409,
      status: 'ERROR',
      message: 'At least one data element, data set or data element group must be specified',
      errorCode: 'E2001',
    });
  });

  it('reports the last failing rule (DataValueSetService.validate overwrites), unknown ids as missing', async () => {
    const body = async (path: string) => (await (await get(path)).json()) as Record<string, unknown>;
    expect(await body('/dataValueSets')).toMatchObject({ errorCode: 'E2006' });
    expect(await body('/dataValueSets?dataSet=pBOMPrpg1QX&orgUnit=DiszpKrYNg8')).toMatchObject({ errorCode: 'E2002' });
    expect(await body('/dataValueSets?dataSet=nosuchset01&period=201201&orgUnit=DiszpKrYNg8')).toMatchObject({ errorCode: 'E2001' });
    expect(await body('/dataValueSets?dataSet=pBOMPrpg1QX&startDate=2013-01-01&endDate=2012-01-01&orgUnit=DiszpKrYNg8')).toMatchObject({ errorCode: 'E2004' });
    expect(await body('/dataValueSets?dataSet=pBOMPrpg1QX&lastUpdatedDuration=2w&orgUnit=DiszpKrYNg8')).toMatchObject({
      errorCode: 'E2005',
      message: 'Duration is not valid: `{0}`',
    });
    expect(await body('/dataValueSets?dataSet=pBOMPrpg1QX&period=201201&orgUnit=DiszpKrYNg8&limit=-1')).toMatchObject({
      errorCode: 'E2009',
      message: 'Limit cannot be less than zero: `-1`',
    });
  });

  it('refuses org units outside the data view hierarchy (E2012)', async () => {
    const response = await get('/dataValueSets?dataSet=pBOMPrpg1QX&period=201201&orgUnit=j7Hg26FpoIa');
    expect(await response.json()).toMatchObject({ httpStatusCode: 409, errorCode: 'E2012', message: 'User is not allowed to view org unit: `j7Hg26FpoIa`' });
    sim.state.users.set('viewer', {
      username: 'viewer',
      password: 'district',
      firstName: 'V',
      surname: 'Iewer',
      id: 'ViewerUid01',
      authorities: ['F_EXPORT_DATA'],
      organisationUnits: ['DiszpKrYNg8'],
      dataViewOrganisationUnits: ['j7Hg26FpoIa'],
    });
    try {
      const viewer = await get('/dataValueSets?dataSet=pBOMPrpg1QX&period=201201&orgUnit=j7Hg26FpoIa', { Authorization: basic('viewer', 'district') });
      expect(viewer.status).toBe(200);
    } finally {
      sim.state.users.delete('viewer');
    }
  });
});

describe('ADX', () => {
  let adx: Simulator;
  beforeAll(async () => {
    adx = await startSimulator();
    adx.seedMetadata(adxSeed());
    // AdxDataServiceIntegrationTest.testExport's four values.
    const values = [
      {
        dataElement: 'MalNummmmmm',
        period: '202001',
        orgUnit: 'P1233333333',
        categoryOptionCombo: 'FUnder55555',
        attributeOptionCombo: DEFAULT_COC,
        value: '1',
      },
      {
        dataElement: 'MalTexttttt',
        period: '202002',
        orgUnit: 'P1233333333',
        categoryOptionCombo: DEFAULT_COC,
        attributeOptionCombo: DEFAULT_COC,
        value: 'Some text',
      },
      {
        dataElement: 'MalNummmmmm',
        period: '202001',
        orgUnit: 'D4566666666',
        categoryOptionCombo: 'MOver555555',
        attributeOptionCombo: 'cocMcDonald',
        value: '2',
      },
      {
        dataElement: 'MalNummmmmm',
        period: '202001',
        orgUnit: 'D4566666666',
        categoryOptionCombo: 'FOver555555',
        attributeOptionCombo: 'cocPEPFARRR',
        value: '3',
      },
    ];
    const result = await postDataValues(adx, JSON.stringify({ dataValues: values }), 'application/json');
    expect(result.status).toBe(200);
  });
  afterAll(async () => {
    await adx.close();
  });

  /** AdxDataServiceIntegrationTest.adxGroups: lines trimmed and joined, then split at group tags. */
  function groups(text: string): Set<string> {
    return new Set(
      text
        .split('\n')
        .map((line) => line.trim())
        .join('')
        .split(/<\/*group/),
    );
  }

  const common = 'dataSet=MalariaDSSS&dataSet=MalariaMech&period=202001&period=202002&orgUnit=P1233333333';
  const cases: [string, string][] = [
    ['exportA.adx.xml', `${common}&dataElementIdScheme=NAME&categoryIdScheme=NAME&categoryOptionIdScheme=UID`],
    ['exportB.adx.xml', `${common}&dataSetIdScheme=NAME&orgUnitIdScheme=UID&dataElementIdScheme=UID&categoryOptionComboIdScheme=NAME&orgUnitGroup=ougAAAAAAAA`],
    ['exportC.adx.xml', `${common}&dataSetIdScheme=UID&orgUnitIdScheme=NAME&categoryIdScheme=UID&categoryOptionIdScheme=NAME&children=true`],
    [
      'exportD.adx.xml',
      `${common}&dataSetIdScheme=UID&orgUnitIdScheme=NAME&categoryIdScheme=UID&categoryOptionIdScheme=NAME&children=true&attributeOptionCombo=cocMcDonald`,
    ],
  ];
  for (const [file, query] of cases) {
    it(`writes the groups of ${file}`, async () => {
      const response = await fetch(`${adx.url}/api/dataValueSets.adx.xml?${query}`, { headers: { Authorization: ADMIN_BASIC } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/adx+xml;charset=UTF-8');
      expect(groups(await response.text())).toEqual(groups(fixture(`datavalues/adx/${file}`).toString('utf8')));
    });
  }

  it('is chosen by Accept: application/adx+xml too, and round-trips through the ADX import', async () => {
    const response = await fetch(`${adx.url}/api/dataValueSets?${common}&children=true`, {
      headers: { Authorization: ADMIN_BASIC, Accept: 'application/adx+xml' },
    });
    const text = await response.text();
    expect(text.startsWith('<adx xmlns="urn:ihe:qrph:adx:2015"><group dataSet="MalariaDS" period="2020-01-01/P1M" orgUnit="123">')).toBe(true);
    const again = await postDataValues(adx, text, 'application/adx+xml');
    expect((again.body['response'] as { importCount: unknown }).importCount).toEqual({ imported: 0, updated: 0, ignored: 4, deleted: 0 });
  });
});
