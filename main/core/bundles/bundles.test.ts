import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Core } from '../core';
import type { FileRef, Job, JobState } from '../../../shared/jobs';
import { integrationSeed } from '../../../e2e/dhis2-sim/test-seeds';
import { AppError } from '../errors';
import { BundleService } from './service';
import { verifyBundle, openBundle } from './read-verify';
import { BUNDLE_FORMAT_VERSION, Manifest, Receipt, payloadEntryName, receiptFileName } from './format';
import { enrolledUsbTrip, type UsbTrip, patchCentralSize, readZipEntries, sha256, signedEntries, writeRawZip } from './test-support';
import { assertNoSecrets } from './secrets';
import { createKeyFileCipher } from '../secrets/key-file-cipher';

const UNITS = ['DiszpKrYNg8', 'BdfsJfj87js'];
const ELEMENTS = ['f7n9E0hX8qk', 'Ix2HsbDMLea'];

function dataFile(months: number, value = 1): Buffer {
  const values: string[] = [];
  for (let month = 1; month <= months; month++) {
    const pe = `2022${String(month).padStart(2, '0')}`;
    for (const ou of UNITS) for (const de of ELEMENTS) values.push(`{"dataElement":"${de}","period":"${pe}","orgUnit":"${ou}","value":"${value}"}`);
  }
  return Buffer.from(`{"dataValues":[\n${values.join(',\n')}\n]}\n`);
}

const PASSWORD = 'Facility-Pa55word-xyz';
const TOKEN = 'd2p_SecretTokenValue1234567890abcdef';

/** A writable that takes `okBytes` then fails with `code`, like a full or pulled-out drive. */
function failingDrive(okBytes: number, code: string): () => Writable {
  return () => {
    let taken = 0;
    return new Writable({
      write(chunk: Buffer, _encoding, callback) {
        taken += chunk.length;
        if (taken > okBytes) {
          const error = new Error(`${code}: simulated`) as NodeJS.ErrnoException;
          error.code = code;
          // As a file stream does: the failure comes back later, while more data is on its way.
          return setImmediate(() => callback(error));
        }
        setImmediate(() => callback());
      },
    });
  };
}

describe('USB bundles', () => {
  let dir: UsbTrip['dir'];
  let facility: Core;
  let district: Core;
  let usb: string;
  let fileA: FileRef;
  let fileB: FileRef;
  let close: () => Promise<void>;

  const queue = (file: FileRef, serverId: string | null = null): Job =>
    facility.runner.create({ type: 'import-data', params: { chunkSize: 500 }, files: [file], serverId });
  const stateOf = (core: Core, id: string): JobState => core.jobs.require(id).state;

  beforeEach(async () => {
    ({ dir, facility, district, usb, close } = await enrolledUsbTrip());
    const server = await facility.servers.add({
      name: 'National',
      url: 'http://127.0.0.1:9/dhis',
      auth: { kind: 'basic', username: 'admin', password: PASSWORD },
    });
    await facility.servers.add({ name: 'Backup', url: 'http://127.0.0.1:9/backup', auth: { kind: 'token', token: TOKEN } });
    const seed = join(dir.path, 'metadata.json');
    writeFileSync(seed, JSON.stringify(integrationSeed()));
    await facility.metadata.loadPath(seed, 'metadata.json', server.id);
    fileA = await facility.files.put(Readable.from([dataFile(6)]), 'january-june.json');
    fileB = await facility.files.put(Readable.from([gzipSync(dataFile(3, 7))]), 'q1.json.gz');
  });
  afterEach(() => close());

  it('round trip: saved, verified, loaded once at the district with its origin and the facility check', async () => {
    const server = facility.servers.resolve('National');
    const a = queue(fileA, server.id);
    const b = queue(fileB);
    const saved = await facility.bundles.create({ folder: usb });

    expect(saved.jobIds.sort()).toEqual([a.id, b.id].sort());
    expect(saved.fileName).toMatch(/^dhis2-bundle-Ngelehun-CHC-0001-\d{8}-\d{4}\.zip$/);
    expect(readdirSync(usb)).toEqual([saved.fileName]);
    expect(statSync(saved.path).size).toBe(saved.bytes);
    expect(sha256(readFileSync(saved.path))).toBe(saved.sha256);
    expect(stateOf(facility, a.id)).toBe('carried');
    expect(stateOf(facility, b.id)).toBe('carried');
    expect(facility.bundles.transport(a.id).carried).toMatchObject({ bundleId: saved.bundleId, fileName: saved.fileName, sequence: 1 });
    expect(facility.jobLog.list(a.id).at(-1)!.message).toContain(`Carried on USB: bundle ${saved.fileName}`);

    const manifest = await verifyBundle(saved.path, { appVersion: '0.1.0' });
    expect(manifest).toMatchObject({ formatVersion: BUNDLE_FORMAT_VERSION, source: { deviceName: 'Ngelehun CHC', sequence: 1 } });
    expect(manifest.facility.orgUnits.map((ou) => ou.id).sort()).toEqual([...UNITS].sort());
    const jobA = manifest.jobs.find((job) => job.id === a.id)!;
    expect(jobA.server).toEqual({ name: 'National', url: 'http://127.0.0.1:9/dhis' });
    expect(jobA.validation?.checked).toBe(24);
    expect(jobA.params).toMatchObject({ chunkSize: 500 });
    const entries = await readZipEntries(saved.path);
    expect([...entries.keys()].sort()).toEqual(
      ['README.txt', 'manifest.json', 'signature.json', payloadEntryName(fileA.sha256), payloadEntryName(fileB.sha256)].sort(),
    );
    // The gzip payload is carried byte for byte.
    expect(entries.get(payloadEntryName(fileB.sha256))!.equals(readFileSync(facility.files.pathOf(fileB.sha256)))).toBe(true);

    const scan = await district.bundles.scan(usb);
    expect(scan.items).toHaveLength(1);
    const item = scan.items[0]!;
    expect(item).toMatchObject({ kind: 'bundle', status: 'new', key: `bundle:${saved.bundleId}` });
    expect(item.bundle).toMatchObject({ source: { deviceName: 'Ngelehun CHC', sequence: 1 } });
    expect(item.bundle!.jobs.map((job) => job.status)).toEqual(['new', 'new']);

    const report = await district.bundles.load(usb);
    expect(report.loaded).toHaveLength(1);
    expect(report.loaded[0]!.jobIds).toHaveLength(2);
    const loaded = report.loaded[0]!.jobIds.map((id) => district.jobs.require(id));
    for (const job of loaded) {
      expect(job.state).toBe('queued');
      expect(job.title).toContain('(from Ngelehun CHC)');
      expect(district.files.has(job.files[0]!.sha256)).toBe(true);
    }
    const fromA = loaded.find((job) => job.files[0]!.sha256 === fileA.sha256)!;
    expect(fromA.params).toEqual(a.params);
    expect(district.bundles.transport(fromA.id).origin).toMatchObject({ bundleId: saved.bundleId, deviceName: 'Ngelehun CHC', originJobId: a.id });
    // The receipt went back next to the bundle.
    expect(report.receiptsWritten).toEqual([{ fileName: receiptFileName(saved.fileName), bundleId: saved.bundleId, stage: 'received' }]);

    // A second load queues nothing.
    const again = await district.bundles.load(usb);
    expect(again.loaded).toHaveLength(0);
    expect(again.duplicate.map((d) => d.key)).toEqual([`bundle:${saved.bundleId}`]);
    expect(district.jobs.list({ limit: 100, offset: 0 }).total).toBe(2);
  });

  it('checks each job again at the district as its kind declares: data values and metadata, against the district metadata', async () => {
    queue(fileA);
    const metadataFile = await facility.files.put(
      Readable.from([
        Buffer.from(
          JSON.stringify({
            dataElements: [
              {
                id: 'DeNewAaaaa1',
                name: 'ANC first visit',
                shortName: 'ANC 1',
                valueType: 'NUMBER',
                domainType: 'AGGREGATE',
                aggregationType: 'SUM',
                categoryCombo: { id: 'NoSuchCombo' },
              },
            ],
          }),
        ),
      ]),
      'elements.json',
    );
    facility.runner.create({ type: 'import-metadata', params: {}, files: [metadataFile] });
    await facility.bundles.create({ folder: usb });

    // The district's own copy of the server's metadata: the jobs are checked against it, not only the facility's.
    const server = await district.servers.add({
      name: 'National',
      url: 'http://127.0.0.1:9/dhis',
      auth: { kind: 'basic', username: 'admin', password: PASSWORD },
    });
    const seed = join(dir.path, 'district-metadata.json');
    writeFileSync(seed, JSON.stringify(integrationSeed()));
    await district.metadata.loadPath(seed, 'district-metadata.json', server.id);

    const report = await district.bundles.load(usb);
    const lines = report.loaded[0]!.jobIds.map((id) => {
      const job = district.jobs.require(id);
      return [job.type, district.jobLog.list(id).find((entry) => entry.message.startsWith('Checked here at the district.'))?.message];
    });
    expect(Object.fromEntries(lines)).toEqual({
      'import-data': expect.stringMatching(/^Checked here at the district\. Offline check \(metadata as of .*\): 24 values; predicted /),
      'import-metadata': expect.stringMatching(/^Checked here at the district\. Offline check \(.*\): 1 object; predicted ERROR, 1 error\.$/),
    });
  });

  it('puts nothing secret in a bundle: no password, token or account, and refuses options that look like one', async () => {
    queue(fileA, facility.servers.resolve('National').id);
    queue(fileB, facility.servers.resolve('Backup').id);
    const saved = await facility.bundles.create({ folder: usb });
    const entries = await readZipEntries(saved.path);
    const manifestText = entries.get('manifest.json')!.toString('utf8');
    for (const secret of [PASSWORD, TOKEN, 'secret.key']) expect(manifestText).not.toContain(secret);
    expect(manifestText).not.toMatch(/"(password|token|username|auth|authKind|secret)"/i);
    for (const content of entries.values()) {
      expect(content.includes(Buffer.from(PASSWORD))).toBe(false);
      expect(content.includes(Buffer.from(TOKEN))).toBe(false);
    }
    expect(() => assertNoSecrets({ dataSet: 'x', auth: { accessToken: 'abc' } }, 'the options')).toThrow(/auth\.accessToken/);
  });

  it('refuses a bundle whose payload does not match its checksum, and still loads the good one beside it', async () => {
    queue(fileA);
    const good = await facility.bundles.create({ folder: usb });
    const entries = await readZipEntries(good.path);
    const manifest = Manifest.parse(JSON.parse(entries.get('manifest.json')!.toString('utf8')));
    const tampered = join(usb, 'tampered.zip');
    const changed = Buffer.from(dataFile(6).toString('utf8').replace('"value":"1"', '"value":"9"'));
    // Same size, a valid zip CRC and even a good signature (the laptop's own key): only the sha256 tells.
    await writeRawZip(tampered, [
      ...signedEntries({ ...manifest, bundleId: 'another-bundle-id' }, await facility.bundles.signing.get()),
      { name: payloadEntryName(fileA.sha256), content: changed },
    ]);
    await expect(verifyBundle(tampered, { appVersion: '0.1.0' })).rejects.toMatchObject({ code: 'BUNDLE_TAMPERED' });

    const report = await district.bundles.load(usb);
    expect(report.rejected.map((r) => [r.fileName, r.code])).toEqual([['tampered.zip', 'BUNDLE_TAMPERED']]);
    expect(report.rejected[0]!.message).toMatch(/does not match its checksum/);
    expect(report.loaded.map((l) => l.fileName)).toEqual([good.fileName]);
    // Nothing from the tampered bundle reached a job.
    expect(district.jobs.list({ limit: 100, offset: 0 }).jobs.every((job) => job.files[0]!.sha256 === fileA.sha256)).toBe(true);
  });

  it('reports a truncated bundle (copy interrupted) and skips it', async () => {
    queue(fileA);
    const saved = await facility.bundles.create({ folder: usb });
    truncateSync(saved.path, Math.floor(saved.bytes / 2));
    await expect(openBundle(saved.path, { appVersion: '0.1.0' })).rejects.toMatchObject({ code: 'BUNDLE_TRUNCATED' });
    const scan = await district.bundles.scan(usb);
    expect(scan.items[0]).toMatchObject({ kind: 'bundle', status: 'rejected', problemCode: 'BUNDLE_TRUNCATED' });
    expect(scan.items[0]!.message).toMatch(/incomplete/);
  });

  it('refuses entries that point outside the bundle and entries no bundle has', async () => {
    const manifest = { kind: 'dhis2-ie-bundle', formatVersion: 1, minAppVersion: '0.1.0' };
    const traversal = join(usb, 'traversal.zip');
    await writeRawZip(traversal, [
      { name: 'manifest.json', content: Buffer.from(JSON.stringify(manifest)) },
      { name: '../../outside.txt', content: Buffer.from('x') },
    ]);
    await expect(openBundle(traversal, { appVersion: '0.1.0' })).rejects.toMatchObject({ code: 'BUNDLE_UNSAFE_NAME' });
    const absolute = join(usb, 'absolute.zip');
    await writeRawZip(absolute, [
      { name: 'manifest.json', content: Buffer.from(JSON.stringify(manifest)) },
      { name: '/etc/cron.d/evil', content: Buffer.from('x') },
    ]);
    await expect(openBundle(absolute, { appVersion: '0.1.0' })).rejects.toMatchObject({ code: 'BUNDLE_UNSAFE_NAME' });
    const extra = join(usb, 'extra.zip');
    await writeRawZip(extra, [
      { name: 'manifest.json', content: Buffer.from(JSON.stringify(manifest)) },
      { name: 'files/run.sh', content: Buffer.from('x') },
    ]);
    await expect(openBundle(extra, { appVersion: '0.1.0' })).rejects.toMatchObject({ code: 'BUNDLE_UNEXPECTED_ENTRY' });
  });

  it('refuses zip bombs, whether the zip admits the size or lies about it', async () => {
    queue(fileA);
    const saved = await facility.bundles.create({ folder: usb });
    const manifest = Manifest.parse(JSON.parse((await readZipEntries(saved.path)).get('manifest.json')!.toString('utf8')));
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const bombSha = sha256(zeros);
    const bombManifest = {
      ...manifest,
      files: [{ sha256: bombSha, size: zeros.length }],
      jobs: [{ ...manifest.jobs[0]!, files: [{ sha256: bombSha, name: 'zeros.json', size: zeros.length }] }],
    };
    const key = await facility.bundles.signing.get();
    const honest = join(dir.path, 'honest-bomb.zip');
    await writeRawZip(honest, [...signedEntries(bombManifest, key), { name: payloadEntryName(bombSha), content: zeros }]);
    await expect(openBundle(honest, { appVersion: '0.1.0' })).rejects.toMatchObject({ code: 'COMPRESSION_BOMB' });

    // The central directory claims 1 KiB; the data inflates to 64 MiB.
    const liarManifest = { ...bombManifest, files: [{ sha256: bombSha, size: 1024 }] };
    liarManifest.jobs = [{ ...manifest.jobs[0]!, files: [{ sha256: bombSha, name: 'zeros.json', size: 1024 }] }];
    const liar = join(dir.path, 'lying-bomb.zip');
    await writeRawZip(liar, [...signedEntries(liarManifest, key), { name: payloadEntryName(bombSha), content: zeros }]);
    patchCentralSize(liar, payloadEntryName(bombSha), 1024);
    const opened = await openBundle(liar, { appVersion: '0.1.0' });
    try {
      await expect(opened.verifyPayloads()).rejects.toBeInstanceOf(AppError);
    } finally {
      opened.close();
    }
  });

  it('refuses a bundle from a newer format or for a newer app, in words', async () => {
    queue(fileA);
    const saved = await facility.bundles.create({ folder: usb });
    const entries = await readZipEntries(saved.path);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    const payload = entries.get(payloadEntryName(fileA.sha256))!;
    const newer = join(usb, 'newer.zip');
    await writeRawZip(newer, [
      { name: 'manifest.json', content: Buffer.from(JSON.stringify({ ...manifest, bundleId: 'n1', formatVersion: 3, somethingNew: { x: 1 } })) },
      { name: payloadEntryName(fileA.sha256), content: payload },
    ]);
    await expect(openBundle(newer, { appVersion: '0.1.0' })).rejects.toThrow(/newer version of the app \(bundle format 3; this app reads format 2\)/);
    const needsApp = join(dir.path, 'needs-app.zip');
    await writeRawZip(needsApp, [
      ...signedEntries({ ...manifest, minAppVersion: '9.0.0' }, await facility.bundles.signing.get()),
      { name: payloadEntryName(fileA.sha256), content: payload },
    ]);
    await expect(openBundle(needsApp, { appVersion: '0.3.1' })).rejects.toMatchObject({ code: 'BUNDLE_TOO_NEW' });
    await expect(openBundle(needsApp, { appVersion: '9.0.0' })).resolves.toBeDefined();

    const scan = await district.bundles.scan(usb);
    const item = scan.items.find((i) => i.fileName === 'newer.zip')!;
    expect(item).toMatchObject({ status: 'rejected', problemCode: 'BUNDLE_TOO_NEW' });
  });

  it('queues a job once when it arrives on two bundles, and a loose file once by its content', async () => {
    const a = queue(fileA);
    const first = await facility.bundles.create({ folder: usb });
    // The first drive is lost on the way: the same job is carried again on a second bundle.
    const usb2 = join(dir.path, 'usb2');
    mkdirSync(usb2);
    const second = await facility.bundles.create({ folder: usb2, jobIds: [a.id] });
    expect(second.sequence).toBe(2);
    const loose = join(usb2, 'extra-values.csv');
    writeFileSync(loose, 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nf7n9E0hX8qk,202301,DiszpKrYNg8,,,5\n');
    writeFileSync(join(usb2, 'notes.txt'), 'Remember to charge the laptop.\n');

    const one = await district.bundles.load(usb2);
    expect(one.loaded.map((l) => l.fileName).sort()).toEqual(['extra-values.csv', second.fileName].sort());
    const scanFirst = await district.bundles.scan(usb);
    expect(scanFirst.items[0]).toMatchObject({ status: 'duplicate' });
    expect(scanFirst.items[0]!.bundle!.jobs[0]).toMatchObject({ status: 'duplicate' });
    expect(scanFirst.items[0]!.bundle!.notes).toEqual([]);
    const two = await district.bundles.load(usb);
    expect(two.loaded).toEqual([]);
    expect(two.duplicate).toHaveLength(1);

    // The loose file copied to another drive under another name is still the same file.
    writeFileSync(join(usb, 'copy-of-values.csv'), readFileSync(loose));
    const three = await district.bundles.load(usb);
    expect(three.loaded).toEqual([]);
    expect(three.duplicate.map((d) => d.fileName).sort()).toEqual(['copy-of-values.csv', first.fileName].sort());
    expect(district.jobs.list({ limit: 100, offset: 0 }).total).toBe(2);
    // The receipt of the first bundle says where the job went: to the job made from the second.
    const receipt = Receipt.parse(JSON.parse(readFileSync(join(usb, receiptFileName(first.fileName)), 'utf8')));
    expect(receipt.jobs[0]).toMatchObject({ jobId: a.id, duplicate: true, status: 'waiting' });
  });

  it('checks loose files offline as they are loaded, and does not queue one that cannot be read to its end', async () => {
    const header = 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n';
    writeFileSync(join(usb, 'good.csv'), `${header}f7n9E0hX8qk,202301,DiszpKrYNg8,,,5\nnotAnElemnt,202301,DiszpKrYNg8,,,6\n`);
    writeFileSync(join(usb, 'broken.csv'), `${header}f7n9E0hX8qk,202301,DiszpKrYNg8,,,5\nf7n9E0hX8qk,202302,DiszpKrYNg8,,,"7\n`);

    // Without offline metadata the district still queues the readable file, and says it was not checked.
    const unchecked = await district.bundles.load(usb, [(await district.bundles.scan(usb)).items.find((i) => i.fileName === 'good.csv')!.key]);
    expect(unchecked.loaded[0]!.message).toBe('Queued as a data import with the default options. Not checked offline: there is no offline metadata here yet.');
    district.runner.cancel(unchecked.loaded[0]!.jobIds[0]!);

    const seed = join(dir.path, 'district-metadata.json');
    writeFileSync(seed, JSON.stringify(integrationSeed()));
    await district.metadata.loadPath(seed, 'district-metadata.json', null);
    writeFileSync(
      join(usb, 'good.csv'),
      `${header}f7n9E0hX8qk,202301,DiszpKrYNg8,,,5\nnotAnElemnt,202301,DiszpKrYNg8,,,6\nIx2HsbDMLea,202301,DiszpKrYNg8,,,8\n`,
    );
    const report = await district.bundles.load(usb);

    expect(report.loaded.map((l) => l.fileName)).toEqual(['good.csv']);
    const loaded = report.loaded[0]!;
    expect(loaded.message).toMatch(
      /^Queued as a data import with the default options\. Offline check \(metadata as of .+\): 3 values; predicted WARNING, 2 imported, 0 updated, 1 ignored, 0 deleted; 1 conflict\.$/,
    );
    const log = district.jobLog.list(loaded.jobIds[0]!).map((entry) => entry.message);
    expect(log.some((line) => line.startsWith('Loaded from USB: loose file good.csv in ') && line.includes('1 conflict'))).toBe(true);

    expect(report.rejected).toEqual([
      expect.objectContaining({
        fileName: 'broken.csv',
        jobIds: [],
        code: 'CSV_QUOTES',
        message: expect.stringMatching(/^Not queued: .*broken\.csv.* line 3/),
      }),
    ]);
    expect(district.jobs.list({ limit: 100, offset: 0 }).jobs.filter((job) => job.state !== 'cancelled')).toHaveLength(1);
  });

  it('notes bundles from the same laptop that have not arrived yet', async () => {
    queue(fileA);
    await facility.bundles.create({ folder: join(dir.path) });
    queue(fileB);
    await facility.bundles.create({ folder: usb });
    const scan = await district.bundles.scan(usb);
    expect(scan.items[0]!.bundle!.notes.join(' ')).toMatch(/bundle 1 from that laptop has not been loaded here/);
  });

  it('a full drive leaves the queue as it was, with nothing half-written on the drive', async () => {
    const a = queue(fileA);
    const b = queue(fileB);
    facility.jobs.update(b.id, { state: 'waiting-for-connection' });
    const full = new BundleService({ ...bundleDeps(facility), openOutput: failingDrive(2000, 'ENOSPC') });
    const failure = full.create({ folder: usb });
    await expect(failure).rejects.toMatchObject({ code: 'DRIVE_FULL' });
    await expect(failure).rejects.toThrow(/is full.*Nothing was saved/);
    expect(stateOf(facility, a.id)).toBe('queued');
    expect(stateOf(facility, b.id)).toBe('waiting-for-connection');
    expect(readdirSync(usb)).toEqual([]);
    expect(facility.jobLog.list(a.id).at(-1)!.message).toMatch(/Saving to USB failed.*back in the queue/);
    // The sequence number was not used up, and the next save works.
    const saved = await facility.bundles.create({ folder: usb });
    expect(saved.sequence).toBe(1);
  });

  it('a drive pulled out while saving says so and leaves the queue as it was', async () => {
    const a = queue(fileA);
    for (const code of ['EIO', 'ENOENT']) {
      const pulled = new BundleService({ ...bundleDeps(facility), openOutput: failingDrive(100, code) });
      await expect(pulled.create({ folder: usb })).rejects.toMatchObject({ code: 'DRIVE_REMOVED' });
      expect(stateOf(facility, a.id)).toBe('queued');
    }
    await expect(facility.bundles.create({ folder: join(usb, 'not-there') })).rejects.toMatchObject({ code: 'FOLDER_MISSING' });
    expect(stateOf(facility, a.id)).toBe('queued');
  });

  it('refuses jobs that cannot be carried and says when nothing waits', async () => {
    await expect(facility.bundles.create({ folder: usb })).rejects.toMatchObject({ code: 'NOTHING_TO_CARRY' });
    const selfTest = facility.runner.create({ type: 'self-test', params: { steps: 1, stepMs: 0 } });
    await expect(facility.bundles.create({ folder: usb, jobIds: [selfTest.id] })).rejects.toMatchObject({ code: 'NOT_CARRIABLE' });
    const a = queue(fileA);
    facility.jobs.update(a.id, { state: 'done' });
    await expect(facility.bundles.create({ folder: usb, jobIds: [a.id] })).rejects.toThrow(/only jobs waiting to be sent/);
  });

  it('a save interrupted by a crash is undone on the next start', async () => {
    const a = queue(fileA);
    facility.db.transaction(() => {
      facility.bundles.repo.insertOut({
        id: 'crashed',
        sequence: 1,
        folder: usb,
        file_name: 'x.zip',
        writer_pid: 2 ** 22 + 12345,
        created_at: new Date().toISOString(),
      });
      facility.bundles.repo.addOutJob('crashed', a.id, 'queued');
      facility.jobs.update(a.id, { state: 'carried' });
    })();
    writeFileSync(join(usb, 'x.zip.part'), 'half');
    new BundleService(bundleDeps(facility));
    expect(stateOf(facility, a.id)).toBe('queued');
    expect(readdirSync(usb)).toEqual([]);
    expect(facility.bundles.repo.getOut('crashed')).toBeNull();
  });

  it('receipts: received at load, final when the imports finish, read at the facility as delivered with the server result', async () => {
    const a = queue(fileA);
    const b = queue(fileB);
    const saved = await facility.bundles.create({ folder: usb });
    const report = await district.bundles.load(usb);
    const [first, second] = report.loaded[0]!.jobIds.map((id) => district.jobs.require(id));

    // Facility reads the "received" receipt.
    const scan = await facility.bundles.scan(usb);
    const receiptItem = scan.items.find((item) => item.kind === 'receipt')!;
    expect(receiptItem).toMatchObject({ status: 'new', receipt: { stage: 'received', district: 'Bo district office', jobs: 2 } });
    const bundleItem = scan.items.find((item) => item.kind === 'bundle')!;
    expect(bundleItem.status).toBe('ignored');
    const received = await facility.bundles.load(usb);
    expect(received.receipts).toHaveLength(1);
    expect(stateOf(facility, a.id)).toBe('delivered');
    expect(facility.jobs.require(a.id).result).toBeNull();

    // The district's imports finish; the final receipt is written by itself.
    const summary = { status: 'SUCCESS', importCount: { imported: 24, updated: 0, ignored: 0, deleted: 0 }, conflicts: [] };
    const failed = { code: 'E7600', message: 'The server refused the data set.' };
    district.bus.emit(
      'job.changed',
      district.jobs.update(first!.id, { state: 'done', result: { server: summary, validation: null, dryRun: false }, finishedAt: new Date().toISOString() }),
    );
    const before = readFileSync(join(usb, receiptFileName(saved.fileName)), 'utf8');
    expect(Receipt.parse(JSON.parse(before)).stage).toBe('received');
    district.bus.emit('job.changed', district.jobs.update(second!.id, { state: 'failed', error: failed, finishedAt: new Date().toISOString() }));
    const final = Receipt.parse(JSON.parse(readFileSync(join(usb, receiptFileName(saved.fileName)), 'utf8')));
    expect(final.stage).toBe('finished');

    // Back at the facility, the receipt is found when saving again (nothing waits, but it is read first).
    await expect(facility.bundles.create({ folder: usb })).rejects.toMatchObject({ code: 'NOTHING_TO_CARRY' });
    const doneHere = facility.jobs.require(first!.files[0]!.sha256 === fileA.sha256 ? a.id : b.id);
    const failedHere = facility.jobs.require(doneHere.id === a.id ? b.id : a.id);
    expect(doneHere.state).toBe('delivered');
    expect(doneHere.result).toMatchObject({ server: { status: 'SUCCESS', importCount: { imported: 24 } }, deliveredBy: 'Bo district office' });
    expect(failedHere.state).toBe('delivered');
    expect(failedHere.error?.message).toMatch(/The import failed at the district \(Bo district office\): The server refused the data set\./);
    expect(facility.bundles.transport(doneHere.id).receipt).toMatchObject({ status: 'done', district: 'Bo district office' });

    // The district retries the failed import and it goes through: the receipt on the drive says so.
    district.bus.emit('job.changed', district.jobs.update(second!.id, { state: 'done', error: null, result: { server: summary, dryRun: false } }));
    const retried = Receipt.parse(JSON.parse(readFileSync(join(usb, receiptFileName(saved.fileName)), 'utf8')));
    expect(retried.jobs.map((job) => job.status)).toEqual(['done', 'done']);

    // Reading the same receipt again changes nothing and logs nothing.
    await facility.bundles.load(usb);
    expect(facility.jobs.require(failedHere.id)).toMatchObject({ state: 'delivered', error: null, result: { server: { status: 'SUCCESS' } } });
    const logLength = facility.jobLog.list(a.id).length;
    const again = await facility.bundles.load(usb);
    expect(again.receipts).toEqual([]);
    expect(facility.jobLog.list(a.id)).toHaveLength(logLength);
  });

  it('a receipt the district cannot write (drive gone) is written the next time that drive is loaded', async () => {
    queue(fileA);
    await facility.bundles.create({ folder: usb });
    const report = await district.bundles.load(usb);
    const jobId = report.loaded[0]!.jobIds[0]!;
    const elsewhere = join(dir.path, 'moved');
    const { renameSync } = await import('node:fs');
    renameSync(usb, elsewhere);
    district.bus.emit('job.changed', district.jobs.update(jobId, { state: 'cancelled', finishedAt: new Date().toISOString() }));
    expect(district.bundles.repo.pendingReceipts()).toHaveLength(1);
    const again = await district.bundles.load(elsewhere);
    expect(again.receiptsWritten[0]).toMatchObject({ stage: 'finished' });
    expect(district.bundles.repo.pendingReceipts()).toHaveLength(0);
  });
});

function bundleDeps(core: Core): ConstructorParameters<typeof BundleService>[0] {
  return {
    db: core.db,
    jobs: core.jobs,
    log: core.jobLog,
    files: core.files,
    bus: core.bus,
    settings: core.settings,
    runner: core.runner,
    registry: core.registry,
    servers: core.servers,
    cipher: createKeyFileCipher(core.dataDir),
    appName: 'test',
    appVersion: 'test',
    validate: async () => null,
    indexFor: () => null,
    facilityOrgUnits: () => [],
  };
}
