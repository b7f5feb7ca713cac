import type { OfflineValidation } from '../../../shared/data-import';
import { ImportDataParams } from '../../../shared/data-import';
import type { OrgUnitRef } from '../../../shared/bundles';
import type { Job } from '../../../shared/jobs';
import type { FileStore } from '../files/file-store';
import type { MetadataService } from '../metadata/service';
import { openDataFile } from '../datavalues/open-data-file';
import { checkDataFile } from '../datavalues/check-file';
import { FormatError } from '../formats/format-error';

/**
 * The facility's offline check of a data import, for the bundle's manifest: what the district sees
 * before queueing. Null when there is no metadata to check against or the file cannot be read (the
 * district's own run says why).
 */
export async function validateForBundle(job: Job, metadata: MetadataService, files: FileStore): Promise<OfflineValidation | null> {
  const file = job.files[0];
  if (job.type !== 'import-data' || !file) return null;
  const index = metadata.indexFor(job.serverId);
  if (!index) return null;
  const params = ImportDataParams.parse(job.params);
  try {
    const opened = await openDataFile(files.pathOf(file.sha256), file.name, params);
    return (await checkDataFile(opened, params, index, file.name)).validation;
  } catch (error) {
    if (error instanceof FormatError) return null;
    throw error;
  }
}

/** The org units of the metadata's user for the jobs' servers: whose data the bundle carries. */
export function facilityOrgUnits(jobs: readonly Job[], metadata: MetadataService): OrgUnitRef[] {
  const out = new Map<string, OrgUnitRef>();
  for (const serverId of new Set(jobs.map((job) => job.serverId))) {
    const index = metadata.indexFor(serverId);
    for (const id of index?.user?.organisationUnits ?? []) out.set(id, { id, name: index?.orgUnit(id)?.name ?? null });
  }
  return [...out.values()];
}
