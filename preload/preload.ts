import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, IPC_UPLOAD_CHANNEL, type DesktopBridge, type UploadOp } from '../shared/ipc';

/**
 * The whole surface the page gets in the desktop app: three task-specific functions, never
 * ipcRenderer itself. Main validates every argument against the contract and checks the sender.
 */
const bridge: DesktopBridge = {
  invoke: (name: string, input: unknown) => ipcRenderer.invoke(IPC_CALL_CHANNEL, String(name), input),
  subscribe(listener: (name: string, payload: unknown) => void) {
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => void ipcRenderer.off(IPC_EVENT_CHANNEL, handler);
  },
  upload: (op: UploadOp) => ipcRenderer.invoke(IPC_UPLOAD_CHANNEL, op),
};

contextBridge.exposeInMainWorld('dhis2ie', bridge);
