import type { Route } from '../router';
import { dataValueRoutes } from './datavalues';
import { meRoutes } from './me';
import { metadataRoutes } from './metadata';
import { metadataDependencyRoutes } from './metadata-dependencies';
import { metadataImportRoutes } from './metadata-import';
import { schemaRoutes } from './schemas';
import { systemRoutes } from './system';
import { taskRoutes } from './tasks';

/** Every /api route; a new area adds its file here. */
export const apiRoutes: readonly Route[] = [
  ...systemRoutes,
  ...taskRoutes,
  ...meRoutes,
  ...metadataRoutes,
  ...metadataImportRoutes,
  ...metadataDependencyRoutes,
  ...schemaRoutes,
  ...dataValueRoutes,
];
