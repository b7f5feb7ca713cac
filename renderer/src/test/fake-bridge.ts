import type { AppApi, EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '@shared/contract';
import type { FileRef } from '@shared/jobs';
import { ApiCallError } from '@/bridge/http';

/**
 * Stands in for `@/bridge` in renderer tests: `vi.mock('@/bridge', () => import('@/test/fake-bridge'))`.
 * Each handler is typed by the contract, so a test cannot answer a call with the wrong shape.
 */
export type Handler<M extends MethodName> = (input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
type Handlers = { [M in MethodName]?: Handler<M> };
type Listener = (payload: never) => void;

export interface Call {
  name: MethodName;
  input: unknown;
}

const handlers: Handlers = {};
const listeners = new Map<EventName, Set<Listener>>();
export const calls: Call[] = [];
let uploadHandler: (file: Blob, name: string, onProgress?: (sent: number) => void) => Promise<FileRef> = () =>
  Promise.reject(new ApiCallError('NOT_IN_TEST', 'No upload handler in this test.'));

export function handle<M extends MethodName>(name: M, handler: Handler<M>): void {
  (handlers as Record<MethodName, unknown>)[name] = handler;
}

export function handleUpload(handler: typeof uploadHandler): void {
  uploadHandler = handler;
}

export function emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
  for (const listener of listeners.get(name) ?? []) (listener as (value: EventPayload<E>) => void)(payload);
}

export function callsOf<M extends MethodName>(name: M): Array<MethodInput<M>> {
  return calls.filter((call) => call.name === name).map((call) => call.input as MethodInput<M>);
}

export function resetFakeBridge(): void {
  for (const key of Object.keys(handlers) as MethodName[]) delete handlers[key];
  listeners.clear();
  calls.length = 0;
  uploadHandler = () => Promise.reject(new ApiCallError('NOT_IN_TEST', 'No upload handler in this test.'));
}

export const api: AppApi = {
  async call<M extends MethodName>(name: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    calls.push({ name, input });
    const handler = handlers[name] as Handler<M> | undefined;
    // An unexpected call is a test that does not know what the page does: fail loudly, in the page's own error shape.
    if (!handler) throw new ApiCallError('NOT_IN_TEST', `No handler for ${name} in this test.`);
    return handler(input);
  },
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) {
    const set = listeners.get(name) ?? new Set<Listener>();
    set.add(listener as Listener);
    listeners.set(name, set);
    return () => set.delete(listener as Listener);
  },
  upload(file: Blob, meta: { name: string }, onProgress?: (sent: number) => void) {
    return uploadHandler(file, meta.name, onProgress);
  },
  onResync() {
    return () => undefined;
  },
};

export const isDesktop = false;
export { ApiCallError };
