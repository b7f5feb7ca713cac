import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliSandbox, type CliSandbox } from './testing/sandbox';
import type { LoadReport } from '../../shared/bundles';

describe('dhis2-ie bundle create / load / scan', () => {
  let box: CliSandbox;
  let usb: string;
  const runAt = (place: 'facility' | 'district', ...argv: string[]) => box.run(place, ...argv);

  beforeEach(async () => {
    box = await cliSandbox();
    usb = join(box.path, 'usb');
    mkdirSync(usb);
    box.writeMetadata();
    box.write(
      'values.csv',
      'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nf7n9E0hX8qk,202401,DiszpKrYNg8,,,5\nIx2HsbDMLea,202401,DiszpKrYNg8,,,7\n',
    );
  });
  afterEach(() => box.close());

  /** Preparing the laptop: it writes its enrolment file; the district officer types the fingerprint the laptop shows. */
  async function enrolFacility(): Promise<string> {
    const identity = await runAt('facility', 'bundle', 'identity', '--out', box.path, '--name', 'Ngelehun CHC');
    expect(identity.code).toBe(0);
    const fingerprint = /Signing key fingerprint: ([0-9A-F ]+)$/m.exec(identity.stdout)![1]!;
    const file = join(box.path, 'dhis2-enrol-Ngelehun-CHC.json');
    const refused = await runAt('district', 'bundle', 'enrol', file);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`fingerprint ${fingerprint}`);
    const enrolled = await runAt('district', 'bundle', 'enrol', file, '--fingerprint', fingerprint.toLowerCase());
    expect(enrolled.stdout).toMatch(/^Enrolled Ngelehun CHC \(key [0-9A-F ]+\): its signed bundles now load here without asking\.$/m);
    return fingerprint;
  }

  it('carries a queued import to the district, imports it once, and brings the receipt back', async () => {
    await enrolFacility();
    // Facility: no server at all; the import waits.
    expect((await runAt('facility', 'import', 'data', join(box.path, 'values.csv'))).code).toBe(0);
    expect((await runAt('facility', 'bundle', 'create')).code).toBe(2);
    const created = await runAt('facility', 'bundle', 'create', '--out', usb, '--name', 'Ngelehun CHC');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Saved dhis2-bundle-Ngelehun-CHC-0001-.*\.zip .*1 job\); read back and checked/);
    expect((await runAt('facility', 'jobs')).stdout).toMatch(/Carried on USB/);
    expect((await runAt('facility', 'bundle', 'create', '--out', usb)).stderr).toMatch(/nothing to save to USB/);

    // District: a server and its metadata; load twice, send once.
    expect((await box.addServer('district')).code).toBe(0);
    const scan = await runAt('district', 'bundle', 'scan', usb);
    expect(scan.stdout).toMatch(/NEW +dhis2-bundle-Ngelehun-CHC-0001-.*: bundle 1 from Ngelehun CHC, 1 job\(s\)/);
    const first = await runAt('district', 'bundle', 'load', usb, '--json');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as LoadReport;
    expect(report.loaded).toHaveLength(1);
    expect(report.receiptsWritten[0]).toMatchObject({ stage: 'received' });
    const second = await runAt('district', 'bundle', 'load', usb);
    expect(second.stdout).toMatch(/^Duplicate +dhis2-bundle-.*Already loaded here/m);
    expect(second.stdout).not.toMatch(/^Loaded/m);

    expect((await runAt('district', 'flush', '--wait', '--timeout', '60')).stdout).toMatch(/Completed/);
    expect(box.sim.dataValues()).toHaveLength(2);
    expect(box.sim.dataValuePosts()).toHaveLength(1);
    // The flush finished the bundle's only job, so the final receipt is already on the drive.
    expect(readdirSync(usb).filter((name) => name.endsWith('.receipt.json'))).toHaveLength(1);

    const back = await runAt('facility', 'bundle', 'load', usb);
    expect(back.stdout).toMatch(/^Receipt .*Receipt from .*: 1 job\(s\) received, 1 imported by the server/m);
    const shown = await runAt('facility', 'jobs', '--json');
    const jobs = (JSON.parse(shown.stdout) as { jobs: { state: string; result: { server: { importCount: { imported: number } } } | null }[] }).jobs;
    expect(jobs[0]).toMatchObject({ state: 'delivered', result: { server: { importCount: { imported: 2 } } } });
  });

  it('reports a damaged bundle as rejected with exit code 1 and loads the rest', async () => {
    await enrolFacility();
    expect((await runAt('facility', 'import', 'data', join(box.path, 'values.csv'))).code).toBe(0);
    expect((await runAt('facility', 'bundle', 'create', '--out', usb)).code).toBe(0);
    const name = readdirSync(usb)[0]!;
    writeFileSync(join(usb, `copy-cut-short-${name}`), Buffer.from('PK\u0003\u0004\u0014\u0000\u0008\u0008\u0008\u0000\u0000\u0000\u0000\u0000'));
    const loaded = await runAt('district', 'bundle', 'load', usb);
    expect(loaded.code).toBe(1);
    expect(loaded.stdout).toMatch(/^Loaded +dhis2-bundle-/m);
    expect(loaded.stdout).toMatch(/^Rejected +copy-cut-short-.*/m);
    expect((await runAt('district', 'bundle', 'frobnicate')).code).toBe(2);
  });

  it('holds a bundle from a laptop not enrolled here, says why, and loads it once approved; a DELETE waits for bundle confirm', async () => {
    expect((await runAt('facility', 'import', 'data', join(box.path, 'values.csv'), '--strategy', 'DELETE')).code).toBe(0);
    expect((await runAt('facility', 'bundle', 'create', '--out', usb, '--name', 'Ngelehun CHC')).code).toBe(0);
    const fingerprint = /Signing key fingerprint: ([0-9A-F ]+)$/m.exec((await runAt('facility', 'bundle', 'identity')).stdout)![1]!;

    const held = await runAt('district', 'bundle', 'load', usb);
    expect(held.code).toBe(1);
    expect(held.stdout).toMatch(
      new RegExp(`^Held +dhis2-bundle-Ngelehun-CHC-0001-.*comes from a laptop not enrolled here \\(Ngelehun CHC, key ${fingerprint}\\)`, 'm'),
    );
    const id = /Approve it with: dhis2-ie bundle approve ([0-9a-f-]{8})$/m.exec(held.stdout)![1]!;
    expect(held.stdout).not.toMatch(/^Loaded/m);
    expect((await runAt('district', 'jobs', '--json')).stdout).toMatch(/"total": ?0/);

    const approved = await runAt('district', 'bundle', 'approve', id);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(new RegExp(`^Approved: bundles signed by key ${fingerprint} are trusted from Ngelehun CHC from now on\\.$`, 'm'));
    expect(approved.stdout).toMatch(
      /^Loaded +dhis2-bundle-.*1 job\(s\) queued from Ngelehun CHC\. 1 of them deletes on the server: held until you confirm it\./m,
    );
    const jobs = JSON.parse((await runAt('district', 'jobs', '--json')).stdout) as { jobs: { id: string; state: string }[] };
    expect(jobs.jobs.map((job) => job.state)).toEqual(['held']);

    // The delete is not sent by a flush; only once confirmed.
    await box.addServer('district');
    await runAt('district', 'flush');
    expect(box.sim.dataValuePosts()).toHaveLength(0);
    const confirmed = await runAt('district', 'bundle', 'confirm', jobs.jobs[0]!.id.slice(0, 8));
    expect(confirmed.stdout).toMatch(/^Confirmed: ".*" is queued and will delete on the server/m);
    expect((await runAt('district', 'bundle', 'confirm', jobs.jobs[0]!.id)).stderr).toMatch(/not waiting for a delete to be confirmed/);
  });
});
