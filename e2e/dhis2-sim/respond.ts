/** What a handler answers; the server turns it into bytes, so faults and latency can wrap any answer. */
export interface SimResponse {
  status: number;
  /** Reason phrase on the status line when it must differ from Node's (nginx says "Gateway Time-out"). */
  statusMessage?: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

export const JSON_UTF8 = 'application/json;charset=UTF-8';
export const TEXT_UTF8 = 'text/plain;charset=UTF-8';
export const HTML_UTF8 = 'text/html;charset=UTF-8';

/**
 * JSON as DHIS2's ObjectMapper writes it: properties that are null are left out (NON_NULL), while nulls
 * inside arrays and empty collections stay.
 */
export function toDhis2Json(value: unknown): string {
  return JSON.stringify(value, function omitNullProperties(this: unknown, _key: string, child: unknown) {
    if (child === null && !Array.isArray(this)) return undefined;
    return child;
  });
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'Content-Type': JSON_UTF8, ...headers }, body: toDhis2Json(value) };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'Content-Type': TEXT_UTF8, ...headers }, body };
}

export function empty(status: number, headers: Record<string, string> = {}): SimResponse {
  return { status, headers, body: '' };
}

export const NO_STORE = { 'Cache-Control': 'no-store' } as const;
