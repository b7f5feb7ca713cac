import type { GeometryImportResult, GeoJsonWebMessage } from '../../../shared/geometry-import';
import type { MetadataIndex } from '../metadata/index';
import { postGeometry } from '../dhis2/geometry-import';
import { neverReachedServer, streamToSend } from '../dhis2/import-delivery';
import { FormatError } from '../formats/format-error';
import { openInput } from '../formats/open-input';
import { checkStoredGeoJson, geometryCheckLine, geometryCheckSummary, refusedWhole, refuseGml } from '../geometry/door';
import { sendTimeoutMs } from '../metadata-import/send';
import { nowIso } from '../time';
import { JobFailure, type KindPlugin } from './plugin';

export interface ImportGeometryDeps {
  indexFor(serverId: string | null): MetadataIndex | null;
}

/** Written before the POST: if the app dies now, nobody knows whether the server applied the file. */
type Checkpoint = { version: 1; state: 'sending'; attempt: number; at: string };

const CONTENT_TYPE = 'application/json';

/**
 * Org unit geometry import: check the stored GeoJSON offline (core/geometry), refuse what DHIS2 would refuse
 * whole, then send it in one synchronous request to /api/organisationUnits/geometry and keep its report.
 */
export function importGeometryJob(deps: ImportGeometryDeps): KindPlugin<'import-geometry'> {
  return {
    type: 'import-geometry',
    needsServer: () => true,
    title: (params, files) => `${params.dryRun ? 'Dry run of ' : ''}${files[0]?.name ?? 'geometry'}`,
    async run(ctx) {
      const file = ctx.files[0];
      if (!file) throw new JobFailure('fatal', 'NO_FILE', 'This job has no file to import.');
      const { params } = ctx;

      ctx.setPhase('validating');
      const index = deps.indexFor(ctx.job.serverId);
      let check: GeometryImportResult['check'] = null;
      try {
        if (index) {
          const checked = await checkStoredGeoJson(file.path, file.ref.name, params, index);
          ctx.log(checked.message.status === 'OK' ? 'info' : 'warn', geometryCheckLine(checked));
          const refused = refusedWhole(checked);
          if (refused) throw new JobFailure('fix', 'REFUSED_WHOLE', `DHIS2 would refuse this whole file, so it was not sent: ${refused}`);
          check = geometryCheckSummary(checked);
        } else {
          await refuseGml(file.path, file.ref.name, params);
          ctx.log('warn', 'Not checked offline: there is no offline metadata for this server yet.');
        }
      } catch (error) {
        if (error instanceof FormatError) throw new JobFailure('fix', error.code, error.message);
        throw error;
      }

      // A geometry import only sets (or, for a null geometry, clears) each matched org unit's geometry to what the
      // file says: sending the same file again ends in the same state, so an unknown outcome is resolved by resending.
      const previous = ctx.checkpoint<Checkpoint>();
      if (previous?.state === 'sending')
        ctx.log('warn', 'An earlier try did not finish sending the file, so whether the server applied it is not known; it is sent again, which is safe.');
      const afterUnknown = previous?.state === 'sending';
      const client = await ctx.server();
      ctx.setPhase('uploading');
      ctx.saveCheckpoint({ version: 1, state: 'sending', attempt: (previous?.attempt ?? 0) + 1, at: nowIso() } satisfies Checkpoint, {
        done: 0,
        total: null,
        message: params.dryRun ? 'Sending the file for checking' : 'Sending the file',
      });
      let server: GeoJsonWebMessage;
      try {
        // openInput unpacks a stored .gz or .zip: the server reads the body as plain GeoJSON.
        const body = streamToSend('organisationUnits/geometry', CONTENT_TYPE, openInput(file.path, { fileName: file.ref.name }));
        const inflated = /\.(gz|zip)$/i.test(file.ref.name) ? file.ref.size * 10 : file.ref.size;
        server = await postGeometry(client, body, { params, contentType: CONTENT_TYPE, signal: ctx.signal, timeoutMs: sendTimeoutMs(inflated) });
      } catch (error) {
        // DHIS2 never read this body: nothing to wonder about on the next try.
        if (!afterUnknown && neverReachedServer(error)) ctx.saveCheckpoint(null, { done: 0, total: null, message: 'The file was not sent' });
        throw error;
      }

      const count = server.response?.importCount;
      ctx.log(
        server.status === 'OK' ? 'info' : 'warn',
        `Server: ${server.status} (${server.message})${count ? `; ${count.imported} imported, ${count.updated} updated, ${count.deleted} deleted, ${count.ignored} ignored` : ''}${params.dryRun ? ' (dry run: nothing was saved)' : ''}.`,
      );
      for (const conflict of server.response?.conflicts.slice(0, 5) ?? []) ctx.log('warn', `Server: ${conflict.errorCode} ${conflict.value}`);
      return { server, check, dryRun: params.dryRun } satisfies GeometryImportResult;
    },
  };
}
