import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DataValueFormat } from '../../datavalues/types';
import { openInput } from '../open-input';
import { scratchDir } from '../test-support';
import { readDataValues } from './read';

const COUNT = 200_000;

// A forced collection before each sample makes heapUsed show what is retained, not garbage not yet swept.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function row(i: number): { de: string; pe: string; ou: string; coc: string; value: string; comment: string } {
  return {
    de: `de${String(i % 997).padStart(9, '0')}`,
    pe: `2024${String((i % 12) + 1).padStart(2, '0')}`,
    ou: `ou${String(i % 5003).padStart(9, '0')}`,
    coc: `coc${String(i % 7).padStart(8, '0')}`,
    value: String(i * 3),
    comment: i % 10 === 0 ? `checked by "officer", line\n${i}` : '',
  };
}

async function generate(path: string, format: DataValueFormat): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (format === 'csv')
    await write('dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\n');
  if (format === 'json') await write('{"dataSet":"pBOMPrpg1QX","dataValues":[\n');
  if (format === 'xml') await write('<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" dataSet="pBOMPrpg1QX">\n');
  let chunk = '';
  for (let i = 0; i < COUNT; i++) {
    const r = row(i);
    if (format === 'csv') chunk += `${r.de},${r.pe},${r.ou},${r.coc},HllvX50cXC0,${r.value},admin,2024-01-01,"${r.comment.replace(/"/g, '""')}",false,\n`;
    else if (format === 'json')
      chunk += `${i ? ',' : ''}{"dataElement":"${r.de}","period":"${r.pe}","orgUnit":"${r.ou}","categoryOptionCombo":"${r.coc}","value":"${r.value}","comment":${JSON.stringify(r.comment)},"followup":false}\n`;
    else
      chunk += `  <dataValue dataElement="${r.de}" period="${r.pe}" orgUnit="${r.ou}" categoryOptionCombo="${r.coc}" value="${r.value}" comment="${r.comment.replace(/"/g, '&quot;').replace(/\n/g, '&#10;')}"/>\n`;
    if (chunk.length > 64 * 1024) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk + (format === 'json' ? ']}\n' : format === 'xml' ? '</dataValueSet>\n' : ''));
  out.end();
  await once(out, 'close');
}

describe('memory stays flat while streaming 200,000 values', () => {
  const dir = scratchDir();
  const paths: Partial<Record<DataValueFormat, string>> = {};

  beforeAll(async () => {
    for (const format of ['csv', 'json', 'xml'] as const) {
      paths[format] = dir.file(`big.${format}`);
      await generate(paths[format], format);
    }
  }, 120_000);
  afterAll(() => dir.remove());

  for (const format of ['csv', 'json', 'xml'] as const) {
    it(`reads ${format.toUpperCase()}`, async () => {
      const path = paths[format]!;
      gc();
      const base = process.memoryUsage().heapUsed;
      const started = performance.now();
      const source = await readDataValues(() => openInput(path), { format, fileName: `big.${format}` });
      let count = 0;
      let lastLine = 0;
      let linesInOrder = true;
      let growth = 0;
      let valueSum = 0;
      for await (const record of source.values()) {
        count++;
        valueSum += Number(record.value);
        linesInOrder &&= record.line > lastLine;
        lastLine = record.line;
        if (count % 25_000 === 0) {
          gc();
          growth = Math.max(growth, process.memoryUsage().heapUsed - base);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const megabytes = statSync(path).size / 1024 ** 2;
      console.log(
        `${format.toUpperCase()}: ${count} values from ${megabytes.toFixed(1)} MB in ${seconds.toFixed(2)} s ` +
          `(${Math.round(count / seconds)} values/s); retained heap grew by at most ${(growth / 1024 ** 2).toFixed(1)} MB`,
      );
      expect(count).toBe(COUNT);
      expect(linesInOrder).toBe(true);
      expect(valueSum).toBe((3 * COUNT * (COUNT - 1)) / 2);
      if (format !== 'csv') expect(source.header.dataSet).toBe('pBOMPrpg1QX');
      // Holding every value would take well over 100 MB; a streaming reader holds a chunk's worth.
      expect(growth).toBeLessThan(24 * 1024 ** 2);
    }, 120_000);
  }
});
