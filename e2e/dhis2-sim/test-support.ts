import { request } from 'node:http';

/** Helpers shared by the simulator's tests. */

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export const ADMIN_BASIC = basic('admin', 'district');
export const XHR = { 'X-Requested-With': 'XMLHttpRequest' } as const;

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown; response: Response }> {
  const response = await fetch(url, { headers: { Authorization: ADMIN_BASIC, ...headers }, redirect: 'manual' });
  const textBody = await response.text();
  return { status: response.status, body: textBody === '' ? null : (JSON.parse(textBody) as unknown), response };
}

export function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Outcome of a request made with node:http, which (unlike fetch) can be left pending without a timer. */
export interface RawOutcome {
  status?: number;
  error?: NodeJS.ErrnoException;
}

export function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const req = request(url, { headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ status: res.statusCode, error }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error }));
    req.end();
  });
}

export async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** fetch's rejection, so a test can assert on how the connection failed. */
export async function fetchError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`Rejected with a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('Expected the request to fail, but it succeeded');
}
