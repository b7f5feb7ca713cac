import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { textChunks } from '../text-chunks';
import { readXmlBatches, saxesBatches } from './read-xml';
import { FastDxfValues } from './xml-fast';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../e2e/fixtures/datavalues');
const XML_FIXTURES = ['dxf2-xml', 'v2.41'].flatMap((folder) =>
  readdirSync(join(FIXTURES, folder))
    .filter((name) => name.endsWith('.xml'))
    .map((name) => join(FIXTURES, folder, name)),
);

function pieces(text: string, size: number): () => Readable {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return () => Readable.from(parts);
}

/** Everything a reading hands over, then its error (code and line) if it fails. */
async function outcome(batches: AsyncIterable<unknown[]>): Promise<unknown[]> {
  const out: unknown[] = [];
  try {
    for await (const batch of batches) out.push(...batch);
  } catch (error) {
    const { code, line } = error as { code?: string; line?: number };
    out.push({ error: code, line });
  }
  return out;
}

/** Whether the quick reader reads the whole text itself (without handing over to saxes). */
async function quickAlone(text: string, size = 7): Promise<boolean> {
  const reader = new FastDxfValues();
  for await (const chunk of textChunks(pieces(text, size)(), 'values.xml')) if (reader.feed(chunk) === null) return false;
  return reader.end();
}

/** The quick reading must hand over exactly what saxes reads, and fail exactly where saxes fails. */
async function expectSameAsSaxes(text: string, size: number): Promise<void> {
  const open = pieces(text, size);
  expect({ text, values: await outcome(readXmlBatches(open, 'values.xml')) }).toEqual({ text, values: await outcome(saxesBatches(open, 'values.xml')) });
}

const ROOT = '<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" dataSet="ds">';

describe('quick DXF2 XML reader', () => {
  it.each(XML_FIXTURES.map((path) => [path.slice(FIXTURES.length + 1), path]))('reads %s as saxes does, in any chunk size', async (_name, path) => {
    const text = readFileSync(path, 'utf8');
    for (const size of [1, 5, 64, 65536]) await expectSameAsSaxes(text, size);
    for (const size of [1, 5, 65536]) await expectSameAsSaxes(text.replace(/\n/g, '\r\n'), size);
  });

  it('reads the fixtures itself, licence comments, multi-line tags and Windows line ends included', async () => {
    const quick = await Promise.all(XML_FIXTURES.map(async (path) => (await quickAlone(readFileSync(path, 'utf8'))) || path));
    expect(quick.filter((result) => result !== true)).toEqual([]);
    expect(await quickAlone(readFileSync(join(FIXTURES, 'dxf2-xml', 'dataValueSetB.xml'), 'utf8').replace(/\n/g, '\r\n'))).toBe(true);
  });

  it('reads entities, character references, line breaks and tabs in values, and single quotes, as XML does', async () => {
    const text =
      '<?xml version="1.0" encoding="UTF-8"?>\r\n' +
      ROOT +
      '\n  <dataValue dataElement="a&amp;b" value=\'1\' comment="x&#10;y&#x9;z&lt;&gt;&quot;&apos;"/>' +
      '\n  <dataValue\r\n dataElement = "c"\n\tcomment="two\r\nlines\tand\rtab" followUp="TRUE" followup="false"></dataValue>' +
      '\n  <dataValue dataElement="😀" storedBy="é" deleted="true"/>\n<!-- the end,\n of course -->\n</dataValueSet>\n<!-- -->';
    expect(await quickAlone(text)).toBe(true);
    for (const size of [1, 3, 65536]) await expectSameAsSaxes(text, size);
    const values = await outcome(readXmlBatches(pieces(text, 65536), 'values.xml'));
    expect(values).toMatchObject([
      { line: 3, dataElement: 'a&b', value: '1', comment: 'x\ny\tz<>"\'' },
      { line: 4, dataElement: 'c', comment: 'two lines and tab', followup: true },
      { line: 9, dataElement: '😀', storedBy: 'é', deleted: true },
    ]);
  });

  it.each([
    ['a comment with "--" in it', `${ROOT}<!-- a -- b --><dataValue dataElement="a"/></dataValueSet>`],
    ['CDATA', `${ROOT}<dataValue dataElement="a"><![CDATA[x]]></dataValue></dataValueSet>`],
    ['a processing instruction', `${ROOT}<?pi x?><dataValue dataElement="a"/></dataValueSet>`],
    ['a namespace prefix', `<dataValueSet xmlns:d="urn:d"><d:dataValue dataElement="a"/><dataValue d:value="1"/></dataValueSet>`],
    ['an entity in text', `${ROOT}<dataValue dataElement="a">&amp;</dataValue></dataValueSet>`],
    ['an XML 1.1 declaration', `<?xml version="1.1"?>${ROOT}<dataValue dataElement="a"/></dataValueSet>`],
  ])('hands over to saxes at %s, which reads on as before', async (_what, text) => {
    expect(await quickAlone(text)).toBe(false);
    for (const size of [1, 65536]) await expectSameAsSaxes(text, size);
    expect((await outcome(readXmlBatches(pieces(text, 65536), 'values.xml'))).length).toBeGreaterThan(0);
  });

  it.each([
    ['a DOCTYPE', `<!DOCTYPE x>${ROOT}<dataValue dataElement="a"/></dataValueSet>`, 'XML_DOCTYPE'],
    ['an unknown entity', `${ROOT}<dataValue dataElement="a"/>\n<dataValue value="&bomb;"/></dataValueSet>`, 'XML_SYNTAX'],
    ['a repeated attribute', `${ROOT}<dataValue dataElement="a"/>\n<dataValue value="1" value="2"/></dataValueSet>`, 'XML_SYNTAX'],
    ['a reserved namespace', `<dataValueSet xmlns="http://www.w3.org/2000/xmlns/"><dataValue value="1"/></dataValueSet>`, 'XML_SYNTAX'],
    ['a mismatched end tag', `${ROOT}<dataValue dataElement="a"/>\n<dataValue value="1"></dataValues></dataValueSet>`, 'XML_SYNTAX'],
    ['text after the root', `${ROOT}<dataValue dataElement="a"/></dataValueSet>x`, 'XML_SYNTAX'],
    ['a cut-off file', `${ROOT}<dataValue dataElement="a"/>\n<dataValue dataElement="b"/>\n`, 'XML_SYNTAX'],
    ['a forbidden character', `${ROOT}<dataValue dataElement="a"/>\n<dataValue value="\u0001"/></dataValueSet>`, 'XML_SYNTAX'],
    ['another root', `<metadata><dataValue value="1"/></metadata>`, 'XML_NOT_A_DATA_VALUE_SET'],
    ['another encoding', `<?xml version="1.0" encoding="ISO-8859-1"?>${ROOT}</dataValueSet>`, 'UNSUPPORTED_ENCODING'],
  ])('leaves %s to saxes, with the values before it handed over once', async (_what, text, code) => {
    for (const size of [1, 4, 65536]) await expectSameAsSaxes(text, size);
    expect((await outcome(readXmlBatches(pieces(text, 65536), 'values.xml'))).at(-1)).toMatchObject({ error: code });
  });

  it('reads random documents, tidy and broken, exactly as saxes does', async () => {
    let state = 41;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const attributes = [
      'dataElement="de1"',
      "period='202401'",
      'orgUnit="ou1"',
      'value="1"',
      'comment="a&#10;b"',
      'followUp="false"',
      'deleted="TRUE"',
      'value = "7"',
    ];
    const noise = ['&amp;', '&#10;', '&foo;', '<!-- c -->', '\r\n', '\r', '\t', ' ', 'x:y', '>', '"', "'", '\u0001', '😀', '<', '/'];
    let quick = 0;
    for (let run = 0; run < 1500; run++) {
      let text = pick(['', '<?xml version="1.0" encoding="UTF-8"?>\n', ' ']) + pick([ROOT, '<dataValueSet>', '<dataValueSet\n period="202401">']);
      for (let i = Math.floor(next() * 5); i > 0; i--) {
        text += pick(['\n', '\r\n', '  ', '']) + '<dataValue';
        for (let j = Math.floor(next() * 5); j > 0; j--) text += pick([' ', '\n ', '\t']) + pick(attributes);
        text += pick(['/>', ' />', '></dataValue>', '>\n</dataValue >']);
      }
      text += pick(['\n</dataValueSet>\n', '</dataValueSet>', '']);
      if (next() < 0.5) {
        const at = Math.floor(next() * (text.length + 1));
        text = text.slice(0, at) + pick(noise) + text.slice(at);
      }
      if (await quickAlone(text)) quick++;
      await expectSameAsSaxes(text, 1 + Math.floor(next() * 12));
    }
    // Enough of them are read by the quick reader alone for this to say something about it.
    expect(quick).toBeGreaterThan(100);
  });
});
