import { AppError } from '../errors';
import { readExport, isJsonSyntaxError } from '../metadata/export-reader';
import { openSource, type ExpansionLimits } from '../metadata/file-source';
import { JobFailure } from '../jobs/plugin';

/** Our own download from the user's server: only a broken stream is refused, not a large export. */
const DOWNLOAD_LIMITS: ExpansionLimits = { maxUncompressedBytes: 64 * 1024 ** 3, maxRatio: 10_000, ratioFloorBytes: 64 * 1024 ** 2 };

export interface ExportContents {
  /** Objects per top-level list. */
  counts: Record<string, number>;
  version: string | null;
}

/**
 * Reads a saved metadata export back (through its gzip or zip) to the last brace: a file cut short
 * by the connection, or an error page, is caught here rather than at a facility weeks later.
 */
export async function checkMetadataExport(path: string, name: string, signal?: AbortSignal): Promise<ExportContents> {
  const counts: Record<string, number> = {};
  let version: string | null = null;
  try {
    const source = await openSource(path, name, DOWNLOAD_LIMITS);
    await readExport(
      source.stream,
      name,
      {
        wantsCollection: () => true,
        wantsValue: (key) => key === 'system',
        onKey: () => undefined,
        onValue: (key, value) => {
          if (key === 'system' && typeof value === 'object' && value !== null) {
            const v = (value as { version?: unknown }).version;
            if (typeof v === 'string') version = v;
          }
        },
        onObject: (collection) => {
          counts[collection] = (counts[collection] ?? 0) + 1;
        },
      },
      signal,
    );
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw error;
    const why = isJsonSyntaxError(error) || error instanceof AppError ? error.message : String(error);
    throw new JobFailure('retry', 'BAD_EXPORT', `What the server sent is not a complete metadata export (${why}). The app will try again.`);
  }
  return { counts, version };
}
