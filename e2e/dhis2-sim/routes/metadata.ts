import { gzipSync } from 'node:zlib';
import { dhis2Date } from '../dates';
import { type FieldNode } from '../fields';
import { schemaByPlural } from '../md-schema-table';
import { METADATA_TYPES, type MetadataObject, typeInfo } from '../metadata';
import { fieldNodes, filterObjects, javaUrlEncode, parseOrders, QueryError, renderObject, type RenderContext, sortObjects, viewOf } from '../metadata-view';
import { header, type SimRequest } from '../request';
import { gzipIfAccepted, type SimResponse } from '../respond';
import type { Route, RouteContext } from '../router';
import { hasAuthority, isSuperuser } from '../users';
import { webMessage, webMessageResponse } from '../webmessage';
import { zipSingleEntry } from '../zip';
import { REVISION } from './system';

/**
 * Read-only metadata: GET /api/{type} (AbstractFullReadOnlyController.getObjectList), GET
 * /api/{type}/{uid} and GET /api/metadata (MetadataImportExportController export).
 */

const JSON_UTF8 = 'application/json;charset=UTF-8';
const CACHE_PRIVATE = 'no-cache, private';

function json(value: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status: 200, headers: { 'Content-Type': JSON_UTF8, 'Cache-Control': CACHE_PRIVATE, ...headers }, body: JSON.stringify(value) };
}

function badRequest(req: SimRequest, message: string): SimResponse {
  return webMessageResponse(webMessage(400, message, { errorCode: 'E1003' }), { accept: header(req, 'accept') });
}

/** Options.stringAsInt: a number or the default. */
function intParam(value: string | null, fallback: number): number {
  return value !== null && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : fallback;
}

/** The request's parameters except page and pageSize, grouped by name as the servlet parameter map gives them. */
function pagerParameters(query: URLSearchParams): string {
  const names: string[] = [];
  for (const name of query.keys()) if (!names.includes(name)) names.push(name);
  return names
    .filter((name) => name !== 'page' && name !== 'pageSize')
    .flatMap((name) => query.getAll(name).map((value) => `${javaUrlEncode(name)}=${javaUrlEncode(value)}`))
    .join('&');
}

/** Pager JSON in the order Jackson writes it (fields first, then getter-only pageCount); DefaultLinkService's links. */
function pager(req: SimRequest, type: string, page: number, pageSize: number, total: number): Record<string, unknown> {
  const size = Math.max(pageSize, 1);
  const pageCount = Math.ceil(total / size);
  const current = Math.max(Math.min(page, pageCount), 1);
  const endpoint = `${req.baseUrl}/api/${type}${req.extension ? `.${req.extension}` : ''}`;
  const parameters = pagerParameters(req.query);
  const sizePart = size === 50 ? '' : `pageSize=${size}`;
  const out: Record<string, unknown> = { page: current, total, pageSize: size };
  if (current < pageCount) {
    out['nextPage'] = `${endpoint}?page=${current + 1}${sizePart ? `&${sizePart}` : ''}${parameters ? `&${parameters}` : ''}`;
  }
  if (current > 1) {
    if (current - 1 === 1) {
      const query = [sizePart, parameters].filter((part) => part !== '').join('&');
      out['prevPage'] = query ? `${endpoint}?${query}` : endpoint;
    } else {
      out['prevPage'] = `${endpoint}?page=${current - 1}${sizePart ? `&${sizePart}` : ''}${parameters ? `&${parameters}` : ''}`;
    }
  }
  out['pageCount'] = pageCount;
  return out;
}

function renderContext(ctx: RouteContext, computed: boolean): RenderContext {
  return { store: ctx.state.metadata, baseUrl: ctx.req.baseUrl, computed };
}

/** The objects of a type after `filter` and `order`, as views. */
function query(ctx: RouteContext, type: string, render: RenderContext): Record<string, unknown>[] | SimResponse {
  const views = ctx.state.metadata.list(type).map((object) => viewOf(ctx.state.metadata, type, object));
  try {
    const junction = ctx.req.query.get('rootJunction') === 'OR' ? 'OR' : 'AND';
    const filtered = filterObjects(views, type, ctx.req.query.getAll('filter'), junction, render);
    return sortObjects(filtered, parseOrders(ctx.req.query.getAll('order')));
  } catch (error) {
    if (error instanceof QueryError) return badRequest(ctx.req, error.message);
    throw error;
  }
}

function collection(type: string) {
  return (ctx: RouteContext): SimResponse => {
    const render = renderContext(ctx, true);
    const objects = query(ctx, type, render);
    if (!Array.isArray(objects)) return objects;
    const nodes: FieldNode[] = fieldNodes(ctx.req.query.getAll('fields'), 'id,displayName');
    const paging = (ctx.req.query.get('paging') ?? 'true').toLowerCase() !== 'false';
    let page = objects;
    const body: Record<string, unknown> = {};
    if (paging) {
      const pageNumber = Math.max(intParam(ctx.req.query.get('page'), 1), 1);
      const pageSize = intParam(ctx.req.query.get('pageSize'), 50);
      const size = Math.max(pageSize, 1);
      page = objects.slice((pageNumber - 1) * size, pageNumber * size);
      body['pager'] = pager(ctx.req, type, pageNumber, pageSize, objects.length);
    }
    body[type] = page.map((object) => renderObject(object, type, nodes, render));
    return gzipIfAccepted(header(ctx.req, 'accept-encoding'), json(body));
  };
}

function single(type: string, klass: string) {
  return (ctx: RouteContext): SimResponse => {
    const id = ctx.params['id'] ?? '';
    const object = ctx.state.metadata.get(type, id);
    if (!object) {
      return webMessageResponse(webMessage(404, `${klass} with id ${id} could not be found.`, { errorCode: 'E1005' }), { accept: header(ctx.req, 'accept') });
    }
    const render = renderContext(ctx, true);
    const nodes = fieldNodes(ctx.req.query.getAll('fields'), '*');
    return gzipIfAccepted(header(ctx.req, 'accept-encoding'), json(renderObject(viewOf(ctx.state.metadata, type, object), type, nodes, render)));
  };
}

// -------------------------------------------------------------------------------------------------
// GET /api/metadata
// -------------------------------------------------------------------------------------------------

const SHARING_KEYS = ['sharing', 'publicAccess', 'externalAccess', 'userAccesses', 'userGroupAccesses', 'user'];
const DEFAULT_NAMES = new Set(['default']);

function isSelected(values: string[]): boolean {
  return values.some((value) => value.toLowerCase() === 'true');
}

function metadataExport(ctx: RouteContext): SimResponse {
  const { req, state } = ctx;
  const store = state.metadata;
  const params = req.query;
  const names = [...new Set(params.keys())];
  const selected = new Set<string>();
  const perType = new Map<string, { fields: string[]; filter: string[]; order: string[] }>();
  for (const name of names) {
    const [plural = '', option] = name.split(':');
    if (!store.types().includes(plural) && !typeInfo(plural) && !schemaByPlural(plural)?.identifiable) continue;
    const values = params.getAll(name);
    const lower = option?.toLowerCase();
    if (!(isSelected(values) || lower === 'fields' || lower === 'filter' || lower === 'order')) continue;
    selected.add(plural);
    const entry = perType.get(plural) ?? { fields: [], filter: [], order: [] };
    if (lower === 'fields') entry.fields.push(...values);
    if (lower === 'filter') entry.filter.push(...values);
    if (lower === 'order') entry.order.push(...values);
    perType.set(plural, entry);
  }
  const refused = exportRefusal(ctx, [...selected]);
  if (refused) return refused;
  const types = selected.size > 0 ? [...selected].sort() : store.types();
  const defaultFields = params.getAll('fields');
  const defaultFilter = params.getAll('filter');
  const defaultOrder = params.getAll('order');
  const excludeDefaults = (params.get('defaults') ?? 'INCLUDE').toUpperCase() === 'EXCLUDE';
  const skipSharing = (params.get('skipSharing') ?? 'false').toLowerCase() === 'true';
  const render: RenderContext = { store, baseUrl: req.baseUrl, computed: false };

  const out: Record<string, unknown> = { system: { id: state.systemId, rev: REVISION, version: state.profile.version, date: dhis2Date(new Date()) } };
  for (const type of types) {
    const entry = perType.get(type) ?? { fields: [], filter: [], order: [] };
    const fields = entry.fields.length > 0 ? entry.fields : defaultFields;
    const filters = entry.filter.length > 0 ? entry.filter : defaultFilter;
    const orders = entry.order.length > 0 ? entry.order : defaultOrder;
    let objects: MetadataObject[] = store.list(type);
    if (excludeDefaults) objects = objects.filter((object) => !DEFAULT_NAMES.has(String(object['name'])));
    try {
      objects = sortObjects(filterObjects(objects, type, filters, 'AND', render), parseOrders(orders));
    } catch (error) {
      if (error instanceof QueryError) return badRequest(req, error.message);
      throw error;
    }
    const owner = fields.length === 0 || fields.every((field) => field.trim() === ':owner');
    const nodes = fieldNodes(fields, '*');
    out[type] = objects.map((object) => {
      const shown = owner ? { ...object } : renderObject(object, type, nodes, render);
      if (skipSharing) for (const key of SHARING_KEYS) delete shown[key];
      return shown;
    });
  }
  return metadataFileResponse(req, out);
}

/**
 * What stops an export before it starts: only JSON converters exist for MetadataExportParams (an XML or
 * CSV extension or Accept is Spring's 406), and MetadataExportService.validate wants F_METADATA_EXPORT
 * for an export of every type and F_USER_VIEW for users (MetadataExportException: 409).
 */
export function exportRefusal(ctx: RouteContext, selected: readonly string[]): SimResponse | null {
  const { req, user } = ctx;
  const accept = (header(req, 'accept') ?? '').toLowerCase();
  if (user && !isSuperuser(user)) {
    if (selected.length === 0 && !hasAuthority(user, 'F_METADATA_EXPORT')) {
      return webMessageResponse(webMessage(409, "Unfiltered access to metadata export requires super user or 'F_METADATA_EXPORT' authority."), { accept });
    }
    if (selected.includes('users') && !hasAuthority(user, 'F_USER_VIEW') && !hasAuthority(user, 'F_METADATA_EXPORT')) {
      return webMessageResponse(webMessage(409, "Exporting user metadata requires the 'F_USER_VIEW' authority."), { accept });
    }
  }
  const extension = req.extension;
  const jsonExtension = extension === null || extension === 'json' || extension === 'json.gz' || extension === 'json.zip';
  const acceptsJson = accept === '' || /(^|[\s,])(\*\/\*|application\/\*|application\/json[^,]*)/.test(accept);
  if (!jsonExtension || (extension === null && !acceptsJson)) {
    return webMessageResponse(webMessage(406, 'Could not find acceptable representation'), { accept: 'application/json' });
  }
  return null;
}

/**
 * MetadataExportParamsMessageConverter: `.json.gz` and `.json.zip` always come as attachments named
 * metadata.json.gz / .zip (a zip with one metadata.json entry); plain JSON only with download=true.
 */
export function metadataFileResponse(req: SimRequest, out: Record<string, unknown>): SimResponse {
  const body = Buffer.from(JSON.stringify(out), 'utf8');
  const extension = req.extension;
  if (extension === 'json.gz') {
    return {
      status: 200,
      headers: {
        'Content-Type': 'application/json+gzip',
        'Content-Disposition': 'attachment; filename=metadata.json.gz',
        'Content-Transfer-Encoding': 'binary',
      },
      body: gzipSync(body),
    };
  }
  if (extension === 'json.zip') {
    return {
      status: 200,
      headers: {
        'Content-Type': 'application/json+zip',
        'Content-Disposition': 'attachment; filename=metadata.json.zip',
        'Content-Transfer-Encoding': 'binary',
      },
      body: zipSingleEntry('metadata.json', body),
    };
  }
  const download = (req.query.get('download') ?? 'false').toLowerCase() === 'true';
  const headers: Record<string, string> = { 'Content-Type': JSON_UTF8 };
  if (download) headers['Content-Disposition'] = 'attachment; filename=metadata.json';
  return gzipIfAccepted(header(req, 'accept-encoding'), { status: 200, headers, body });
}

export const metadataRoutes: Route[] = [
  { method: 'GET', path: '/metadata', handler: metadataExport },
  ...METADATA_TYPES.flatMap((info): Route[] => [
    { method: 'GET', path: `/${info.plural}`, handler: collection(info.plural) },
    { method: 'GET', path: `/${info.plural}/:id`, handler: single(info.plural, info.klass) },
  ]),
];
