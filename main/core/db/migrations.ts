import type Database from 'better-sqlite3';

export interface Migration {
  name: string;
  up(db: Database.Database): void;
}

/**
 * Numbered schema steps; the array index + 1 is the version stored in PRAGMA user_version.
 * Never edit a step that has shipped: add a new one.
 */
export const MIGRATIONS: Migration[] = [
  {
    name: 'initial: jobs, job log, files, server profiles, settings',
    up(db) {
      db.exec(`
        CREATE TABLE servers (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          url TEXT NOT NULL,
          auth_kind TEXT NOT NULL CHECK (auth_kind IN ('token', 'basic')),
          username TEXT,
          secret BLOB,
          is_default INTEGER NOT NULL DEFAULT 0,
          last_version TEXT,
          last_user TEXT,
          last_tested_at TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX servers_one_default ON servers(is_default) WHERE is_default = 1;

        CREATE TABLE files (
          sha256 TEXT PRIMARY KEY,
          size INTEGER NOT NULL,
          created_at TEXT NOT NULL
        );

        CREATE TABLE jobs (
          id TEXT PRIMARY KEY,
          type TEXT NOT NULL,
          title TEXT NOT NULL,
          state TEXT NOT NULL,
          params TEXT NOT NULL,
          server_id TEXT REFERENCES servers(id) ON DELETE SET NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          max_attempts INTEGER NOT NULL,
          next_attempt_at TEXT,
          progress TEXT,
          checkpoint TEXT,
          result TEXT,
          error TEXT,
          recreated_from TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT
        );
        CREATE INDEX jobs_by_state ON jobs(state, next_attempt_at);
        CREATE INDEX jobs_by_type ON jobs(type, created_at);

        -- A job's files, in order. The reference is what keeps a stored file from being deleted.
        CREATE TABLE job_files (
          job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          sha256 TEXT NOT NULL REFERENCES files(sha256),
          name TEXT NOT NULL,
          PRIMARY KEY (job_id, position)
        );
        CREATE INDEX job_files_by_file ON job_files(sha256);

        CREATE TABLE job_log (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
          at TEXT NOT NULL,
          level TEXT NOT NULL,
          message TEXT NOT NULL
        );
        CREATE INDEX job_log_by_job ON job_log(job_id, seq);

        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `);
    },
  },
  {
    name: 'offline metadata: one snapshot per server profile, swapped in whole',
    up(db) {
      db.exec(`
        -- A snapshot is built while 'building', made 'active' in one transaction (the old one turns
        -- 'retired' in the same step and is deleted afterwards). server_id NULL: a file loaded on a
        -- laptop that has no server yet.
        CREATE TABLE metadata_snapshots (
          id TEXT PRIMARY KEY,
          server_id TEXT REFERENCES servers(id) ON DELETE CASCADE,
          state TEXT NOT NULL CHECK (state IN ('building', 'active', 'retired')),
          source TEXT NOT NULL CHECK (source IN ('server', 'file')),
          label TEXT NOT NULL,
          version TEXT,
          taken_at TEXT,
          loaded_at TEXT,
          counts TEXT,
          notes TEXT,
          user TEXT,
          job_id TEXT,
          created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX metadata_one_active ON metadata_snapshots(COALESCE(server_id, '')) WHERE state = 'active';
        CREATE INDEX metadata_snapshots_by_state ON metadata_snapshots(state);

        CREATE TABLE metadata_objects (
          snapshot_id TEXT NOT NULL REFERENCES metadata_snapshots(id) ON DELETE CASCADE,
          type TEXT NOT NULL,
          uid TEXT NOT NULL,
          data TEXT NOT NULL,
          PRIMARY KEY (snapshot_id, type, uid)
        );
      `);
    },
  },
  {
    name: 'USB bundles: saved here, loaded here, receipts (main/core/bundles)',
    up(db) {
      db.exec(`
        -- Bundles this laptop saved. 'writing' rows whose process is gone were interrupted: their jobs go back to the queue.
        CREATE TABLE bundles_out (
          id TEXT PRIMARY KEY,
          sequence INTEGER NOT NULL UNIQUE,
          state TEXT NOT NULL CHECK (state IN ('writing', 'saved')),
          folder TEXT NOT NULL,
          file_name TEXT NOT NULL,
          bytes INTEGER,
          sha256 TEXT,
          writer_pid INTEGER,
          created_at TEXT NOT NULL,
          saved_at TEXT,
          receipt_at TEXT
        );
        CREATE TABLE bundle_out_jobs (
          bundle_id TEXT NOT NULL REFERENCES bundles_out(id) ON DELETE CASCADE,
          job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
          previous_state TEXT NOT NULL,
          -- The district's newest word on this job (a receipt line, JSON).
          receipt TEXT,
          PRIMARY KEY (bundle_id, job_id)
        );
        CREATE INDEX bundle_out_jobs_by_job ON bundle_out_jobs(job_id);

        -- Bundles loaded here; the id is what makes a second load of the same bundle do nothing.
        CREATE TABLE bundles_in (
          id TEXT PRIMARY KEY,
          source_device_id TEXT NOT NULL,
          source_device_name TEXT NOT NULL,
          sequence INTEGER NOT NULL,
          created_at TEXT NOT NULL,
          loaded_at TEXT NOT NULL,
          folder TEXT NOT NULL,
          file_name TEXT NOT NULL,
          manifest TEXT NOT NULL,
          -- Jobs of this bundle that could not be queued: JSON {jobId: message}.
          rejections TEXT NOT NULL,
          receipt_stage TEXT,
          receipt_written_at TEXT,
          -- 1 while the newest receipt could not be written (drive gone): written when the folder is seen again.
          receipt_pending INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX bundles_in_by_source ON bundles_in(source_device_id, sequence);

        -- One row per job ever queued from a bundle, keyed by where it was first queued: the same job on two bundles is queued once.
        CREATE TABLE bundle_in_jobs (
          origin_device_id TEXT NOT NULL,
          origin_job_id TEXT NOT NULL,
          bundle_id TEXT NOT NULL REFERENCES bundles_in(id) ON DELETE CASCADE,
          source_job_id TEXT NOT NULL,
          job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
          PRIMARY KEY (origin_device_id, origin_job_id)
        );
        CREATE INDEX bundle_in_jobs_by_job ON bundle_in_jobs(job_id);
        CREATE INDEX bundle_in_jobs_by_bundle ON bundle_in_jobs(bundle_id);

        -- Loose DHIS2 files loaded from a folder, by content: the same file on another drive is recognised.
        CREATE TABLE loose_files_in (
          sha256 TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          folder TEXT NOT NULL,
          job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
          loaded_at TEXT NOT NULL
        );
      `);
    },
  },
  {
    name: 'USB bundles are signed: laptops trusted here, bundles held for a person (main/core/bundles/trust.ts)',
    up(db) {
      db.exec(`
        -- Signing keys of facility laptops this office loads bundles from. One current key per laptop; a replaced key is kept, retired, so its history stays readable.
        CREATE TABLE bundle_signers (
          public_key TEXT PRIMARY KEY,
          device_id TEXT NOT NULL,
          device_name TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          -- enrolled: from the laptop's enrolment file, fingerprint compared; approved: a held bundle was approved.
          how TEXT NOT NULL CHECK (how IN ('enrolled', 'approved')),
          trusted_at TEXT NOT NULL,
          retired_at TEXT
        );
        CREATE UNIQUE INDEX bundle_signers_one_current ON bundle_signers(device_id) WHERE retired_at IS NULL;

        -- Bundles not loaded until a person approves them: unknown or changed signer, or no signature at all.
        CREATE TABLE bundle_holds (
          bundle_id TEXT PRIMARY KEY,
          reason TEXT NOT NULL CHECK (reason IN ('unknown-signer', 'changed-key', 'unsigned')),
          -- sha256 of the exact manifest bytes: an approval is for this bundle as it was seen, nothing edited since.
          manifest_sha256 TEXT NOT NULL,
          device_id TEXT NOT NULL,
          device_name TEXT NOT NULL,
          public_key TEXT,
          fingerprint TEXT,
          folder TEXT NOT NULL,
          file_name TEXT NOT NULL,
          held_at TEXT NOT NULL,
          approved_at TEXT
        );
      `);
    },
  },
];
