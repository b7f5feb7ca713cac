import type { AppApi, DesktopBridge } from '@shared/contract';
import { createHttpApi } from './http';
import { createIpcApi } from './ipc';

declare global {
  interface Window {
    /** Set by preload/ in the desktop app; absent in browser mode. */
    dhis2ie?: DesktopBridge;
  }
}

/** The same contract over whichever transport this page runs on. */
export const isDesktop = window.dhis2ie !== undefined;
export const api: AppApi = window.dhis2ie ? createIpcApi(window.dhis2ie) : createHttpApi(window.location.origin);
export { ApiCallError } from './http';
