import type { Db } from '../db/database';
import { AppError } from '../errors';
import { nowIso } from '../time';
import type { Manifest } from './format';
import type { BundleSigner } from './read-verify';

/**
 * Which laptops this office takes bundles from. A bundle loads only when it is signed by the key enrolled
 * here for the laptop it names. Otherwise it is held, nothing queued, until a person approves it: a laptop
 * not enrolled yet (trust on first use, but never silently), a laptop whose key changed (reinstalled, or
 * someone forging its name), or a bundle with no signature at all (saved by an older app).
 */

export type HoldReason = 'unknown-signer' | 'changed-key' | 'unsigned';

export interface SignerRow {
  public_key: string;
  device_id: string;
  device_name: string;
  fingerprint: string;
  how: 'enrolled' | 'approved';
  trusted_at: string;
  retired_at: string | null;
}

export interface HoldRow {
  bundle_id: string;
  reason: HoldReason;
  manifest_sha256: string;
  device_id: string;
  device_name: string;
  public_key: string | null;
  fingerprint: string | null;
  folder: string;
  file_name: string;
  held_at: string;
  approved_at: string | null;
}

export type TrustVerdict = { trusted: true } | { trusted: false; reason: HoldReason; message: string };

export interface Examined {
  manifest: Manifest;
  signer: BundleSigner;
  manifestSha256: string;
}

export class TrustRepo {
  constructor(private readonly db: Db) {}

  currentSigner(deviceId: string): SignerRow | null {
    return (this.db.prepare('SELECT * FROM bundle_signers WHERE device_id = ? AND retired_at IS NULL').get(deviceId) as SignerRow | undefined) ?? null;
  }

  signers(): SignerRow[] {
    return this.db.prepare('SELECT * FROM bundle_signers ORDER BY device_name, trusted_at').all() as SignerRow[];
  }

  /** Trusts a key for a laptop; a key it had before is retired (kept, so its history stays readable). */
  trust(row: Omit<SignerRow, 'trusted_at' | 'retired_at'>): SignerRow {
    return this.db.transaction(() => {
      const at = nowIso();
      this.db
        .prepare('UPDATE bundle_signers SET retired_at = ? WHERE device_id = ? AND retired_at IS NULL AND public_key <> ?')
        .run(at, row.device_id, row.public_key);
      this.db
        .prepare(
          `INSERT INTO bundle_signers (public_key, device_id, device_name, fingerprint, how, trusted_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(public_key) DO UPDATE SET device_name = excluded.device_name, retired_at = NULL
           WHERE bundle_signers.device_id = excluded.device_id`,
        )
        .run(row.public_key, row.device_id, row.device_name, row.fingerprint, row.how, at);
      const stored = this.currentSigner(row.device_id);
      if (!stored || stored.public_key !== row.public_key) {
        throw new AppError(
          'KEY_IN_USE',
          `The key ${row.fingerprint} is already enrolled here for another laptop; one key belongs to one laptop. Nothing was changed.`,
        );
      }
      return stored;
    })();
  }

  hold(bundleId: string): HoldRow | null {
    return (this.db.prepare('SELECT * FROM bundle_holds WHERE bundle_id = ?').get(bundleId) as HoldRow | undefined) ?? null;
  }

  pendingHolds(): HoldRow[] {
    return this.db.prepare('SELECT * FROM bundle_holds WHERE approved_at IS NULL ORDER BY held_at').all() as HoldRow[];
  }

  /** Records (or refreshes) a hold. A bundle whose manifest is not the one approved is a new hold: the approval was for other bytes. */
  recordHold(row: Omit<HoldRow, 'held_at' | 'approved_at'>): void {
    this.db
      .prepare(
        `INSERT INTO bundle_holds (bundle_id, reason, manifest_sha256, device_id, device_name, public_key, fingerprint, folder, file_name, held_at)
         VALUES (@bundle_id, @reason, @manifest_sha256, @device_id, @device_name, @public_key, @fingerprint, @folder, @file_name, @held_at)
         ON CONFLICT(bundle_id) DO UPDATE SET reason = excluded.reason, manifest_sha256 = excluded.manifest_sha256, device_id = excluded.device_id,
           device_name = excluded.device_name, public_key = excluded.public_key, fingerprint = excluded.fingerprint, folder = excluded.folder,
           file_name = excluded.file_name, held_at = excluded.held_at, approved_at = NULL`,
      )
      .run({ ...row, held_at: nowIso() });
  }

  markApproved(bundleId: string): void {
    this.db.prepare('UPDATE bundle_holds SET approved_at = ? WHERE bundle_id = ?').run(nowIso(), bundleId);
  }
}

/** Whether a verified bundle may load here now, and if not, why in words for the person at the district. */
export function judge(repo: TrustRepo, bundle: Examined, fileName: string): TrustVerdict {
  const { manifest, signer } = bundle;
  const laptop = manifest.source.deviceName.slice(0, 100) || 'a laptop';
  const approved = repo.hold(manifest.bundleId);
  const approvedAsIs = approved?.approved_at != null && approved.manifest_sha256 === bundle.manifestSha256;
  if (!signer) {
    if (approvedAsIs) return { trusted: true };
    return {
      trusted: false,
      reason: 'unsigned',
      message: `"${fileName}" is not signed (it was saved by an older version of the app), so nothing shows that it comes from ${laptop} or that it was not changed on the way. Nothing was loaded. Approve it only if you know where it came from; better, update the app on that laptop and save the bundle again.`,
    };
  }
  const current = repo.currentSigner(manifest.source.deviceId);
  // Approving a signed bundle trusts its key, so there is no per-bundle approval to look up here.
  if (current?.public_key === signer.publicKey) return { trusted: true };
  if (current) {
    return {
      trusted: false,
      reason: 'changed-key',
      message: `"${fileName}" says it comes from ${laptop}, but it is signed with key ${signer.fingerprint}, not the key enrolled here for that laptop on ${current.trusted_at.slice(0, 10)} (${current.fingerprint}). That happens when the laptop was reinstalled or its key replaced, and also when someone forges a bundle in its name. Nothing was loaded. Check the fingerprint the laptop shows (Save to USB, or dhis2-ie bundle identity there) before approving it.`,
    };
  }
  return {
    trusted: false,
    reason: 'unknown-signer',
    message: `"${fileName}" comes from a laptop not enrolled here (${laptop}, key ${signer.fingerprint}). Anyone can make a bundle that names a facility, so nothing was loaded. Check that the laptop shows this fingerprint (Save to USB, or dhis2-ie bundle identity there), then approve it; its later bundles then load without asking.`,
  };
}
