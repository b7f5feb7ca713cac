import type { AppApi } from '@shared/contract';
import { createHttpApi } from './http';

declare global {
  interface Window {
    /** Set by preload/ in the desktop app; absent in browser mode. */
    dhis2ie?: AppApi;
  }
}

/** The same contract over whichever transport this page runs on. */
export const api: AppApi = window.dhis2ie ?? createHttpApi(window.location.origin);
export const isDesktop = window.dhis2ie !== undefined;
