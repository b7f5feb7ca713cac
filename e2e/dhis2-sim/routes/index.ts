import type { Route } from '../router';
import { dataValueRoutes } from './datavalues';
import { geometryRoutes } from './geometry';
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
  // Before metadataRoutes: /organisationUnits/geometry is not an org unit id.
  ...geometryRoutes,
  ...metadataRoutes,
  ...metadataImportRoutes,
  ...metadataDependencyRoutes,
  ...schemaRoutes,
  ...dataValueRoutes,
];
