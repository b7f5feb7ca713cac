import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorsOf, IMPORTER_BASIC, mdFixture, mdFixtureJson, postMetadata, reportOf } from './md-test-support';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, getJson } from './test-support';

let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator();
  // The user group the de_* fixtures share with, as dhis2-core's ObjectBundleServiceTest.defaultSetup creates it.
  sim.seedMetadata({ userGroups: [{ id: 'ugabcdefghA', name: 'UserGroupA' }] });
});
afterEach(async () => {
  await sim.close();
});

const json = (name: string) => mdFixture(`metadata/json/${name}`);

function ids(type: string): string[] {
  return sim.state.metadata.list(type).map((object) => String(object['id']));
}

describe('fixtures DHIS2 imports without errors', () => {
  it.each([
    ['dataset_with_sections.json', 16],
    ['simple_metadata.json', 8],
    ['metadata_with_indicators.json', 11],
    ['category_and_categorycombo.json', 43],
    ['metadata_no_defaults.json', 6],
    ['ou_with_levels.json', 4],
    ['e2e_ou_with_group_and_set.json', 4],
    ['cat_model_expected_cocs.json', 11],
  ])('%s: 200 OK, %i created, stored', async (name, created) => {
    const posted = await postMetadata(sim, json(name));
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ httpStatus: 'OK', httpStatusCode: 200, status: 'OK' });
    expect(posted.body['message']).toBeUndefined();
    const report = reportOf(posted);
    expect(report.responseType).toBe('ImportReport');
    expect(report.status).toBe('OK');
    expect(report.stats).toEqual({ created, updated: 0, deleted: 0, ignored: 0, total: created });
    expect(errorsOf(report)).toEqual([]);
    // importReportMode=ERRORS (the default) keeps no object reports without errors.
    expect(report.typeReports.every((type) => type.objectReports.length === 0)).toBe(true);
  });

  it('counts a second import of the same file as updates, and the default category objects not at all', async () => {
    await postMetadata(sim, json('dataset_with_sections.json'));
    const again = reportOf(await postMetadata(sim, json('dataset_with_sections.json')));
    expect(again.stats).toEqual({ created: 0, updated: 16, deleted: 0, ignored: 0, total: 16 });
    const cocs = reportOf(await postMetadata(sim, json('cat_model_expected_cocs.json')));
    expect(cocs.stats.created).toBe(11);
    const withDefault = reportOf(await postMetadata(sim, { categoryCombos: [{ id: 'bjDvmb4bfuf', name: 'default', dataDimensionType: 'DISAGGREGATION' }] }));
    // DefaultObjectBundleValidationService.cleanDefaults removes it; the type report counts nothing and is cleaned away.
    expect(withDefault).toMatchObject({ status: 'OK', stats: { total: 0 }, typeReports: [] });
  });

  it('de_create_and_update1 then 2: 4 created, then 1 created and 4 updated', async () => {
    expect(reportOf(await postMetadata(sim, json('de_create_and_update1.json'))).stats).toMatchObject({ created: 4, updated: 0 });
    expect(reportOf(await postMetadata(sim, json('de_create_and_update2.json'))).stats).toMatchObject({ created: 1, updated: 4, total: 5 });
    expect(ids('dataElements')).toEqual(expect.arrayContaining(['deabcdefghA', 'deabcdefghE']));
  });

  it('resolves a parent that is already stored (orgunit_create_with_persisted_parent)', async () => {
    sim.seedMetadata({ organisationUnits: [{ id: 'ImspTQPwCqd', name: 'Sierra Leone', shortName: 'Sierra Leone', openingDate: '1994-01-01T00:00:00.000' }] });
    const report = reportOf(await postMetadata(sim, json('orgunit_create_with_persisted_parent.json'), 'importStrategy=CREATE'));
    expect(report).toMatchObject({ status: 'OK', stats: { created: 2 } });
    expect(sim.state.metadata.orgUnit('B8eJEMldsP7')).toMatchObject({ path: '/ImspTQPwCqd/bFzxXwTkSWA/B8eJEMldsP7', level: 3 });
  });
});

describe('imported objects are the server metadata from then on', () => {
  it('shows them in collection and single endpoints, the metadata export, and data value imports accept them', async () => {
    // admin's capture unit, with the fixture's country below it.
    sim.seedMetadata({ organisationUnits: [{ id: 'ImspTQPwCqd', name: 'Sierra Leone', shortName: 'Sierra Leone', openingDate: '1994-01-01T00:00:00.000' }] });
    const payload = mdFixtureJson('metadata/json/dataset_with_sections.json');
    const units = payload['organisationUnits'] as Record<string, unknown>[];
    if (units[0]) units[0]['parent'] = { id: 'ImspTQPwCqd' };
    expect((await postMetadata(sim, payload)).status).toBe(200);
    const de = (await getJson(`${sim.url}/api/dataElements/VolAzjFe5zP?fields=id,name,categoryCombo[id]`)).body;
    expect(de).toEqual({ id: 'VolAzjFe5zP', name: 'Value with CC', categoryCombo: { id: 'faV8QvLgIwB' } });
    const list = (await getJson(`${sim.url}/api/dataSets?fields=id,dataSetElements[dataElement[id]]&paging=false`)).body as Record<string, unknown>;
    expect(list['dataSets']).toEqual([
      { id: 'em8Bg4LCr5k', dataSetElements: [{ dataElement: { id: 'nHwIqKAudKN' } }, { dataElement: { id: 'VolAzjFe5zP' } }] },
    ]);
    const exported = (await getJson(`${sim.url}/api/metadata?sections=true`)).body as Record<string, unknown>;
    expect((exported['sections'] as unknown[]).length).toBe(2);
    const stored = sim.state.metadata.get('dataElements', 'VolAzjFe5zP') ?? {};
    expect(stored['lastUpdatedBy']).toEqual({ id: 'M5zQapPyTZI' });
    expect(stored['created']).toBe('2016-03-08T07:30:58.416+0000');
    expect(sim.state.metadata.orgUnit('x3gVvpbVgqy')?.path).toBe('/ImspTQPwCqd/x3gVvpbVgqy');

    const dv = await fetch(`${sim.url}/api/dataValueSets`, {
      method: 'POST',
      headers: { Authorization: ADMIN_BASIC, 'Content-Type': 'application/json' },
      body: JSON.stringify({ dataValues: [{ dataElement: 'nHwIqKAudKN', period: '201601', orgUnit: 'x3gVvpbVgqy', value: '5' }] }),
    });
    const dvBody = (await dv.json()) as { response: { status: string; importCount: { imported: number } } };
    expect(dvBody.response).toMatchObject({ status: 'SUCCESS', importCount: { imported: 1 } });
  });

  it('adds the default category combo to a data element that names none', async () => {
    await postMetadata(sim, json('de_create_and_update1.json'));
    expect(sim.state.metadata.get('dataElements', 'deabcdefghA')?.['categoryCombo']).toEqual({ id: 'bjDvmb4bfuf' });
  });
});

describe('errors and atomicMode', () => {
  it('de_validate2 (CREATE, VALIDATE): three E4000 and one E5002, with display names, nothing stored', async () => {
    const posted = await postMetadata(sim, json('de_validate2.json'), 'importStrategy=CREATE&importMode=VALIDATE');
    expect(posted.status).toBe(409);
    expect(posted.body).toMatchObject({
      httpStatus: 'Conflict',
      httpStatusCode: 409,
      status: 'WARNING',
      message: 'One or more errors occurred, please see full details in import report.',
    });
    const report = reportOf(posted);
    const errors = errorsOf(report);
    expect(errors.filter((e) => e.errorCode === 'E4000').map((e) => e.errorProperty)).toEqual(['valueType', 'domainType', 'valueType']);
    const reference = errors.find((e) => e.errorCode === 'E5002');
    expect(reference).toEqual({
      message: 'Invalid reference [pQYCiuosBnZ] (OptionSet) on object Yebo [cNkTt6mJQyO] (DataElement) for association `optionSet`',
      args: ['[pQYCiuosBnZ] (OptionSet)', 'Yebo [cNkTt6mJQyO] (DataElement)', 'optionSet'],
      mainKlass: 'org.hisp.dhis.dataelement.DataElement',
      errorCode: 'E5002',
      mainId: 'cNkTt6mJQyO',
      errorProperty: 'optionSet',
      errorProperties: ['[pQYCiuosBnZ] (OptionSet)', 'Yebo [cNkTt6mJQyO] (DataElement)', 'optionSet'],
    });
    expect(errors[0]).toEqual({
      message: 'Missing required property `valueType`',
      args: ['valueType'],
      mainKlass: 'org.hisp.dhis.dataelement.DataElement',
      errorCode: 'E4000',
      errorKlass: 'org.hisp.dhis.common.ValueType',
      errorProperty: 'valueType',
      errorProperties: ['valueType'],
    });
    // VALIDATE returns the report uncleaned: display names stay.
    expect(report.typeReports[0]?.objectReports.map((o) => [o.index, o.uid, o.displayName])).toEqual([
      [0, 'uf3svrmp8Oj', 'Birth certificate'],
      [1, 'ulD2zW0TIy2', 'Documentation'],
      [2, 'cNkTt6mJQyO', 'Yebo'],
    ]);
    // Two objects failed the schema check, the reference error counts one more under ALL, the third object becomes ignored too.
    expect(report.stats).toEqual({ created: 0, updated: 0, deleted: 0, ignored: 4, total: 4 });
    expect(ids('dataElements')).toEqual([]);
  });

  it('de_duplicate_uid: E5004 for the second object; ALL stores nothing, NONE stores the first', async () => {
    const all = reportOf(await postMetadata(sim, json('de_duplicate_uid.json')));
    expect(all.status).toBe('ERROR');
    expect(errorsOf(all)).toEqual([
      {
        message:
          'Id `CCwk5Yx440o` for type `class org.hisp.dhis.dataelement.DataElement` exists on more than 1 object in the payload, removing all but the first found',
        args: ['CCwk5Yx440o', 'class org.hisp.dhis.dataelement.DataElement'],
        mainKlass: 'org.hisp.dhis.dataelement.DataElement',
        errorCode: 'E5004',
        mainId: 'CCwk5Yx440o',
        errorProperty: 'id',
        errorProperties: ['CCwk5Yx440o', 'org.hisp.dhis.dataelement.DataElement'],
      },
    ]);
    expect(all.typeReports[0]?.objectReports[0]?.index).toBe(1);
    expect(ids('dataElements')).toEqual([]);

    const none = await postMetadata(sim, json('de_duplicate_uid.json'), 'atomicMode=NONE');
    expect(none.status).toBe(409);
    expect(reportOf(none)).toMatchObject({ status: 'WARNING', stats: { created: 1, ignored: 1, total: 2 } });
    expect(sim.state.metadata.get('dataElements', 'CCwk5Yx440o')?.['name']).toBe('DataElementB');
  });

  it('de_duplicate_code with NONE: E5003 names the first object, which alone is stored', async () => {
    const report = reportOf(await postMetadata(sim, json('de_duplicate_code.json'), 'atomicMode=NONE'));
    expect(report.status).toBe('WARNING');
    expect(errorsOf(report)[0]).toMatchObject({
      errorCode: 'E5003',
      message: 'Property `code` with value `DataElementCodeA` on object DataElementB [CCwk5Yx440o] (DataElement) already exists on object SG4HuKlNEFH',
      mainId: 'SG4HuKlNEFH',
      errorProperty: 'code',
    });
    expect(ids('dataElements')).toEqual(['SG4HuKlNEFH']);
  });

  it('a clash with a stored object is E5003 too', async () => {
    await postMetadata(sim, json('de_create_and_update1.json'));
    const clash = {
      ...mdFixtureJson<{ dataElements: Record<string, unknown>[] }>('metadata/json/de_create_and_update1.json').dataElements[0],
      id: 'deabcdefghZ',
    };
    const report = reportOf(await postMetadata(sim, { dataElements: [clash] }));
    // In the order of the schema's property HashMap: name, shortName, code.
    expect(errorsOf(report).map((e) => [e.errorCode, e.errorProperty, e.mainId])).toEqual([
      ['E5003', 'name', 'deabcdefghA'],
      ['E5003', 'shortName', 'deabcdefghA'],
      ['E5003', 'code', 'deabcdefghA'],
    ]);
  });

  it('atomicMode NONE stores the valid objects and the one with a bad reference without it', async () => {
    const payload = {
      dataElements: [
        { id: 'deGoodAAAAA', name: 'Good', shortName: 'Good', valueType: 'NUMBER', domainType: 'AGGREGATE', aggregationType: 'SUM' },
        {
          id: 'deBadRefAAA',
          name: 'Bad ref',
          shortName: 'Bad ref',
          valueType: 'NUMBER',
          domainType: 'AGGREGATE',
          aggregationType: 'SUM',
          optionSet: { id: 'nosuchset01' },
          legendSets: [{ id: 'nosuchlegnd' }],
        },
        { id: 'deNoNameAAA', shortName: 'No name', valueType: 'NUMBER', domainType: 'AGGREGATE', aggregationType: 'SUM' },
      ],
    };
    const report = reportOf(await postMetadata(sim, payload, 'atomicMode=NONE'));
    expect(report.status).toBe('WARNING');
    expect(report.stats).toEqual({ created: 2, updated: 0, deleted: 0, ignored: 1, total: 3 });
    const codes = report.typeReports[0]?.objectReports.map((o) => [o.index, o.errorReports.map((e) => `${e.errorCode}:${e.errorProperty ?? ''}`)]);
    expect(codes).toEqual([
      [1, ['E5002:optionSet', 'E5002:legendSet']],
      [2, ['E4000:name']],
    ]);
    expect(errorsOf(report)[1]).toMatchObject({ errorKlass: 'org.hisp.dhis.legend.LegendSet', mainId: 'deBadRefAAA' });
    expect(ids('dataElements').sort()).toEqual(['deBadRefAAA', 'deGoodAAAAA']);
    const stored = sim.state.metadata.get('dataElements', 'deBadRefAAA') ?? {};
    expect(stored['optionSet']).toBeUndefined();
    expect(stored['legendSets']).toEqual([]);
  });

  it('references inside the payload resolve; a data set element pointing nowhere is reported the 2.41 way', async () => {
    const dataset = mdFixtureJson('metadata/json/dataset_with_sections.json');
    const dataSets = dataset['dataSets'] as Record<string, unknown>[];
    const first = dataSets[0] ?? {};
    first['dataSetElements'] = [{ dataElement: { id: 'missingDE01' }, dataSet: { id: first['id'] } }];
    const report = reportOf(await postMetadata(sim, dataset));
    expect(report.status).toBe('ERROR');
    const error = errorsOf(report)[0];
    expect(error).toMatchObject({ errorCode: 'E5002', mainKlass: 'org.hisp.dhis.dataset.DataSetElement' });
    expect(error?.message).toMatch(
      /^Invalid reference Property\{klass=class org\.hisp\.dhis\.dataelement\.DataElement.*\} on object \{1\} for association `\{2\}`$/,
    );
    expect(ids('dataSets')).toEqual([]);
  });

  it('E4014 for an invalid uid, E4001 for a name that is too long', async () => {
    const payload = {
      dataElements: [
        { id: '1abc', name: 'A', shortName: 'A', valueType: 'NUMBER', domainType: 'AGGREGATE', aggregationType: 'SUM' },
        { id: 'deLongNameA', name: 'x'.repeat(1231), shortName: 'L', valueType: 'NUMBER', domainType: 'AGGREGATE', aggregationType: 'SUM' },
      ],
    };
    const errors = errorsOf(reportOf(await postMetadata(sim, payload)));
    expect(errors.map((e) => e.message)).toEqual([
      'Invalid UID `1abc` for property `DataElement`',
      'Maximum length of property `name`is 230, but given length was 1,231',
    ]);
    expect(errors[1]).toMatchObject({ args: ['name', '230', '1231'], errorProperties: ['name', 230, 1231], errorKlass: 'java.lang.String' });
  });

  it('an object without id gets one; the same object under identifier=CODE later keeps it', async () => {
    const created = reportOf(await postMetadata(sim, json('org_unit_code_id.json'), 'identifier=CODE&importStrategy=CREATE&importReportMode=FULL'));
    const uid = created.typeReports[0]?.objectReports[0]?.uid ?? '';
    expect(uid).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/);
    const update = { organisationUnits: [{ code: 'org-unit-1', name: 'org-unit-1-new-name', shortName: 'org-unit-1', openingDate: '2020-01-01' }] };
    const updated = reportOf(await postMetadata(sim, update, 'identifier=CODE&importStrategy=UPDATE'));
    expect(updated.stats).toMatchObject({ updated: 1, total: 1 });
    expect(sim.state.metadata.list('organisationUnits').map((ou) => [ou['id'], ou['name']])).toEqual([[uid, 'org-unit-1-new-name']]);
  });

  it('identifier=CODE matches references by code; a reference with only an id does not resolve', async () => {
    await postMetadata(sim, json('de_create_and_update1.json'));
    const groups = {
      dataElementGroups: [
        { name: 'By code', shortName: 'By code', code: 'G1', dataElements: [{ code: 'DECA' }] },
        { name: 'By id', shortName: 'By id', code: 'G2', dataElements: [{ id: 'deabcdefghB' }] },
      ],
    };
    const report = reportOf(await postMetadata(sim, groups, 'identifier=CODE&atomicMode=NONE'));
    expect(errorsOf(report).map((e) => e.message)).toEqual([
      'Invalid reference [null] (DataElement) on object By id [G2] (DataElementGroup) for association `dataElement`',
    ]);
    const byCode = sim.state.metadata.find('dataElementGroups', { type: 'CODE' }, 'G1');
    expect(byCode?.['dataElements']).toEqual([{ code: 'DECA' }]);
  });
});

describe('import strategies', () => {
  beforeEach(async () => {
    await postMetadata(sim, json('de_create_and_update1.json'));
  });

  it('CREATE of stored objects: E5000 about the stored object, indexed after the payload', async () => {
    const report = reportOf(await postMetadata(sim, json('de_create_and_update2.json'), 'importStrategy=CREATE&importMode=VALIDATE'));
    expect(report.status).toBe('ERROR');
    const reports = report.typeReports[0]?.objectReports ?? [];
    expect(reports.map((o) => o.index)).toEqual([5, 6, 7, 8]);
    expect(reports[0]?.errorReports[0]).toMatchObject({
      errorCode: 'E5000',
      message: 'Found matching object for reference, but import mode is CREATE. Identifier was UID, and object was DEA [deabcdefghA] (DataElement).',
      mainId: 'deabcdefghA',
      args: ['UID', 'DEA [deabcdefghA] (DataElement)'],
    });
    expect(report.stats).toEqual({ created: 0, updated: 0, deleted: 0, ignored: 5, total: 5 });
  });

  it('UPDATE of a missing object: E5001 with errorProperty id', async () => {
    const report = reportOf(await postMetadata(sim, json('de_create_and_update2.json'), 'importStrategy=UPDATE&atomicMode=NONE'));
    expect(report.status).toBe('WARNING');
    expect(report.stats).toMatchObject({ updated: 4, ignored: 1 });
    expect(errorsOf(report)).toEqual([
      {
        message: 'No matching object for reference. Identifier was UID, and object was DEE [deabcdefghE] (DataElement).',
        args: ['UID', 'DEE [deabcdefghE] (DataElement)'],
        mainKlass: 'org.hisp.dhis.dataelement.DataElement',
        errorCode: 'E5001',
        mainId: 'deabcdefghE',
        errorProperty: 'id',
        errorProperties: ['UID', 'DEE [deabcdefghE] (DataElement)'],
      },
    ]);
    expect(ids('dataElements')).not.toContain('deabcdefghE');
  });

  it('DELETE by uid (de_simple_delete_uid) and by code (de_simple_delete_code)', async () => {
    const byUid = await postMetadata(sim, json('de_simple_delete_uid.json'), 'importStrategy=DELETE');
    expect(byUid.status).toBe(200);
    expect(reportOf(byUid).stats).toEqual({ created: 0, updated: 0, deleted: 3, ignored: 0, total: 3 });
    expect(ids('dataElements')).toEqual(['deabcdefghB']);

    sim.seedMetadata({
      dataElements: ['A', 'B', 'C', 'D'].map((letter) => ({
        id: `deCode0000${letter}`,
        code: `DataElementCode${letter}`,
        name: `By code ${letter}`,
        shortName: `By code ${letter}`,
        valueType: 'NUMBER',
        domainType: 'AGGREGATE',
        aggregationType: 'SUM',
      })),
    });
    const byCode = reportOf(await postMetadata(sim, json('de_simple_delete_code.json'), 'importStrategy=DELETE&identifier=CODE'));
    expect(byCode.stats.deleted).toBe(3);
    expect(sim.state.metadata.list('dataElements').map((de) => de['code'])).toEqual(['DECB', 'DataElementCodeD']);
  });

  it('DELETE of a missing object is E5001; ALL deletes nothing then', async () => {
    const report = reportOf(await postMetadata(sim, { dataElements: [{ id: 'deabcdefghA' }, { id: 'deabcdefghX' }] }, 'importStrategy=DELETE'));
    expect(report.status).toBe('ERROR');
    expect(errorsOf(report).map((e) => [e.errorCode, e.mainId])).toEqual([['E5001', 'deabcdefghX']]);
    expect(report.stats).toEqual({ created: 0, updated: 0, deleted: 0, ignored: 2, total: 2 });
    expect(ids('dataElements')).toContain('deabcdefghA');
  });

  it('DELETE of a data element with data values: E4030 at commit, counted ignored, the others go', async () => {
    sim.seedMetadata({ organisationUnits: [{ id: 'ImspTQPwCqd', name: 'Sierra Leone', shortName: 'Sierra Leone', openingDate: '1994-01-01T00:00:00.000' }] });
    const payload = mdFixtureJson('metadata/json/dataset_with_sections.json');
    const units = payload['organisationUnits'] as Record<string, unknown>[];
    if (units[0]) units[0]['parent'] = { id: 'ImspTQPwCqd' };
    await postMetadata(sim, payload);
    const dv = await fetch(`${sim.url}/api/dataValueSets`, {
      method: 'POST',
      headers: { Authorization: ADMIN_BASIC, 'Content-Type': 'application/json' },
      body: JSON.stringify({ dataValues: [{ dataElement: 'nHwIqKAudKN', period: '201601', orgUnit: 'x3gVvpbVgqy', value: '5' }] }),
    });
    expect(dv.status).toBe(200);
    const posted = await postMetadata(sim, { dataElements: [{ id: 'nHwIqKAudKN' }, { id: 'deabcdefghA' }] }, 'importStrategy=DELETE&importReportMode=FULL');
    expect(posted.status).toBe(409);
    const report = reportOf(posted);
    expect(report).toMatchObject({ status: 'WARNING', stats: { deleted: 1, ignored: 1, total: 2 } });
    expect(errorsOf(report)).toEqual([
      {
        message: 'Object could not be deleted because it is associated with another object: DataValue',
        args: [],
        mainKlass: 'org.hisp.dhis.dataelement.DataElement',
        errorCode: 'E4030',
        errorProperties: [],
      },
    ]);
    expect(ids('dataElements')).toContain('nHwIqKAudKN');
    expect(ids('dataElements')).not.toContain('deabcdefghA');
  });

  it('deleting a data element takes it out of the data sets and sections that listed it', async () => {
    await postMetadata(sim, json('dataset_with_sections.json'));
    expect(reportOf(await postMetadata(sim, { dataElements: [{ id: 'VolAzjFe5zP' }] }, 'importStrategy=DELETE')).stats.deleted).toBe(1);
    const dataSet = sim.state.metadata.get('dataSets', 'em8Bg4LCr5k') ?? {};
    expect(JSON.stringify(dataSet['dataSetElements'])).toContain('nHwIqKAudKN');
    expect(JSON.stringify(dataSet['dataSetElements'])).not.toContain('VolAzjFe5zP');
    const sections = sim.state.metadata.list('sections').map((section) => section['dataElements']);
    expect(sections).toEqual([[{ id: 'nHwIqKAudKN' }], []]);
  });

  it('the legacy strategy names parse but find no validation chain: 500 as in 2.41', async () => {
    const posted = await postMetadata(sim, json('de_create_and_update2.json'), 'importStrategy=NEW_AND_UPDATES');
    expect(posted.status).toBe(500);
    expect(posted.body).toMatchObject({ status: 'ERROR', message: 'Cannot invoke "java.util.List.iterator()" because "validationChecks" is null' });
    // An unknown value falls back to CREATE_AND_UPDATE.
    expect(reportOf(await postMetadata(sim, json('de_create_and_update2.json'), 'importStrategy=create_and_update')).stats).toMatchObject({
      created: 1,
      updated: 4,
    });
  });
});

describe('modes and reports', () => {
  it('importMode=VALIDATE counts but stores nothing', async () => {
    const report = reportOf(await postMetadata(sim, json('dataset_with_sections.json'), 'importMode=VALIDATE'));
    expect(report).toMatchObject({ status: 'OK', stats: { created: 16 } });
    expect(ids('dataSets')).toEqual([]);
  });

  it('importReportMode FULL lists every object without display names; DEBUG adds them', async () => {
    const full = reportOf(await postMetadata(sim, json('de_create_and_update1.json'), 'importReportMode=FULL'));
    expect(full.typeReports[0]?.objectReports).toEqual([
      { klass: 'org.hisp.dhis.dataelement.DataElement', index: 0, uid: 'deabcdefghA', errorReports: [] },
      { klass: 'org.hisp.dhis.dataelement.DataElement', index: 1, uid: 'deabcdefghB', errorReports: [] },
      { klass: 'org.hisp.dhis.dataelement.DataElement', index: 2, uid: 'deabcdefghC', errorReports: [] },
      { klass: 'org.hisp.dhis.dataelement.DataElement', index: 3, uid: 'deabcdefghD', errorReports: [] },
    ]);
    const debug = reportOf(await postMetadata(sim, json('de_create_and_update1.json'), 'importReportMode=DEBUG'));
    expect(debug.typeReports[0]?.objectReports[0]).toEqual({
      klass: 'org.hisp.dhis.dataelement.DataElement',
      index: 0,
      uid: 'deabcdefghA',
      displayName: 'DEA',
      errorReports: [],
    });
  });

  it('skipValidation for a superuser commits without counting anything (2.41 behaviour)', async () => {
    const report = reportOf(await postMetadata(sim, json('de_validate2.json'), 'skipValidation=true'));
    expect(report).toMatchObject({ status: 'OK', stats: { total: 0 }, typeReports: [] });
    expect(ids('dataElements')).toHaveLength(3);
  });

  it('skipSharing keeps the stored sharing on update', async () => {
    await postMetadata(sim, json('de_create_and_update1.json'));
    const payload = mdFixtureJson<{ dataElements: Record<string, unknown>[] }>('metadata/json/de_create_and_update1.json');
    const publicAccess = () => (sim.state.metadata.get('dataElements', 'deabcdefghA')?.['sharing'] as Record<string, unknown>)['public'];
    expect(publicAccess()).toBe('--------');
    for (const de of payload.dataElements) de['sharing'] = { public: 'rw------', external: false, users: {}, userGroups: {} };
    await postMetadata(sim, payload, 'skipSharing=true');
    expect(publicAccess()).toBe('--------');
    await postMetadata(sim, payload);
    expect(publicAccess()).toBe('rw------');
  });

  it('a user without the create authorities gets E3000 per object', async () => {
    const posted = await postMetadata(sim, json('de_create_and_update1.json'), '', { auth: IMPORTER_BASIC });
    const errors = errorsOf(reportOf(posted));
    expect(errors).toHaveLength(4);
    expect(errors[0]?.message).toMatch(/^User `.*\[[A-Za-z0-9]{11}\] \(User\)` is not allowed to create objects of type DEA \[deabcdefghA\] \(DataElement\)$/);
    expect(ids('dataElements')).toEqual([]);
  });

  it('answers /api/37 with the bare ImportReport, importParams included', async () => {
    const posted = await postMetadata(sim, json('de_create_and_update1.json'), 'importReportMode=FULL&atomicMode=NONE', { path: '/api/37/metadata' });
    expect(posted.status).toBe(200);
    expect(Object.keys(posted.body)).toEqual(['importParams', 'status', 'stats', 'typeReports']);
    expect(posted.body['importParams']).toEqual({
      userOverrideMode: 'NONE',
      importMode: 'COMMIT',
      identifier: 'UID',
      preheatMode: 'REFERENCE',
      importStrategy: 'CREATE_AND_UPDATE',
      atomicMode: 'NONE',
      flushMode: 'AUTO',
      importReportMode: 'FULL',
      skipSharing: false,
      skipTranslation: false,
      skipValidation: false,
      metadataSyncImport: false,
      async: false,
      firstRowIsHeader: true,
    });
  });
});

describe('request handling', () => {
  it('a sharing entry for an unknown user group is E5002 on userGroupAccesses', async () => {
    const de = { id: 'deSharedAAA', name: 'Shared', shortName: 'Shared', valueType: 'NUMBER', domainType: 'AGGREGATE', aggregationType: 'SUM' };
    const sharing = { public: 'rw------', external: false, users: {}, userGroups: { ugNoSuchGrp: { id: 'ugNoSuchGrp', access: 'r-------' } } };
    const report = reportOf(await postMetadata(sim, { dataElements: [{ ...de, sharing }] }));
    expect(errorsOf(report)).toEqual([
      {
        message: 'Invalid reference [ugNoSuchGrp] (UserGroup) on object Shared [deSharedAAA] (DataElement) for association `userGroupAccesses`',
        args: ['[ugNoSuchGrp] (UserGroup)', 'Shared [deSharedAAA] (DataElement)', 'userGroupAccesses'],
        mainKlass: 'org.hisp.dhis.dataelement.DataElement',
        errorCode: 'E5002',
        errorProperties: ['[ugNoSuchGrp] (UserGroup)', 'Shared [deSharedAAA] (DataElement)', 'userGroupAccesses'],
      },
    ]);
    expect((await postMetadata(sim, { dataElements: [{ ...de, sharing }] }, 'skipSharing=true')).status).toBe(200);
  });

  it('rejects XML with Spring 415 (XML metadata import was removed in 2.39) and other types too', async () => {
    const xml = await postMetadata(sim, mdFixture('metadata/xml/render_metadata.xml'), '', { contentType: 'application/xml' });
    expect(xml.status).toBe(415);
    expect(xml.body).toEqual({
      httpStatus: 'Unsupported Media Type',
      httpStatusCode: 415,
      status: 'ERROR',
      message: "Content type 'application/xml' not supported",
    });
    expect((await postMetadata(sim, 'a,b', '', { contentType: 'text/csv' })).status).toBe(415);
  });

  it('409 with Jackson wording for malformed JSON; an empty body imports nothing', async () => {
    const bad = await postMetadata(sim, '{"dataElements": [ {"id": "x",, } ]}');
    expect(bad.status).toBe(409);
    expect(bad.body).toMatchObject({ httpStatus: 'Conflict', status: 'ERROR' });
    expect(bad.body['message']).toBe(
      "Unexpected character (',' (code 44))\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 31]",
    );
    const truncated = await postMetadata(sim, '{"dataElements": [');
    expect(String(truncated.body['message'])).toMatch(/^Unexpected end-of-input\n at \[Source: REDACTED .*line: 1, column: 19\]$/);
    const empty = await postMetadata(sim, '');
    expect(reportOf(empty)).toMatchObject({ status: 'OK', stats: { total: 0 }, typeReports: [] });
  });

  it('reads gzip and zip JSON bodies; skips keys that are not metadata types', async () => {
    const body = gzipSync(Buffer.from(JSON.stringify({ ...mdFixtureJson('metadata/json/de_create_and_update1.json'), system: { id: 'x' }, nonsense: [1] })));
    expect(reportOf(await postMetadata(sim, body)).stats.created).toBe(4);
  });

  it('userOverrideMode=SELECTED without overrideUser is a 409', async () => {
    const posted = await postMetadata(sim, '{}', 'userOverrideMode=SELECTED');
    expect(posted.status).toBe(409);
    expect(posted.body['message']).toBe('UserOverrideMode.SELECTED is enabled, but overrideUser parameter does not point to a valid user.');
  });

  it('needs a login', async () => {
    const response = await fetch(`${sim.url}/api/metadata`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
      body: '{}',
    });
    expect(response.status).toBe(401);
  });
});
