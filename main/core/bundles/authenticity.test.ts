import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Core } from '../core';
import type { FileRef } from '../../../shared/jobs';
import { tempDir, testCore } from '../test/helpers';
import { payloadEntryName } from './format';
import { enrolledUsbTrip, readZipEntries, sha256, signedEntries, writeRawZip } from './test-support';
import { signingKeyOf } from './signing';

const VALUES = Buffer.from('{"dataValues":[{"dataElement":"f7n9E0hX8qk","period":"202201","orgUnit":"DiszpKrYNg8","value":"3"}]}\n');
const OTHER_VALUES = Buffer.from('{"dataValues":[{"dataElement":"Ix2HsbDMLea","period":"202201","orgUnit":"BdfsJfj87js","value":"0"}]}\n');

type Json = Record<string, unknown> & { jobs: (Record<string, unknown> & { params: Record<string, unknown> })[] };

describe('USB bundle authenticity: signed by an enrolled laptop, or held for a person', () => {
  let dir: ReturnType<typeof tempDir>;
  let facility: Core;
  let district: Core;
  let usb: string;
  let file: FileRef;
  let close: () => Promise<void>;

  const jobCount = () => district.jobs.list({ limit: 100, offset: 0 }).total;

  /** A legitimate bundle from the enrolled laptop, and its entries for an attacker to rework. */
  async function legitimate(params: Record<string, unknown> = {}) {
    facility.runner.create({ type: 'import-data', params, files: [file] });
    const saved = await facility.bundles.create({ folder: usb });
    const entries = await readZipEntries(saved.path);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Json;
    return { saved, entries, manifest };
  }

  /** What an attacker with the drive can do: rewrite the manifest, swap a payload and fix its checksum, keep the laptop's signature. */
  async function forge(name: string, manifest: Json, signature: Buffer | null, payload: Buffer): Promise<string> {
    const path = join(usb, name);
    const entries: { name: string; content: Buffer }[] = [{ name: 'manifest.json', content: Buffer.from(JSON.stringify(manifest)) }];
    if (signature) entries.push({ name: 'signature.json', content: signature });
    await writeRawZip(path, [...entries, { name: payloadEntryName(sha256(payload)), content: payload }]);
    return path;
  }

  function withPayload(manifest: Json, payload: Buffer, bundleId: string): Json {
    const files = [{ sha256: sha256(payload), size: payload.length }];
    return {
      ...manifest,
      bundleId,
      files,
      jobs: manifest.jobs.map((job) => ({ ...job, files: [{ sha256: sha256(payload), name: 'values.json', size: payload.length }] })),
    };
  }

  beforeEach(async () => {
    ({ dir, facility, district, usb, close } = await enrolledUsbTrip());
    file = await facility.files.put(Readable.from([VALUES]), 'values.json');
  });
  afterEach(() => close());

  it('a bundle signed by the enrolled laptop loads as before', async () => {
    const { saved } = await legitimate();
    const report = await district.bundles.load(usb);
    expect(report.held).toEqual([]);
    expect(report.rejected).toEqual([]);
    expect(report.loaded.map((item) => item.fileName)).toEqual([saved.fileName]);
    expect(district.jobs.require(report.loaded[0]!.jobIds[0]!).state).toBe('queued');
  });

  it('refuses a manifest edited to DELETE with the payload and its sha256 rewritten together', async () => {
    const { saved, entries, manifest } = await legitimate();
    rmSync(saved.path);
    const edited = withPayload(manifest, OTHER_VALUES, manifest.bundleId as string);
    edited.jobs[0]!.params = { ...edited.jobs[0]!.params, strategy: 'DELETE' };
    await forge('edited.zip', edited, entries.get('signature.json')!, OTHER_VALUES);

    const report = await district.bundles.load(usb);
    expect(report.loaded).toEqual([]);
    expect(report.rejected.map((item) => [item.fileName, item.code])).toEqual([['edited.zip', 'BUNDLE_SIGNATURE_INVALID']]);
    expect(report.rejected[0]!.message).toMatch(/"edited.zip" does not match its signature: it was changed after Ngelehun CHC saved it/);
    expect(jobCount()).toBe(0);
    expect(district.files.has(sha256(OTHER_VALUES))).toBe(false);
  });

  it('refuses a manifest whose job type was changed', async () => {
    const { saved, entries, manifest } = await legitimate();
    rmSync(saved.path);
    const edited = { ...manifest, jobs: manifest.jobs.map((job) => ({ ...job, type: 'import-metadata', params: {} })) };
    await forge('retyped.zip', edited, entries.get('signature.json')!, VALUES);
    const report = await district.bundles.load(usb);
    expect(report.rejected.map((item) => item.code)).toEqual(['BUNDLE_SIGNATURE_INVALID']);
    expect(report.loaded).toEqual([]);
    expect(jobCount()).toBe(0);
  });

  it('refuses a signed bundle whose signature was stripped, and holds one passed off as an old unsigned bundle', async () => {
    const { saved, manifest } = await legitimate();
    rmSync(saved.path);
    await forge('stripped.zip', { ...withPayload(manifest, OTHER_VALUES, 'stripped-1') }, null, OTHER_VALUES);
    const downgraded = { ...withPayload(manifest, OTHER_VALUES, 'downgraded-1'), formatVersion: 1 };
    downgraded.jobs[0]!.params = { ...downgraded.jobs[0]!.params, strategy: 'DELETE' };
    await forge('downgraded.zip', downgraded, null, OTHER_VALUES);

    const report = await district.bundles.load(usb);
    expect(report.rejected.map((item) => [item.fileName, item.code])).toEqual([['stripped.zip', 'BUNDLE_SIGNATURE_INVALID']]);
    expect(report.rejected[0]!.message).toMatch(/has lost its signature/);
    expect(report.held.map((item) => [item.fileName, item.hold.reason])).toEqual([['downgraded.zip', 'unsigned']]);
    expect(report.held[0]!.message).toMatch(/is not signed .* Nothing was loaded/);
    expect(report.loaded).toEqual([]);
    expect(jobCount()).toBe(0);
  });

  it('holds a bundle signed by a key not enrolled here until a person approves it, then trusts that laptop', async () => {
    const { saved, manifest } = await legitimate();
    rmSync(saved.path);
    const forger = signingKeyOf(generateKeyPairSync('ed25519').privateKey);
    const stranger = { ...withPayload(manifest, OTHER_VALUES, 'stranger-1') };
    stranger.source = { deviceId: 'another-laptop', deviceName: 'Ngelehun CHC', sequence: 1, publicKey: forger.publicKey };
    await writeRawZip(join(usb, 'stranger.zip'), [...signedEntries(stranger, forger), { name: payloadEntryName(sha256(OTHER_VALUES)), content: OTHER_VALUES }]);

    const scan = await district.bundles.scan(usb);
    expect(scan.items[0]).toMatchObject({ status: 'held', hold: { reason: 'unknown-signer', fingerprint: forger.fingerprint, deviceName: 'Ngelehun CHC' } });
    const report = await district.bundles.load(usb);
    expect(report.loaded).toEqual([]);
    expect(report.held[0]!.message).toContain(`key ${forger.fingerprint}`);
    expect(jobCount()).toBe(0);
    // Loading again without approval still queues nothing.
    expect((await district.bundles.load(usb)).loaded).toEqual([]);

    const approved = await district.bundles.approve('stranger-1');
    expect(approved.report!.loaded.map((item) => item.fileName)).toEqual(['stranger.zip']);
    expect(jobCount()).toBe(1);
    expect(district.bundles.signers().find((signer) => signer.device_id === 'another-laptop')).toMatchObject({
      how: 'approved',
      fingerprint: forger.fingerprint,
    });
  });

  it('holds a bundle that names an enrolled laptop but is signed with another key; a new key after a reinstall is approved once', async () => {
    const { saved, manifest } = await legitimate();
    rmSync(saved.path);
    const forger = signingKeyOf(generateKeyPairSync('ed25519').privateKey);
    const impostor = withPayload(manifest, OTHER_VALUES, 'impostor-1');
    impostor.source = { ...(manifest.source as object), publicKey: forger.publicKey };
    impostor.jobs[0]!.params = { ...impostor.jobs[0]!.params, strategy: 'DELETE' };
    await writeRawZip(join(usb, 'impostor.zip'), [...signedEntries(impostor, forger), { name: payloadEntryName(sha256(OTHER_VALUES)), content: OTHER_VALUES }]);
    const enrolled = (await facility.bundles.signingIdentity()).fingerprint;

    const report = await district.bundles.load(usb);
    expect(report.loaded).toEqual([]);
    expect(report.held[0]!.hold).toMatchObject({ reason: 'changed-key', fingerprint: forger.fingerprint, enrolledFingerprint: enrolled });
    expect(report.held[0]!.message).toMatch(/signed with key .*, not the key enrolled here for that laptop/);
    expect(jobCount()).toBe(0);
    rmSync(join(usb, 'impostor.zip'));

    // The real laptop replaces its key (say its secret store was reinstalled): held once, approved, then trusted.
    const renewed = await facility.bundles.signingIdentity({ newKey: true });
    expect(renewed.fingerprint).not.toBe(enrolled);
    facility.runner.create({ type: 'import-data', params: {}, files: [await facility.files.put(Readable.from([OTHER_VALUES]), 'more.json')] });
    const next = await facility.bundles.create({ folder: usb });
    const held = await district.bundles.load(usb);
    expect(held.held.map((item) => item.hold.reason)).toEqual(['changed-key']);
    const approved = await district.bundles.approve(next.bundleId.slice(0, 8));
    expect(approved.report!.loaded.map((item) => item.fileName)).toEqual([next.fileName]);
    const signers = district.bundles.signers().filter((signer) => signer.device_name === 'Ngelehun CHC');
    expect(signers.map((signer) => [signer.fingerprint, signer.retired_at === null])).toEqual(
      expect.arrayContaining([
        [enrolled, false],
        [renewed.fingerprint, true],
      ]),
    );
  });

  it('holds an old-format unsigned bundle with a warning; approval is for that bundle exactly as it was seen', async () => {
    const { saved, manifest } = await legitimate();
    rmSync(saved.path);
    const old = { ...withPayload(manifest, VALUES, 'old-1'), formatVersion: 1, source: { ...(manifest.source as object), publicKey: undefined } };
    await forge('old.zip', old, null, VALUES);
    const first = await district.bundles.load(usb);
    expect(first.held.map((item) => item.hold.reason)).toEqual(['unsigned']);
    expect(jobCount()).toBe(0);

    // Changed on the drive after a person looked at it: the approval does not carry over to other bytes.
    const swapped = { ...old, jobs: old.jobs.map((job) => ({ ...job, params: { strategy: 'DELETE' } })) };
    await forge('old.zip', swapped, null, VALUES);
    const afterSwap = await district.bundles.approve('old-1');
    expect(afterSwap.report!.loaded).toEqual([]);
    expect(afterSwap.report!.held.map((item) => item.hold.reason)).toEqual(['unsigned']);
    expect(jobCount()).toBe(0);

    await forge('old.zip', old, null, VALUES);
    await district.bundles.load(usb);
    const approved = await district.bundles.approve('old-1');
    expect(approved.report!.loaded.map((item) => item.fileName)).toEqual(['old.zip']);
    expect(jobCount()).toBe(1);
  });

  it('a DELETE that arrives by USB is queued held, and runs only once a person confirms it', async () => {
    await legitimate({ strategy: 'DELETE' });
    const scan = await district.bundles.scan(usb);
    expect(scan.items[0]!.bundle!.jobs[0]).toMatchObject({ destructive: true, status: 'new' });
    const report = await district.bundles.load(usb);
    const jobId = report.loaded[0]!.jobIds[0]!;
    expect(report.loaded[0]!.heldJobIds).toEqual([jobId]);
    expect(report.loaded[0]!.message).toMatch(/1 of them deletes on the server: held until you confirm it/);
    expect(district.jobs.require(jobId).state).toBe('held');
    expect(
      district.jobLog
        .list(jobId)
        .map((entry) => entry.message)
        .join('\n'),
    ).toMatch(/deletes on the server .* It is held/);
    // The receipt tells the facility it has not been sent.
    const receiptName = readdirSync(usb).find((name) => name.endsWith('.receipt.json'))!;
    expect(JSON.parse(readFileSync(join(usb, receiptName), 'utf8')).jobs[0]).toMatchObject({ status: 'waiting' });

    const confirmed = district.bundles.confirmDelete(jobId);
    expect(confirmed.state).toBe('queued');
    expect(district.jobLog.list(jobId).at(-1)!.message).toMatch(/Delete confirmed here by a person/);
    expect(() => district.bundles.confirmDelete(jobId)).toThrow(/not waiting for a delete to be confirmed/);

    // Cancelled, then retried: the confirmation was for that run, so it is held again rather than queued.
    district.runner.cancel(jobId);
    const retried = district.runner.retry(jobId);
    expect(retried.state).toBe('held');
    expect(district.jobLog.list(jobId).at(-1)!.message).toMatch(/held again until a person here confirms the delete/);
    expect(district.bundles.confirmDelete(jobId).state).toBe('queued');
  });

  it('enrols a laptop only with the fingerprint it shows, and never from a changed file', async () => {
    const path = await facility.bundles.writeEnrolment(usb);
    const { fingerprint } = await facility.bundles.signingIdentity();
    const other = testCore(join(dir.path, 'other-district'));
    try {
      expect(() => other.bundles.enrol(path, undefined)).toThrow(new RegExp(`fingerprint ${fingerprint}.*--fingerprint`));
      expect(() => other.bundles.enrol(path, 'AAAA BBBB CCCC DDDD EEEE FFFF')).toThrow(/is not the one in/);
      const text = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      writeFileSync(path, JSON.stringify({ ...text, deviceName: 'Somewhere else' }));
      expect(() => other.bundles.enrol(path, fingerprint)).toThrow(/was changed after the laptop wrote it/);
      expect(other.bundles.signers()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('keeps the private key sealed: not in the bundle, the enrolment file or the settings in clear', async () => {
    const { entries } = await legitimate();
    const enrolment = readFileSync(await facility.bundles.writeEnrolment(usb), 'utf8');
    const settings = facility.db.prepare('SELECT value FROM settings').all() as { value: string }[];
    for (const text of [...[...entries.values()].map((b) => b.toString('latin1')), enrolment, ...settings.map((row) => row.value)]) {
      expect(text).not.toMatch(/PRIVATE KEY/);
    }
  });
});
