import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Dhis2Error } from './errors';
import { gzipBody } from './gzip-body';

/**
 * What every import request has in common, whatever it carries (data value parts, a metadata file; tracker and
 * geometry later): how its body travels, and what a failed POST means for the checkpoint. The rules, one place:
 *
 * - The checkpoint says `sending` before the POST. A POST that fails in a way proving DHIS2 never read the body
 *   (`neverReachedServer`) leaves nothing on the server: the job clears that state and the next try sends plainly.
 *   Any other failure (timeout, 504, dropped answer, kill) leaves the outcome unknown; each kind then says what a
 *   resend means (data values: counted as ignored; metadata: safe for CREATE_AND_UPDATE, re-checked otherwise).
 * - A server job is followed with `waitForTask` (one polling pace for every kind of job).
 * - The body is gzipped wherever 2.41 reads gzip (`readsGzip`), with no Content-Encoding (2.41 sniffs the bytes).
 */
export type ImportEndpoint = 'dataValueSets' | 'metadata' | 'organisationUnits/geometry';

/**
 * Where 2.41 reads a gzipped body: StreamUtils.wrapAndCheckCompressionFormat wraps every data value import
 * (JSON, XML, ADX, CSV), and MetadataImportExportController's JSON import; its CSV import reads the raw stream,
 * and so does GeoJsonImportController (it hands `request.getInputStream()` straight to the GeoJSON service).
 */
export function readsGzip(endpoint: ImportEndpoint, contentType: string): boolean {
  return endpoint === 'dataValueSets' || (endpoint === 'metadata' && contentType === 'application/json');
}

/** A body built in memory, as it goes to `endpoint`. */
export async function bodyToSend(endpoint: ImportEndpoint, contentType: string, text: string): Promise<Buffer | string> {
  return readsGzip(endpoint, contentType) ? gzipBody(text) : text;
}

/** A streamed body (a whole file), as it goes to `endpoint`: gzipped on the way at level 1, like the parts. */
export function streamToSend(endpoint: ImportEndpoint, contentType: string, body: Readable): Readable {
  if (!readsGzip(endpoint, contentType)) return body;
  const gzip = createGzip({ level: 1 });
  body.on('error', (error) => gzip.destroy(error));
  return body.pipe(gzip);
}

/** Errors that prove the request never reached DHIS2 (or was refused before its body was read), so nothing of it is stored. */
export function neverReachedServer(error: unknown): boolean {
  if (!(error instanceof Dhis2Error)) return false;
  if (error.neverSent) return true;
  return error.status !== null && [302, 400, 401, 403, 404, 413].includes(error.status);
}
