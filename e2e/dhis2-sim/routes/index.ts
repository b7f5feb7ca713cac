import type { Route } from '../router';
import { meRoutes } from './me';
import { systemRoutes } from './system';

/** Every /api route; a new area adds its file here. */
export const apiRoutes: readonly Route[] = [...systemRoutes, ...meRoutes];
