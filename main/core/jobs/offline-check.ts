import { jobKind } from '../../../shared/job-kinds';
import { ImportDataParams } from '../../../shared/data-import';
import { ImportMetadataParams } from '../../../shared/metadata-import';
import { flattenErrors } from '../../../shared/import-report';
import type { Job } from '../../../shared/jobs';
import type { FileStore } from '../files/file-store';
import type { MetadataIndex } from '../metadata/index';
import { openDataFile } from '../datavalues/open-data-file';
import { checkDataFile } from '../datavalues/check-file';
import { checkSummary } from '../datavalues/store-and-check';
import { checkMetadataFile, openMetadataFile } from '../metadata-import/open-file';
import { FormatError } from '../formats/format-error';
import { GeometryImportParams } from '../../../shared/geometry-import';
import { checkStoredGeoJson, geometryCheckLine, refusedWhole } from '../geometry/door';

export interface OfflineCheckDeps {
  files: FileStore;
  indexFor(serverId: string | null): MetadataIndex | null;
}

/**
 * A queued job's input checked offline the way its kind declares (`offlineCheck` in shared/job-kinds.ts),
 * said in one line for its log: what the district sees of a job that arrived by USB before sending it.
 * Null when its kind has no offline check.
 */
export async function offlineCheckLine(job: Job, deps: OfflineCheckDeps): Promise<string | null> {
  const how = jobKind(job.type).offlineCheck;
  const file = job.files[0];
  if (!how || !file) return null;
  const index = deps.indexFor(job.serverId);
  if (!index) return 'Not checked offline here: there is no offline metadata for its server yet.';
  const path = deps.files.pathOf(file.sha256);
  try {
    if (how === 'data-values') {
      const params = ImportDataParams.parse(job.params);
      const checked = await checkDataFile(await openDataFile(path, file.name, params), params, index, file.name);
      return checkSummary(checked);
    }
    if (how === 'geometry') {
      const checked = await checkStoredGeoJson(path, file.name, GeometryImportParams.parse(job.params), index);
      const refused = refusedWhole(checked);
      return refused ? `${geometryCheckLine(checked)} DHIS2 would refuse the whole file: ${refused}` : geometryCheckLine(checked);
    }
    const params = ImportMetadataParams.parse(job.params);
    const check = await checkMetadataFile(await openMetadataFile(path, file.name, params), params, index);
    const errors = flattenErrors(check.report).length;
    return `Offline check (${check.metadataLabel ?? 'file only'}): ${check.objects.toLocaleString('en')} ${check.objects === 1 ? 'object' : 'objects'}; predicted ${check.report.status}, ${errors} ${errors === 1 ? 'error' : 'errors'}.`;
  } catch (error) {
    if (error instanceof FormatError) return `Offline check: the file cannot be read (${error.message}).`;
    throw error;
  }
}
