import axios, { type AxiosInstance } from 'axios';
import { Me, Pager, SystemInfo } from './schemas';
import { authorizationHeader } from './auth';
import { classifyError, Dhis2Error } from './errors';
import type { ServerAuthInput } from '../../../shared/servers';
import type { z } from 'zod';

export interface Dhis2ClientOptions {
  baseUrl: string;
  auth: ServerAuthInput | null;
  timeoutMs?: number;
  appVersion?: string;
}

/**
 * Typed calls to one DHIS2 server. One axios instance per server profile; endpoint functions
 * validate what they read, so a proxy's HTML page is reported as such instead of crashing later.
 */
export class Dhis2Client {
  readonly http: AxiosInstance;

  constructor(readonly options: Dhis2ClientOptions) {
    this.http = axios.create({
      baseURL: `${options.baseUrl}/api`,
      timeout: options.timeoutMs ?? 30_000,
      maxRedirects: 0,
      headers: {
        // Without it DHIS2 answers a bad login with a redirect to its login page instead of a 401.
        'X-Requested-With': 'XMLHttpRequest',
        Accept: 'application/json',
        'User-Agent': `dhis2-ie/${options.appVersion ?? 'dev'}`,
        ...(options.auth ? { Authorization: authorizationHeader(options.auth) } : {}),
      },
      validateStatus: (status) => status >= 200 && status < 300,
    });
  }

  async ping(signal?: AbortSignal, timeoutMs?: number): Promise<void> {
    const response = await this.request(
      () => this.http.get('/system/ping', { signal, timeout: timeoutMs, responseType: 'text', headers: { Accept: 'text/plain' } }),
      '/system/ping',
    );
    if (typeof response !== 'string' || response.trim() !== 'pong') {
      throw new Dhis2Error('fix', 'NOT_DHIS2', `${this.options.baseUrl} answered, but not like a DHIS2 server. Check the address.`, 200);
    }
  }

  systemInfo(signal?: AbortSignal): Promise<SystemInfo> {
    return this.getJson('/system/info', SystemInfo, signal);
  }

  me(signal?: AbortSignal): Promise<Me> {
    return this.getJson('/me', Me, signal, { fields: 'id,username,name,displayName,firstName,surname,authorities,organisationUnits[id]' });
  }

  /**
   * One page of a collection endpoint (`/organisationUnits?paging=true&page=2`). Metadata pages
   * are mostly repeated keys, so gzip is asked for explicitly; axios inflates the answer.
   */
  async getPage(
    path: string,
    params: Record<string, string>,
    collection: string,
    signal?: AbortSignal,
    timeoutMs?: number,
  ): Promise<{ pager: Pager | null; items: unknown[] }> {
    const body = await this.request(() => this.http.get(path, { signal, params, timeout: timeoutMs, headers: { 'Accept-Encoding': 'gzip' } }), path);
    const items = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[collection] : undefined;
    if (!Array.isArray(items)) {
      throw new Dhis2Error(
        'fix',
        'NOT_DHIS2',
        `${this.options.baseUrl}/api${path}, page ${params.page ?? 1}, did not answer like DHIS2 does (it has no "${collection}" list).`,
        200,
        body,
      );
    }
    const pager = Pager.safeParse((body as Record<string, unknown>).pager);
    return { pager: pager.success ? pager.data : null, items };
  }

  async getJson<S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal, params?: Record<string, string>): Promise<z.output<S>> {
    const body = await this.request(() => this.http.get(path, { signal, params }), path);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new Dhis2Error('fix', 'NOT_DHIS2', `${this.options.baseUrl}/api${path} did not answer like DHIS2 does. Is the address right?`, 200, body);
    }
    return parsed.data;
  }

  /** Runs an axios call with this client's error classification (offline, retry, fix). */
  async request(run: () => Promise<{ data: unknown; status: number }>, path: string): Promise<unknown> {
    try {
      const response = await run();
      return response.data;
    } catch (error) {
      const url = `${this.options.baseUrl}/api${path}`;
      const classified = classifyError(error, url);
      // A 302 to the login page means the credentials were not taken, just as a 401 does.
      if (classified.status === 302)
        throw new Dhis2Error('fix', 'UNAUTHORIZED', 'The server sent the app to its login page: the user name, password or token was not accepted.', 302);
      throw classified;
    }
  }
}
