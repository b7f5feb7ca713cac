import type { AppApi, DesktopBridge, EventName, EventPayload, MethodInput, MethodName, MethodOutput, UploadMeta } from '@shared/contract';
import type { FileRef } from '@shared/jobs';
import { unwrap } from './http';

// IPC messages are copied whole; 1 MB keeps each one small and the progress bar moving.
const CHUNK_BYTES = 1024 * 1024;

export function createIpcApi(bridge: DesktopBridge): AppApi {
  return {
    async call<M extends MethodName>(name: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      return unwrap<MethodOutput<M>>(await bridge.invoke(name, input ?? {}));
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) {
      return bridge.subscribe((eventName, payload) => {
        if (eventName === name) listener(payload as EventPayload<E>);
      });
    },
    // IPC events are queued by Electron, never dropped while the window lives: nothing to resync.
    onResync() {
      return () => undefined;
    },
    async upload(file: Blob, meta: UploadMeta, onProgress?: (sentBytes: number) => void): Promise<FileRef> {
      const id = unwrap<string>(await bridge.upload({ op: 'begin', name: meta.name }));
      try {
        for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
          const bytes = new Uint8Array(await file.slice(offset, offset + CHUNK_BYTES).arrayBuffer());
          unwrap<true>(await bridge.upload({ op: 'chunk', id, bytes }));
          onProgress?.(Math.min(file.size, offset + CHUNK_BYTES));
        }
        return unwrap<FileRef>(await bridge.upload({ op: 'end', id }));
      } catch (error) {
        await bridge.upload({ op: 'abort', id });
        throw error;
      }
    },
  };
}
