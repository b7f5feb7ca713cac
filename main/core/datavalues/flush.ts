import type { ImportSummary } from '../../../shared/import-summary';
import type { JobProgress, LogLevel } from '../../../shared/jobs';
import type { Dhis2Client } from '../dhis2/client';
import { parseImportSummary, postDataValueSet } from '../dhis2/data-value-sets';
import { TaskLostError, waitForTask, type PollOptions } from '../dhis2/tasks';
import { mergeSummaries } from './merge-summaries';
import type { DataValueRecord } from './types';
import { nowIso } from '../time';

export type ChunkRecord =
  /** Written before the POST: on resume we cannot know whether the server got it, so it is sent again. */
  | { state: 'sending'; attempt: number; startedAt: string }
  /** The server accepted it as an async job; on resume we follow that job instead of resending. */
  | { state: 'submitted'; attempt: number; jobType: string; jobId: string }
  | { state: 'confirmed'; offset: number; count: number; summary: ImportSummary; resent: boolean };

export interface FlushCheckpoint {
  version: 1;
  chunkSize: number;
  chunks: Record<number, ChunkRecord>;
}

export interface FlushOptions {
  client: Dhis2Client;
  /** The values in file order; called once per flush attempt (the file is on disk and can be read again). */
  records: () => AsyncIterable<DataValueRecord>;
  /** Query parameters: importStrategy, dryRun, skipExistingCheck, preheatCache, skipAudit, id schemes, dataSet... */
  params: Record<string, string | boolean | number>;
  /** Set-level fields sent with every chunk. */
  set?: { dataSet?: string | null; completeDate?: string | null };
  chunkSize: number;
  totalValues: number | null;
  checkpoint: FlushCheckpoint | null;
  saveCheckpoint(checkpoint: FlushCheckpoint, progress: JobProgress, logMessage?: string): void;
  log(level: LogLevel, message: string): void;
  signal: AbortSignal;
  poll?: Omit<PollOptions, 'signal' | 'onNotification'>;
}

export interface FlushResult {
  summary: ImportSummary;
  chunks: number;
  resentChunks: number;
}

/**
 * Sends values to /api/dataValueSets in chunks, one async server job each, recording every
 * chunk's state in the job checkpoint. A confirmed chunk is never sent again; an unconfirmed one
 * is followed (if the server gave it a job id) or resent, which is safe because re-sending the
 * same values under CREATE_AND_UPDATE changes nothing on the server.
 */
export async function flushDataValues(options: FlushOptions): Promise<FlushResult> {
  const checkpoint: FlushCheckpoint =
    options.checkpoint && options.checkpoint.chunkSize === options.chunkSize ? options.checkpoint : { version: 1, chunkSize: options.chunkSize, chunks: {} };
  const total = options.totalValues;
  let chunkNumber = 0;
  let sentValues = 0;
  let resentChunks = 0;
  let buffer: DataValueRecord[] = [];

  const save = (message: string, logMessage?: string) =>
    options.saveCheckpoint(checkpoint, { done: Math.min(sentValues, total ?? sentValues), total, message }, logMessage);

  const handleChunk = async (values: DataValueRecord[]) => {
    const number = chunkNumber++;
    const offset = number * options.chunkSize;
    const record = checkpoint.chunks[number];
    if (record?.state === 'confirmed') {
      sentValues = offset + values.length;
      return;
    }
    const attempt = record ? record.attempt + 1 : 1;
    let summary: ImportSummary | null = null;
    let resent = false;

    if (record?.state === 'submitted') {
      try {
        summary = await followTask(options, record.jobType, record.jobId);
      } catch (error) {
        if (!(error instanceof TaskLostError)) throw error;
        options.log('warn', `Part ${number + 1}: ${error.message}`);
      }
    }
    if (!summary) {
      resent = record !== undefined;
      if (resent) resentChunks++;
      checkpoint.chunks[number] = { state: 'sending', attempt, startedAt: nowIso() };
      save(`Sending part ${number + 1}`);
      const body = JSON.stringify(toPayload(values, options.set));
      const kickoff = await postDataValueSet(options.client, body, 'json', { ...options.params, async: true }, options.signal);
      if (kickoff.kind === 'summary') {
        summary = kickoff.summary;
      } else {
        checkpoint.chunks[number] = { state: 'submitted', attempt, jobType: kickoff.jobType, jobId: kickoff.jobId };
        save(
          `Part ${number + 1} is being imported by the server`,
          `Part ${number + 1} (values ${offset + 1}-${offset + values.length}) sent; server job ${kickoff.jobId}.`,
        );
        summary = await followTask(options, kickoff.jobType, kickoff.jobId);
      }
    }
    checkpoint.chunks[number] = { state: 'confirmed', offset, count: values.length, summary, resent };
    sentValues = offset + values.length;
    const c = summary.importCount;
    save(
      `${sentValues.toLocaleString('en')} values sent`,
      `Part ${number + 1} done: ${c.imported} imported, ${c.updated} updated, ${c.ignored} ignored, ${c.deleted} deleted${summary.conflicts.length ? `, ${summary.conflicts.length} conflicts` : ''}.`,
    );
  };

  for await (const value of options.records()) {
    if (options.signal.aborted) throw options.signal.reason;
    buffer.push(value);
    if (buffer.length === options.chunkSize) {
      await handleChunk(buffer);
      buffer = [];
    }
  }
  if (buffer.length > 0 || chunkNumber === 0) await handleChunk(buffer);

  const parts = Object.values(checkpoint.chunks).flatMap((chunk) => (chunk.state === 'confirmed' ? [{ offset: chunk.offset, summary: chunk.summary }] : []));
  return { summary: mergeSummaries(parts.sort((a, b) => a.offset - b.offset)), chunks: chunkNumber, resentChunks };
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

/** DXF2 JSON as DHIS2 reads it: values as strings, `followup` spelled as 2.41 reads it, nulls left out. */
export function toPayload(values: readonly DataValueRecord[], set?: { dataSet?: string | null; completeDate?: string | null }): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  if (set?.dataSet) payload.dataSet = set.dataSet;
  if (set?.completeDate) payload.completeDate = set.completeDate;
  payload.dataValues = values.map((v) => {
    const out: Record<string, string | boolean> = {};
    if (v.dataElement !== null) out.dataElement = v.dataElement;
    if (v.period !== null) out.period = v.period;
    if (v.orgUnit !== null) out.orgUnit = v.orgUnit;
    if (v.categoryOptionCombo !== null) out.categoryOptionCombo = v.categoryOptionCombo;
    if (v.attributeOptionCombo !== null) out.attributeOptionCombo = v.attributeOptionCombo;
    if (v.value !== null) out.value = v.value;
    if (v.storedBy !== null) out.storedBy = v.storedBy;
    if (v.comment !== null) out.comment = v.comment;
    if (v.followup !== null) out.followup = v.followup;
    if (v.deleted !== null) out.deleted = v.deleted;
    return out;
  });
  return payload;
}
