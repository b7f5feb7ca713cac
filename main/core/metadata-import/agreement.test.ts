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
 * fixture, each on a server holding only DHIS2's default objects, which the offline copy mirrors (it holds
 * every kind it keeps, most of them empty): every error the check predicts, the server reports in the same
 * words; a server error the check did not predict is one it said it could not check offline. Then each
 * fixture again, imported a second time by code onto the server that now has it.
 */

let sim: Simulator;
let client: Dhis2Client;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  client = new Dhis2Client({ baseUrl: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } });
});
afterAll(async () => sim.close());

async function send(folder: string, name: string, params: ImportMetadataParams, format: 'csv' | 'json') {
  const kickoff = await postMetadata(client, createReadStream(metadataFixture(folder, name)), {
    contentType: format === 'csv' ? 'application/csv' : 'application/json',
    params: metadataSendParams(params, format, { async: false }),
    timeoutMs: 30_000,
  });
  if (kickoff.kind !== 'report') throw new Error('expected a synchronous report');
  return kickoff.report;
}

async function both(folder: string, name: string, input: ImportMetadataParamsInput, index = indexFromExport(defaultsExport())) {
  if (index === null) throw new Error('no index');
  const params = ImportMetadataParams.parse({ dryRun: true, ...input });
  const opened = await openMetadataFile(metadataFixture(folder, name), name, params);
  const predicted = await checkMetadataFile(opened, params, index);
  return { predicted, server: await send(folder, name, params, opened.format === 'csv' ? 'csv' : 'json') };
}

const messages = (report: ImportReport) => flattenErrors(report).map(({ error }) => `${error.errorCode} ${error.message}`);

/** The server's metadata as a sync would copy it: every kind, through the export endpoint. */
async function serverIndex() {
  const answer = await fetch(`${sim.url}/api/metadata?fields=:owner`, {
    headers: { Authorization: `Basic ${Buffer.from('admin:district').toString('base64')}` },
  });
  return indexFromExport((await answer.json()) as Record<string, unknown>);
}

function expectAgreement(predicted: Awaited<ReturnType<typeof both>>['predicted'], server: ImportReport) {
  const serverMessages = messages(server);
  for (const message of messages(predicted.report)) expect(serverMessages, `predicted but not reported: ${message}`).toContain(message);
  const unpredicted = serverMessages.filter((message) => !messages(predicted.report).includes(message));
  for (const message of unpredicted) {
    expect(message, 'a server error the check did not foresee').toMatch(/^E5002 /);
    // References inside embedded objects without a code: DHIS2 words that error its own way, and the check said it would come.
    if (message.startsWith('E5002 Invalid reference Property{')) expect(predicted.notes.some((note) => / inside \w+ (has|have) no code/.test(note))).toBe(true);
    // Otherwise only references to types the offline copy does not hold may surprise the check, and it said so.
    else expect(predicted.notes.some((note) => note.startsWith('Cannot check references to'))).toBe(true);
  }
  if (unpredicted.length === 0) expect(predicted.report.status).toBe(server.status);
  // Counts are claimed only when everything could be told offline.
  if (unpredicted.length === 0 && predicted.unchecked === 0) expect(predicted.report.stats).toEqual(server.stats);
}

describe('offline check and server agree on every fixture', () => {
  for (const name of readdirSync(metadataFixture('json'))) {
    it(`json/${name}`, async () => {
      sim.seedMetadata(defaultsExport(), { replace: true });
      const { predicted, server } = await both('json', name, { importReportMode: 'FULL' });
      expectAgreement(predicted, server);
    });
  }

  for (const name of readdirSync(metadataFixture('json'))) {
    it(`json/${name} imported again by code onto the server that has it`, async () => {
      sim.seedMetadata(defaultsExport(), { replace: true });
      await send('json', name, ImportMetadataParams.parse({ atomicMode: 'NONE' }), 'json');
      const { predicted, server } = await both('json', name, { importReportMode: 'FULL', identifier: 'CODE', atomicMode: 'NONE' }, await serverIndex());
      expectAgreement(predicted, server);
    });
  }

  it('csv/organisationUnits.csv', async () => {
    sim.seedMetadata(defaultsExport(), { replace: true });
    const { predicted, server } = await both('csv', 'organisationUnits.csv', { format: 'csv', classKey: 'ORGANISATION_UNIT' });
    expect(predicted.report.stats).toEqual(server.stats);
  });

  it('the fixtures are what they say they are', () => {
    expect(readFileSync(metadataFixture('json', 'de_validate2.json'), 'utf8')).toContain('pQYCiuosBnZ');
  });
});
