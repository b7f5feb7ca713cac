import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { MetadataContent } from '../../main/core/metadata/index';

/** Values that pass the offline checks: facility × data element × option combo × month, in the generated metadata. */
export function* plannedValues(content: MetadataContent, count: number): Generator<{ de: string; pe: string; ou: string; coc: string; value: string }> {
  const parents = new Set(content.records.organisationUnits.map((ou) => ou.parent));
  const facilities = content.records.organisationUnits.filter((ou) => !parents.has(ou.id));
  const set = content.records.dataSets[0]!;
  const elements = set.dataSetElements
    .map((e) => content.records.dataElements.find((d) => d.id === e.dataElement)!)
    .filter((d) => d.optionSet === null && d.valueType !== 'TEXT');
  const cocsOf = new Map<string, string[]>();
  for (const coc of content.records.categoryOptionCombos) {
    const list = cocsOf.get(coc.categoryCombo ?? '') ?? [];
    list.push(coc.id);
    cocsOf.set(coc.categoryCombo ?? '', list);
  }
  const units = facilities.filter((ou) => set.organisationUnits.includes(ou.id));
  if (units.length === 0 || elements.length === 0) throw new Error('the generated metadata has no facility or numeric element to report on');
  let made = 0;
  for (let month = 1; ; month++) {
    const pe = `${2020 + Math.floor((month - 1) / 12)}${String(((month - 1) % 12) + 1).padStart(2, '0')}`;
    for (const ou of units) {
      for (const de of elements) {
        for (const coc of cocsOf.get(de.categoryCombo ?? 'bjDvmb4bfuf') ?? ['HllvX50cXC0']) {
          yield { de: de.id, pe, ou: ou.id, coc, value: String(((made * 7) % 500) + 1) };
          if (++made >= count) return;
        }
      }
    }
  }
}

async function write(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

export async function writeCsv(path: string, content: MetadataContent, count: number): Promise<void> {
  await write(
    path,
    (function* () {
      yield 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\n';
      for (const v of plannedValues(content, count)) yield `${v.de},${v.pe},${v.ou},${v.coc},HllvX50cXC0,${v.value},,,,false,\n`;
    })(),
  );
}

export async function writeJson(path: string, content: MetadataContent, count: number): Promise<void> {
  await write(
    path,
    (function* () {
      yield '{"dataValues":[\n';
      let first = true;
      for (const v of plannedValues(content, count)) {
        yield `${first ? '' : ',\n'}{"dataElement":"${v.de}","period":"${v.pe}","orgUnit":"${v.ou}","categoryOptionCombo":"${v.coc}","attributeOptionCombo":"HllvX50cXC0","value":"${v.value}"}`;
        first = false;
      }
      yield '\n]}\n';
    })(),
  );
}

export async function writeXml(path: string, content: MetadataContent, count: number): Promise<void> {
  await write(
    path,
    (function* () {
      yield '<?xml version="1.0" encoding="UTF-8"?>\n<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0">\n';
      for (const v of plannedValues(content, count)) {
        yield `<dataValue dataElement="${v.de}" period="${v.pe}" orgUnit="${v.ou}" categoryOptionCombo="${v.coc}" attributeOptionCombo="HllvX50cXC0" value="${v.value}"/>\n`;
      }
      yield '</dataValueSet>\n';
    })(),
  );
}
