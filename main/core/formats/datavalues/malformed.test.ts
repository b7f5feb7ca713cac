import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { DataValueFormat } from '../../datavalues/types';
import { FormatError } from '../format-error';
import { openInput } from '../open-input';
import { collect, failure, readUntilFailure, scratchDir } from '../test-support';
import { MAX_ROW_CHARS } from './csv-rows';
import { readDataValues } from './read';

/** A source over text held in memory, opened afresh for every pass like a file on disk. */
function fromText(text: string | Buffer, format: DataValueFormat, options: { firstRowIsHeader?: boolean } = {}) {
  return readDataValues(() => Readable.from([typeof text === 'string' ? Buffer.from(text, 'utf8') : text]), { format, fileName: 'upload', ...options });
}

async function valuesOf(text: string, format: DataValueFormat, options: { firstRowIsHeader?: boolean } = {}) {
  return collect((await fromText(text, format, options)).values());
}

async function brokenAfter(text: string, format: DataValueFormat) {
  return readUntilFailure((await fromText(text, format)).values());
}

describe('DXF2 JSON', () => {
  it('throws at the line where the JSON breaks, after handing over the values before it', async () => {
    const text = [
      '{',
      '  "dataValues": [',
      '    {"dataElement": "a", "period": "202401", "orgUnit": "o", "value": "1"},',
      '    {"dataElement": "b", "period": "202401", "orgUnit": "o", "value": "2"}',
      '    {"dataElement": "c", "period": "202401", "orgUnit": "o", "value": "3"}',
      '  ]',
      '}',
    ].join('\n');
    const { items, error } = await brokenAfter(text, 'json');
    expect(items.map((r) => [r.dataElement, r.line])).toEqual([
      ['a', 3],
      ['b', 4],
    ]);
    expect(error).toBeInstanceOf(FormatError);
    expect(error).toMatchObject({
      code: 'JSON_SYNTAX',
      file: 'upload',
      line: 5,
      message: expect.stringMatching(/^"upload" line 5: this is not valid JSON \(expected ','\)/),
    });
  });

  it('points at the line of a value that is missing, even when the parser only notices later', async () => {
    const text = '{"dataValues": [\n  {"dataElement": "a", "value": "1"},\n  {"dataElement": "b", "value":\n     }\n]}\n';
    const { items, error } = await brokenAfter(text, 'json');
    expect(items).toHaveLength(1);
    expect(error).toMatchObject({ code: 'JSON_SYNTAX', line: 4 });
  });

  it('says when a file ends in the middle', async () => {
    const { items, error } = await brokenAfter('{"dataValues": [\n{"dataElement": "a", "value": "1"},\n{"dataElement": "b", "val', 'json');
    expect(items).toHaveLength(1);
    expect(error).toMatchObject({ code: 'JSON_SYNTAX', line: 3, message: expect.stringContaining('ends in the middle') });
  });

  it('refuses JSON that is not a data value set, and text that is not JSON', async () => {
    expect(await failure(() => fromText('\n[{"dataElement": "a"}]', 'json'))).toMatchObject({ code: 'JSON_NOT_A_DATA_VALUE_SET', line: 2 });
    const { error } = await brokenAfter('dataelement,period\nabc,202401\n', 'json');
    expect(error).toMatchObject({ code: 'JSON_SYNTAX', line: 1 });
  });

  it('refuses a value of the wrong shape, naming line and field, as Jackson would', async () => {
    const object = await brokenAfter('{"dataValues": [\n{"dataElement": "a", "value": "1"},\n{"dataElement": "b",\n "value": {"x": 1}}]}', 'json');
    expect(object.items).toHaveLength(1);
    expect(object.error).toMatchObject({
      code: 'JSON_WRONG_TYPE',
      line: 4,
      field: 'value',
      message: expect.stringContaining('"value" must be text, not an object'),
    });
    const flag = await brokenAfter('{"dataValues": [{"dataElement": "a", "followup": "yes"}]}', 'json');
    expect(flag.error).toMatchObject({ code: 'JSON_WRONG_TYPE', field: 'followup' });
    expect(await failure(() => fromText('{"dataSet": ["x"], "dataValues": []}', 'json'))).toMatchObject({ code: 'JSON_WRONG_TYPE', field: 'dataSet' });
    expect((await brokenAfter('{"dataValues": ["a"]}', 'json')).error).toMatchObject({ code: 'JSON_WRONG_TYPE', field: 'dataValues' });
  });

  it('converts numbers and booleans to text as written, empty strings to null, and takes followup or followUp', async () => {
    const values = await valuesOf(
      JSON.stringify({
        dataValues: [
          { dataElement: 'a', value: 12, comment: '', followUp: true, deleted: 'TRUE', unknown: { nested: [1, { deep: true }] } },
          { dataElement: 'b', value: true, followup: false, followUp: true, storedBy: 7 },
          { dataElement: 'c', value: null, followup: 1, deleted: 0 },
        ],
        unknownRootKey: [{ dataValues: [] }],
      }).replace('"value":12', '"value":1.50'),
      'json',
    );
    expect(values.map((r) => [r.dataElement, r.value, r.comment, r.followup, r.deleted, r.storedBy])).toEqual([
      ['a', '1.50', null, true, true, null],
      ['b', 'true', null, false, null, '7'],
      ['c', null, null, true, false, null],
    ]);
  });

  it('reads set-level keys that come after the values', async () => {
    const source = await fromText(
      '{"dataValues": [{"dataElement": "a", "value": "1"}], "dataSet": "ds", "completeDate": "2024-02-01", "period": "202401", "orgUnit": "ou", ' +
        '"attributeOptionCombo": "aoc", "attributeCategoryOptions": ["o1", "o2"], "idScheme": "CODE", "orgUnitIdScheme": "UID", "dryRun": "true", "strategy": "DELETE"}',
      'json',
    );
    expect(source.header).toEqual({
      dataSet: 'ds',
      completeDate: '2024-02-01',
      period: '202401',
      orgUnit: 'ou',
      attributeOptionCombo: 'aoc',
      attributeCategoryOptions: ['o1', 'o2'],
      idSchemes: { idScheme: 'CODE', orgUnitIdScheme: 'UID' },
      dryRun: true,
      importStrategy: 'DELETE',
    });
    expect(await collect(source.values())).toHaveLength(1);
  });

  it('refuses a UTF-16 file with advice', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"dataValues":[]}', 'utf16le')]);
    expect(await failure(() => fromText(utf16, 'json'))).toMatchObject({ code: 'UNSUPPORTED_ENCODING', message: expect.stringContaining('UTF-8') });
  });
});

describe('CSV', () => {
  const header = 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted';

  it('throws at the line of a quote that is never closed, after the values before it', async () => {
    const text = [header, 'a,202401,o,,,1', 'b,202401,o,,,2,,,"two', 'lines"', 'c,202401,o,,,3,,,"never closed', 'd,202401,o,,,4', 'e,202401,o,,,5'].join('\n');
    const { items, error } = await brokenAfter(text, 'csv');
    expect(items.map((r) => [r.dataElement, r.line, r.comment])).toEqual([
      ['a', 2, null],
      ['b', 3, 'two\nlines'],
    ]);
    expect(error).toMatchObject({ code: 'CSV_QUOTES', file: 'upload', line: 5, message: expect.stringContaining('closing quote (") is missing') });
  });

  it('gives up on a runaway quote without holding the rest of a large file in memory', async () => {
    const rows = [header, 'a,202401,o,,,1', 'b,202401,o,,,"2'];
    const filler = 'c,202401,o,,,3\n'.repeat(Math.ceil((MAX_ROW_CHARS * 1.5) / 15));
    const { items, error } = await brokenAfter(rows.join('\n') + '\n' + filler, 'csv');
    expect(items).toHaveLength(1);
    expect(error).toMatchObject({ code: 'CSV_QUOTES', line: 3 });
  });

  it('refuses text after a closing quote', async () => {
    const { items, error } = await brokenAfter(`${header}\na,202401,o,,,1\nb,202401,o,,,"2"x,,\n`, 'csv');
    expect(items).toHaveLength(1);
    expect(error).toMatchObject({ code: 'CSV_QUOTES', line: 3 });
  });

  it('reports a row with too few columns with its line and what is missing', async () => {
    const positional = await brokenAfter('de,pe,ou,coc,aoc,value\na,202401,o,,,1\n\nb,202401,o,2\n', 'csv');
    expect(positional.items).toHaveLength(1);
    expect(positional.error).toMatchObject({ code: 'CSV_TOO_FEW_COLUMNS', line: 4, field: 'value', message: expect.stringContaining('column 6') });
    const byName = await brokenAfter('dataElement,period,orgUnit,comment,value\na,202401,o,c,1\nb,202401,o\n', 'csv');
    expect(byName.error).toMatchObject({ code: 'CSV_TOO_FEW_COLUMNS', line: 3, field: 'value', message: expect.stringContaining('puts value in column 5') });
  });

  it('handles a byte order mark, CRLF, blank and empty-cell rows, and counts quoted line breaks', async () => {
    const text =
      '\uFEFF' + [header, 'a,202401,o,,,1,,,"multi\r\nline\r\ncomment",TRUE,', '', '   ', ',,,,,,', 'b,202401,o,,,"2",,,,yes,true', '', ''].join('\r\n');
    const source = await fromText(text, 'csv');
    expect(source.columnMode).toBe('by-name');
    const values = await collect(source.values());
    expect(values.map((r) => [r.index, r.line, r.dataElement, r.value, r.comment, r.followup, r.deleted])).toEqual([
      [0, 2, 'a', '1', 'multi\r\nline\r\ncomment', true, null],
      [1, 8, 'b', '2', null, false, true],
    ]);
  });

  it('reads files with old Mac line ends', async () => {
    const values = await valuesOf([header, 'a,202401,o,,,1', 'b,202401,o,,,2'].join('\r'), 'csv');
    expect(values.map((r) => [r.dataElement, r.line])).toEqual([
      ['a', 2],
      ['b', 3],
    ]);
  });

  it('finds columns by name in any order and case, with the old abbreviations', async () => {
    const source = await fromText(
      'Value,ORGUNIT,period,DataElement,catoptcombo,attroptcombo,strby,lstupd,cmt,followUp\n5,o,202401,a,coc,aoc,me,2024-01-02,hi,true\n',
      'csv',
    );
    expect(source.columnMode).toBe('by-name');
    expect(await collect(source.values())).toEqual([
      {
        index: 0,
        line: 2,
        dataElement: 'a',
        period: '202401',
        orgUnit: 'o',
        categoryOptionCombo: 'coc',
        attributeOptionCombo: 'aoc',
        value: '5',
        storedBy: 'me',
        created: null,
        lastUpdated: '2024-01-02',
        comment: 'hi',
        followup: true,
        deleted: null,
      },
    ]);
  });

  it('reads the word null as no value by name (2.43) but as text by position (2.41)', async () => {
    const byName = await valuesOf(`${header}\na,202401,o,null,,null,,,null\n`, 'csv');
    expect(byName[0]).toMatchObject({ categoryOptionCombo: null, value: null, comment: null });
    const byPosition = await valuesOf('a,202401,o,null,,null,,,null\n', 'csv', { firstRowIsHeader: false });
    expect(byPosition[0]).toMatchObject({ categoryOptionCombo: 'null', value: 'null', comment: 'null' });
  });

  it('reads by position when told the first row is data, even if it looks like a header', async () => {
    const source = await fromText(`${header}\na,202401,o,,,1\n`, 'csv', { firstRowIsHeader: false });
    expect(source.columnMode).toBe('positional');
    expect((await collect(source.values())).map((r) => r.dataElement)).toEqual(['dataelement', 'a']);
  });

  it('gives no values for an empty file', async () => {
    const source = await fromText('', 'csv');
    expect(source.columnMode).toBe('positional');
    expect(await collect(source.values())).toEqual([]);
  });
});

describe('DXF2 XML', () => {
  it('throws at the line where the XML stops being well-formed, after the values before it', async () => {
    const text = [
      '<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0">',
      '  <dataValue dataElement="a" period="202401" orgUnit="o" value="1"/>',
      '  <dataValue dataElement="b" period="202401"',
      '     orgUnit="o" value="2"/>',
      '  <dataValue dataElement="c" value="3"></dataValues>',
      '</dataValueSet>',
    ].join('\n');
    const { items, error } = await brokenAfter(text, 'xml');
    expect(items.map((r) => [r.dataElement, r.line])).toEqual([
      ['a', 2],
      ['b', 3],
      ['c', 5],
    ]);
    expect(error).toMatchObject({ code: 'XML_SYNTAX', line: 5, message: expect.stringContaining('"upload" line 5: the XML is not well-formed') });
  });

  it('gives each value the line of its "<", also when the tag name ends the line', async () => {
    const values = await valuesOf(
      '<dataValueSet>\n<dataValue\n  dataElement="a" value="1"/>\n  <dataValue dataElement="b"\nvalue="2"/><dataValue\r\ndataElement="c"/>\n</dataValueSet>',
      'xml',
    );
    expect(values.map((r) => [r.dataElement, r.line])).toEqual([
      ['a', 2],
      ['b', 4],
      ['c', 5],
    ]);
  });

  it('refuses any DOCTYPE: entity bombs and external entities are never expanded', async () => {
    const laughs =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;">\n]>\n<dataValueSet><dataValue value="&lol2;"/></dataValueSet>';
    expect(await failure(() => fromText(laughs, 'xml'))).toMatchObject({ code: 'XML_DOCTYPE', line: 5 });
    const external = '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<dataValueSet><dataValue comment="&xxe;"/></dataValueSet>';
    expect(await failure(() => fromText(external, 'xml'))).toMatchObject({ code: 'XML_DOCTYPE', line: 1 });
    expect(await failure(() => fromText(external, 'adx'))).toMatchObject({ code: 'XML_DOCTYPE' });
  });

  it('refuses an entity that is not one of XML’s own, with its line', async () => {
    const { items, error } = await brokenAfter(
      '<dataValueSet>\n<dataValue dataElement="a" value="&amp;1"/>\n<dataValue dataElement="b" comment="&nbsp;"/>\n</dataValueSet>',
      'xml',
    );
    expect(items.map((r) => r.value)).toEqual(['&1']);
    expect(error).toMatchObject({ code: 'XML_SYNTAX', line: 3 });
  });

  it('says what a file with another root is', async () => {
    expect(await failure(() => fromText('<metadata/>', 'xml'))).toMatchObject({
      code: 'XML_NOT_A_DATA_VALUE_SET',
      message: expect.stringContaining('<metadata>'),
    });
    expect(await failure(() => fromText('<adx xmlns="urn:ihe:qrph:adx:2015"/>', 'xml'))).toMatchObject({ message: expect.stringContaining('ADX format') });
    expect(await failure(() => fromText('<?xml version="1.0" encoding="ISO-8859-1"?><dataValueSet/>', 'xml'))).toMatchObject({ code: 'UNSUPPORTED_ENCODING' });
  });

  it('reports a file cut off in the middle at its last line', async () => {
    const { items, error } = await brokenAfter('<dataValueSet>\n<dataValue dataElement="a" value="1"/>\n<dataValue dataElement="b" value="2"/>\n', 'xml');
    expect(items).toHaveLength(2);
    expect(error).toMatchObject({ code: 'XML_SYNTAX', line: 4 });
  });

  it('accepts no namespace, followUp or followup, and ignores unknown and prefixed attributes', async () => {
    const source = await fromText(
      '<dataValueSet xmlns:x="urn:x" dataSet="ds" dryRun="true" importStrategy="UPDATE" categoryOptionComboIdScheme="CODE">' +
        '<dataValue dataElement="a" followUp="TRUE" x:value="no" timestamp="2024" value="1"/>' +
        '<dataValue dataElement="b" followup="true" deleted="false" value=""/>' +
        '<dataValue dataElement="c" followUp="false" followup="true"/></dataValueSet>',
      'xml',
    );
    expect(source.header).toMatchObject({ dataSet: 'ds', dryRun: true, importStrategy: 'UPDATE', idSchemes: { categoryOptionComboIdScheme: 'CODE' } });
    expect((await collect(source.values())).map((r) => [r.dataElement, r.value, r.followup, r.deleted, r.lastUpdated])).toEqual([
      ['a', '1', true, null, null],
      ['b', null, true, false, null],
      ['c', null, false, null, null],
    ]);
  });
});

describe('ADX', () => {
  const open = '<adx xmlns="urn:ihe:qrph:adx:2015">';

  it('refuses a group without period or orgUnit, with its line, as DHIS2 does', async () => {
    const text = [
      open,
      '<group dataSet="DS" period="2024-01-01/P1M" orgUnit="OU">',
      '  <dataValue dataElement="A" value="1"/>',
      '</group>',
      '<group dataSet="DS" orgUnit="OU">',
      '  <dataValue dataElement="A" value="2"/>',
      '</group>',
      '</adx>',
    ].join('\n');
    const { items, error } = await brokenAfter(text, 'adx');
    expect(items.map((r) => r.value)).toEqual(['1']);
    expect(error).toMatchObject({
      code: 'ADX_MISSING_ATTRIBUTE',
      line: 5,
      field: 'period',
      message: '"upload" line 5: period attribute is required on \'group\'. Add it to the <group> element and import the file again.',
    });
    const noOrgUnit = await brokenAfter(`${open}\n<group period="2024-01-01/P1M">\n</group></adx>`, 'adx');
    expect(noOrgUnit.error).toMatchObject({ code: 'ADX_MISSING_ATTRIBUTE', line: 2, field: 'orgUnit' });
  });

  it('refuses a dataValue without dataElement or value', async () => {
    const noElement = await brokenAfter(
      `${open}<group period="2024-01-01/P1M" orgUnit="OU">\n<dataValue dataElement="A" value="1"/>\n<dataValue value="2"/></group></adx>`,
      'adx',
    );
    expect(noElement.items).toHaveLength(1);
    expect(noElement.error).toMatchObject({ code: 'ADX_MISSING_ATTRIBUTE', line: 3, field: 'dataElement' });
    const noValue = await brokenAfter(`${open}<group period="2024-01-01/P1M" orgUnit="OU">\n<dataValue dataElement="A"/></group></adx>`, 'adx');
    expect(noValue.error).toMatchObject({ code: 'ADX_MISSING_ATTRIBUTE', line: 2, field: 'value' });
  });

  it('keeps a period it cannot convert as written, for validation to report', async () => {
    const values = await valuesOf(`${open}<group period="2024-01-02/P7D" orgUnit="OU"><dataValue dataElement="A" value="1"/></group></adx>`, 'adx');
    expect(values[0]!.period).toBe('2024-01-02/P7D');
  });

  it('says when a DXF2 file was picked as ADX', async () => {
    expect(await failure(() => fromText('<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"/>', 'adx'))).toMatchObject({
      code: 'ADX_NOT_ADX',
      message: expect.stringContaining('XML format'),
    });
  });
});

describe('files on disk', () => {
  let dir: ReturnType<typeof scratchDir>;
  beforeEach(() => (dir = scratchDir()));
  afterEach(() => dir.remove());

  it('names the file in every message', async () => {
    writeFileSync(dir.file('ANC January.json'), '{"dataValues": [\n{"dataElement": "a",, }]}');
    const source = await readDataValues(() => openInput(dir.file('ANC January.json')), { format: 'json', fileName: 'ANC January.json' });
    const { error } = await readUntilFailure(source.values());
    expect(error.message.startsWith('"ANC January.json" line 2:')).toBe(true);
  });
});
