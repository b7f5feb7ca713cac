import { SpooledBody } from '../body';
import { springBoolean } from '../dv-options';
import { importGeoJson, type GeoImportParams } from '../geo-import';
import { type GeoWebMessage } from '../geo-report';
import { header, type SimRequest } from '../request';
import { json, type SimResponse } from '../respond';
import type { Route, RouteContext } from '../router';
import { webMessage, webMessageResponse } from '../webmessage';

/**
 * /api/organisationUnits/geometry and /api/organisationUnits/{id}/geometry (core@2.41 GeoJsonImportController):
 * synchronous, always a GeoJsonImportReport WebMessage with HTTP 200 unless the request cannot be bound.
 */

// The controller consumes GeoJSON and plain JSON; Spring answers 415 to anything else before reading the body.
const CONSUMES = new Set(['application/json', 'application/geo+json']);
const PROPERTIES = ['ID', 'CODE', 'NAME'] as const;

function problem(req: SimRequest, status: number, message: string): SimResponse {
  return webMessageResponse(webMessage(status, message), { accept: header(req, 'accept'), headers: { 'Cache-Control': 'no-cache, private' } });
}

function answer(message: GeoWebMessage): SimResponse {
  return json(message.httpStatusCode, message, message.httpStatusCode >= 400 ? { 'Cache-Control': 'no-cache, private' } : {});
}

/** Spring binding of the query: booleans as StringToBooleanConverter, the enum by its exact name. */
function parseParams(query: URLSearchParams): GeoImportParams | string {
  const flag = (name: string, fallback: boolean): boolean | string => {
    const raw = query.get(name);
    if (raw === null) return fallback;
    return springBoolean(raw) ?? `Value '${raw}' is not valid for parameter ${name}. It should be of type boolean`;
  };
  const geoJsonId = flag('geoJsonId', true);
  if (typeof geoJsonId === 'string') return geoJsonId;
  const dryRun = flag('dryRun', false);
  if (typeof dryRun === 'string') return dryRun;
  const rawProperty = query.get('orgUnitProperty') ?? 'ID';
  const orgUnitProperty = PROPERTIES.find((p) => p === rawProperty.trim());
  if (orgUnitProperty === undefined) return `Value '${rawProperty}' is not valid for parameter orgUnitProperty. Valid values are: [${PROPERTIES.join(', ')}]`;
  return {
    geoJsonId,
    geoJsonProperty: query.get('geoJsonProperty') ?? undefined,
    orgUnitProperty,
    attributeId: query.get('attributeId') ?? undefined,
    dryRun,
  };
}

/** The body as text, gzip or zip unpacked by its magic bytes as for data values (StreamUtils). */
async function bodyText(req: SimRequest): Promise<string> {
  const body = req.stream ? await SpooledBody.from(req.stream) : SpooledBody.fromBuffer(req.body);
  try {
    let text = '';
    for await (const piece of body.text()) text += piece;
    return text;
  } finally {
    await body.dispose();
  }
}

/** A body json-tree cannot read is reported as E7700 (inferred: no server run checked the exact text). */
function parseBody(text: string): { ok: true; root: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, root: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

function readError(message: string): GeoWebMessage {
  const report = {
    responseType: 'GeoJsonImportReport' as const,
    importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
    totalConflictOccurrenceCount: 1,
    status: 'ERROR' as const,
    conflicts: [{ objects: {}, value: `Error reading JSON input: ${message}`, errorCode: 'E7700' as const, property: '' }],
  };
  return { httpStatus: 'OK', httpStatusCode: 200, status: 'ERROR', message: 'Import failed.', response: report };
}

async function importGeometry(ctx: RouteContext): Promise<SimResponse> {
  const { req, state } = ctx;
  const rawType = header(req, 'content-type') ?? 'application/octet-stream';
  if (!CONSUMES.has(rawType.split(';')[0]?.trim().toLowerCase() ?? '')) return problem(req, 415, `Content type '${rawType}' not supported`);
  const params = parseParams(req.query);
  if (typeof params === 'string') return problem(req, 400, params);
  const parsed = parseBody(await bodyText(req));
  if (!parsed.ok) return answer(readError(parsed.message));
  return answer(importGeoJson(state.metadata, parsed.root, params));
}

/**
 * One org unit's geometry: the body is the geometry itself (POST) or nothing (DELETE, which stores null).
 * Run as a one-feature import by id, so the same checks and report apply (inferred from
 * GeoJsonImportController#updateGeometry / #deleteGeometry, which wrap the unit in a feature).
 */
async function singleGeometry(ctx: RouteContext, remove: boolean): Promise<SimResponse> {
  const { req, state, params } = ctx;
  const query = new URLSearchParams(req.query);
  query.set('geoJsonId', 'true');
  query.set('orgUnitProperty', 'ID');
  const options = parseParams(query);
  if (typeof options === 'string') return problem(req, 400, options);
  let geometry: unknown = null;
  if (!remove) {
    const parsed = parseBody(await bodyText(req));
    if (!parsed.ok) return answer(readError(parsed.message));
    geometry = parsed.root;
  }
  const feature = { type: 'Feature', id: params['id'] ?? '', geometry };
  return answer(importGeoJson(state.metadata, feature, options));
}

export const geometryRoutes: readonly Route[] = [
  { method: 'POST', path: '/organisationUnits/geometry', handler: importGeometry },
  { method: 'POST', path: '/organisationUnits/:id/geometry', handler: (ctx) => singleGeometry(ctx, false) },
  { method: 'DELETE', path: '/organisationUnits/:id/geometry', handler: (ctx) => singleGeometry(ctx, true) },
];
