import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { type StoredDataValue } from './dv-store';
import { springBoolean } from './dv-options';
import { type ErrorCode, errorMessage } from './error-codes';
import { CODE_SCHEME, type IdScheme, IdSchemeError, type IdSchemeKey, IdSchemes, parseIdScheme } from './id-schemes';
import { type DataSetInfo, identifierOf, type MetadataObject, type MetadataStore, refId } from './metadata';
import { adxPeriod, isoDay, parseDateParam, parseIsoPeriod, type Period } from './periods';
import type { SimState } from './state';
import { isValidUid } from './uid';
import { dataViewOrgUnits, isSuperuser, type SimUser } from './users';
import { javaHashMapOrder } from './java-hash';
import { isNumericType } from './value-types';
import { zipStream } from './zip';

/**
 * GET /api/dataValueSets (DataValueSetController, DefaultDataValueSetService.getFromUrl/validate/
 * decideAccess, SpringDataValueSetStore and the JSON, XML, CSV and ADX writers of 2.41). Rows are
 * read from the store as the body streams out.
 */

export type ExportFormat = 'json' | 'xml' | 'csv' | 'adx';

export interface ExportParams {
  format: ExportFormat;
  dataSets: DataSetInfo[];
  dataElements: string[];
  dataElementGroups: string[];
  periods: Period[];
  startDate: number | null;
  endDate: number | null;
  orgUnits: string[];
  children: boolean;
  orgUnitGroups: string[];
  attributeOptionCombos: string[];
  includeDeleted: boolean;
  lastUpdated: number | null;
  lastUpdatedDuration: string | null;
  limit: number | null;
  output: IdSchemes;
}

export type ExportProblem = { status: number; message: string; errorCode?: ErrorCode };

/** Spring binds Set<String> parameters from repeated and comma-separated values. */
function multi(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

const DURATION = /^(\d+)([dhms])$/;
const DURATION_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

function inputScheme(query: URLSearchParams, name: string): IdScheme | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  return parseIdScheme(raw);
}

function bad(name: string, value: string, detail: string): ExportProblem {
  return { status: 400, message: `Value '${value}' is not valid for parameter ${name}. ${detail}` };
}

/** getFromUrl (or AdxDataService.getFromUrl for ADX: UID or code, CODE output by default). */
export function parseExportParams(query: URLSearchParams, format: ExportFormat, md: MetadataStore): { params: ExportParams } | { problem: ExportProblem } {
  const booleans: Record<string, boolean> = { children: false, includeDeleted: false };
  for (const name of Object.keys(booleans)) {
    const raw = query.get(name);
    if (raw === null) continue;
    const value = springBoolean(raw);
    if (value === null) return { problem: bad(name, raw, 'It should be of type boolean') };
    booleans[name] = value;
  }
  const dates: Record<string, number | null> = {};
  for (const name of ['startDate', 'endDate', 'lastUpdated']) {
    const raw = query.get(name);
    const value = parseDateParam(raw);
    if (raw !== null && raw.trim() !== '' && value === null) return { problem: bad(name, raw, `Invalid date value [${raw}]`) };
    dates[name] = value;
  }
  const limitRaw = query.get('limit');
  let limit: number | null = null;
  if (limitRaw !== null && limitRaw !== '') {
    if (!/^[+-]?\d+$/.test(limitRaw.trim())) return { problem: bad('limit', limitRaw, `For input string: "${limitRaw}"`) };
    limit = Number(limitRaw.trim());
  }

  const output = new IdSchemes();
  const input = new IdSchemes();
  try {
    const outputNames: IdSchemeKey[] = [
      'idScheme',
      'dataElementIdScheme',
      'categoryOptionComboIdScheme',
      'categoryOptionIdScheme',
      'categoryIdScheme',
      'orgUnitIdScheme',
      'dataSetIdScheme',
      'attributeOptionComboIdScheme',
    ];
    for (const name of outputNames) {
      const raw = query.get(name);
      if (raw !== null && raw !== '') output.set(name, parseIdScheme(raw));
    }
    const inputs: [string, IdSchemeKey][] = [
      ['inputIdScheme', 'idScheme'],
      ['inputOrgUnitIdScheme', 'orgUnitIdScheme'],
      ['inputDataElementIdScheme', 'dataElementIdScheme'],
      ['inputDataSetIdScheme', 'dataSetIdScheme'],
      ['inputDataElementGroupIdScheme', 'dataElementGroupIdScheme'],
    ];
    for (const [name, key] of inputs) {
      const scheme = inputScheme(query, name);
      if (scheme) input.set(key, scheme);
    }
  } catch (error) {
    if (error instanceof IdSchemeError) return { problem: { status: 400, message: error.message } };
    throw error;
  }

  const adx = format === 'adx';
  if (adx) output.setDefault(CODE_SCHEME);
  const resolve = (type: string, key: IdSchemeKey, values: string[]): MetadataObject[] =>
    values
      .map((value) => {
        if (adx) return (isValidUid(value) ? md.get(type, value) : undefined) ?? md.find(type, CODE_SCHEME, value);
        return md.find(type, input.get(key), value);
      })
      .filter((object): object is MetadataObject => object !== null && object !== undefined);
  const ids = (objects: MetadataObject[]) => [...new Set(objects.map((object) => String(object['id'])))];

  const dataSets = ids(resolve('dataSets', 'dataSetIdScheme', multi(query, 'dataSet')))
    .map((id) => md.dataSet(id))
    .filter((ds): ds is DataSetInfo => ds !== undefined);
  const periods = multi(query, 'period')
    .map((p) => parseIsoPeriod(p))
    .filter((p): p is Period => p !== null);
  const hasPeriods = periods.length > 0;
  return {
    params: {
      format,
      dataSets,
      dataElements: ids(resolve('dataElements', 'dataElementIdScheme', multi(query, 'dataElement'))),
      dataElementGroups: adx ? [] : ids(resolve('dataElementGroups', 'dataElementGroupIdScheme', multi(query, 'dataElementGroup'))),
      periods,
      startDate: hasPeriods ? null : (dates['startDate'] ?? null),
      endDate: hasPeriods ? null : (dates['endDate'] ?? null),
      orgUnits: ids(resolve('organisationUnits', 'orgUnitIdScheme', multi(query, 'orgUnit'))),
      children: booleans['children'] ?? false,
      orgUnitGroups: ids(resolve('organisationUnitGroups', 'orgUnitGroupIdScheme', multi(query, 'orgUnitGroup'))),
      attributeOptionCombos: ids(resolve('categoryOptionCombos', 'attributeOptionComboIdScheme', multi(query, 'attributeOptionCombo'))),
      includeDeleted: booleans['includeDeleted'] ?? false,
      lastUpdated: dates['lastUpdated'] ?? null,
      lastUpdatedDuration: query.get('lastUpdatedDuration'),
      limit,
      output,
    },
  };
}

/** DataValueSetService.validate: every failing rule overwrites the previous one, so the last applicable error is the one reported. */
export function validateExport(p: ExportParams): ExportProblem | null {
  let error: [ErrorCode, ...string[]] | null = null;
  const hasStartEnd = p.startDate !== null && p.endDate !== null;
  if (p.dataElements.length === 0 && p.dataSets.length === 0 && p.dataElementGroups.length === 0) error = ['E2001'];
  if (p.periods.length === 0 && !hasStartEnd && p.lastUpdated === null && p.lastUpdatedDuration === null) error = ['E2002'];
  if (hasStartEnd && (p.startDate ?? 0) > (p.endDate ?? 0)) error = ['E2004'];
  if (p.lastUpdatedDuration !== null && !DURATION.test(p.lastUpdatedDuration)) error = ['E2005'];
  if (p.orgUnits.length === 0 && p.orgUnitGroups.length === 0) error = ['E2006'];
  if (p.children && p.orgUnitGroups.length > 0) error = ['E2007'];
  if (p.children && p.orgUnits.length === 0) error = ['E2008'];
  if (p.limit !== null && p.limit < 0) error = ['E2009', String(p.limit)];
  if (!error) return null;
  const [code, ...args] = error;
  return { status: 409, message: errorMessage(code, ...args), errorCode: code };
}

/** DataValueSetService.decideAccess: data read sharing and the user's data view hierarchy. */
export function decideExportAccess(p: ExportParams, md: MetadataStore, user: SimUser): ExportProblem | null {
  const fail = (code: ErrorCode, arg: string): ExportProblem => ({ status: 409, message: errorMessage(code, arg), errorCode: code });
  for (const ds of p.dataSets) if (!md.canData(user, ds.object, 'read')) return fail('E2010', ds.id);
  for (const aoc of p.attributeOptionCombos) {
    if (!md.cocOptions(aoc).every((o) => md.canData(user, md.get('categoryOptions', o), 'read'))) return fail('E2011', aoc);
  }
  const roots = dataViewOrgUnits(user);
  for (const ou of p.orgUnits) if (!md.isInHierarchy(ou, roots)) return fail('E2012', ou);
  return null;
}

/** The rows SpringDataValueSetStore.getDataValueSql selects, in table order. */
export function* exportRows(
  p: ExportParams,
  state: SimState,
  user: SimUser,
  overrides: { orgUnits?: string[]; aocs?: string[] } = {},
): Generator<StoredDataValue> {
  const md = state.metadata;
  const elements = new Set<string>();
  if (p.dataElementGroups.length > 0) {
    for (const group of p.dataElementGroups) {
      const members = md.get('dataElementGroups', group)?.['dataElements'];
      if (Array.isArray(members)) for (const id of members.map(refId)) if (id !== null) elements.add(id);
    }
  } else {
    for (const id of p.dataElements) elements.add(id);
    for (const ds of p.dataSets) for (const id of ds.dataElements) elements.add(id);
  }
  const orgUnits = overrides.orgUnits ?? p.orgUnits;
  const units = new Set(orgUnits);
  const groupMembers = new Set<string>();
  if (!overrides.orgUnits) {
    for (const group of p.orgUnitGroups) {
      const members = md.get('organisationUnitGroups', group)?.['organisationUnits'];
      if (Array.isArray(members)) for (const id of members.map(refId)) if (id !== null) groupMembers.add(id);
    }
  }
  const periods = new Set(p.periods.map((period) => period.iso));
  const aocs = overrides.aocs ?? p.attributeOptionCombos;
  const aocSet = new Set(aocs);
  const duration = p.lastUpdatedDuration !== null ? DURATION.exec(p.lastUpdatedDuration) : null;
  const since = p.lastUpdated !== null ? p.lastUpdated : duration ? Date.now() - Number(duration[1]) * (DURATION_MS[duration[2] ?? 'd'] ?? 0) : null;
  const superuser = isSuperuser(user);
  const readable = new Map<string, boolean>();
  let count = 0;
  for (const row of state.dataValues.values()) {
    if (p.limit !== null && count >= p.limit) return;
    if (row.deleted && !p.includeDeleted) continue;
    if (!elements.has(row.dataElement)) continue;
    if (p.children) {
      if (!md.isInHierarchy(row.orgUnit, orgUnits)) continue;
    } else if (!units.has(row.orgUnit) && !groupMembers.has(row.orgUnit)) continue;
    if (p.startDate !== null && p.endDate !== null) {
      const period = parseIsoPeriod(row.period);
      if (!period || period.start < p.startDate || period.end > p.endDate) continue;
    } else if (periods.size > 0 && !periods.has(row.period)) continue;
    if (aocs.length > 0 && !aocSet.has(row.attributeOptionCombo)) continue;
    if (since !== null && row.lastUpdated < since) continue;
    if (!superuser) {
      let ok = readable.get(row.attributeOptionCombo);
      if (ok === undefined) {
        ok = md.cocOptions(row.attributeOptionCombo).every((o) => md.canData(user, md.get('categoryOptions', o), 'read'));
        readable.set(row.attributeOptionCombo, ok);
      }
      if (!ok) continue;
    }
    count++;
    yield row;
  }
}

/** DateUtils.toLongGmtDate: yyyy-MM-dd'T'HH:mm:ss.SSSZ in UTC. */
export function longGmtDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

interface Output {
  de: (id: string) => string | null;
  ou: (id: string) => string | null;
  coc: (id: string) => string | null;
  aoc: (id: string) => string | null;
}

function outputIds(p: ExportParams, md: MetadataStore): Output {
  const cached = (type: string, scheme: IdScheme) => {
    const cache = new Map<string, string | null>();
    return (id: string): string | null => {
      let value = cache.get(id);
      if (value === undefined) {
        const object = md.get(type, id);
        value = object ? identifierOf(object, scheme) : scheme.type === 'UID' ? id : null;
        cache.set(id, value);
      }
      return value;
    };
  };
  return {
    de: cached('dataElements', p.output.get('dataElementIdScheme')),
    ou: cached('organisationUnits', p.output.get('orgUnitIdScheme')),
    coc: cached('categoryOptionCombos', p.output.get('categoryOptionComboIdScheme')),
    aoc: cached('categoryOptionCombos', p.output.get('attributeOptionComboIdScheme')),
  };
}

/** Header of a single data value set: one data set, one period, one org unit and no data element groups. */
function singleSetHeader(
  p: ExportParams,
  state: SimState,
): { dataSet: string | null; completeDate: string | null; period: string; orgUnit: string | null } | null {
  const [ds] = p.dataSets;
  const [period] = p.periods;
  const [ou] = p.orgUnits;
  if (p.dataSets.length !== 1 || p.periods.length !== 1 || p.orgUnits.length !== 1 || p.dataElementGroups.length > 0 || !ds || !period || !ou) return null;
  const md = state.metadata;
  const registration = state.registrations.get(`${ds.id}|${period.iso}|${ou}|${md.defaults().coc}`);
  return {
    dataSet: identifierOf(ds.object, p.output.get('dataSetIdScheme')),
    completeDate: registration ? longGmtDate(registration.date) : null,
    period: period.iso,
    orgUnit: identifierOf(md.get('organisationUnits', ou), p.output.get('orgUnitIdScheme')),
  };
}

const CHUNK = 64 * 1024;

function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#xd;')
    .replace(/\n/g, '&#xa;')
    .replace(/\t/g, '&#x9;');
}

function xmlAttrs(pairs: [string, string | null][]): string {
  return pairs
    .filter((pair): pair is [string, string] => pair[1] !== null)
    .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
    .join('');
}

/** javacsv CsvWriter.write: trimmed, quoted when it holds a comma, quote or line break, or starts the record with # or empty. */
function csvCell(value: string | null, first: boolean): string {
  const content = (value ?? '').trim();
  const quote =
    content.includes('"') ||
    content.includes(',') ||
    content.includes('\n') ||
    content.includes('\r') ||
    (first && (content === '' || content.startsWith('#')));
  return quote ? `"${content.replace(/"/g, '""')}"` : content;
}

function csvRow(cells: (string | null)[]): string {
  return `${cells.map((cell, i) => csvCell(cell, i === 0)).join(',')}\n`;
}

async function* chunked(parts: Iterable<string>): AsyncGenerator<string> {
  let buffer = '';
  for (const part of parts) {
    buffer += part;
    if (buffer.length >= CHUNK) {
      yield buffer;
      buffer = '';
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (buffer.length > 0) yield buffer;
}

function* dxfParts(p: ExportParams, state: SimState, user: SimUser): Generator<string> {
  const out = outputIds(p, state.metadata);
  const header = singleSetHeader(p, state);
  const rows = exportRows(p, state, user);
  if (p.format === 'json') {
    yield header
      ? `{"dataSet":${JSON.stringify(header.dataSet)},"completeDate":${JSON.stringify(header.completeDate)},"period":${JSON.stringify(header.period)},"orgUnit":${JSON.stringify(header.orgUnit)},"dataValues":[`
      : '{"dataValues":[';
    let first = true;
    for (const row of rows) {
      const value = {
        dataElement: out.de(row.dataElement),
        period: row.period,
        orgUnit: out.ou(row.orgUnit),
        categoryOptionCombo: out.coc(row.categoryOptionCombo),
        attributeOptionCombo: out.aoc(row.attributeOptionCombo),
        value: row.value,
        storedBy: row.storedBy,
        created: longGmtDate(row.created),
        lastUpdated: longGmtDate(row.lastUpdated),
        comment: row.comment,
        followup: row.followup,
        ...(row.deleted ? { deleted: true } : {}),
      };
      yield `${first ? '' : ','}${JSON.stringify(value)}`;
      first = false;
    }
    yield ']}';
    return;
  }
  if (p.format === 'xml') {
    yield `<?xml version='1.0' encoding='UTF-8'?><dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"`;
    if (header)
      yield xmlAttrs([
        ['dataSet', header.dataSet],
        ['completeDate', header.completeDate],
        ['period', header.period],
        ['orgUnit', header.orgUnit],
      ]);
    let any = false;
    for (const row of rows) {
      if (!any) yield '>';
      any = true;
      yield `<dataValue${xmlAttrs([
        ['dataElement', out.de(row.dataElement)],
        ['period', row.period],
        ['orgUnit', out.ou(row.orgUnit)],
        ['categoryOptionCombo', out.coc(row.categoryOptionCombo)],
        ['attributeOptionCombo', out.aoc(row.attributeOptionCombo)],
        ['value', row.value],
        ['storedBy', row.storedBy],
        ['created', longGmtDate(row.created)],
        ['lastUpdated', longGmtDate(row.lastUpdated)],
        ['comment', row.comment],
        ['followUp', String(row.followup)],
        ['deleted', row.deleted ? 'true' : null],
      ])}/>`;
    }
    yield any ? '</dataValueSet>' : '/>';
    return;
  }
  yield csvRow([
    'dataelement',
    'period',
    'orgunit',
    'categoryoptioncombo',
    'attributeoptioncombo',
    'value',
    'storedby',
    'lastupdated',
    'comment',
    'followup',
    'deleted',
  ]);
  for (const row of rows) {
    yield csvRow([
      out.de(row.dataElement),
      row.period,
      out.ou(row.orgUnit),
      out.coc(row.categoryOptionCombo),
      out.aoc(row.attributeOptionCombo),
      row.value,
      row.storedBy,
      longGmtDate(row.lastUpdated),
      row.comment,
      String(row.followup),
      // String.valueOf(Boolean): the store gives true or null, so rows that are not deleted say "null".
      row.deleted ? 'true' : 'null',
    ]);
  }
}

// -------------------------------------------------------------------------------------------------
// ADX
// -------------------------------------------------------------------------------------------------

/** AdxDataSetMetadata: category attributes of every option combo of the data set's combos; throws the AdxException text. */
function explodedCategories(ds: DataSetInfo, md: MetadataStore, output: IdSchemes): Map<string, [string, string][]> {
  const combos = new Set<string>([ds.categoryCombo]);
  for (const de of ds.dataElements) {
    const element = md.get('dataElements', de);
    combos.add(ds.comboOverrides.get(de) ?? (element ? md.elementCombo(element) : md.defaults().combo));
  }
  const categoryScheme = output.get('categoryIdScheme');
  const optionScheme = output.get('categoryOptionIdScheme');
  const out = new Map<string, [string, string][]>();
  for (const comboId of combos) {
    const combo = md.get('categoryCombos', comboId);
    for (const coc of md.combosCocs(comboId)) {
      const pairs: [string, string][] = [];
      if (coc !== md.defaults().coc && combo) {
        const options = md.cocOptions(coc);
        for (const ref of Array.isArray(combo['categories']) ? combo['categories'] : []) {
          const category = md.get('categories', refId(ref) ?? '');
          if (!category) continue;
          const categoryId = identifierOf(category, categoryScheme);
          if (categoryId === null || !/^[A-Za-z_:][-A-Za-z0-9_:.]*$/.test(categoryId)) {
            throw new Error(`Category ${categoryScheme.type} for ${String(category['name'])} is missing or invalid: ${String(categoryId)}`);
          }
          const inCategory = new Set((Array.isArray(category['categoryOptions']) ? category['categoryOptions'] : []).map(refId));
          const option = md.get('categoryOptions', options.find((o) => inCategory.has(o)) ?? '');
          const optionId = identifierOf(option, optionScheme);
          if (optionId === null || optionId === '') throw new Error(`CategoryOption ${optionScheme.type} for ${String(option?.['name'])} is missing`);
          pairs.push([categoryId, optionId]);
        }
      }
      // AdxDataSetMetadata keeps them in a HashMap, which decides the attribute order.
      out.set(coc, javaHashMapOrder(pairs));
    }
  }
  return out;
}

/** Checks what the ADX writer needs before anything is written; the message is what DHIS2 answers with 409. */
export function adxPreflight(p: ExportParams, md: MetadataStore): string | null {
  try {
    for (const ds of p.dataSets) explodedCategories(ds, md, p.output);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function* adxParts(p: ExportParams, state: SimState, user: SimUser): Generator<string> {
  const md = state.metadata;
  const dsScheme = p.output.get('dataSetIdScheme');
  const ouScheme = p.output.get('orgUnitIdScheme');
  const deScheme = p.output.get('dataElementIdScheme');
  yield '<adx xmlns="urn:ihe:qrph:adx:2015">';
  const allUnits = [...p.orgUnits];
  for (const group of p.orgUnitGroups) {
    const members = md.get('organisationUnitGroups', group)?.['organisationUnits'];
    if (Array.isArray(members)) for (const id of members.map(refId)) if (id !== null && !allUnits.includes(id)) allUnits.push(id);
  }
  for (const ds of p.dataSets) {
    const categories = explodedCategories(ds, md, p.output);
    let aocs = md.combosCocs(ds.categoryCombo);
    if (p.attributeOptionCombos.length > 0) aocs = aocs.filter((aoc) => p.attributeOptionCombos.includes(aoc));
    const dsParams: ExportParams = { ...p, dataSets: [], dataElements: [...ds.dataElements], dataElementGroups: [], orgUnitGroups: [] };
    for (const aoc of aocs) {
      const dims = categories.get(aoc) ?? [];
      for (const ou of allUnits) {
        const rows = [...exportRows(dsParams, state, user, { orgUnits: [ou], aocs: [aoc] })];
        const path = (id: string) => md.orgUnit(id)?.path ?? id;
        rows.sort((a, b) => path(a.orgUnit).localeCompare(path(b.orgUnit)) || (parseIsoPeriod(a.period)?.start ?? 0) - (parseIsoPeriod(b.period)?.start ?? 0));
        let current: string | null = null;
        for (const row of rows) {
          const key = `${row.period}|${row.orgUnit}`;
          if (key !== current) {
            if (current !== null) yield '</group>';
            current = key;
            const period = parseIsoPeriod(row.period);
            yield `<group${xmlAttrs([
              ['dataSet', identifierOf(ds.object, dsScheme)],
              ['period', period ? adxPeriod(period) : row.period],
              ['orgUnit', identifierOf(md.get('organisationUnits', row.orgUnit), ouScheme)],
              ...dims,
            ])}>`;
          }
          const de = md.get('dataElements', row.dataElement);
          const valueType = typeof de?.['valueType'] === 'string' ? de['valueType'] : 'NUMBER';
          const attrs = xmlAttrs([['dataElement', identifierOf(de, deScheme)], ...(categories.get(row.categoryOptionCombo) ?? [])]);
          if (isNumericType(valueType)) yield `<dataValue${attrs}${xmlAttrs([['value', row.value]])}/>`;
          else yield `<dataValue${attrs} value="0"><annotation>${escapeXml(row.value ?? '')}</annotation></dataValue>`;
        }
        if (current !== null) yield '</group>';
      }
    }
  }
  yield '</adx>';
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json;charset=UTF-8',
  xml: 'application/xml;charset=UTF-8',
  csv: 'application/csv;charset=UTF-8',
  adx: 'application/adx+xml;charset=UTF-8',
};

/** DataValueSetController.compress: headers and the (maybe compressed) body stream. */
export function exportBody(
  p: ExportParams,
  state: SimState,
  user: SimUser,
  attachment: string | null,
  compression: string | null,
): { headers: Record<string, string>; body: Readable } {
  const parts = p.format === 'adx' ? adxParts(p, state, user) : dxfParts(p, state, user);
  const text = Readable.from(chunked(parts));
  const format = p.format === 'json' ? 'json' : p.format === 'csv' ? 'csv' : 'xml';
  let fileName = attachment === null || attachment === '' ? 'dataValues' : attachment;
  if (p.startDate !== null && p.endDate !== null) {
    if (fileName.includes('.')) fileName = fileName.slice(0, fileName.indexOf('.'));
    fileName = `${fileName}_${isoDay(p.startDate)}_${isoDay(p.endDate)}`;
  }
  const headers: Record<string, string> = { 'Content-Type': EXPORT_CONTENT_TYPES[p.format], 'Cache-Control': 'no-cache, no-store, max-age=0, must-revalidate' };
  const mode = (compression ?? '').toUpperCase();
  if (mode === 'GZIP') {
    fileName = fileName.replaceAll(`.${format}.gzip`, '').replaceAll(`.${format}.gz`, '');
    headers['Content-Disposition'] = `attachment; filename=${fileName}.${format}.gz`;
    headers['Content-Transfer-Encoding'] = 'binary';
    return { headers, body: text.pipe(createGzip()) };
  }
  if (mode === 'ZIP') {
    fileName = fileName.replaceAll(`.${format}.zip`, '');
    headers['Content-Disposition'] = `attachment; filename=${fileName}.${format}.zip`;
    headers['Content-Transfer-Encoding'] = 'binary';
    return { headers, body: zipStream(`${fileName}.${format}`, text) };
  }
  if (attachment !== null && attachment !== '') {
    headers['Content-Disposition'] = `attachment; filename=${fileName}.${format}`;
    headers['Content-Transfer-Encoding'] = 'binary';
  }
  return { headers, body: text };
}
