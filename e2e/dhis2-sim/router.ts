import type { SimRequest } from './request';
import type { SimResponse } from './respond';
import type { SimState } from './state';
import type { SimUser } from './users';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * How the security chain treats a path: `auth` needs a login; `permit` lets anonymous requests through
 * but still checks credentials that are sent (Spring permitAll); `ignore` skips security entirely
 * (web.ignoring(), as for /api/ping), so even bad credentials pass.
 */
export type Access = 'auth' | 'permit' | 'ignore';

export interface RouteContext {
  req: SimRequest;
  params: Readonly<Record<string, string>>;
  /** Null only on routes whose access is not `auth`. */
  user: SimUser | null;
  state: SimState;
}

export interface Route {
  method: HttpMethod;
  /** Below /api, with `:name` segments: "/me/authorization/:authority". */
  path: string;
  handler: (ctx: RouteContext) => SimResponse | Promise<SimResponse>;
  /** Defaults to `auth`. */
  access?: (req: SimRequest, state: SimState) => Access;
  /** The handler reads the body from `req.stream` itself (large uploads); `req.body` stays empty. */
  streamBody?: boolean;
}

interface CompiledRoute {
  route: Route;
  segments: string[];
}

export type RouteMatch =
  { kind: 'found'; route: Route; params: Record<string, string> } | { kind: 'method-not-allowed'; allowed: HttpMethod[] } | { kind: 'not-found' };

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] ?? '';
    const got = actual[i] ?? '';
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(got);
      } catch {
        return null;
      }
    } else if (expected !== got) {
      return null;
    }
  }
  return params;
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: segmentsOf(route.path) }));
  }

  match(method: string, routePath: string): RouteMatch {
    const actual = segmentsOf(routePath);
    // Spring answers HEAD with the GET handler.
    const wanted = method === 'HEAD' ? 'GET' : method;
    const allowed: HttpMethod[] = [];
    for (const { route, segments } of this.compiled) {
      const params = matchSegments(segments, actual);
      if (!params) continue;
      if (route.method === wanted) return { kind: 'found', route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }

  /** The security rule for a path: the first route on it that declares one; unknown paths need a login, as in DHIS2. */
  access(req: SimRequest, state: SimState): Access {
    const actual = segmentsOf(req.routePath);
    for (const { route, segments } of this.compiled) {
      if (route.access && matchSegments(segments, actual)) return route.access(req, state);
    }
    return 'auth';
  }
}
