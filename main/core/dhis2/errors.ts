import { AxiosError } from 'axios';
import { WebMessage } from './schemas';

/**
 * How a failed request should be treated:
 * - offline: no answer at all; wait for the connection, do not count it as a try.
 * - retry: the server or a proxy had a passing problem (5xx, 429, timeout); try again later.
 * - fix: the user must change something (credentials, permissions, the request); trying again will not help.
 */
export type FailureKind = 'offline' | 'retry' | 'fix';

export class Dhis2Error extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly code: string,
    message: string,
    readonly status: number | null,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'Dhis2Error';
  }

  /** True when the request provably never reached the server (no connection could be made), so it did nothing there. */
  neverSent = false;
}

/** Failures before a connection exists: the request cannot have reached the server. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNRESET',
  'EPIPE',
  'ERR_NETWORK',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ERR_CANCELED',
]);

export function classifyError(error: unknown, url: string): Dhis2Error {
  if (error instanceof Dhis2Error) return error;
  if (!(error instanceof AxiosError)) {
    return new Dhis2Error('retry', 'UNKNOWN', `The request to ${url} failed: ${String(error)}`, null);
  }
  const response = error.response;
  if (!response) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' || /timeout/i.test(error.message)) {
      return new Dhis2Error('offline', 'TIMEOUT', `The server at ${url} did not answer in time.`, null);
    }
    if (error.code && OFFLINE_CODES.has(error.code)) {
      const offline = new Dhis2Error('offline', 'OFFLINE', `Cannot reach the server at ${url} (${error.code}). Check the connection.`, null);
      offline.neverSent = NEVER_SENT_CODES.has(error.code);
      return offline;
    }
    return new Dhis2Error('offline', 'OFFLINE', `Cannot reach the server at ${url}: ${error.message}`, null);
  }
  const status = response.status;
  // A status the request accepts, and still an error: the body was cut off on its way (a dropped
  // connection or proxy). The server may have done the work; it is a network fault, not an answer.
  const accepted = error.config?.validateStatus ? error.config.validateStatus(status) : status >= 200 && status < 300;
  if (accepted) {
    return new Dhis2Error(
      'offline',
      'ANSWER_CUT',
      `The connection to ${url} was cut while the server was answering (HTTP ${status}). The app will ask again when the connection is back.`,
      null,
    );
  }
  const message = serverMessage(response.data);
  if (status === 401) {
    return new Dhis2Error(
      'fix',
      'UNAUTHORIZED',
      message && message !== 'Unauthorized'
        ? `The server refused the sign-in: ${message}.`
        : 'The server refused the user name and password or the access token. Check them on the Servers page.',
      status,
      response.data,
    );
  }
  if (status === 400 && message && /checksum|api token|malformed/i.test(message)) {
    return new Dhis2Error(
      'fix',
      'UNAUTHORIZED',
      `The server refused the access token: ${message}. Copy the whole token again from DHIS2 (Profile, Personal access tokens).`,
      status,
      response.data,
    );
  }
  if (status === 403)
    return new Dhis2Error('fix', 'FORBIDDEN', `The DHIS2 user is not allowed to do this${message ? `: ${message}` : '.'}`, status, response.data);
  if (status === 404)
    return new Dhis2Error('fix', 'NOT_FOUND', `The server has no ${new URL(url).pathname}. Is this the address of a DHIS2 server?`, status, response.data);
  if (status === 413)
    return new Dhis2Error('retry', 'TOO_LARGE', 'The server (or a proxy in front of it) refused the request as too large.', status, response.data);
  if (status === 429 || status >= 500) {
    return new Dhis2Error(
      'retry',
      `HTTP_${status}`,
      `The server had a problem (${status}${message ? `: ${message}` : ''}). The app will try again.`,
      status,
      response.data,
    );
  }
  return new Dhis2Error('fix', `HTTP_${status}`, message ?? `The server answered ${status}.`, status, response.data);
}

function serverMessage(body: unknown): string | null {
  // Text requests (the ping) get the error body as a string.
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return null;
    }
  }
  const parsed = WebMessage.safeParse(body);
  return parsed.success && parsed.data.message ? parsed.data.message : null;
}
