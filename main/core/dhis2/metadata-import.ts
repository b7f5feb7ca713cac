import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Dhis2Client } from './client';
import { Dhis2Error } from './errors';
import { WebMessage } from './schemas';
import { ImportReport } from '../../../shared/import-report';

const JobConfiguration = z.looseObject({ id: z.string(), jobType: z.string().optional(), relativeNotifierEndpoint: z.string().optional() });

export type MetadataKickoff = { kind: 'report'; report: ImportReport } | { kind: 'task'; jobType: string; jobId: string };

export interface PostMetadataOptions {
  /** `application/json`, or `application/csv` with `classKey` among the params. */
  contentType: 'application/json' | 'application/csv';
  params: Record<string, string | boolean>;
  signal?: AbortSignal;
  /** Long enough for the upload itself on a slow link, and for a synchronous import to finish. */
  timeoutMs: number;
}

/**
 * POST /api/metadata. DHIS2 answers an import with errors with HTTP 409 and the ImportReport, which
 * is an answer, not a failure. An unknown class key is a 409 too, but with a message only.
 */
export async function postMetadata(client: Dhis2Client, body: Readable | Buffer | string, options: PostMetadataOptions): Promise<MetadataKickoff> {
  const path = '/metadata';
  const data = await client.request(
    () =>
      client.http.post(path, body, {
        params: options.params,
        signal: options.signal,
        timeout: options.timeoutMs,
        headers: { 'Content-Type': options.contentType },
        validateStatus: (status) => (status >= 200 && status < 300) || status === 409,
        maxBodyLength: Infinity,
        maxContentLength: 512 * 1024 * 1024,
      }),
    path,
  );
  return parseMetadataKickoff(data);
}

export function parseMetadataKickoff(data: unknown): MetadataKickoff {
  const message = WebMessage.safeParse(data);
  const response = message.success ? message.data.response : undefined;
  const job = JobConfiguration.safeParse(response);
  if (job.success && (job.data.relativeNotifierEndpoint || job.data.jobType)) {
    const jobType = job.data.jobType ?? job.data.relativeNotifierEndpoint?.split('/').at(-2) ?? 'METADATA_IMPORT';
    return { kind: 'task', jobType, jobId: job.data.id };
  }
  // 2.38+ wrap the report in a WebMessage; older servers and task summaries send it bare.
  const candidate = response ?? data;
  const looksLikeReport = typeof candidate === 'object' && candidate !== null && ('typeReports' in candidate || 'stats' in candidate);
  const report = looksLikeReport ? ImportReport.safeParse(candidate) : null;
  if (report?.success) return { kind: 'report', report: report.data };
  if (message.success && message.data.status === 'ERROR' && message.data.message) {
    throw new Dhis2Error('fix', message.data.errorCode ?? 'METADATA_REFUSED', `The server refused the metadata: ${message.data.message}`, 409, data);
  }
  throw new Dhis2Error('retry', 'BAD_RESPONSE', 'The server answered the metadata upload in a way the app does not understand.', null, data);
}

export function parseImportReport(data: unknown): ImportReport {
  const report = ImportReport.safeParse(data);
  if (!report.success) throw new Dhis2Error('retry', 'BAD_SUMMARY', 'The import report from the server could not be read.', null, data);
  return report.data;
}
