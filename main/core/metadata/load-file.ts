import { open as openFile } from 'node:fs/promises';
import {
  OptionSchema,
  RECORD_SCHEMAS,
  ReferenceRecordSchema,
  FileUserSchema,
  METADATA_TYPES,
  UserRoleSchema,
  describeIssues,
  fileUserName,
  isMetadataType,
  isSnapshotKind,
  kindLabel,
  toMetadataUser,
  type FileUser,
  type MetadataUser,
  type OptionRecord,
  type OptionSet,
  type SnapshotKind,
} from './model';
import { readExport, isJsonSyntaxError, locateSyntaxError } from './export-reader';
import { openSource, describeDecompressionError, DEFAULT_LIMITS, type Compression, type ExpansionLimits } from './file-source';
import { MetadataFileError } from './file-error';
import type { SnapshotBuilder } from './store';
import { AppError } from '../errors';
import { z } from 'zod';

export interface LoadFileInput {
  path: string;
  /** The name the user knows the file by, used in every message. */
  name: string;
  builder: SnapshotBuilder;
  /** The DHIS2 user to take from the file's `users` (the server profile's user), if known. */
  username: string | null;
  signal?: AbortSignal;
  limits?: ExpansionLimits;
}

export interface LoadReport {
  compression: Compression;
  counts: Record<SnapshotKind, number>;
  /** The collections the file has whole (even empty): objects of these kinds it lacks are taken as not on the server. */
  kinds: SnapshotKind[];
  version: string | null;
  /** The export date the file carries, as an ISO instant. */
  exportedAt: string | null;
  user: MetadataUser | null;
  /** What was skipped or could not be used, in words. */
  notes: string[];
}

/** Collections read besides the modelled types: options and users come apart from what uses them. */
const SUPPORT_COLLECTIONS = new Set(['options', 'users', 'userRoles']);
/** Top-level keys of other DHIS2 exchange files, recognised to say plainly what the file is instead. */
const OTHER_FILE_KINDS: Record<string, string> = {
  dataValues: 'a data value set',
  trackedEntities: 'a tracker export',
  trackedEntityInstances: 'a tracker export',
  enrollments: 'a tracker export',
  events: 'an event export',
  features: 'a GeoJSON file',
};
const MAX_PROBLEMS_LISTED = 5;

/**
 * The top-level key an offline laptop package (Metadata export, "Prepare offline laptop") carries
 * before its `users`: whose package it is, so a laptop with no server yet takes that user's org units.
 */
export const OFFLINE_PACKAGE_KEY = 'dhis2-ie';
export const OfflinePackageMarker = z.object({
  kind: z.literal('offline-laptop'),
  username: z.string().min(1),
  server: z.string().nullish(),
  /** The kinds the package asked the server for: DHIS2 leaves a kind with no objects out of an export, so one missing here has none. */
  kinds: z.array(z.string()).nullish(),
});

const SystemInfo = z.object({ version: z.string().nullish(), date: z.string().nullish() }).nullish();

/**
 * Reads a DHIS2 metadata export (plain JSON, .gz or .zip, sniffed from its bytes) into a snapshot
 * being built. Streams the file; only option sets, options, roles and the one matching user wait in
 * memory for the end, since the export lists them apart from each other.
 */
export async function loadMetadataFile(input: LoadFileInput): Promise<LoadReport> {
  const { path, name, builder } = input;
  const limits = input.limits ?? DEFAULT_LIMITS;
  const source = await openSource(path, name, limits).catch((error: unknown) => {
    throw readFailure(name, error);
  });
  const state = new LoadState(input);
  try {
    await readExport(source.stream, name, state.visitor, input.signal);
  } catch (error) {
    if (isJsonSyntaxError(error)) throw await syntaxFailure(path, name, limits, error);
    throw readFailure(name, error);
  }
  state.finishOptionSets();
  builder.flush();
  const counts = builder.counts();
  // Reference kinds alone are no offline copy: the one in use (org units, data sets) must not give way to them.
  const total = METADATA_TYPES.reduce((sum, type) => sum + counts[type], 0);
  if (total === 0) throw state.nothingUsable();
  const kinds = state.kindsHeld();
  builder.markHeld(kinds);
  return {
    compression: source.compression,
    counts,
    kinds,
    version: state.version,
    exportedAt: state.exportedAt,
    user: state.user(),
    notes: state.notes(),
  };
}

class LoadState {
  version: string | null = null;
  exportedAt: string | null = null;
  private readonly seen = new Map<SnapshotKind, Set<string>>();
  private readonly duplicates = new Map<SnapshotKind, number>();
  /** Collections of known kinds the file has, in the order met. */
  private readonly collections = new Set<SnapshotKind>();
  private readonly withoutId = new Map<string, number>();
  private readonly invalid = new Map<string, number>();
  private readonly problems: string[] = [];
  private readonly optionSets: OptionSet[] = [];
  private readonly options = new Map<string, { option: OptionRecord; optionSet: string | null }>();
  private readonly roles = new Map<string, string[]>();
  private matchedUser: FileUser | null = null;
  private packageUser: string | null = null;
  private usersInFile = 0;
  private readonly keys: string[] = [];

  constructor(private readonly input: LoadFileInput) {}

  readonly visitor = {
    // Asked as each top-level list starts: the file then has that collection, even if it turns out empty.
    wantsCollection: (key: string) => {
      if (isSnapshotKind(key)) this.collections.add(key);
      return isSnapshotKind(key) || SUPPORT_COLLECTIONS.has(key);
    },
    wantsValue: (key: string) => key === 'system' || key === 'date' || key === OFFLINE_PACKAGE_KEY,
    onKey: (key: string) => {
      if (this.keys.length < 50) this.keys.push(key);
      const kind = OTHER_FILE_KINDS[key];
      if (kind) throw new MetadataFileError(this.input.name, `this is ${kind}, not a metadata export. Load it from the matching import page instead.`);
    },
    onValue: (key: string, value: unknown) => {
      if (key === 'system') {
        const system = SystemInfo.safeParse(value);
        if (system.success && system.data) {
          this.version = system.data.version ?? this.version;
          this.exportedAt = toInstant(system.data.date) ?? this.exportedAt;
        }
      } else if (key === OFFLINE_PACKAGE_KEY) {
        const marker = OfflinePackageMarker.safeParse(value);
        if (marker.success) {
          this.packageUser = marker.data.username;
          for (const kind of marker.data.kinds ?? []) if (isSnapshotKind(kind)) this.collections.add(kind);
        }
      } else if (key === 'date' && typeof value === 'string') {
        // Exports before 2.30 put the date at the top level.
        this.exportedAt ??= toInstant(value);
      }
    },
    onObject: (collection: string, value: unknown, index: number) => this.onObject(collection, value, index),
  };

  private onObject(collection: string, value: unknown, index: number): void {
    if (isSnapshotKind(collection)) {
      if (!hasId(value)) return void this.count(this.withoutId, collection);
      const parsed = (isMetadataType(collection) ? RECORD_SCHEMAS[collection] : ReferenceRecordSchema).safeParse(value);
      if (!parsed.success) {
        this.count(this.invalid, collection);
        if (this.problems.length < MAX_PROBLEMS_LISTED) this.problems.push(describeIssues(parsed.error, `${collection}[${index}]`));
        return;
      }
      const record = parsed.data;
      let seen = this.seen.get(collection);
      if (!seen) this.seen.set(collection, (seen = new Set()));
      if (seen.has(record.id)) this.duplicates.set(collection, (this.duplicates.get(collection) ?? 0) + 1);
      seen.add(record.id);
      if (collection === 'optionSets') this.optionSets.push(record as OptionSet);
      else this.input.builder.put<SnapshotKind>(collection, record);
      return;
    }
    if (collection === 'options') {
      const parsed = OptionSchema.safeParse(value);
      if (parsed.success) this.options.set(parsed.data.option.id, parsed.data);
      return;
    }
    if (collection === 'userRoles') {
      const parsed = UserRoleSchema.safeParse(value);
      if (parsed.success) this.roles.set(parsed.data.id, parsed.data.authorities ?? []);
      return;
    }
    if (collection === 'users') {
      this.usersInFile += 1;
      const wanted = this.wantedUser();
      if (!wanted || this.matchedUser) return;
      const parsed = FileUserSchema.safeParse(value);
      if (parsed.success && fileUserName(parsed.data)?.toLowerCase() === wanted.toLowerCase()) this.matchedUser = parsed.data;
    }
  }

  /** Exports list an option set's options as `{"id"}` and the options themselves in `options`. */
  finishOptionSets(): void {
    const listed = new Set<string>();
    for (const set of this.optionSets) {
      set.options = set.options.map((option) => {
        listed.add(option.id);
        const full = this.options.get(option.id)?.option;
        return full ? { ...full, code: option.code ?? full.code, name: option.name ?? full.name } : option;
      });
    }
    const byId = new Map(this.optionSets.map((set) => [set.id, set]));
    for (const { option, optionSet } of this.options.values()) {
      const set = optionSet ? byId.get(optionSet) : undefined;
      if (set && !listed.has(option.id)) set.options.push(option);
    }
    for (const set of this.optionSets) {
      set.options.sort((a, b) => (a.sortOrder ?? Number.MAX_SAFE_INTEGER) - (b.sortOrder ?? Number.MAX_SAFE_INTEGER));
      this.input.builder.put('optionSets', set);
    }
  }

  /**
   * The collections the file has whole (an offline package also those it asked for and got none of). One
   * with objects that could not be kept (no id, unreadable) is not: a missing object may be one of those.
   */
  kindsHeld(): SnapshotKind[] {
    return [...this.collections].filter((kind) => !this.withoutId.has(kind) && !this.invalid.has(kind));
  }

  user(): MetadataUser | null {
    return this.matchedUser ? toMetadataUser(this.matchedUser, this.roles) : null;
  }

  /** The server profile's user; else, in an offline laptop package, the user who made it (named before the users). */
  private wantedUser(): string | null {
    return this.input.username ?? this.packageUser;
  }

  notes(): string[] {
    const notes: string[] = [];
    for (const [collection, n] of this.withoutId) {
      notes.push(`${plural(n, collection)} without an id ${n === 1 ? 'was' : 'were'} skipped (offline checks need ids; export with identifier UID).`);
    }
    for (const [collection, n] of this.invalid) notes.push(`${plural(n, collection)} could not be read and ${n === 1 ? 'was' : 'were'} skipped.`);
    for (const problem of this.problems) notes.push(`Skipped ${problem}.`);
    for (const [collection, n] of this.duplicates) {
      notes.push(`${plural(n, collection)} appeared more than once; the last copy of each was kept.`);
    }
    const wanted = this.wantedUser();
    if (wanted && !this.matchedUser && this.usersInFile > 0) {
      notes.push(`The file has ${this.usersInFile} user${this.usersInFile === 1 ? '' : 's'}, but not "${wanted}".`);
    }
    return notes;
  }

  nothingUsable(): MetadataFileError {
    const skipped = [...this.withoutId.entries()].map(([collection, n]) => `${plural(n, collection)} without an id`);
    const invalid = [...this.invalid.entries()].map(([collection, n]) => `${plural(n, collection)} that could not be read`);
    const reasons = [...skipped, ...invalid];
    if (reasons.length > 0) return new MetadataFileError(this.input.name, `it has no metadata the app can use: only ${reasons.join(' and ')}.`);
    const known = this.keys.filter((key) => key !== 'system' && key !== 'date');
    return new MetadataFileError(
      this.input.name,
      known.length === 0
        ? 'it is JSON but not a DHIS2 metadata export: it has none of organisationUnits, dataSets, dataElements, categoryCombos, ...'
        : `it is JSON but holds none of the metadata the app uses (it has ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}).`,
    );
  }

  private count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }
}

function hasId(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' && (value as { id: string }).id !== '';
}

function plural(n: number, collection: string): string {
  const label = isSnapshotKind(collection) ? kindLabel(collection) : { one: collection, many: collection };
  return `${n} ${n === 1 ? label.one : label.many}`;
}

/** DHIS2 writes dates as local date-times without a zone, or with `+0000`; both are read as UTC. */
export function toInstant(text: string | null | undefined): string | null {
  if (!text) return null;
  let normalised = text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(normalised)) normalised += 'Z';
  const time = Date.parse(normalised);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function readFailure(name: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new MetadataFileError(name, 'the file does not exist (any more).');
    if (code === 'EACCES' || code === 'EPERM') return new MetadataFileError(name, 'the app is not allowed to read the file.');
    if (code === 'EISDIR') return new MetadataFileError(name, 'this is a folder, not a file.');
    if (code === 'ABORT_ERR') return new AppError('CANCELLED', `Loading "${name}" was cancelled.`);
    return describeDecompressionError(name, error);
  }
  return new MetadataFileError(name, String(error));
}

/** Reads the file again to say where the JSON breaks, and what it looks like when it is not JSON at all. */
async function syntaxFailure(path: string, name: string, limits: ExpansionLimits, error: Error): Promise<AppError> {
  const head = await firstText(path);
  if (head === '') return new MetadataFileError(name, 'the file is empty.');
  if (head !== null && !head.startsWith('{') && !head.startsWith('[')) {
    const hint = head.startsWith('<') ? ' It looks like XML; load a JSON metadata export (DHIS2 2.39 and later export metadata only as JSON).' : '';
    return new MetadataFileError(name, `it is not JSON (nor a .gz or .zip of JSON).${hint}`);
  }
  try {
    const again = await openSource(path, name, limits);
    const located = await locateSyntaxError(again.stream);
    if (located) {
      const truncated = located.atEnd;
      const where = located.column !== null ? ` (around character ${located.column} of that line)` : '';
      return new MetadataFileError(
        name,
        truncated
          ? 'the file ends before the JSON does (the copy may be incomplete).'
          : `the JSON is broken here${where}: ${located.message.replace(/^Parser /, '')}.`,
        located.line,
      );
    }
  } catch {
    // Fall through to the message of the first pass.
  }
  return new MetadataFileError(name, `the JSON is broken: ${error.message.replace(/^Parser /, '')}.`);
}

/** The first non-blank characters of an uncompressed file, or null for a compressed one. */
async function firstText(path: string): Promise<string | null> {
  const handle = await openFile(path, 'r');
  try {
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buffer, 0, 256, 0);
    const head = buffer.subarray(0, bytesRead);
    if ((head[0] === 0x1f && head[1] === 0x8b) || (head[0] === 0x50 && head[1] === 0x4b)) return null;
    return head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
  } finally {
    await handle.close();
  }
}
