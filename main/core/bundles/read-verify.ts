import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../errors';
import { DEFAULT_MAX_FILE_BYTES } from '../files/file-store';
import { ByteCounter, DEFAULT_INPUT_LIMITS, UnpackGuard, type InputLimits } from '../formats/input-limits';
import { joinStreams } from '../formats/join-streams';
import {
  BUNDLE_FORMAT_VERSION,
  BUNDLE_KIND,
  BundleSignature,
  MANIFEST_ENTRY,
  MAX_SIGNATURE_BYTES,
  SIGNATURE_ENTRY,
  UNSIGNED_FORMAT_VERSION,
  MAX_ENTRIES,
  MAX_MANIFEST_BYTES,
  Manifest,
  ManifestHead,
  PAYLOAD_PREFIX,
  README_ENTRY,
  appVersionSatisfies,
  payloadEntryName,
  type ManifestFile,
} from './format';
import { fingerprintOf, isRawPublicKey, verifyManifestSignature } from './signing';

/** A bundle we will not load, with words for the person holding the drive. */
export class BundleError extends AppError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'BundleError';
  }
}

export interface ReadOptions {
  /** This app's version, held against the bundle's minimum. */
  appVersion: string;
  limits?: Partial<InputLimits>;
}

/** Who signed a bundle, as far as the bytes prove it: whether this office trusts that key is decided by trust.ts. */
export type BundleSigner = { readonly publicKey: string; readonly fingerprint: string } | null;

export interface OpenedBundle {
  readonly path: string;
  readonly manifest: Manifest;
  /** The key whose signature over the manifest checked out; null for a format 1 bundle, which has none. */
  readonly signer: BundleSigner;
  /** sha256 of the exact manifest bytes: what a person's approval of an unsigned bundle is bound to. */
  readonly manifestSha256: string;
  /**
   * Reads every payload, checking size, CRC and sha256 against the manifest, and hands each checked
   * stream to `consume` (which must read it to the end). A stream whose bytes do not match errors at its
   * end, so whatever `consume` stored from it is thrown away by its own error handling.
   */
  verifyPayloads(consume?: (file: ManifestFile, content: Readable) => Promise<void>): Promise<void>;
  close(): void;
}

const PAYLOAD_NAME = /^files\/[0-9a-f]{64}$/;

/** Opens a bundle, checks its directory and manifest; payloads are checked by `verifyPayloads`. */
export async function openBundle(path: string, options: ReadOptions): Promise<OpenedBundle> {
  const fileName = basename(path);
  const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS, ...options.limits };
  const zip = await openZip(path, fileName);
  try {
    const entries = await listEntries(zip, fileName);
    const manifestEntry = entries.get(MANIFEST_ENTRY);
    if (!manifestEntry) throw new BundleError('NOT_A_BUNDLE', `"${fileName}" is a zip file but not a DHIS2 bundle (it has no manifest.json).`);
    const { manifest, bytes } = await readManifest(zip, manifestEntry, fileName, options.appVersion, limits);
    const signer = await checkSignature(zip, entries.get(SIGNATURE_ENTRY), manifest, bytes, fileName, limits);
    checkEntriesAgainstManifest(entries, manifest, fileName, limits);
    let closed = false;
    return {
      path,
      manifest,
      signer,
      manifestSha256: createHash('sha256').update(bytes).digest('hex'),
      async verifyPayloads(consume) {
        for (const file of manifest.files) {
          const entry = entries.get(payloadEntryName(file.sha256))!;
          const content = await openEntry(zip, entry, `${fileName}: ${file.sha256.slice(0, 12)}…`, { ...limits, maxBytes: file.size });
          const checked = joinStreams([content, new ChecksumGuard(file, fileName)], (error) => mapReadError(error, fileName));
          if (consume) await consume(file, checked);
          else
            await pipeline(checked, async (source: AsyncIterable<Buffer>) => {
              for await (const _ of source) void _;
            });
        }
      },
      close() {
        if (!closed) zip.close();
        closed = true;
      },
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** Opens, checks everything, closes: the manifest of a bundle that is whole. */
export async function verifyBundle(path: string, options: ReadOptions): Promise<Manifest> {
  const bundle = await openBundle(path, options);
  try {
    await bundle.verifyPayloads();
    return bundle.manifest;
  } finally {
    bundle.close();
  }
}

/** Whether a zip file is meant as a bundle (it names a manifest.json), without judging whether it is a good one. */
export async function looksLikeBundle(path: string): Promise<boolean> {
  // Bundles start with their manifest, so even one cut short (no central directory) is known for what it was meant to be.
  if (firstEntryName(path) === MANIFEST_ENTRY) return true;
  let zip: ZipFile;
  try {
    zip = await openZip(path, basename(path));
  } catch {
    return false;
  }
  try {
    let found = false;
    await new Promise<void>((resolve) => {
      let count = 0;
      zip.on('entry', (entry: Entry) => {
        if (entry.fileName === MANIFEST_ENTRY) {
          found = true;
          return resolve();
        }
        if (++count > MAX_ENTRIES) return resolve();
        zip.readEntry();
      });
      zip.once('end', () => resolve());
      zip.once('error', () => resolve());
      zip.readEntry();
    });
    return found;
  } finally {
    zip.close();
  }
}

function firstEntryName(path: string): string | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(30 + MANIFEST_ENTRY.length);
    const read = readSync(fd, head, 0, head.length, 0);
    if (read < 30 || head.readUInt32LE(0) !== 0x04034b50) return null;
    const length = head.readUInt16LE(26);
    return length === MANIFEST_ENTRY.length && read === head.length ? head.subarray(30).toString('utf8') : null;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function openZip(path: string, fileName: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: true }, (error, zip) =>
      error ? reject(mapReadError(error, fileName)) : resolve(zip),
    );
  });
}

async function listEntries(zip: ZipFile, fileName: string): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      const name = entry.fileName;
      if (entries.size >= MAX_ENTRIES)
        return reject(new BundleError('BUNDLE_DAMAGED', `"${fileName}" holds far more files than any bundle; it was not opened.`));
      if (name !== MANIFEST_ENTRY && name !== SIGNATURE_ENTRY && name !== README_ENTRY && !PAYLOAD_NAME.test(name)) {
        return reject(
          new BundleError(
            'BUNDLE_UNEXPECTED_ENTRY',
            `"${fileName}" holds "${name.slice(0, 200)}", which no bundle holds: it was changed after it was made, so it was not loaded.`,
          ),
        );
      }
      if (entries.has(name)) return reject(new BundleError('BUNDLE_UNEXPECTED_ENTRY', `"${fileName}" holds "${name}" twice; it was not loaded.`));
      if (entry.isEncrypted()) return reject(new BundleError('BUNDLE_UNEXPECTED_ENTRY', `"${fileName}" is password-protected; bundles never are.`));
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        return reject(new BundleError('BUNDLE_UNEXPECTED_ENTRY', `"${fileName}" uses a compression method bundles do not use; it was not loaded.`));
      }
      entries.set(name, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve());
    zip.once('error', (error: Error) => reject(mapReadError(error, fileName)));
    zip.readEntry();
  });
  return entries;
}

async function readEntryBytes(zip: ZipFile, entry: Entry, label: string, fileName: string, limits: InputLimits, maxBytes: number): Promise<Buffer> {
  const stream = await openEntry(zip, entry, label, { ...limits, maxBytes });
  const parts: Buffer[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  } catch (error) {
    throw mapReadError(error as Error, fileName);
  }
  return Buffer.concat(parts);
}

async function readManifest(
  zip: ZipFile,
  entry: Entry,
  fileName: string,
  appVersion: string,
  limits: InputLimits,
): Promise<{ manifest: Manifest; bytes: Buffer }> {
  if (entry.uncompressedSize > MAX_MANIFEST_BYTES) {
    throw new BundleError('BUNDLE_DAMAGED', `The manifest of "${fileName}" is larger than any bundle's manifest; it was not read.`);
  }
  const bytes = await readEntryBytes(zip, entry, `${fileName}: manifest.json`, fileName, limits, MAX_MANIFEST_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BundleError('BUNDLE_DAMAGED', `The manifest of "${fileName}" is not readable JSON; the bundle is damaged. Ask for it to be saved again.`);
  }
  const head = ManifestHead.safeParse(raw);
  if (!head.success || head.data.kind !== BUNDLE_KIND) {
    throw new BundleError('NOT_A_BUNDLE', `"${fileName}" is a zip file with a manifest.json, but not a DHIS2 bundle.`);
  }
  if (head.data.formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      'BUNDLE_TOO_NEW',
      `"${fileName}" was made by a newer version of the app (bundle format ${head.data.formatVersion}; this app reads format ${BUNDLE_FORMAT_VERSION}). Update the app here, then load it again; nothing was loaded.`,
    );
  }
  if (head.data.minAppVersion && !appVersionSatisfies(appVersion, head.data.minAppVersion)) {
    throw new BundleError(
      'BUNDLE_TOO_NEW',
      `"${fileName}" needs version ${head.data.minAppVersion} of the app or newer; this is ${appVersion}. Update the app here, then load it again; nothing was loaded.`,
    );
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleError(
      'BUNDLE_DAMAGED',
      `The manifest of "${fileName}" is not valid (${issue ? `${issue.path.join('.') || 'manifest'}: ${issue.message}` : 'unknown problem'}); the bundle was not loaded.`,
    );
  }
  return { manifest: parsed.data, bytes };
}

/**
 * A format 2 bundle must carry a good signature by the key its manifest names; anything else means the
 * manifest or the signature changed since the laptop saved it (a format 2 manifest without its signature is
 * a stripped signature, not an old bundle). Format 1 has no signature and may not pretend to have one.
 */
async function checkSignature(
  zip: ZipFile,
  entry: Entry | undefined,
  manifest: Manifest,
  manifestBytes: Buffer,
  fileName: string,
  limits: InputLimits,
): Promise<BundleSigner> {
  const changed = (why: string) =>
    new BundleError(
      'BUNDLE_SIGNATURE_INVALID',
      `"${fileName}" ${why}: it was changed after ${manifest.source.deviceName.slice(0, 100) || 'the laptop'} saved it, so nothing was loaded from it. Ask for it to be saved again on that laptop.`,
    );
  if (manifest.formatVersion === UNSIGNED_FORMAT_VERSION) {
    if (entry)
      throw new BundleError(
        'BUNDLE_UNEXPECTED_ENTRY',
        `"${fileName}" holds a signature that a format 1 bundle cannot have; it was changed, so it was not loaded.`,
      );
    return null;
  }
  if (!entry) throw changed('has lost its signature');
  const publicKey = manifest.source.publicKey;
  if (!publicKey || !isRawPublicKey(publicKey)) throw changed('does not name a valid signing key');
  if (entry.uncompressedSize > MAX_SIGNATURE_BYTES) throw changed('has a signature far larger than any signature');
  const bytes = await readEntryBytes(zip, entry, `${fileName}: signature.json`, fileName, limits, MAX_SIGNATURE_BYTES);
  let parsed;
  try {
    parsed = BundleSignature.safeParse(JSON.parse(bytes.toString('utf8')));
  } catch {
    throw changed('has an unreadable signature');
  }
  if (!parsed.success) throw changed('has an unreadable signature');
  if (parsed.data.publicKey !== publicKey) throw changed('is signed by another key than the one its manifest names');
  if (!verifyManifestSignature(manifestBytes, publicKey, parsed.data.signature)) throw changed('does not match its signature');
  return { publicKey, fingerprint: fingerprintOf(publicKey) };
}

function checkEntriesAgainstManifest(entries: Map<string, Entry>, manifest: Manifest, fileName: string, limits: InputLimits): void {
  const listed = new Set(manifest.files.map((file) => file.sha256));
  if (listed.size !== manifest.files.length) throw new BundleError('BUNDLE_DAMAGED', `The manifest of "${fileName}" lists a file twice.`);
  for (const file of manifest.files) {
    const entry = entries.get(payloadEntryName(file.sha256));
    if (!entry) {
      throw new BundleError('BUNDLE_DAMAGED', `"${fileName}" is missing a file its manifest lists (${file.sha256.slice(0, 12)}…); it was not loaded.`);
    }
    if (file.size > DEFAULT_MAX_FILE_BYTES) throw new BundleError('BUNDLE_DAMAGED', `"${fileName}" lists a file larger than the app accepts.`);
    if (entry.uncompressedSize !== file.size) {
      throw new BundleError(
        'BUNDLE_TAMPERED',
        `In "${fileName}" a file is not the size its manifest says; the bundle was changed or damaged, so it was not loaded.`,
      );
    }
    if (entry.uncompressedSize > limits.ratioAfterBytes && entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio) {
      throw new BundleError(
        'COMPRESSION_BOMB',
        `"${fileName}" holds a file that unpacks to far more than it takes (over ${limits.maxRatio} times); it was not opened.`,
      );
    }
  }
  for (const name of entries.keys()) {
    if (name.startsWith(PAYLOAD_PREFIX) && !listed.has(name.slice(PAYLOAD_PREFIX.length))) {
      throw new BundleError('BUNDLE_UNEXPECTED_ENTRY', `"${fileName}" holds a file its manifest does not list; it was changed, so it was not loaded.`);
    }
  }
  for (const job of manifest.jobs) {
    for (const file of job.files) {
      if (!listed.has(file.sha256))
        throw new BundleError('BUNDLE_DAMAGED', `In "${fileName}" the job "${job.title}" refers to a file the bundle does not hold.`);
    }
  }
}

function openEntry(zip: ZipFile, entry: Entry, label: string, limits: InputLimits): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, { decodeFileData: false }, (error, raw) => {
      if (error) return reject(error);
      const expected = { size: entry.uncompressedSize, crc32: entry.crc32 };
      if (entry.compressionMethod === 8) {
        const inflate = createInflateRaw();
        resolve(joinStreams([raw, inflate, new UnpackGuard(label, limits, () => inflate.bytesWritten, expected)], (e) => e));
      } else {
        const counter = new ByteCounter();
        resolve(joinStreams([raw, counter, new UnpackGuard(label, limits, () => counter.bytes, expected)], (e) => e));
      }
    });
  });
}

/** Passes bytes through and fails at the end unless they are exactly the manifest's file. */
class ChecksumGuard extends Transform {
  private readonly hash = createHash('sha256');
  private size = 0;

  constructor(
    private readonly file: ManifestFile,
    private readonly bundleName: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const sha256 = this.hash.digest('hex');
    if (sha256 !== this.file.sha256 || this.size !== this.file.size) {
      return callback(
        new BundleError(
          'BUNDLE_TAMPERED',
          `In "${this.bundleName}" a file does not match its checksum (sha256 ${this.file.sha256.slice(0, 12)}…); the bundle was changed or damaged, so it was not loaded. Ask for it to be saved again.`,
        ),
      );
    }
    callback();
  }
}

export function mapReadError(error: Error, fileName: string): Error {
  if (error instanceof AppError) {
    if (error instanceof BundleError) return error;
    // Limits and CRC checks from formats/ speak of "the file"; here it is the bundle.
    if (error.code === 'COMPRESSION_BOMB' || error.code === 'TOO_LARGE') return new BundleError(error.code, error.message);
    if (error.code === 'ZIP_DAMAGED') return new BundleError('BUNDLE_DAMAGED', `"${fileName}" is damaged: ${error.message}`);
    return error;
  }
  const message = error.message ?? String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new BundleError('FILE_NOT_READABLE', `"${fileName}" is no longer there (was the drive removed?).`);
  if (code === 'EIO' || code === 'ENXIO' || code === 'ENODEV') {
    return new BundleError('DRIVE_REMOVED', `"${fileName}" could not be read (${code}); was the USB drive removed? Plug it in and try again.`);
  }
  if (code === 'EACCES' || code === 'EPERM') return new BundleError('FILE_NOT_READABLE', `"${fileName}" may not be read (permission denied).`);
  if (/^(invalid relative path|absolute path|invalid characters in fileName)/.test(message)) {
    return new BundleError('BUNDLE_UNSAFE_NAME', `"${fileName}" holds an entry whose name points outside the bundle; it was not opened.`);
  }
  if (/end of central directory record signature not found|unexpected EOF|too short|ended early|past end/i.test(message)) {
    return new BundleError(
      'BUNDLE_TRUNCATED',
      `"${fileName}" is incomplete: it ends early (was the copy interrupted or the drive pulled out?). Ask for it to be saved again; nothing was loaded from it.`,
    );
  }
  return new BundleError('BUNDLE_DAMAGED', `"${fileName}" is damaged (${message}); nothing was loaded from it. Ask for it to be saved again.`);
}
