// The desktop transport's names and shapes. Kept free of zod and every other import, so the
// sandboxed preload bundle stays a few hundred bytes.

/** Name of the one IPC channel for calls, for events and for uploads (Electron transport). */
export const IPC_CALL_CHANNEL = 'dhis2-ie:call';
export const IPC_EVENT_CHANNEL = 'dhis2-ie:event';
export const IPC_UPLOAD_CHANNEL = 'dhis2-ie:upload';

/**
 * What preload/ exposes as `window.dhis2ie` in the desktop app: raw primitives only. The
 * renderer wraps them into an AppApi (renderer/src/bridge/ipc.ts) exactly as it wraps HTTP.
 */
export interface DesktopBridge {
  invoke(name: string, input: unknown): Promise<unknown>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  upload(op: UploadOp): Promise<unknown>;
}

export type UploadOp = { op: 'begin'; name: string } | { op: 'chunk'; id: string; bytes: Uint8Array } | { op: 'end'; id: string } | { op: 'abort'; id: string };
