import {
  CallResult,
  type AppApi,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type UploadMeta,
} from '@shared/contract';
import type { FileRef } from '@shared/jobs';

/** Thrown for every failed call; `code` and `message` come from main and are meant for people. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

// Custom header: a cross-site page cannot send it without a CORS preflight, which the host refuses.
const CSRF_HEADER = { 'X-Requested-By': 'dhis2-ie' };

export function unwrap<T>(body: unknown): T {
  const parsed = CallResult.safeParse(body);
  if (!parsed.success) throw new ApiCallError('BAD_RESPONSE', 'The app answered in a way this page does not understand.');
  if (!parsed.data.ok) throw new ApiCallError(parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
  return parsed.data.result as T;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    if (response.status === 401) {
      throw new ApiCallError('SESSION_EXPIRED', 'This browser tab is not signed in to the app. Open the address the app printed when it started.');
    }
    throw new ApiCallError('BAD_RESPONSE', `The app answered ${response.status} without a readable body.`);
  }
}

/** How long to wait before opening a new event stream after the browser gave up on the old one. */
export const EVENT_STREAM_RETRY_MS = 3000;

export function createHttpApi(origin: string): AppApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const resyncListeners = new Set<() => void>();
  let source: EventSource | null = null;
  let everOpened = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  function ensureEventSource() {
    if (source || retryTimer) return;
    const current = new EventSource(`${origin}/api/events`, { withCredentials: true });
    source = current;
    current.onopen = () => {
      // The first open is the start; any later one follows a cut, and what was sent meanwhile is gone.
      if (everOpened) for (const listener of resyncListeners) listener();
      everOpened = true;
    };
    current.onmessage = (message: MessageEvent<string>) => {
      const { name, payload } = JSON.parse(message.data) as { name: string; payload: unknown };
      for (const listener of listeners.get(name) ?? []) listener(payload);
    };
    current.onerror = () => {
      // Network errors reconnect by themselves; an HTTP error (host restarting) closes the stream for good.
      if (current.readyState !== EventSource.CLOSED) return;
      current.close();
      source = null;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        ensureEventSource();
      }, EVENT_STREAM_RETRY_MS);
    };
  }

  return {
    async call<M extends MethodName>(name: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      let response: Response;
      try {
        response = await fetch(`${origin}/api/call/${name}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', ...CSRF_HEADER },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw new ApiCallError('APP_UNREACHABLE', 'The app is not answering. Is it still running?');
      }
      return unwrap<MethodOutput<M>>(await readJson(response));
    },

    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) {
      ensureEventSource();
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(name, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },

    onResync(listener: () => void) {
      ensureEventSource();
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },

    upload(file: Blob, meta: UploadMeta, onProgress?: (sentBytes: number) => void): Promise<FileRef> {
      // XMLHttpRequest, because fetch has no upload progress; the body streams from disk.
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${origin}/api/upload?name=${encodeURIComponent(meta.name)}`);
        xhr.setRequestHeader('X-Requested-By', 'dhis2-ie');
        xhr.setRequestHeader('Content-Type', 'application/octet-stream');
        xhr.upload.onprogress = (event) => onProgress?.(event.loaded);
        xhr.onerror = () => reject(new ApiCallError('APP_UNREACHABLE', 'The app stopped answering during the upload.'));
        xhr.onload = () => {
          try {
            resolve(unwrap<FileRef>(JSON.parse(xhr.responseText)));
          } catch (error) {
            reject(error instanceof ApiCallError ? error : new ApiCallError('BAD_RESPONSE', `Upload failed (${xhr.status}).`));
          }
        };
        xhr.send(file);
      });
    },
  };
}
