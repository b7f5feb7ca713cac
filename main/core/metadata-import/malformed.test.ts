import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flattenErrors } from '../../../shared/import-report';
import type { ImportMetadataParamsInput } from '../../../shared/metadata-import';
import { scratchDir } from '../formats/test-support';
import { METADATA_ERROR_CODES } from './messages';
import { inspectMetadataFile } from './open-file';
import { dataElementFixture, defaultsExport, indexFromExport, metadataFixture } from './testing';
import type { MetadataIndex } from '../metadata/index';

/** Hostile and broken files: each is an answer for the page (where and why), never a crash or a false error. */

let dir: ReturnType<typeof scratchDir>;
beforeEach(() => (dir = scratchDir()));
afterEach(() => dir.remove());

const SHA = 'a'.repeat(64);

async function inspect(
  name: string,
  content: string | Buffer,
  params: ImportMetadataParamsInput = {},
  index: MetadataIndex | null = indexFromExport(defaultsExport()),
) {
  writeFileSync(dir.file(name), content);
  return inspectMetadataFile({ pathOf: () => dir.file(name), has: () => true, indexFor: () => index }, { sha256: SHA, name }, params, null);
}

describe('files that cannot be read', () => {
  it('broken JSON: the line and column of the mistake', async () => {
    const text = '{\n  "dataElements": [\n    {"id": "DeAaaaaaaa1", "name": "A",, "shortName": "A"}\n  ]\n}\n';
    const result = await inspect('broken.json', text);
    expect(result.check).toBeNull();
    expect(result.error).toMatchObject({ code: 'JSON_SYNTAX', line: 3 });
    expect(result.error!.column).toBeGreaterThan(30);
    expect(result.error!.message).toMatch(/^"broken\.json" line 3, column \d+: this is not valid JSON/);
  });

  it('a JSON file cut off in the middle says it may have been cut off', async () => {
    const result = await inspect('cut.json', JSON.stringify({ dataElements: [dataElementFixture({})] }, null, 2).slice(0, 80));
    expect(result.error).toMatchObject({ code: 'JSON_SYNTAX' });
    expect(result.error!.message).toMatch(/cut off/);
  });

  it('a JSON list, a data value file, an empty file: said in words', async () => {
    expect((await inspect('list.json', '[{"id": "x"}]')).error).toMatchObject({ code: 'JSON_NOT_METADATA', line: 1 });
    const values = await inspect('values.json', '{"dataSet": "pBOMPrpg1QX", "dataValues": []}');
    expect(values.error).toMatchObject({ code: 'NOT_METADATA', field: 'dataValues' });
    expect(values.error!.message).toMatch(/data value file: import it on the Data import page/);
    expect((await inspect('empty.json', '', { format: 'json' })).error).toMatchObject({ code: 'EMPTY_FILE' });
  });

  it('a collection that is not a list of objects names the collection and line', async () => {
    const result = await inspect('wrong.json', '{\n "dataElements": [\n  "DeAaaaaaaa1"\n ]\n}');
    expect(result.error).toMatchObject({ code: 'JSON_WRONG_TYPE', line: 3, field: 'dataElements' });
  });

  it('XML with a DOCTYPE is refused before any entity can expand', async () => {
    const bomb =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>\n<metadata><dataElements><dataElement id="DeAaaaaaaa1" name="&lol2;"/></dataElements></metadata>';
    const result = await inspect('bomb.xml', bomb);
    expect(result.error).toMatchObject({ code: 'XML_DOCTYPE', line: 2 });
  });

  it('GML and DXF2 data values are sent to their own pages', async () => {
    const gml =
      '<?xml version="1.0" encoding="utf-8" ?>\n<ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" xmlns:gml="http://www.opengis.net/gml"><gml:featureMember/></ogr:FeatureCollection>';
    const geo = await inspect('districts.gml', gml);
    expect(geo.error).toMatchObject({ code: 'NOT_METADATA', line: 2 });
    expect(geo.error!.message).toMatch(/GML \(organisation unit geometry\): import it on the Org unit geometry import page/);
    const dxf = await inspect('values.xml', '<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"><dataValue/></dataValueSet>');
    expect(dxf.error!.message).toMatch(/data value file \(DXF2\)/);
  });

  it('CSV without a class key asks for one', async () => {
    const result = await inspect('units.csv', readFileSync(metadataFixture('csv', 'organisationUnits.csv')));
    expect(result.format).toBeNull();
    expect(result.error).toMatchObject({ code: 'CSV_CLASS_KEY', field: 'classKey' });
  });

  it('a zip whose entry climbs out of it, and a gzip bomb, are stopped by the shared guards', async () => {
    const zip = new JSZip();
    zip.file('../metadata.json', JSON.stringify({ dataElements: [dataElementFixture({})] }), { createFolders: false });
    const evil = await inspect('metadata.json.zip', await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect(evil.error).toMatchObject({ code: 'ZIP_UNSAFE_NAME' });
    const bomb = await inspect('metadata.json.gz', gzipSync(Buffer.concat([Buffer.from('{"dataElements": ['), Buffer.alloc(64 * 1024 * 1024, 0x20)])));
    expect(bomb.error).toMatchObject({ code: 'COMPRESSION_BOMB' });
  });

  it('nesting 100,000 levels deep is refused as it is read, naming the place and line, in JSON and XML alike', async () => {
    const depth = 100_000;
    const json = `{"dataElements": [\n${JSON.stringify(dataElementFixture({})).slice(0, -1)}, "description": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}]}`;
    const deepJson = await inspect('deep.json', json);
    expect(deepJson.check).toBeNull();
    expect(deepJson.error).toMatchObject({ code: 'TOO_DEEPLY_NESTED', line: 2, field: 'dataElements[0].description.a.a.a…' });
    expect(deepJson.error!.message).toMatch(/^"deep\.json" line 2: dataElements\[0\]\.description\.a\.a\.a… nests more than 1,000 levels deep/);
    const xml = `<metadata><dataElements>\n<dataElement id="DeAaaaaaaa1" name="A"><description>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</description></dataElement></dataElements></metadata>`;
    const deepXml = await inspect('deep.xml', xml);
    expect(deepXml.check).toBeNull();
    expect(deepXml.error).toMatchObject({ code: 'TOO_DEEPLY_NESTED', line: 2, field: 'dataElements/dataElement/description/a/a…' });
    // A header value (outside the collections) is held to the same limit.
    const header = await inspect('header.json', `{"system": ${'['.repeat(depth)}${']'.repeat(depth)}, "dataElements": []}`);
    expect(header.error).toMatchObject({ code: 'TOO_DEEPLY_NESTED', field: 'system[0][0][0][0]…' });
  });

  it('nesting up to the limit is read, so files with deep but bounded values still import', async () => {
    const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    // Root, collection and object are three levels: the value may take the rest.
    const fits = await inspect('fits.json', `{"dataElements": [${JSON.stringify(dataElementFixture({})).slice(0, -1)}, "description": ${deep(997)}}]}`);
    expect(fits.error).toBeNull();
    const over = await inspect('over.json', `{"dataElements": [${JSON.stringify(dataElementFixture({})).slice(0, -1)}, "description": ${deep(998)}}]}`);
    expect(over.error).toMatchObject({ code: 'TOO_DEEPLY_NESTED' });
  });

  it('reads a gzipped and a zipped export like the plain file', async () => {
    const text = JSON.stringify({ dataElements: [dataElementFixture({})] });
    const zip = new JSZip();
    zip.file('metadata.json', text);
    for (const [name, content] of [
      ['m.json.gz', gzipSync(Buffer.from(text))],
      ['m.json.zip', await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })],
    ] as const) {
      const result = await inspect(name, content);
      expect(result.error, name).toBeNull();
      expect(result.check!.preview.items, name).toEqual([
        { type: 'dataElements', id: 'DeAaaaaaaa1', code: null, name: 'ANC visits', action: 'create', line: 1 },
      ]);
    }
  });
});

describe('objects DHIS2 would refuse', () => {
  const file = (elements: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => JSON.stringify({ dataElements: elements, ...extra }, null, 2);

  it('an invalid UID on a new object: E4014 with DHIS2 wording', async () => {
    const result = await inspect('uid.json', file([dataElementFixture({ id: 'abc' })]));
    const errors = flattenErrors(result.check!.report);
    expect(errors.map(({ error }) => error.message)).toEqual(['Invalid UID `abc` for property `DataElement`']);
    expect(errors[0]!.object).toMatchObject({ uid: 'abc', index: 0, line: 3, klass: 'org.hisp.dhis.dataelement.DataElement' });
  });

  it('an unresolved reference: E5002 names the object, the property and the missing id, on the object line', async () => {
    const result = await inspect(
      'ref.json',
      file([dataElementFixture({}), dataElementFixture({ id: 'DeBbbbbbbb2', name: 'B', shortName: 'B', categoryCombo: { id: 'NoSuchCombo' } })]),
    );
    const errors = flattenErrors(result.check!.report);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toEqual({
      message: 'Invalid reference [NoSuchCombo] (CategoryCombo) on object B [DeBbbbbbbb2] (DataElement) for association `categoryCombo`',
      mainKlass: 'org.hisp.dhis.dataelement.DataElement',
      mainId: 'DeBbbbbbbb2',
      errorProperty: 'categoryCombo',
      errorProperties: ['[NoSuchCombo] (CategoryCombo)', 'B [DeBbbbbbbb2] (DataElement)', 'categoryCombo'],
      errorCode: 'E5002',
      args: ['[NoSuchCombo] (CategoryCombo)', 'B [DeBbbbbbbb2] (DataElement)', 'categoryCombo'],
    });
    expect(errors[0]!.object.line).toBe(11);
    expect(result.check!.report.status).toBe('ERROR');
    // As DHIS2 counts: both objects, plus one for the type whose references failed under atomicMode ALL.
    expect(result.check!.report.stats).toMatchObject({ created: 0, ignored: 3, total: 3 });
    expect(result.check!.preview.types[0]).toMatchObject({ total: 2, ignore: 2 });
  });

  it('references to objects later in the same file resolve', async () => {
    const result = await inspect(
      'later.json',
      file([dataElementFixture({ categoryCombo: { id: 'CcAaaaaaaa1' } })], { categoryCombos: [{ id: 'CcAaaaaaaa1', name: 'Sex', categories: [] }] }),
    );
    expect(flattenErrors(result.check!.report)).toEqual([]);
  });

  it('a reference to a type the offline copy does not hold is a note, never an error', async () => {
    // A copy synced before legend sets were kept.
    const result = await inspect(
      'legend.json',
      file([dataElementFixture({ legendSets: [{ id: 'LegendSet01' }] })]),
      {},
      indexFromExport(defaultsExport(), 'server', null),
    );
    expect(flattenErrors(result.check!.report)).toEqual([]);
    expect(result.check!.unchecked).toBe(1);
    // DHIS2 refuses the object (E5002) when the legend set is missing: that it will be created is not known.
    expect(result.check!.preview.types[0]).toMatchObject({ total: 1, create: 0, unknown: 1 });
    expect(result.check!.report.stats).toMatchObject({ created: 0, updated: 0 });
    expect(result.check!.notes[0]).toMatch(/^No error was found, but not everything could be checked offline/);
    expect(result.check!.notes).toContain(
      '1 object is in no count of the report: whether the server already has it, or has what it refers to, cannot be told offline, so neither can what DHIS2 does with it.',
    );
    expect(result.check!.notes).toContain(
      'Cannot check references to legend sets offline (the offline metadata does not hold legend sets): 1 reference to 1 object not in this file (LegendSet01). The server checks them.',
    );
  });

  it('without offline metadata, only the file is checked, and it says so', async () => {
    const result = await inspect('alone.json', file([dataElementFixture({ categoryCombo: { id: 'CcAaaaaaaa1' } })]), {}, null);
    expect(flattenErrors(result.check!.report)).toEqual([]);
    expect(result.check!.metadataLabel).toBeNull();
    expect(result.check!.preview.items[0]!.action).toBe('create-or-update');
    expect(result.check!.notes[0]).toMatch(/no offline metadata for this server, so only the file itself was checked/);
  });

  it('duplicate ids (anywhere in the file) and duplicate codes', async () => {
    const result = await inspect(
      'dupes.json',
      file([
        dataElementFixture({ code: 'ANC' }),
        dataElementFixture({ id: 'DeBbbbbbbb2', name: 'B', shortName: 'B', code: 'ANC' }),
        dataElementFixture({ name: 'C', shortName: 'C' }),
      ]),
      { atomicMode: 'NONE' },
    );
    const errors = flattenErrors(result.check!.report).map(({ object, error }) => [object.index, error.errorCode, error.errorProperty]);
    expect(errors).toEqual([
      [1, 'E5003', 'code'],
      [2, 'E5004', 'id'],
    ]);
    expect(result.check!.report.status).toBe('WARNING');
  });

  it('missing and over-long required fields', async () => {
    const result = await inspect(
      'fields.json',
      file([{ id: 'DeAaaaaaaa1', valueType: 'NUMBER', domainType: 'AGGREGATE', aggregationType: 'SUM', shortName: 'x'.repeat(51) }]),
    );
    expect(flattenErrors(result.check!.report).map(({ error }) => error.message)).toEqual([
      'Missing required property `name`',
      'Maximum length of property `shortName`is 50, but given length was 51',
    ]);
  });

  it('CREATE of an object the server has, UPDATE of one it has not', async () => {
    const index = indexFromExport({ ...defaultsExport(), dataElements: [dataElementFixture({})] });
    const create = await inspect('c.json', file([dataElementFixture({})]), { importStrategy: 'CREATE' }, index);
    expect(flattenErrors(create.check!.report)[0]!.error.message).toBe(
      'Found matching object for reference, but import mode is CREATE. Identifier was UID, and object was ANC visits [DeAaaaaaaa1] (DataElement).',
    );
    const update = await inspect('u.json', file([dataElementFixture({ id: 'DeBbbbbbbb2', name: 'B', shortName: 'B' })]), { importStrategy: 'UPDATE' }, index);
    expect(flattenErrors(update.check!.report)[0]!.error.errorCode).toBe('E5001');
  });

  it('a name already used on the server clashes (E5003), the object itself does not', async () => {
    const index = indexFromExport({ ...defaultsExport(), dataElements: [dataElementFixture({})] });
    const same = await inspect('same.json', file([dataElementFixture({ shortName: 'Other' })]), {}, index);
    expect(flattenErrors(same.check!.report)).toEqual([]);
    expect(same.check!.preview.items[0]!.action).toBe('update');
    const other = await inspect('other.json', file([dataElementFixture({ id: 'DeBbbbbbbb2', shortName: 'Other' })]), {}, index);
    expect(flattenErrors(other.check!.report).map(({ error }) => error.message)).toEqual([
      'Property `name` with value `ANC visits` on object ANC visits [DeBbbbbbbb2] (DataElement) already exists on object DeAaaaaaaa1',
    ]);
  });

  it('unknown collections are named as DHIS2 ignores them', async () => {
    const result = await inspect('unknown.json', file([dataElementFixture({})], { dataElementz: [{ id: 'x' }] }));
    expect(result.check!.notes).toContain('"dataElementz" (1 object) is not a DHIS2 metadata type this app knows; DHIS2 ignores collections it does not know.');
  });

  it('CSV values DHIS2 would cut are named with their line', async () => {
    const result = await inspect('long.csv', `name,uid,code,shortname\nBanana,,BANANA,${'s'.repeat(60)}\n`, { format: 'csv', classKey: 'CATEGORY_OPTION' });
    expect(result.check!.notes).toContain(`Line 2: the short name is longer than 50 characters; DHIS2 cuts it to "${'s'.repeat(50)}".`);
  });
});

describe('messages', () => {
  it('are DHIS2 2.41 ErrorCode templates, verbatim', () => {
    const tsv = readFileSync(metadataFixture('..', 'reference', 'error_codes_2.41.tsv'), 'utf8');
    const templates = new Map(tsv.split('\n').map((line) => line.split('\t') as [string, string]));
    for (const [code, template] of Object.entries(METADATA_ERROR_CODES)) expect(template, code).toBe(templates.get(code));
  });
});
