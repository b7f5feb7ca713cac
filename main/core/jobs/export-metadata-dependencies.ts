import { DATA_SET_ORG_UNIT_NOTE, DEPENDENCY_TYPE_LABELS, type MetadataExportResult } from '../../../shared/metadata-export';
import { downloadMetadata, METADATA_SUFFIX } from './export-metadata';
import type { KindPlugin } from './plugin';
import { checkFolder } from './save-download';

/**
 * Metadata dependency export: GET /api/{type}/{uid}/metadata, the object with everything it refers
 * to (a data set with its data elements, category combos, options, sections, ...), streamed into
 * the chosen folder as DHIS2 compresses it.
 */
export const exportMetadataDependenciesJob: KindPlugin<'export-metadata-dependencies'> = {
  type: 'export-metadata-dependencies',
  needsServer: () => true,
  title: (p) => {
    const label = DEPENDENCY_TYPE_LABELS[p.objectType].one;
    const name = p.objectName ? `"${p.objectName}"` : p.objectId;
    return `Metadata with dependencies of ${label} ${name} (JSON${p.compression === 'none' ? '' : `, ${p.compression}`})`;
  },
  async run(ctx): Promise<MetadataExportResult> {
    const p = ctx.params;
    checkFolder(p.outDir);
    const label = DEPENDENCY_TYPE_LABELS[p.objectType].one;
    const query = new URLSearchParams({ skipSharing: String(p.skipSharing), download: 'true' });
    if (p.objectType === 'dataSets') ctx.log('warn', DATA_SET_ORG_UNIT_NOTE);
    const result = await downloadMetadata(ctx, {
      path: `/${p.objectType}/${p.objectId}/metadata${METADATA_SUFFIX[p.compression]}`,
      query,
      compression: p.compression,
      fileName: `dhis2-metadata-${p.objectType}-${p.objectId}-with-dependencies-${ctx.job.createdAt.slice(0, 10)}${METADATA_SUFFIX[p.compression]}`,
      outDir: p.outDir,
      notFound: `The server has no ${label} with the id ${p.objectId} (it may have been removed, or this user may not read it). Choose another and recreate the job.`,
    });
    if (p.objectType === 'dataSets') result.notes.push(DATA_SET_ORG_UNIT_NOTE);
    return result;
  },
};
