import { z } from 'zod';
import type { Dhis2Client } from './client';
import { Dhis2Error } from './errors';
import { WebMessage } from './schemas';
import { ImportSummary } from '../../../shared/import-summary';

export const DATA_VALUE_CONTENT_TYPES = {
  json: 'application/json',
  xml: 'application/xml',
  // DHIS2 refuses text/csv for data values; only application/csv is bound to the CSV reader.
  csv: 'application/csv',
  adx: 'application/adx+xml',
} as const;
export type UploadFormat = keyof typeof DATA_VALUE_CONTENT_TYPES;

const JobConfiguration = z.looseObject({ id: z.string(), jobType: z.string().optional(), relativeNotifierEndpoint: z.string().optional() });

export type ImportKickoff = { kind: 'summary'; summary: ImportSummary } | { kind: 'task'; jobType: string; jobId: string };

/**
 * POST /api/dataValueSets. A 409 is an answer, not a failure: DHIS2 2.36-2.42 send the
 * ImportSummary of an import with conflicts with HTTP 409.
 */
export async function postDataValueSet(
  client: Dhis2Client,
  body: Buffer | string,
  format: UploadFormat,
  params: Record<string, string | boolean | number>,
  signal?: AbortSignal,
  /** A sync import of a large part can take longer than the client's default limit. */
  timeoutMs?: number,
): Promise<ImportKickoff> {
  const path = '/dataValueSets';
  const data = await client.request(
    () =>
      client.http.post(path, body, {
        params,
        signal,
        ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
        headers: { 'Content-Type': DATA_VALUE_CONTENT_TYPES[format] },
        validateStatus: (status) => (status >= 200 && status < 300) || status === 409,
        maxBodyLength: Infinity,
        maxContentLength: 512 * 1024 * 1024,
      }),
    path,
  );
  return parseKickoff(data);
}

export function parseKickoff(data: unknown): ImportKickoff {
  const message = WebMessage.safeParse(data);
  const response = message.success ? message.data.response : undefined;
  const job = JobConfiguration.safeParse(response);
  if (job.success && (job.data.relativeNotifierEndpoint || job.data.jobType)) {
    const jobType = job.data.jobType ?? job.data.relativeNotifierEndpoint?.split('/').at(-2) ?? 'DATAVALUE_IMPORT';
    return { kind: 'task', jobType, jobId: job.data.id };
  }
  // Sync answers wrap the summary in a WebMessage; task summaries and old servers send it bare.
  const summary = ImportSummary.safeParse(response ?? data);
  if (summary.success) return { kind: 'summary', summary: summary.data };
  throw new Dhis2Error('retry', 'BAD_RESPONSE', 'The server answered the data upload in a way the app does not understand.', null, data);
}

export function parseImportSummary(data: unknown): ImportSummary {
  const summary = ImportSummary.safeParse(data);
  if (!summary.success) throw new Dhis2Error('retry', 'BAD_SUMMARY', 'The import summary from the server could not be read.', null, data);
  return summary.data;
}
