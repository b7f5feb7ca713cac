import type { ImportCount, ImportSummary } from '../../../shared/import-summary';
import { describeResent, type ResendReason, type ResentPart } from '../../../shared/data-import';
import type { JobProgress, LogLevel } from '../../../shared/jobs';
import type { Dhis2Client } from '../dhis2/client';
import { Dhis2Error } from '../dhis2/errors';
import { parseImportSummary, postDataValueSet } from '../dhis2/data-value-sets';
import { TaskFailedError, TaskLostError, waitForTask, type PollOptions } from '../dhis2/tasks';
import { JobFailure } from '../jobs/plugin';
import { mergeSummaries } from './merge-summaries';
import type { DataValueRecord } from './types';
import { nowIso, sleep } from '../time';
import { bodyToSend, neverReachedServer } from '../dhis2/import-delivery';
import { partBody, type PartSet } from './part-body';

/** A part the server confirmed: its summary is final and it is never sent again. */
export interface ConfirmedPart {
  offset: number;
  count: number;
  summary: ImportSummary;
}

/**
 * A part on its way. `sending`: written before the POST, so after a kill we cannot know whether the
 * server got it. `submitted`: the server took it as an async job (checkpoints from before sync
 * imports); on resume we follow that job instead of resending. `stopped`: the server's import of it
 * ended partway; it must be sent again. Up to two parts can be on their way at once (see `parallel`).
 */
export type PendingPart = { offset: number; count: number; attempt: number } & (
  | { state: 'sending'; startedAt: string; failure?: ResendReason }
  | { state: 'submitted'; jobType: string; jobId: string }
  | { state: 'stopped'; message: string }
);

/** Values the server may already hold from an earlier send whose outcome is unknown or partial. */
export interface MaybeStored {
  offset: number;
  count: number;
  reason: ResendReason;
}

/**
 * Which values the server confirmed and which may be on their way. Confirmed parts are kept in file
 * order and may leave gaps (a later part can be confirmed before an earlier one); every value outside
 * them is sent on resume, and every value inside them never again.
 */
export interface FlushCheckpoint {
  version: 3;
  /** Values per part from here on: starts at the job's chunk size, halved by a 413, a timeout or a slow part. */
  partSize: number;
  confirmed: ConfirmedPart[];
  pending: PendingPart[];
  maybeStored: MaybeStored[];
  /** Parts confirmed after a resend, in order. */
  resent: ResentPart[];
  /** A 413 came: the server's body limit is near, so parts go one at a time from then on. */
  refusedTooLarge?: boolean;
  /** The smallest part refused with a 413 in this run: parts grow back up to half of it, never to it. */
  tooLargeAt?: number;
  /** The smallest part that was slow or timed out (kept across runs: a server's speed does not change on a Retry). */
  slowAt?: number;
}

/** Version 2: one part on its way at most. */
interface FlushCheckpointV2 extends Omit<FlushCheckpoint, 'version' | 'pending'> {
  version: 2;
  pending: PendingPart | null;
}

/** What version 1 saved: a fixed chunk size and a record per chunk number. */
interface FlushCheckpointV1 {
  version: 1;
  chunkSize: number;
  chunks: Record<
    number,
    | { state: 'sending'; attempt: number; startedAt: string }
    | { state: 'submitted'; attempt: number; jobType: string; jobId: string }
    | { state: 'confirmed'; offset: number; count: number; summary: ImportSummary; resent: boolean }
  >;
}

export interface FlushOptions {
  client: Dhis2Client;
  /** The values in file order; called once per flush attempt (the file is on disk and can be read again). */
  records: () => AsyncIterable<DataValueRecord>;
  /** Query parameters: importStrategy, dryRun, skipExistingCheck, preheatCache, skipAudit, id schemes, dataSet... */
  params: Record<string, string | boolean | number>;
  /** Set-level fields sent with every part (as CSV's `dataSet` parameter, or in the JSON document). */
  set?: PartSet;
  chunkSize: number;
  totalValues: number | null;
  checkpoint: FlushCheckpoint | FlushCheckpointV2 | FlushCheckpointV1 | null;
  saveCheckpoint(checkpoint: FlushCheckpoint, progress: JobProgress, logMessage?: string): void;
  log(level: LogLevel, message: string): void;
  signal: AbortSignal;
  poll?: Omit<PollOptions, 'signal' | 'onNotification'>;
  /** Pauses between immediate resends of a part the server stopped; tests shorten them. */
  stopPausesMs?: readonly number[];
  /**
   * Two parts may be on their way at once. Only safe when no key (element, period, org unit, option
   * combos) repeats in the file: the server imports concurrent parts in any order, and DHIS2 keeps the
   * last value of a repeated key.
   */
  parallel?: boolean;
  /** A part slower than this halves the part size; tests shorten it. */
  slowPartMs?: number;
  /** How long a part's POST may take before its outcome counts as unknown. */
  partTimeoutMs?: number;
}

export interface FlushResult {
  summary: ImportSummary;
  parts: number;
  resent: ResentPart[];
}

/** DataValueSetImportValidator's data set checks: DHIS2 refuses the whole request before reading a value. */
const REFUSAL_CODES = new Set(['E7600', 'E7601', 'E7603', 'E7604']);
/** How often one run sends a part again right away after the server stopped its import. */
const STOP_PAUSES_MS = [1_000, 5_000];
/**
 * A sync import must answer before a proxy gives up on it (nginx's proxy_read_timeout is 60 s by
 * default): a part slower than this makes the next parts half as large.
 */
const SLOW_PART_MS = 20_000;
/** The POST's own limit; past it the outcome is unknown and the part goes again, smaller. */
const PART_TIMEOUT_MS = 60_000;
/**
 * Pipelining pays only on long flushes; short ones stay one part at a time (and easy to follow in the log). A long
 * one keeps two parts on their way to its end: its last parts alone would leave the server idle between them.
 */
const PARALLEL_MIN_PARTS = 4;
/** The smallest part a slow server or a timeout leaves us with. */
const MIN_PART = 100;

/**
 * Sends values to /api/dataValueSets in parts, each a sync import whose answer is the server's summary
 * (2.41 starts an async data value import only on its 20 s scheduler loop, one per round, so one job
 * per part costs 10-20 s of waiting each). Bodies go gzipped: DHIS2 sniffs gzip in the body.
 * The job is only done when every part has a summary from the server that is not an ERROR. A
 * confirmed part is never sent again; an unconfirmed one is followed (when the server gave it a job
 * id) or sent again, which leaves the server's data as one send would: a value already stored with
 * the same content is counted as ignored and changed by nothing (DHIS2 2.41, all strategies).
 */
export async function flushDataValues(options: FlushOptions): Promise<FlushResult> {
  const checkpoint = upgrade(options.checkpoint, options.chunkSize);
  const total = options.totalValues;
  const stopPauses = options.stopPausesMs ?? STOP_PAUSES_MS;
  let position = 0;
  let partNumber = 0;
  const confirmedCount = () => checkpoint.confirmed.reduce((sum, part) => sum + part.count, 0);
  /** Values this run has to send, when the total is known. */
  const leftAtStart = total === null ? 0 : total - confirmedCount();
  const nextNumber = () => ++partNumber;

  const save = (message: string, logMessage?: string) => {
    const done = confirmedCount();
    options.saveCheckpoint(checkpoint, { done: Math.min(done, total ?? done), total, message }, logMessage);
  };

  // Parts that were on their way when the last run ended: unless the server gave one a job to follow,
  // we cannot know what it stored, so its values may come back as ignored.
  for (const pending of [...checkpoint.pending]) {
    if (pending.state === 'submitted') continue;
    markMaybeStored(checkpoint, pending.offset, pending.count, pending.state === 'stopped' ? 'server-stopped' : (pending.failure ?? 'interrupted'));
    clearPending(checkpoint, pending.offset);
  }
  // A new run (a resume, a Retry after the server's limit was raised) learns the limit again: parts may grow back.
  delete checkpoint.tooLargeAt;
  // What was confirmed before this run, in file order: skipped as the file is read again.
  const done = [...checkpoint.confirmed].sort((a, b) => a.offset - b.offset);

  const iterator = options.records()[Symbol.asyncIterator]();
  let exhausted = false;
  const take = async (count: number): Promise<DataValueRecord[]> => {
    const values: DataValueRecord[] = [];
    while (values.length < count && !exhausted) {
      if (options.signal.aborted) throw options.signal.reason;
      const next = await iterator.next();
      if (next.done) exhausted = true;
      else values.push(next.value);
    }
    position += values.length;
    return values;
  };

  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  let confirmedThisRun = 0;
  const width = (): number => {
    // Slow start: one part alone first (a 413 or a fault is learnt on one part), then two when many are left.
    if (!options.parallel || confirmedThisRun === 0 || checkpoint.refusedTooLarge) return 1;
    if (total === null) return 1;
    return leftAtStart >= PARALLEL_MIN_PARTS * checkpoint.partSize ? 2 : 1;
  };
  const launch = (run: Promise<void>): void => {
    const tracked = run.then(
      () => {
        confirmedThisRun++;
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    const settled = tracked.finally(() => inFlight.delete(settled));
    inFlight.add(settled);
  };

  try {
    let index = 0;
    for (;;) {
      while (inFlight.size >= width()) await Promise.race(inFlight);
      if (failure) break;
      while (index < done.length && done[index]!.offset === position) {
        const part = done[index]!;
        nextNumber();
        const skipped = await take(part.count);
        if (skipped.length !== part.count) throw changedFile(part.offset + skipped.length);
        index++;
      }
      const offset = position;
      const room = index < done.length ? done[index]!.offset - offset : Infinity;
      const following =
        checkpoint.pending.find((p): p is Extract<PendingPart, { state: 'submitted' }> => p.state === 'submitted' && p.offset === offset) ?? null;
      const taken = await take(following ? following.count : Math.min(checkpoint.partSize, room));
      // A file without values still goes once, so the server's answer to it is the job's result.
      if (taken.length === 0 && (partNumber > 0 || checkpoint.confirmed.length > 0)) break;
      launch(deliverRange(options, checkpoint, save, nextNumber, { offset, values: taken, following, stopPauses }));
      if (exhausted) break;
    }
  } finally {
    await Promise.all(inFlight);
    await iterator.return?.();
  }
  if (failure) throw (failure as { error: unknown }).error;

  const parts = checkpoint.confirmed.map((part) => ({ offset: part.offset, summary: part.summary }));
  return { summary: mergeSummaries(parts), parts: checkpoint.confirmed.length, resent: checkpoint.resent };
}

/**
 * Delivers one part, and after a 413 its values in smaller parts one after another, recording each
 * confirmed part in file order.
 */
async function deliverRange(
  options: FlushOptions,
  checkpoint: FlushCheckpoint,
  save: (message: string, logMessage?: string) => void,
  nextNumber: () => number,
  range: { offset: number; values: DataValueRecord[]; following: Extract<PendingPart, { state: 'submitted' }> | null; stopPauses: readonly number[] },
): Promise<void> {
  let { offset, values, following } = range;
  for (let first = true; ; first = false) {
    const number = nextNumber();
    const head = first ? values : values.slice(0, checkpoint.partSize);
    const started = Date.now();
    const delivered = await deliverPart(options, checkpoint, save, { number, offset, values: head, following, stopPauses: range.stopPauses });
    growAfterQuickPart(options, checkpoint, delivered.values.length, Date.now() - started);
    following = null;
    const count = delivered.values.length;
    const { summary } = delivered;
    clearPending(checkpoint, offset);
    checkpoint.confirmed.push({ offset, count, summary });
    checkpoint.confirmed.sort((a, b) => a.offset - b.offset);
    const resend = resentFor(checkpoint, number, offset, count, summary.importCount);
    if (resend) checkpoint.resent.push(resend);
    const c = summary.importCount;
    const confirmed = checkpoint.confirmed.reduce((sum, part) => sum + part.count, 0);
    save(
      `${confirmed.toLocaleString('en')} values sent`,
      `Part ${number} done: ${c.imported} imported, ${c.updated} updated, ${c.ignored} ignored, ${c.deleted} deleted${summary.conflicts.length ? `, ${summary.conflicts.length} conflicts` : ''}.${resend ? ` ${describeResent(resend)}` : ''}`,
    );
    if (count >= values.length) return;
    // A 413 made this part smaller: the rest of its values go next, in parts of the new size.
    offset += count;
    values = values.slice(count);
  }
}

interface PartToDeliver {
  number: number;
  offset: number;
  values: DataValueRecord[];
  following: Extract<PendingPart, { state: 'submitted' }> | null;
  stopPauses: readonly number[];
}

/** Sends one part (or follows the server job it already has) until the server confirms it. */
async function deliverPart(
  options: FlushOptions,
  checkpoint: FlushCheckpoint,
  save: (message: string, logMessage?: string) => void,
  part: PartToDeliver,
): Promise<{ summary: ImportSummary; values: DataValueRecord[] }> {
  const { number, offset } = part;
  let values = part.values;
  let attempt = part.following?.attempt ?? 0;
  let stops = 0;
  let following = part.following;

  for (;;) {
    let summary: ImportSummary | null = null;
    if (following) {
      try {
        summary = await followTask(options, following.jobType, following.jobId);
      } catch (error) {
        if (error instanceof TaskLostError) {
          options.log('warn', `Part ${number}: ${error.message}`);
          markMaybeStored(checkpoint, offset, values.length, 'task-lost');
        } else if (error instanceof TaskFailedError) {
          summary = null;
          markMaybeStored(checkpoint, offset, values.length, 'server-stopped');
          stops++;
          await afterStop(options, checkpoint, save, number, offset, values, error.message, stops, part.stopPauses);
        } else throw error;
      }
      following = null;
    }
    if (!summary) {
      attempt++;
      setPending(checkpoint, { state: 'sending', offset, count: values.length, attempt, startedAt: nowIso() });
      save(`Sending part ${number}`);
      const encoded = partBody(values, options.set);
      const body = await bodyToSend('dataValueSets', encoded.format, encoded.text);
      let kickoff;
      const started = Date.now();
      try {
        kickoff = await postDataValueSet(
          options.client,
          body,
          encoded.format,
          { ...options.params, ...encoded.params, async: false },
          options.signal,
          options.partTimeoutMs ?? PART_TIMEOUT_MS,
        );
      } catch (error) {
        if (error instanceof Dhis2Error && error.status === 413) {
          values = await shrinkAfter413(options, checkpoint, save, number, offset, values);
          continue;
        }
        if (error instanceof Dhis2Error && error.status === 500) {
          // DHIS2 threw while importing (the sync twin of a crashed job): some values may be stored.
          markMaybeStored(checkpoint, offset, values.length, 'server-stopped');
          stops++;
          await afterStop(options, checkpoint, save, number, offset, values, `the server failed while importing it (${error.message})`, stops, part.stopPauses);
          continue;
        }
        if (neverReachedServer(error)) {
          clearPending(checkpoint, offset);
        } else {
          setPending(checkpoint, {
            state: 'sending',
            offset,
            count: values.length,
            attempt,
            startedAt: nowIso(),
            failure: error instanceof Dhis2Error && error.code === 'ANSWER_CUT' ? 'answer-lost' : 'interrupted',
          });
          // No answer in time (our limit or a proxy's 504): the next tries go in smaller parts.
          if (error instanceof Dhis2Error && (error.code === 'TIMEOUT' || error.status === 504))
            shrinkAfterSlow(options, checkpoint, number, 'got no answer in time');
        }
        save(`Part ${number} not sent yet`);
        throw error;
      }
      if (Date.now() - started > (options.slowPartMs ?? SLOW_PART_MS))
        shrinkAfterSlow(options, checkpoint, number, `took ${Math.round((Date.now() - started) / 1000)} s`);
      if (kickoff.kind === 'summary') {
        summary = kickoff.summary;
      } else {
        following = { state: 'submitted', offset, count: values.length, attempt, jobType: kickoff.jobType, jobId: kickoff.jobId };
        setPending(checkpoint, following);
        save(
          `Part ${number} is being imported by the server`,
          `Part ${number} (values ${offset + 1}-${offset + values.length}) sent; server job ${kickoff.jobId}.`,
        );
        continue;
      }
    }
    if (summary.status !== 'ERROR') return { summary, values };

    const refusal = summary.conflicts.filter((c) => c.errorCode && REFUSAL_CODES.has(c.errorCode));
    if (refusal.length > 0) {
      // Nothing of this part was stored: the data set checks run before any value.
      clearPending(checkpoint, offset);
      save(`Part ${number} refused by the server`);
      throw new JobFailure(
        'fix',
        'SERVER_REFUSED',
        `The server refused part ${number} (values ${range(offset, values.length)}) as a whole: ${refusal.map((c) => c.value).join(' ')}${confirmedNote(checkpoint)}`,
      );
    }
    markMaybeStored(checkpoint, offset, values.length, 'server-stopped');
    stops++;
    const said = summary.description ? `“${summary.description}”` : 'status ERROR';
    await afterStop(
      options,
      checkpoint,
      save,
      number,
      offset,
      values,
      `the server stopped its import partway (${said})`,
      stops,
      part.stopPauses,
      summary.importCount,
    );
  }
}

/**
 * The server's import of a part ended partway: what it stored before stopping stays (DHIS2 writes
 * values in batches as it goes), the rest is lost. Sending the part again is safe; after a few
 * stops in a row the job stops and says which values are not confirmed.
 */
async function afterStop(
  options: FlushOptions,
  checkpoint: FlushCheckpoint,
  save: (message: string, logMessage?: string) => void,
  number: number,
  offset: number,
  values: readonly DataValueRecord[],
  what: string,
  stops: number,
  pauses: readonly number[],
  partial?: ImportCount,
): Promise<void> {
  const stored = partial && partial.imported + partial.updated + partial.deleted > 0 ? ` It reported ${countText(partial)} before stopping.` : '';
  const message = what.startsWith('the server') ? what : `the server's import job failed (${what})`;
  setPending(checkpoint, { state: 'stopped', offset, count: values.length, attempt: stops, message });
  if (stops > pauses.length) {
    save(`Part ${number} not confirmed`);
    const lines = lineRange(values);
    throw new JobFailure(
      'retry',
      'SERVER_STOPPED',
      `Part ${number} (values ${range(offset, values.length)}${lines}) is not confirmed: ${message}, ${stops} times in a row.${stored} Some of its values may be stored, the others are not.${confirmedNote(checkpoint)}`,
    );
  }
  save(`Part ${number} will be sent again`, `Part ${number}: ${message}.${stored} The part is sent again; values it already stored count as ignored.`);
  options.log('warn', `Part ${number}: ${message}. Sending it again.`);
  await sleep(pauses[stops - 1] ?? 0, options.signal);
}

/** A 413 means nobody read the body: make parts smaller and send this one's values again at once. */
async function shrinkAfter413(
  options: FlushOptions,
  checkpoint: FlushCheckpoint,
  save: (message: string, logMessage?: string) => void,
  number: number,
  offset: number,
  values: DataValueRecord[],
): Promise<DataValueRecord[]> {
  clearPending(checkpoint, offset);
  checkpoint.refusedTooLarge = true;
  if (values.length <= 1) {
    save(`Part ${number} refused as too large`);
    throw new JobFailure(
      'fix',
      'TOO_LARGE',
      `The server (or a proxy in front of it) refuses even a single value as too large (HTTP 413). Ask the server's administrator to raise the upload limit (nginx: client_max_body_size).${confirmedNote(checkpoint)}`,
    );
  }
  checkpoint.tooLargeAt = Math.min(checkpoint.tooLargeAt ?? Infinity, values.length);
  checkpoint.partSize = Math.max(1, Math.floor(Math.min(checkpoint.partSize, values.length) / 2));
  save(
    `Part ${number}: making parts smaller`,
    `The server refused part ${number} (${values.length.toLocaleString('en')} values) as too large; sending parts of ${checkpoint.partSize.toLocaleString('en')} values from now on.`,
  );
  // This part keeps its first `partSize` values; the caller hands the rest to the next part.
  return values.slice(0, checkpoint.partSize);
}

async function followTask(options: FlushOptions, jobType: string, jobId: string): Promise<ImportSummary> {
  const raw = await waitForTask(options.client, jobType, jobId, {
    ...options.poll,
    signal: options.signal,
    onNotification: (n) => {
      if (n.level === 'ERROR' && n.message) options.log('error', `Server: ${n.message}`);
    },
  });
  return parseImportSummary(raw);
}

function markMaybeStored(checkpoint: FlushCheckpoint, offset: number, count: number, reason: ResendReason): void {
  if (checkpoint.maybeStored.some((m) => m.offset === offset && m.count === count && m.reason === reason)) return;
  checkpoint.maybeStored.push({ offset, count, reason });
}

/** Records a part's state, replacing what was recorded for the part at the same offset. */
function setPending(checkpoint: FlushCheckpoint, part: PendingPart): void {
  clearPending(checkpoint, part.offset);
  checkpoint.pending.push(part);
}

function clearPending(checkpoint: FlushCheckpoint, offset: number): void {
  checkpoint.pending = checkpoint.pending.filter((p) => p.offset !== offset);
}

/**
 * Parts made smaller (a 413, a slow part) grow back, doubling after each quick part of the current size, up to the
 * job's chunk size and below the smallest size refused as too large in this run: otherwise a server whose limit was
 * raised, or a link that got faster, would get one value per request for the rest of the file.
 */
function growAfterQuickPart(options: FlushOptions, checkpoint: FlushCheckpoint, count: number, elapsedMs: number): void {
  const size = checkpoint.partSize;
  if (size >= options.chunkSize || count < size || elapsedMs > (options.slowPartMs ?? SLOW_PART_MS) / 4) return;
  const grown = Math.min(options.chunkSize, size * 2);
  if (grown >= (checkpoint.tooLargeAt ?? Infinity) || grown >= (checkpoint.slowAt ?? Infinity)) return;
  checkpoint.partSize = grown;
  options.log('info', `Parts grow to ${grown.toLocaleString('en')} values: the last one of ${size.toLocaleString('en')} went through quickly.`);
}

/** Halves the part size when a part took too long or got no answer, so later parts answer in time. */
function shrinkAfterSlow(options: FlushOptions, checkpoint: FlushCheckpoint, number: number, what: string): void {
  if (checkpoint.partSize <= MIN_PART) return;
  checkpoint.slowAt = Math.min(checkpoint.slowAt ?? Infinity, checkpoint.partSize);
  checkpoint.partSize = Math.max(MIN_PART, Math.floor(checkpoint.partSize / 2));
  options.log('info', `Part ${number} ${what}; sending parts of ${checkpoint.partSize.toLocaleString('en')} values from now on.`);
}

/** A confirmed part that overlaps values sent before with an unknown or partial outcome. */
function resentFor(checkpoint: FlushCheckpoint, part: number, offset: number, count: number, counts: ImportCount): ResentPart | null {
  const overlapping = checkpoint.maybeStored.filter((m) => m.offset < offset + count && offset < m.offset + m.count);
  if (overlapping.length === 0) return null;
  // Ranges this part covers to their end are settled; others (a part still on its way) stay.
  checkpoint.maybeStored = checkpoint.maybeStored.filter(
    (m) => !(m.offset < offset + count && offset < m.offset + m.count && m.offset + m.count <= offset + count),
  );
  const reason = overlapping.at(-1)!.reason;
  return { part, firstValue: offset + 1, lastValue: offset + count, reason, ignored: counts.ignored };
}

function confirmedNote(checkpoint: FlushCheckpoint): string {
  const confirmed = checkpoint.confirmed.reduce((sum, part) => sum + part.count, 0);
  if (confirmed === 0) return ' No value of this file is confirmed yet.';
  return ` The ${confirmed.toLocaleString('en')} values before it are confirmed and will not be sent again.`;
}

function range(offset: number, count: number): string {
  return `${(offset + 1).toLocaleString('en')}–${(offset + count).toLocaleString('en')}`;
}

function lineRange(values: readonly DataValueRecord[]): string {
  const first = values[0]?.line ?? 0;
  const last = values.at(-1)?.line ?? 0;
  return first > 0 && last > 0 ? `, file lines ${first.toLocaleString('en')}–${last.toLocaleString('en')}` : '';
}

function countText(c: ImportCount): string {
  return `${c.imported} imported, ${c.updated} updated, ${c.deleted} deleted`;
}

function changedFile(at: number): JobFailure {
  return new JobFailure(
    'fatal',
    'FILE_CHANGED',
    `The stored file now has fewer values than were already sent (${at.toLocaleString('en')}); it cannot be the same file. Recreate the job.`,
  );
}

function upgrade(saved: FlushCheckpoint | FlushCheckpointV2 | FlushCheckpointV1 | null, chunkSize: number): FlushCheckpoint {
  if (saved?.version === 3) return saved;
  if (saved?.version === 2) return { ...saved, version: 3, pending: saved.pending ? [saved.pending] : [] };
  const fresh: FlushCheckpoint = { version: 3, partSize: chunkSize, confirmed: [], pending: [], maybeStored: [], resent: [] };
  if (!saved) return fresh;
  // Version 1 numbered chunks of one size; confirmed ones are contiguous from the start.
  fresh.partSize = saved.chunkSize;
  for (let number = 0; ; number++) {
    const chunk = saved.chunks[number];
    if (!chunk) break;
    const offset = number * saved.chunkSize;
    if (chunk.state === 'confirmed') {
      fresh.confirmed.push({ offset, count: chunk.count, summary: chunk.summary });
      continue;
    }
    if (chunk.state === 'submitted')
      fresh.pending.push({ state: 'submitted', offset, count: saved.chunkSize, attempt: chunk.attempt, jobType: chunk.jobType, jobId: chunk.jobId });
    else fresh.pending.push({ state: 'sending', offset, count: saved.chunkSize, attempt: chunk.attempt, startedAt: chunk.startedAt });
    break;
  }
  return fresh;
}
