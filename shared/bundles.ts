import { z } from 'zod';
import { JobType } from './jobs';

/**
 * What the renderer and the CLI see of USB bundles: saving queued jobs to a drive at a facility,
 * loading them (and loose DHIS2 files) at the district, and receipts going back. The file format
 * itself is main/core/bundles/format.ts and main/core/bundles/BUNDLE-FORMAT.md.
 */

/** This laptop as bundles name it: a random id made once per data folder, and a name people recognise. */
export const DeviceIdentity = z.object({
  deviceId: z.string(),
  name: z.string(),
  /** The fingerprint of this laptop's bundle signing key, for the district to compare (null until the key is made). */
  fingerprint: z.string().nullable().optional(),
});
export type DeviceIdentity = z.infer<typeof DeviceIdentity>;

export const DeviceName = z.string().trim().min(1, 'Give this laptop a name, for example the facility name').max(100);

const FolderPath = z.string().trim().min(1, 'Choose a folder').max(4096);

export const CreateBundleInput = z.object({
  folder: FolderPath,
  /** Omitted: every job waiting to be sent. A carried job may be chosen again when its drive was lost. */
  jobIds: z.array(z.string().min(1)).max(10_000).optional(),
});
export type CreateBundleInput = z.input<typeof CreateBundleInput>;

/** What a receipt found while saving or loading did to this laptop's jobs. */
export const ReceiptApplied = z.object({
  fileName: z.string(),
  bundleId: z.string(),
  district: z.string(),
  writtenAt: z.string(),
  /** Jobs whose state or result changed. */
  updatedJobs: z.number().int().nonnegative(),
  message: z.string(),
});
export type ReceiptApplied = z.infer<typeof ReceiptApplied>;

export const CreateBundleResult = z.object({
  bundleId: z.string(),
  sequence: z.number().int().positive(),
  path: z.string(),
  fileName: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  jobIds: z.array(z.string()),
  /** Data values the bundle carries, where the offline check counted them. */
  values: z.number().int().nonnegative().nullable(),
  /** Receipts found in the folder and applied before saving. */
  receipts: z.array(ReceiptApplied),
});
export type CreateBundleResult = z.infer<typeof CreateBundleResult>;

export const OrgUnitRef = z.object({ id: z.string(), name: z.string().nullable() });
export type OrgUnitRef = z.infer<typeof OrgUnitRef>;

/** held: a whole bundle waits for a person to approve its signer (or its lack of one); nothing from it is queued. */
export const ScanStatus = z.enum(['new', 'duplicate', 'rejected', 'ignored', 'held']);
export type ScanStatus = z.infer<typeof ScanStatus>;

export const ScannedBundleJob = z.object({
  id: z.string(),
  type: JobType,
  title: z.string(),
  files: z.array(z.object({ name: z.string(), size: z.number().int().nonnegative() })),
  /** Values the facility's offline check counted, and the conflicts it predicted (null: not checked there). */
  values: z.number().int().nonnegative().nullable(),
  conflicts: z.number().int().nonnegative().nullable(),
  status: ScanStatus,
  /** Why duplicate or rejected, in words. */
  note: z.string().nullable(),
  /** The job here that already holds it (duplicates). */
  existingJobId: z.string().nullable(),
  /** It deletes on the server (strategy DELETE): loading queues it held, and it runs only once a person here confirms it. */
  destructive: z.boolean(),
});
export type ScannedBundleJob = z.infer<typeof ScannedBundleJob>;

export const ScannedBundle = z.object({
  bundleId: z.string(),
  formatVersion: z.number().int(),
  createdAt: z.string(),
  appVersion: z.string(),
  source: z.object({ deviceId: z.string(), deviceName: z.string(), sequence: z.number().int() }),
  facility: z.object({ orgUnits: z.array(OrgUnitRef) }),
  jobs: z.array(ScannedBundleJob),
  /** Bundles from the same laptop that have not arrived yet, and the like. */
  notes: z.array(z.string()),
});
export type ScannedBundle = z.infer<typeof ScannedBundle>;

export const ScannedReceipt = z.object({
  bundleId: z.string(),
  district: z.string(),
  stage: z.enum(['received', 'finished']),
  writtenAt: z.string(),
  jobs: z.number().int().nonnegative(),
});
export type ScannedReceipt = z.infer<typeof ScannedReceipt>;

/** Why a bundle is held, and what a person compares before approving it. */
export const BundleHold = z.object({
  bundleId: z.string(),
  reason: z.enum(['unknown-signer', 'changed-key', 'unsigned']),
  deviceId: z.string(),
  deviceName: z.string(),
  /** The signing key's fingerprint (null: not signed); the laptop shows its own in Save to USB and `dhis2-ie bundle identity`. */
  fingerprint: z.string().nullable(),
  /** The fingerprint enrolled here before, when the key changed. */
  enrolledFingerprint: z.string().nullable(),
});
export type BundleHold = z.infer<typeof BundleHold>;

/** One thing found in the folder. `key` names it when choosing what to load. */
export const ScanItem = z.object({
  key: z.string(),
  kind: z.enum(['bundle', 'file', 'receipt']),
  fileName: z.string(),
  /** Relative to the scanned folder. */
  relativePath: z.string(),
  size: z.number().int().nonnegative(),
  status: ScanStatus,
  /** For rejected and ignored items: why, in words; for others a short remark or null. */
  message: z.string().nullable(),
  problemCode: z.string().nullable(),
  bundle: ScannedBundle.nullable(),
  /** Loose data files. */
  file: z.object({ sha256: z.string(), format: z.string(), formatReason: z.string(), existingJobId: z.string().nullable() }).nullable(),
  receipt: ScannedReceipt.nullable(),
  /** Set when status is held. */
  hold: BundleHold.nullable(),
});
export type ScanItem = z.infer<typeof ScanItem>;

export const FolderScan = z.object({
  folder: z.string(),
  scannedAt: z.string(),
  items: z.array(ScanItem),
  /** Files not looked at (too many, unreadable folders). */
  notes: z.array(z.string()),
});
export type FolderScan = z.infer<typeof FolderScan>;

export const LoadFolderInput = z.object({
  folder: FolderPath,
  /** Items to load, by key; omitted: everything new (and every receipt for this laptop). */
  keys: z.array(z.string()).max(10_000).optional(),
});
export type LoadFolderInput = z.input<typeof LoadFolderInput>;

export const LoadedItem = z.object({
  key: z.string(),
  kind: z.enum(['bundle', 'file', 'receipt']),
  fileName: z.string(),
  /** Jobs queued here (bundles and files). */
  jobIds: z.array(z.string()),
  /** Of those, the ones that delete on the server: held until a person confirms each (bundles.confirmDelete). */
  heldJobIds: z.array(z.string()),
  message: z.string(),
});
export type LoadedItem = z.infer<typeof LoadedItem>;

export const LoadReport = z.object({
  folder: z.string(),
  loaded: z.array(LoadedItem),
  duplicate: z.array(LoadedItem),
  rejected: z.array(LoadedItem.extend({ code: z.string() })),
  /** Bundles not loaded until a person approves them (bundles.approve), with why. */
  held: z.array(LoadedItem.extend({ hold: BundleHold })),
  receipts: z.array(ReceiptApplied),
  /** Receipts this app wrote into the folder for the bundles it has loaded from there. */
  receiptsWritten: z.array(z.object({ fileName: z.string(), bundleId: z.string(), stage: z.enum(['received', 'finished']) })),
  /** Problems writing receipts (a read-only drive): the loads themselves stand. */
  notes: z.array(z.string()),
});
export type LoadReport = z.infer<typeof LoadReport>;

/** How a job travels: on a bundle from here, from a bundle into here, and what the district said. */
export const JobTransport = z.object({
  carried: z.object({ bundleId: z.string(), sequence: z.number().int(), fileName: z.string(), folder: z.string(), savedAt: z.string().nullable() }).nullable(),
  origin: z
    .object({
      bundleId: z.string(),
      fileName: z.string(),
      deviceId: z.string(),
      deviceName: z.string(),
      sequence: z.number().int(),
      /** The job's id on the laptop it was first queued on. */
      originJobId: z.string(),
      loadedAt: z.string(),
    })
    .nullable(),
  receipt: z
    .object({
      district: z.string(),
      writtenAt: z.string(),
      status: z.string(),
      districtJobId: z.string().nullable(),
      message: z.string().nullable(),
    })
    .nullable(),
});
export type JobTransport = z.infer<typeof JobTransport>;

export const ApproveBundleInput = z.object({ bundleId: z.string().trim().min(1).max(100) });
export type ApproveBundleInput = z.input<typeof ApproveBundleInput>;

export const ApproveBundleResult = z.object({
  /** What was approved, in words. */
  message: z.string(),
  /** The load of the approved bundle from where it was seen; null when that drive is no longer there. */
  report: LoadReport.nullable(),
});
export type ApproveBundleResult = z.infer<typeof ApproveBundleResult>;
