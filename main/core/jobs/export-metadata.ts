import type { Readable, Transform } from 'node:stream';
import { basename } from 'node:path';
import { type ExportMetadataParams, type MetadataExportResult } from '../../../shared/metadata-export';
import { Dhis2Error } from '../dhis2/errors';
import { compressOutput } from '../formats/compress';
import { checkMetadataExport } from '../metadata-export/check-export';
import { appendCollections, offlinePackageQuery, packageUser } from '../metadata-export/offline-package';
import { JobFailure, type JobContext, type KindPlugin } from './plugin';
import { checkFolder, checkMagic, formatMegabytes, freeName, saveDownload, type SavedCompression } from './save-download';

/** DHIS2's own suffixes: `.json.gz` and `.json.zip` on the path select the compression (MessageConverterUtils). */
export const METADATA_SUFFIX: Record<SavedCompression, string> = { zip: '.json.zip', gzip: '.json.gz', none: '.json' };
const CONTENT_TYPE: Record<SavedCompression, string> = { zip: 'application/json+zip', gzip: 'application/json+gzip', none: 'application/json' };

export const OFFLINE_PACKAGE_NOTE =
  'This package holds only what offline checks need. Load it with Load metadata file (or dhis2-ie metadata load); do not import it into a DHIS2 server, which would blank the fields it leaves out.';

/**
 * Metadata export: streams GET /api/metadata into a file in the chosen folder, compressed by the
 * server as the DHIS2 app asks for it. The "offline laptop" preset asks for the types and fields the
 * metadata sync pulls, adds the signed-in user, and compresses here (the user list goes in first).
 */
export const exportMetadataJob: KindPlugin<'export-metadata'> = {
  type: 'export-metadata',
  needsServer: () => true,
  title: (p) =>
    p.preset === 'offline-laptop'
      ? `Offline laptop metadata package (${compressionLabel(p.compression)})`
      : `Metadata export: ${describeTypes(p.types)} (JSON${p.compression === 'none' ? '' : `, ${p.compression}`})`,
  async run(ctx) {
    const p = ctx.params;
    checkFolder(p.outDir);
    if (p.preset === 'offline-laptop') return exportOfflinePackage(ctx);
    const query = new URLSearchParams();
    for (const type of p.types) query.set(type, 'true');
    query.set('skipSharing', String(p.skipSharing));
    query.set('download', 'true');
    const result = await downloadMetadata(ctx, {
      path: `/metadata${METADATA_SUFFIX[p.compression]}`,
      query,
      compression: p.compression,
      fileName: metadataFileName(p, ctx.job.createdAt),
      outDir: p.outDir,
    });
    const missing = p.types.filter((type) => (result.counts[type] ?? 0) === 0);
    if (missing.length > 0) {
      const listed = missing.slice(0, 8).join(', ') + (missing.length > 8 ? ', …' : '');
      const note = `${missing.length} of the ${p.types.length} chosen types have no objects in the file (the server has none, or none this user may read): ${listed}.`;
      ctx.log('info', note);
      result.notes.push(note);
    }
    return result;
  },
};

async function exportOfflinePackage(ctx: JobContext<ExportMetadataParams>): Promise<MetadataExportResult> {
  const p = ctx.params;
  const client = await ctx.server();
  ctx.setPhase('server-processing');
  const user = await packageUser(client, ctx.signal);
  ctx.log('info', `The package is for ${user.username} (${user.orgUnits} organisation unit${user.orgUnits === 1 ? '' : 's'} to capture data for).`);
  for (const note of user.notes) ctx.log('warn', note);
  const result = await downloadMetadata(ctx, {
    path: '/metadata.json',
    query: offlinePackageQuery(),
    compression: 'none',
    fileName: `dhis2-offline-metadata-${ctx.job.createdAt.slice(0, 10)}${METADATA_SUFFIX[p.compression]}`,
    outDir: p.outDir,
    savedCompression: p.compression,
    through: [appendCollections(user.collections)],
  });
  ctx.log('info', OFFLINE_PACKAGE_NOTE);
  result.notes.push(...user.notes, OFFLINE_PACKAGE_NOTE);
  return result;
}

export interface DownloadMetadataOptions {
  path: string;
  query: URLSearchParams;
  /** What the server is asked to compress into. */
  compression: SavedCompression;
  fileName: string;
  outDir: string;
  /** When the file is compressed here instead (the preset edits the stream first). */
  savedCompression?: SavedCompression;
  through?: Transform[];
  /** Words for a 404, when the path names one object. */
  notFound?: string;
}

/** One streamed metadata download into the folder, checked to its last brace, counted by type. */
export async function downloadMetadata<P>(ctx: JobContext<P>, options: DownloadMetadataOptions): Promise<MetadataExportResult> {
  const finalPath = freeName(options.outDir, options.fileName);
  const client = await ctx.server();
  ctx.setPhase('server-processing');
  ctx.log('info', `Asking the server for ${options.path}?${options.query.toString()}`);
  let body: Readable;
  try {
    body = (await client.request(
      () =>
        client.http.get(`${options.path}?${options.query.toString()}`, {
          responseType: 'stream',
          signal: ctx.signal,
          timeout: 0,
          // Uncompressed JSON still travels gzipped: metadata repeats its keys endlessly.
          headers: { Accept: CONTENT_TYPE[options.compression], ...(options.compression === 'none' ? { 'Accept-Encoding': 'gzip' } : {}) },
        }),
      options.path,
    )) as Readable;
  } catch (error) {
    if (options.notFound && error instanceof Dhis2Error && error.status === 404) throw new JobFailure('fix', 'OBJECT_NOT_FOUND', options.notFound);
    throw error;
  }
  ctx.setPhase('running');
  const saved = options.savedCompression ?? options.compression;
  let contents: Awaited<ReturnType<typeof checkMetadataExport>> = { counts: {}, version: null };
  const savedFile = await saveDownload(ctx, {
    body,
    finalPath,
    through: options.through,
    wrapOutput:
      options.savedCompression && options.savedCompression !== 'none' ? (out) => compressOutput(out, saved, { entryName: 'metadata.json' }) : undefined,
    check: async (partPath) => {
      checkMagic(partPath, saved, true);
      contents = await checkMetadataExport(partPath, basename(finalPath), ctx.signal);
    },
  });
  const counts = contents.counts;
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  ctx.log('info', `Saved ${savedFile.file} (${formatMegabytes(savedFile.bytes, 2)}): ${total.toLocaleString('en')} objects${describeCounts(counts)}.`);
  return { ...savedFile, counts, notes: [] };
}

function describeCounts(counts: Record<string, number>): string {
  const top = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  if (top.length === 0) return '';
  const shown = top.slice(0, 6).map(([type, n]) => `${n.toLocaleString('en')} ${type}`);
  return `, ${shown.join(', ')}${top.length > 6 ? `, and ${top.length - 6} more types` : ''}`;
}

function describeTypes(types: readonly string[]): string {
  if (types.length <= 3) return types.join(', ');
  return `${types.length} types`;
}

function compressionLabel(compression: SavedCompression): string {
  return compression === 'none' ? 'JSON' : `JSON, ${compression}`;
}

export function metadataFileName(p: ExportMetadataParams, createdAt: string): string {
  const what = p.types.length === 1 ? `-${p.types[0]}` : '';
  return `dhis2-metadata${what}-${createdAt.slice(0, 10)}${METADATA_SUFFIX[p.compression]}`;
}
