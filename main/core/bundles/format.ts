import { z } from 'zod';
import { OfflineValidation } from '../../../shared/data-import';
import { ImportSummary } from '../../../shared/import-summary';
import { JobType, Sha256 } from '../../../shared/jobs';

/**
 * The USB bundle, format 2 (described for people in main/core/bundles/BUNDLE-FORMAT.md). One zip holding
 * `manifest.json`, `signature.json` (the laptop's Ed25519 signature over the exact manifest bytes, which list
 * every payload's sha256), a `README.txt` for whoever opens it by hand, and each payload file once under
 * `files/<sha256>`. Nothing else may be in it: a reader refuses any other entry. Format 1 is the same without
 * the signature; it is still read, and held until a person approves it.
 *
 * Bump BUNDLE_FORMAT_VERSION when an older app would misread a new bundle; older apps then refuse
 * it in words. Additions an older app can safely ignore keep the number and raise `minAppVersion`
 * only if they must not be ignored.
 */
export const BUNDLE_KIND = 'dhis2-ie-bundle';
export const BUNDLE_FORMAT_VERSION = 2;
/** The last format without a signature. */
export const UNSIGNED_FORMAT_VERSION = 1;
/** The first app version that reads format 1. */
export const BUNDLE_MIN_APP_VERSION = '0.1.0';
export const MANIFEST_ENTRY = 'manifest.json';
export const SIGNATURE_ENTRY = 'signature.json';
export const SIGNATURE_KIND = 'dhis2-ie-bundle-signature';
export const MAX_SIGNATURE_BYTES = 16 * 1024;
export const README_ENTRY = 'README.txt';
export const PAYLOAD_PREFIX = 'files/';

export const RECEIPT_KIND = 'dhis2-ie-receipt';
export const RECEIPT_FORMAT_VERSION = 1;

/** A manifest bigger than this is not one we wrote (a million-value validation summary stays far below). */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
export const MAX_RECEIPT_BYTES = 32 * 1024 * 1024;
/** More entries than jobs could ever need: refuse before listing them all. */
export const MAX_ENTRIES = 20_000;

export function payloadEntryName(sha256: string): string {
  return `${PAYLOAD_PREFIX}${sha256}`;
}

const Iso = z.string().min(1).max(40);
const Id = z.string().min(1).max(100);

/** Where a job was first queued. It stays the same when a bundle is carried on further, so the dedupe key never changes. */
export const JobOrigin = z.object({ deviceId: Id, jobId: Id });
export type JobOrigin = z.infer<typeof JobOrigin>;

/** A server by what people know it as. Never an account, a password or a token. */
export const ServerRef = z.object({ name: z.string().max(200), url: z.string().max(2000) });
export type ServerRef = z.infer<typeof ServerRef>;

export const ManifestFile = z.object({
  sha256: Sha256,
  size: z.number().int().nonnegative(),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

export const ManifestJob = z.object({
  id: Id,
  type: JobType,
  title: z.string().max(500),
  createdAt: Iso,
  params: z.record(z.string(), z.unknown()),
  files: z.array(z.object({ sha256: Sha256, name: z.string().min(1).max(500), size: z.number().int().nonnegative() })).max(100),
  origin: JobOrigin,
  server: ServerRef.nullable(),
  /** The facility's offline check, when it had metadata to check against. */
  validation: OfflineValidation.nullable(),
});
export type ManifestJob = z.infer<typeof ManifestJob>;

export const Manifest = z.object({
  kind: z.literal(BUNDLE_KIND),
  formatVersion: z.union([z.literal(UNSIGNED_FORMAT_VERSION), z.literal(BUNDLE_FORMAT_VERSION)]),
  minAppVersion: z.string().max(50),
  bundleId: Id,
  createdAt: Iso,
  app: z.object({ name: z.string().max(200), version: z.string().max(50) }),
  source: z.object({
    deviceId: Id,
    deviceName: z.string().max(200),
    sequence: z.number().int().positive(),
    /** Format 2: the laptop's raw Ed25519 public key (base64), inside what is signed, so the device id and key go together. */
    publicKey: z.string().max(100).optional(),
  }),
  facility: z.object({ orgUnits: z.array(z.object({ id: z.string().max(50), name: z.string().max(500).nullable() })).max(10_000) }),
  jobs: z.array(ManifestJob).min(1).max(10_000),
  files: z.array(ManifestFile).max(10_000),
});
export type Manifest = z.infer<typeof Manifest>;

/** `signature.json`: Ed25519 over "dhis2-ie bundle manifest v2\n" followed by the exact bytes of manifest.json. */
export const BundleSignature = z
  .object({
    kind: z.literal(SIGNATURE_KIND),
    algorithm: z.literal('Ed25519'),
    publicKey: z.string().max(100),
    signature: z.string().max(200),
  })
  .strict();
export type BundleSignature = z.infer<typeof BundleSignature>;

/** Just enough to tell a newer format from a broken one before the full schema is applied. */
export const ManifestHead = z.object({ kind: z.string(), formatVersion: z.number().int(), minAppVersion: z.string().optional() });

/** The district's answer to one job of a bundle. */
export const RECEIPT_STATUSES = ['waiting', 'in-progress', 'done', 'failed', 'needs-attention', 'cancelled', 'carried-on', 'rejected'] as const;
export const ReceiptStatus = z.enum(RECEIPT_STATUSES);
export type ReceiptStatus = z.infer<typeof ReceiptStatus>;

export const ReceiptJob = z.object({
  /** The job's id in the bundle (the facility's job id). */
  jobId: Id,
  status: ReceiptStatus,
  /** It had arrived before, on another bundle or as a file: the status is that earlier job's. */
  duplicate: z.boolean(),
  districtJobId: Id.nullable(),
  message: z.string().max(2000).nullable(),
  finishedAt: Iso.nullable(),
  /** What the server said, once the district sent it. */
  result: z.object({ server: ImportSummary, dryRun: z.boolean() }).nullable(),
});
export type ReceiptJob = z.infer<typeof ReceiptJob>;

export const Receipt = z.object({
  kind: z.literal(RECEIPT_KIND),
  formatVersion: z.literal(RECEIPT_FORMAT_VERSION),
  bundleId: Id,
  bundleSequence: z.number().int(),
  /** The laptop the bundle came from: only that laptop applies the receipt. */
  sourceDeviceId: Id,
  district: z.object({ deviceId: Id, deviceName: z.string().max(200) }),
  /** received: queued at the district; finished: every job has its outcome. */
  stage: z.enum(['received', 'finished']),
  writtenAt: Iso,
  jobs: z.array(ReceiptJob).max(10_000),
});
export type Receipt = z.infer<typeof Receipt>;

/**
 * Whether this app may read a bundle that asks for `required`. Release versions compare as
 * numbers; a development or unversioned build reads everything its format version allows.
 */
export function appVersionSatisfies(current: string, required: string): boolean {
  const parse = (v: string) => {
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  };
  const have = parse(current);
  const need = parse(required);
  if (!have || !need) return true;
  for (let i = 0; i < 3; i++) {
    if (have[i]! !== need[i]!) return have[i]! > need[i]!;
  }
  return true;
}

/** The laptop's name as it stands in the file names it writes: letters, digits and dashes only, so any drive's file system takes it. */
export function deviceSlug(deviceName: string): string {
  return (
    deviceName
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'laptop'
  );
}

/** `dhis2-bundle-<laptop>-<sequence>-<yyyymmdd-hhmm>.zip`: sorts by laptop then order, and says what it is. */
export function bundleFileName(deviceName: string, sequence: number, createdAt: Date): string {
  const slug = deviceSlug(deviceName);
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${createdAt.getFullYear()}${p(createdAt.getMonth() + 1)}${p(createdAt.getDate())}-${p(createdAt.getHours())}${p(createdAt.getMinutes())}`;
  return `dhis2-bundle-${slug}-${String(sequence).padStart(4, '0')}-${stamp}.zip`;
}

/** The receipt sits next to its bundle: same name, `.receipt.json` instead of `.zip`. */
export function receiptFileName(bundleFileName: string): string {
  return `${bundleFileName.replace(/\.zip$/i, '')}.receipt.json`;
}

export const README_TEXT = `This file is a DHIS2 Import/Export bundle: data queued on a laptop with no connection,
carried to a place that has one.

Do not unzip or change it. At the district office, open the DHIS2 Import/Export app,
go to "Load collected files", choose this drive or folder, and load it. The app checks
the signature of the laptop that saved it and every file against the checksums in
manifest.json, queues the imports once (loading the same bundle twice does nothing), and
writes a receipt next to this file. A bundle changed in any way after it was saved is
refused. Take the drive back: the laptop that made the bundle reads the receipt and shows
what the server did.

The bundle holds no passwords or tokens.
`;
