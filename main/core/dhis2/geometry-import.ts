import type { Readable } from 'node:stream';
import { GeoJsonWebMessage, type GeometryImportParams } from '../../../shared/geometry-import';
import type { Dhis2Client } from './client';
import { Dhis2Error } from './errors';

/** The query of `POST /api/organisationUnits/geometry` as GeoJsonImportController (2.41) reads it. */
export function geometrySendParams(params: GeometryImportParams): Record<string, string> {
  const query: Record<string, string> = {
    geoJsonId: String(params.geoJsonId),
    orgUnitProperty: params.orgUnitProperty,
    dryRun: String(params.dryRun),
  };
  // The controller builds `properties.<geoJsonProperty>` only when geoJsonId is false; sent otherwise it is ignored.
  if (!params.geoJsonId && params.geoJsonProperty) query.geoJsonProperty = params.geoJsonProperty;
  if (params.attributeId) query.attributeId = params.attributeId;
  return query;
}

export interface PostGeometryOptions {
  params: GeometryImportParams;
  contentType: string;
  signal: AbortSignal;
  timeoutMs: number;
}

/** Sends the file; the answer is always a WebMessage (HTTP 200, or 500 when the import throws). */
export async function postGeometry(client: Dhis2Client, body: Readable | Buffer | string, options: PostGeometryOptions): Promise<GeoJsonWebMessage> {
  const path = '/organisationUnits/geometry';
  const data = await client.request(
    () =>
      client.http.post(path, body, {
        params: geometrySendParams(options.params),
        signal: options.signal,
        timeout: options.timeoutMs,
        headers: { 'Content-Type': options.contentType },
        maxBodyLength: Infinity,
        maxContentLength: 64 * 1024 * 1024,
      }),
    path,
  );
  const message = GeoJsonWebMessage.safeParse(data);
  if (!message.success)
    throw new Dhis2Error('retry', 'BAD_RESPONSE', 'The server answered the geometry upload in a way the app does not understand.', null, data);
  return message.data;
}
