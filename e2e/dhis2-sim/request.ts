import type { IncomingHttpHeaders } from 'node:http';
import { MIN_API_VERSION, type VersionProfile } from './version';

/** An API request after the parts DHIS2 strips before routing: the /api/NN/ version and the format extension. */
export interface SimRequest {
  method: string;
  /** As received, with query: "/api/41/me.json?fields=id". */
  url: string;
  /** Percent-encoded path with version and extension removed: "/api/me". */
  path: string;
  /** The path below /api, which routes match: "/me". */
  routePath: string;
  /** 41 for /api/41/me; null without a version. */
  apiVersion: number | null;
  /** "json" for /api/me.json; null without one. */
  extension: string | null;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The unread request body, for routes that stream it (Route.streamBody); null otherwise. */
  stream: AsyncIterable<Buffer> | null;
  /** scheme://host:port the client used, as servlet redirects and SystemInfo.contextPath build it. */
  baseUrl: string;
}

// WebMvcConfig.MEDIA_TYPE_MAP; longest first so "json.gz" wins over "gz"-less "json".
const EXTENSIONS = [
  'adx.xml.gz',
  'adx.xml.zip',
  'adx.xml',
  'json.gz',
  'json.zip',
  'xml.gz',
  'xml.zip',
  'csv.gz',
  'csv.zip',
  'geojson',
  'jsonp',
  'json',
  'xml',
  'csv',
  'pdf',
  'xlsx',
  'xls',
  'png',
  'html',
];

export function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

export function pathnameOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** "/api/41/me" -> "/api/me" when 41 is a version this DHIS2 accepts; other numbers stay and so find no route. */
export function stripApiVersion(pathname: string, profile: VersionProfile): { path: string; apiVersion: number | null } {
  const match = /^\/api\/(\d+)(\/.*)?$/.exec(pathname);
  const version = match?.[1] === undefined ? NaN : Number(match[1]);
  if (match && version >= MIN_API_VERSION && version <= profile.maxApiVersion && match[1]?.length === 2) {
    return { path: `/api${match[2] ?? ''}`, apiVersion: version };
  }
  return { path: pathname, apiVersion: null };
}

function stripExtension(path: string): { path: string; extension: string | null } {
  const lastSlash = path.lastIndexOf('/');
  const lastSegment = path.slice(lastSlash + 1);
  for (const extension of EXTENSIONS) {
    const suffix = `.${extension}`;
    if (lastSegment.length > suffix.length && lastSegment.endsWith(suffix)) {
      return { path: path.slice(0, path.length - suffix.length), extension };
    }
  }
  return { path, extension: null };
}

export function toSimRequest(
  raw: { method?: string | undefined; url?: string | undefined; headers: IncomingHttpHeaders },
  body: Buffer,
  profile: VersionProfile,
  fallbackHost: string,
): SimRequest {
  const url = raw.url ?? '/';
  const parsed = new URL(url, 'http://sim.invalid');
  const versioned = stripApiVersion(parsed.pathname, profile);
  const { path, extension } = stripExtension(versioned.path);
  return {
    method: (raw.method ?? 'GET').toUpperCase(),
    url,
    path,
    routePath: path === '/api' ? '/' : path.slice('/api'.length),
    apiVersion: versioned.apiVersion,
    extension,
    query: parsed.searchParams,
    headers: raw.headers,
    body,
    stream: null,
    baseUrl: `http://${raw.headers.host ?? fallbackHost}`,
  };
}

export function header(req: Pick<SimRequest, 'headers'>, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
