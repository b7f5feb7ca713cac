import { createHash } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EXPORT_FORMAT_INFO, ExportDataParams } from '../../../shared/data-export';
import { JobFailure, type JobPlugin } from './plugin';

export interface ExportDataResult {
  file: string;
  bytes: number;
  sha256: string;
}

/**
 * Data value export: streams GET /api/dataValueSets into a file in the chosen folder (a USB drive,
 * often). The server compresses (fewer bytes on a metered line); we write to a temporary name,
 * fsync, then rename, so a half-written export never looks like a finished one.
 */
export const exportDataJob: JobPlugin<ExportDataParams> = {
  type: 'export-data',
  paramsSchema: ExportDataParams,
  needsServer: () => true,
  title: (p) => `Data export ${p.startDate} to ${p.endDate} (${p.format.toUpperCase()}${p.compression === 'none' ? '' : `, ${p.compression}`})`,
  async run(ctx) {
    const p = ctx.params;
    checkFolder(p.outDir);
    const finalPath = freeName(p.outDir, exportFileName(p));
    const partPath = `${finalPath}.part`;
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
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        hash.update(chunk);
        ctx.progress(bytes, null, `${(bytes / 1024 / 1024).toFixed(1)} MB received`);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(partPath, { flags: 'w' }), { signal: ctx.signal });
      fsyncFile(partPath);
      checkContent(partPath, p.compression, p.format);
      renameSync(partPath, finalPath);
    } catch (error) {
      rmSync(partPath, { force: true });
      throw driveError(error, p.outDir);
    }
    ctx.log('info', `Saved ${finalPath} (${(bytes / 1024 / 1024).toFixed(2)} MB).`);
    return { file: finalPath, bytes, sha256: hash.digest('hex') } satisfies ExportDataResult;
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

/** Never overwrite: a second export of the same selection gets " (2)". */
function freeName(dir: string, name: string): string {
  if (!existsSync(join(dir, name))) return join(dir, name);
  const dot = name.indexOf('.');
  for (let n = 2; ; n++) {
    const candidate = `${name.slice(0, dot)} (${n})${name.slice(dot)}`;
    if (!existsSync(join(dir, candidate))) return join(dir, candidate);
  }
}

function checkFolder(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new JobFailure(
      'fix',
      'FOLDER_MISSING',
      `The folder "${dir}" is not there (is the USB drive plugged in?). Choose another folder and recreate the job.`,
    );
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The server answered 200 but with what? A proxy's HTML page must not be saved as the export. */
function checkContent(path: string, compression: ExportDataParams['compression'], format: ExportDataParams['format']): void {
  const head = Buffer.alloc(8);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  const bytes = head.subarray(0, read);
  const ok =
    compression === 'zip'
      ? bytes[0] === 0x50 && bytes[1] === 0x4b
      : compression === 'gzip'
        ? bytes[0] === 0x1f && bytes[1] === 0x8b
        : read === 0 || (format === 'json' ? bytes.toString('utf8').trimStart().startsWith('{') : true);
  if (!ok)
    throw new JobFailure('retry', 'BAD_EXPORT', 'The server sent something that is not the requested export (a proxy error page?). The app will try again.');
}

function driveError(error: unknown, dir: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new JobFailure('fix', 'DRIVE_FULL', `The drive of "${dir}" is full. Free some space or choose another folder, then retry.`);
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return new JobFailure('fix', 'FOLDER_READ_ONLY', `The app may not write to "${dir}". Choose another folder.`);
  if (code === 'ENOENT')
    return new JobFailure('fix', 'FOLDER_MISSING', `The folder "${dir}" went away while saving (was the USB drive removed?). Plug it in and retry.`);
  return error;
}
