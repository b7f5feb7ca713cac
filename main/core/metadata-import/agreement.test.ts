import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportMetadataParams, type ImportMetadataParamsInput } from '../../../shared/metadata-import';
import { flattenErrors, type ImportReport } from '../../../shared/import-report';
import { startSimulator, type Simulator } from '../../../e2e/dhis2-sim/server';
import { Dhis2Client } from '../dhis2/client';
import { postMetadata } from '../dhis2/metadata-import';
import { checkMetadataFile, openMetadataFile } from './open-file';
import { metadataSendParams } from './send';
import { defaultsExport, indexFromExport, metadataFixture } from './testing';

/*
 * The offline check against the simulator (which follows DHIS2 2.41's import code) on every metadata
 * fixture, each on a server holding only DHIS2's default objects, which the offline copy mirrors:
 * every error the check predicts, the server reports in the same words; a server error the check did
 * not predict is one it said it could not check offline.
 */

let sim: Simulator;
let client: Dhis2Client;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  client = new Dhis2Client({ baseUrl: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
});
afterAll(async () => sim.close());

async function both(folder: string, name: string, input: ImportMetadataParamsInput) {
  sim.seedMetadata(defaultsExport(), { replace: true });
  const params = ImportMetadataParams.parse({ dryRun: true, ...input });
  const opened = await openMetadataFile(metadataFixture(folder, name), name, params);
  const predicted = await checkMetadataFile(opened, params, indexFromExport(defaultsExport()));
  const kickoff = await postMetadata(client, createReadStream(metadataFixture(folder, name)), {
    contentType: opened.format === 'csv' ? 'application/csv' : 'application/json',
    params: metadataSendParams(params, opened.format, { async: false }),
    timeoutMs: 30_000,
  });
  if (kickoff.kind !== 'report') throw new Error('expected a synchronous report');
  return { predicted, server: kickoff.report };
}

const messages = (report: ImportReport) => flattenErrors(report).map(({ error }) => `${error.errorCode} ${error.message}`);

describe('offline check and server agree on every fixture', () => {
  for (const name of readdirSync(metadataFixture('json'))) {
    it(`json/${name}`, async () => {
      const { predicted, server } = await both('json', name, { importReportMode: 'FULL' });
      const serverMessages = messages(server);
      for (const message of messages(predicted.report)) expect(serverMessages, `predicted but not reported: ${message}`).toContain(message);
      const unpredicted = serverMessages.filter((message) => !messages(predicted.report).includes(message));
      for (const message of unpredicted) {
        // Only references to types the offline copy does not hold may surprise the check, and it said so.
        expect(message, 'a server error the check did not foresee').toMatch(/^E5002 /);
        expect(predicted.notes.some((note) => note.startsWith('Cannot check references to'))).toBe(true);
      }
      if (unpredicted.length === 0) {
        expect(predicted.report.status).toBe(server.status);
        expect(predicted.report.stats).toEqual(server.stats);
      }
    });
  }

  it('csv/organisationUnits.csv', async () => {
    const { predicted, server } = await both('csv', 'organisationUnits.csv', { format: 'csv', classKey: 'ORGANISATION_UNIT' });
    expect(predicted.report.stats).toEqual(server.stats);
  });

  it('the fixtures are what they say they are', () => {
    expect(readFileSync(metadataFixture('json', 'de_validate2.json'), 'utf8')).toContain('pQYCiuosBnZ');
  });
});
