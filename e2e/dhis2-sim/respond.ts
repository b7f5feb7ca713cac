import type { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';

/** What a handler answers; the server turns it into bytes, so faults and latency can wrap any answer. */
export interface SimResponse {
  status: number;
  /** Reason phrase on the status line when it must differ from Node's (nginx says "Gateway Time-out"). */
  statusMessage?: string;
  headers: Record<string, string>;
  /** A Readable is streamed with chunked transfer encoding (large exports). */
  body: string | Buffer | Readable;
}

export function isStreamBody(body: SimResponse['body']): body is Readable {
  return typeof body === 'object' && !Buffer.isBuffer(body);
}

/** Below this a body is sent as it is, like Tomcat's compressionMinSize. */
const GZIP_MIN_BYTES = 2048;

/**
 * HTTP compression for clients that send Accept-Encoding: gzip, as DHIS2's server connector does for
 * JSON, XML and CSV answers. Streams are always compressed; an answer that already is a file
 * (Content-Disposition, +gzip/+zip types) is left alone.
 */
export function gzipIfAccepted(acceptEncoding: string | undefined, response: SimResponse): SimResponse {
  if (!/\bgzip\b/i.test(acceptEncoding ?? '')) return response;
  const type = response.headers['Content-Type'] ?? '';
  if (response.headers['Content-Encoding'] || response.headers['Content-Transfer-Encoding'] || /\+(gzip|zip)/.test(type)) return response;
  const headers = { ...response.headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' };
  if (isStreamBody(response.body)) return { ...response, headers, body: response.body.pipe(createGzip()) };
  const bytes = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  if (bytes.length < GZIP_MIN_BYTES) return response;
  return { ...response, headers, body: gzipSync(bytes) };
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
