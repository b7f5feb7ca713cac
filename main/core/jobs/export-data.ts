import type { Readable } from 'node:stream';
import { EXPORT_FORMAT_INFO, type ExportDataParams } from '../../../shared/data-export';
import type { KindPlugin } from './plugin';
import { checkFolder, checkMagic, formatMegabytes, freeName, saveDownload, type SavedFile } from './save-download';

export type ExportDataResult = SavedFile;

/**
 * Data value export: streams GET /api/dataValueSets into a file in the chosen folder (a USB drive,
 * often). The server compresses (fewer bytes on a metered line); we write to a temporary name,
 * fsync, then rename, so a half-written export never looks like a finished one.
 */
export const exportDataJob: KindPlugin<'export-data'> = {
  type: 'export-data',
  needsServer: () => true,
  title: (p) => `Data export ${p.startDate} to ${p.endDate} (${p.format.toUpperCase()}${p.compression === 'none' ? '' : `, ${p.compression}`})`,
  async run(ctx) {
    const p = ctx.params;
    checkFolder(p.outDir);
    const finalPath = freeName(p.outDir, exportFileName(p));
    const query = exportQuery(p);
    const client = await ctx.server();
    ctx.setPhase('server-processing');
    ctx.log('info', `Asking the server for the data (${query.toString()}).`);
    const body = (await client.request(
      () =>
        client.http.get(`/dataValueSets?${query.toString()}`, {
          responseType: 'stream',
          signal: ctx.signal,
          timeout: 0,
          headers: { Accept: EXPORT_FORMAT_INFO[p.format].accept },
        }),
      '/dataValueSets',
    )) as Readable;

    ctx.setPhase('running');
    const saved = await saveDownload(ctx, { body, finalPath, check: (path) => checkMagic(path, p.compression, p.format === 'json') });
    ctx.log('info', `Saved ${saved.file} (${formatMegabytes(saved.bytes, 2)}).`);
    return saved satisfies ExportDataResult;
  },
};

/** DHIS2 wants repeated keys (dataSet=a&dataSet=b), not axios's dataSet[]=a. */
export function exportQuery(p: ExportDataParams): URLSearchParams {
  const q = new URLSearchParams();
  for (const id of p.dataSets) q.append('dataSet', id);
  for (const id of p.orgUnits) q.append('orgUnit', id);
  q.set('children', String(p.includeDescendants));
  q.set('startDate', p.startDate);
  q.set('endDate', p.endDate);
  q.set('includeDeleted', String(p.includeDeleted));
  q.set('idScheme', p.idScheme);
  if (p.dataElementIdScheme) q.set('dataElementIdScheme', p.dataElementIdScheme);
  if (p.orgUnitIdScheme) q.set('orgUnitIdScheme', p.orgUnitIdScheme);
  if (p.compression !== 'none') q.set('compression', p.compression);
  q.set('attachment', exportFileName(p));
  return q;
}

export function exportFileName(p: ExportDataParams): string {
  const sets = p.dataSets.length === 1 ? p.dataSets[0]! : `${p.dataSets.length}-datasets`;
  const base = `dhis2-data-${sets}-${p.startDate}_${p.endDate}.${EXPORT_FORMAT_INFO[p.format].extension}`;
  return p.compression === 'zip' ? `${base}.zip` : p.compression === 'gzip' ? `${base}.gz` : base;
}
