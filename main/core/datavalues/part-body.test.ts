import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dhis2Client } from '../dhis2/client';
import { postDataValueSet } from '../dhis2/data-value-sets';
import { gzipBody } from '../dhis2/gzip-body';
import { startSimulator, type Simulator } from '../../../e2e/dhis2-sim/server';
import { integrationSeed } from '../../../e2e/dhis2-sim/test-seeds';
import { partBody, toCsv, toPayload } from './part-body';
import { dataValueRecord } from './testing';
import type { DataValueRecord } from './types';

/** A part goes as CSV only when the server reads it exactly as it reads the JSON of the same values. */

function record(fields: Partial<DataValueRecord>, index: number): DataValueRecord {
  return dataValueRecord({ dataElement: 'f7n9E0hX8qk', period: '202101', orgUnit: 'DiszpKrYNg8', value: '1', ...fields }, index);
}

/** Plain values and the awkward ones CSV can still carry: quotes, commas, a bad value, unknown and outside units. */
const AWKWARD: DataValueRecord[] = [
  { value: '12', comment: 'said "twelve", twice', storedBy: 'nurse, ward 3', followup: true },
  { period: '202102', value: 'twelve' },
  { period: '202103', orgUnit: 'NoSuchUnit1' },
  { period: '202104', orgUnit: 'j7Hg26FpoIa' },
  { period: '202105', dataElement: 'Ix2HsbDMLea', value: '7', followup: false, deleted: false },
  { period: '202106', value: '0' },
  { period: '202107', categoryOptionCombo: 'HllvX50cXC0', attributeOptionCombo: 'HllvX50cXC0', value: '3', comment: '' },
].map((fields, i) => record(fields, i));

describe('partBody', () => {
  let sim: Simulator;
  let client: Dhis2Client;

  beforeEach(async () => {
    sim = await startSimulator();
    sim.seedMetadata(integrationSeed(), { replace: true });
    client = new Dhis2Client({ baseUrl: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
  });
  afterEach(() => sim.close());

  /** What the server answers to the body, and what it then holds (the store is emptied after). */
  const outcome = async (format: 'csv' | 'json', text: string, params: Record<string, string>) => {
    const kickoff = await postDataValueSet(client, await gzipBody(text), format, { async: false, ...params });
    if (kickoff.kind !== 'summary') throw new Error('expected a sync summary');
    const { status, importCount, conflicts } = kickoff.summary;
    const stored = sim
      .dataValues({ includeDeleted: true })
      .map((v) => JSON.stringify({ ...v, created: null, lastUpdated: null }))
      .sort();
    sim.clearDataValues();
    return { status, importCount, conflicts, stored };
  };

  it('sends CSV that the server reads as it reads the JSON of the same values, with the data set as a parameter', async () => {
    const set = { dataSet: 'pBOMPrpg1QX' };
    const body = partBody(AWKWARD, set);
    expect(body.format).toBe('csv');
    expect(body.params).toEqual({ dataSet: 'pBOMPrpg1QX' });
    const asCsv = await outcome('csv', body.text, body.params);
    const asJson = await outcome('json', JSON.stringify(toPayload(AWKWARD, set)), {});
    expect(asCsv).toEqual(asJson);
    expect(asCsv.importCount.imported).toBeGreaterThan(0);
    expect(asCsv.conflicts.length).toBeGreaterThan(0);
    expect(asCsv.stored.some((v) => v.includes('said \\"twelve\\", twice'))).toBe(true);
  });

  it('keeps JSON for a completion date, and for a value CSV could read differently', async () => {
    expect(partBody(AWKWARD, { dataSet: 'pBOMPrpg1QX', completeDate: '2021-02-03' }).format).toBe('json');
    const awkward: Partial<DataValueRecord>[] = [
      { value: null, comment: 'no value' },
      { dataElement: null },
      { period: '' },
      { orgUnit: null },
      { value: '' },
      { value: ' 5' },
      { comment: 'two\nlines' },
      { storedBy: 'null' },
      { comment: 'x'.repeat(50_001) },
    ];
    for (const fields of awkward) {
      const values = [record({}, 0), record(fields, 1)];
      expect(toCsv(values), JSON.stringify(fields).slice(0, 60)).toBeNull();
      expect(partBody(values).format).toBe('json');
    }
  });
});
