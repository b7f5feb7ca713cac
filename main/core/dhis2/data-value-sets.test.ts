import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKickoff } from './data-value-sets';

// Real server responses, copied from the shared fixtures (provenance: e2e/fixtures/PROVENANCE.md).
const RESPONSES = join(__dirname, '..', '..', '..', 'e2e', 'fixtures', 'responses');
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(RESPONSES, path), 'utf8'));

describe('parseKickoff on real DHIS2 responses', () => {
  it('reads a sync success summary wrapped in a WebMessage', () => {
    const kickoff = parseKickoff(fixture('android-sdk/data_value_import_summary_web_response.json'));
    expect(kickoff.kind).toBe('summary');
    if (kickoff.kind === 'summary') expect(kickoff.summary.status).toBe('SUCCESS');
  });

  it('reads a 409 WARNING summary with its conflicts', () => {
    const kickoff = parseKickoff(fixture('android-sdk/data_value_set_warning.json'));
    if (kickoff.kind !== 'summary') throw new Error('expected a summary');
    expect(kickoff.summary.status).toBe('WARNING');
    expect(kickoff.summary.conflicts.length).toBeGreaterThan(0);
    expect(kickoff.summary.conflicts[0]!.value).toEqual(expect.any(String));
  });

  it('reads async kickoffs from 2.34 and 2.44 servers', () => {
    expect(parseKickoff(fixture('import-export-app-2.34/dataImportUpload.json'))).toEqual({ kind: 'task', jobType: 'DATAVALUE_IMPORT', jobId: 'VSvRqiTbZFw' });
    const recent = parseKickoff(fixture('import-export-app-2.44-recording/dataValueSets_async_kickoff.json'));
    expect(recent).toMatchObject({ kind: 'task', jobType: 'DATAVALUE_IMPORT' });
  });

  it('reads a bare task summary', () => {
    const kickoff = parseKickoff(fixture('import-export-app-2.34/dataImportSummaries.json'));
    expect(kickoff).toMatchObject({ kind: 'summary', summary: { status: 'SUCCESS' } });
  });

  it('refuses what is neither', () => {
    expect(() => parseKickoff('<html>502 Bad Gateway</html>')).toThrow(/does not understand/);
    expect(() => parseKickoff({ httpStatus: 'OK', response: { responseType: 'Other' } })).toThrow(/does not understand/);
  });
});
