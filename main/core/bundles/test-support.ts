import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import type { Core } from '../core';
import { tempDir, testCore, type TempDir } from '../test/helpers';
import { ZipArchiveWriter } from './zip-archive';

/** Writes a zip with exactly these entries (names unchecked), for building hostile bundles in tests. */
export async function writeRawZip(path: string, entries: { name: string; content: Buffer | Readable; compress?: boolean }[]): Promise<void> {
  const zip = new ZipArchiveWriter(createWriteStream(path));
  for (const entry of entries) await zip.add(entry.name, entry.content, { compress: entry.compress ?? true });
  await zip.finish();
}

export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Every entry of a zip, unpacked in memory (test files are small). */
export async function readZipEntries(path: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, file) => (error ? reject(error) : resolve(file))),
  );
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, { decodeFileData: false }, (error, stream) => {
        if (error) return reject(error);
        const parts: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => parts.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(parts);
          out.set(entry.fileName, entry.compressionMethod === 8 ? inflateRawSync(raw) : raw);
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.once('end', () => resolve());
    zip.once('error', reject);
    zip.readEntry();
  });
  zip.close();
  return out;
}

/** Rewrites a zip entry's sizes in the central directory, as a lying archive would. */
export function patchCentralSize(path: string, entryName: string, uncompressedSize: number): void {
  const bytes = readFileSync(path);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = bytes.readUInt32LE(end + 16);
  while (bytes.readUInt32LE(at) === 0x02014b50) {
    const nameLength = bytes.readUInt16LE(at + 28);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (name === entryName) bytes.writeUInt32LE(uncompressedSize, at + 24);
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  writeFileSync(path, bytes);
}

/** The manifest and signature entries of a bundle signed by `key` (a test plays a laptop, or a forger with a key of its own). */
export function signedEntries(manifest: unknown, key: { publicKey: string; signManifest(bytes: Buffer): string }): { name: string; content: Buffer }[] {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const signature = { kind: 'dhis2-ie-bundle-signature', algorithm: 'Ed25519', publicKey: key.publicKey, signature: key.signManifest(bytes) };
  return [
    { name: 'manifest.json', content: bytes },
    { name: 'signature.json', content: Buffer.from(JSON.stringify(signature)) },
  ];
}

/** Both ends of a USB trip in one temp folder: the facility laptop, the district office, and the drive carried between them. */
export interface UsbTrip {
  dir: TempDir;
  facility: Core;
  district: Core;
  /** The drive's folder. */
  usb: string;
  close(): Promise<void>;
}

/** A laptop enrolled at the district, as when it was prepared there: its bundles load without asking. */
export async function enrolledUsbTrip(): Promise<UsbTrip> {
  const dir = tempDir();
  const facility = testCore(join(dir.path, 'facility'));
  const district = testCore(join(dir.path, 'district'));
  facility.bundles.setDeviceName('Ngelehun CHC');
  district.bundles.setDeviceName('Bo district office');
  const usb = join(dir.path, 'usb');
  mkdirSync(usb);
  // It writes its enrolment file, the district officer types the fingerprint the laptop shows.
  const enrolment = await facility.bundles.writeEnrolment(dir.path);
  district.bundles.enrol(enrolment, (await facility.bundles.signingIdentity()).fingerprint);
  return {
    dir,
    facility,
    district,
    usb,
    async close() {
      await facility.close();
      await district.close();
      dir.remove();
    },
  };
}
