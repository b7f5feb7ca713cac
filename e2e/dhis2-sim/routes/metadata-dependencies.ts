import { dhis2Date } from '../dates';
import { DEPENDENCY_ROOTS, type DependencyRoot, metadataWithDependencies } from '../md-dependencies';
import { header } from '../request';
import type { SimResponse } from '../respond';
import type { Route, RouteContext } from '../router';
import { webMessage, webMessageResponse } from '../webmessage';
import { exportRefusal, metadataFileResponse } from './metadata';
import { REVISION } from './system';

/**
 * GET /api/{dataSets|programs|categoryCombos|dashboards|dataElementGroups|optionSets}/{uid}/metadata
 * [.json|.json.gz|.json.zip]: the object with its dependencies (md-dependencies.ts), owner fields,
 * skipSharing and download as for /api/metadata. An unknown uid is a 404 in each controller's words.
 */

const SHARING_KEYS = ['sharing', 'publicAccess', 'externalAccess', 'userAccesses', 'userGroupAccesses', 'user'];

/** The controllers' 404s: notFound("<Type> not found for uid: x"), except CategoryComboController's NotFoundException. */
function notFound(ctx: RouteContext, root: DependencyRoot, id: string): SimResponse {
  const accept = header(ctx.req, 'accept');
  if (root === 'categoryCombos')
    return webMessageResponse(webMessage(404, `CategoryCombo with id ${id} could not be found.`, { errorCode: 'E1005' }), { accept });
  const klass: Record<Exclude<DependencyRoot, 'categoryCombos'>, string> = {
    dataSets: 'DataSet',
    programs: 'Program',
    dashboards: 'Dashboard',
    dataElementGroups: 'DataElementGroup',
    optionSets: 'OptionSet',
  };
  return webMessageResponse(webMessage(404, `${klass[root]} not found for uid: ${id}`), { accept });
}

function withDependencies(root: DependencyRoot) {
  return (ctx: RouteContext): SimResponse => {
    const { req, state } = ctx;
    const id = ctx.params['id'] ?? '';
    if (!state.metadata.get(root, id)) return notFound(ctx, root, id);
    const refused = exportRefusal(ctx, []);
    if (refused) return refused;
    const skipSharing = (req.query.get('skipSharing') ?? 'false').toLowerCase() === 'true';
    const out: Record<string, unknown> = { system: { id: state.systemId, rev: REVISION, version: state.profile.version, date: dhis2Date(new Date()) } };
    const collected = metadataWithDependencies(state.metadata, root, id);
    for (const type of [...collected.keys()].sort()) {
      out[type] = (collected.get(type) ?? []).map((object) => {
        const shown = { ...object };
        if (skipSharing) for (const key of SHARING_KEYS) delete shown[key];
        return shown;
      });
    }
    return metadataFileResponse(req, out);
  };
}

export const metadataDependencyRoutes: Route[] = DEPENDENCY_ROOTS.map((root) => ({
  method: 'GET',
  path: `/${root}/:id/metadata`,
  handler: withDependencies(root),
}));
