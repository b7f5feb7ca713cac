import type { FailStatus } from './control-schemas';
import { header, type SimRequest } from './request';
import type { SimResponse } from './respond';
import { webMessage, webMessageResponse } from './webmessage';

export type Fault =
  | { kind: 'fail'; status: FailStatus; remaining: number; path: string | null }
  | { kind: 'drop'; remaining: number; path: string | null; afterBytes: number | null };

/**
 * "/api/me" covers /api/me, /api/me.json and /api/me/authorization, not /api/metadata: a prefix that
 * ends at a path boundary, compared with the version prefix removed on both sides.
 */
export function pathCovers(prefix: string, path: string): boolean {
  if (!path.startsWith(prefix)) return false;
  if (path.length === prefix.length || prefix.endsWith('/')) return true;
  const next = path.charAt(prefix.length);
  return next === '/' || next === '.';
}

/** Pending one-shot faults, used in the order they were added. */
export class FaultQueue {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push(fault);
  }

  /** The first pending fault for this path, used up by one; null if none applies. */
  take(path: string): Fault | null {
    const index = this.faults.findIndex((fault) => fault.path === null || pathCovers(fault.path, path));
    const fault = this.faults[index];
    if (!fault) return null;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return { ...fault };
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }
}

// nginx's own status lines and error pages (ngx_http_special_response.c), CRLF and all.
const NGINX_REASONS: Partial<Record<FailStatus, string>> = {
  413: 'Request Entity Too Large',
  502: 'Bad Gateway',
  504: 'Gateway Time-out',
};

function nginxPage(status: FailStatus, reason: string): SimResponse {
  const title = `${status} ${reason}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { status, statusMessage: reason, headers: { 'Content-Type': 'text/html', Server: 'nginx' }, body };
}

/**
 * The answer for an injected failure, shaped like whoever really sends that status: 413, 502 and 504
 * come from the reverse proxy in front of DHIS2 (nginx HTML), 500 and 503 from DHIS2 itself
 * (CrudControllerAdvice WebMessage: defaultExceptionHandler, and RestClientException for 503).
 */
export function failureResponse(status: FailStatus, req: SimRequest): SimResponse {
  const reason = NGINX_REASONS[status];
  if (reason !== undefined) return nginxPage(status, reason);
  const message =
    status === 500 ? 'An unexpected error has occured. Please contact your system administrator' : 'Service temporarily unavailable, please try again later';
  return webMessageResponse(webMessage(status, message, { devMessage: 'Injected by dhis2-sim failNext' }), {
    accept: header(req, 'accept'),
  });
}
