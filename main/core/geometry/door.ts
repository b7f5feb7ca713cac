import type { GeometryImportParams, GeometryOfflineCheck } from '../../../shared/geometry-import';
import { FormatError } from '../formats/format-error';
import { openInput } from '../formats/open-input';
import { readGeoJson, type GeoJsonShape } from '../formats/geo/read-geojson';
import { sniffGeoFile } from '../formats/geo/sniff-geo';
import type { MetadataIndex } from '../metadata/index';
import { checkGeoJson, type GeoJsonCheck } from './check-geojson';

/**
 * The offline check of a stored file for `POST /api/organisationUnits/geometry`, shared by the job, the CLI and
 * the USB bundle loader, so all three refuse the same files in the same words.
 */
export async function checkStoredGeoJson(path: string, fileName: string, params: GeometryImportParams, index: MetadataIndex): Promise<GeoJsonCheck> {
  await refuseGml(path, fileName, params);
  const shape: GeoJsonShape = { kind: 'no-features', rootType: undefined };
  return checkGeoJson(readGeoJson(openInput(path, { fileName }), fileName, shape), shape, params, index);
}

/**
 * This endpoint reads GeoJSON only; GML goes to /api/metadata/gml, which 2.41 imports even on a dry run. Refused
 * before any XML parser sees the file, so a hostile GML (XXE, entity bombs) is never read on this path.
 */
export async function refuseGml(path: string, fileName: string, params: GeometryImportParams): Promise<void> {
  const format = params.format === 'auto' ? await sniffGeoFile(path, fileName) : params.format;
  if (format === 'gml') {
    throw new FormatError('GML_NOT_GEOJSON', `"${fileName}" is GML: the org unit geometry import sends GeoJSON. Convert it to GeoJSON first.`, {
      file: fileName,
    });
  }
}

/**
 * Why DHIS2 would refuse the whole request, or null when it would read the features: an answer without a report
 * (HTTP 500: a non-text identifier or root `type`) or a conflict about the request itself (no `indexes`: E7701 no
 * features, E7702–E7704 the attribute). Sending such a file changes nothing and only costs the upload.
 */
export function refusedWhole(check: GeoJsonCheck): string | null {
  const { message } = check;
  if (!message.response) return message.message;
  const whole = message.response.conflicts.find((conflict) => !conflict.indexes);
  return whole ? `${whole.errorCode} ${whole.value}` : null;
}

/** What the result keeps of the check. */
export function geometryCheckSummary(check: GeoJsonCheck): GeometryOfflineCheck {
  return {
    status: check.message.status,
    features: check.features,
    conflicts: check.conflicts.length,
    warnings: check.warnings.length,
    notes: check.notes,
  };
}

/** The check in one line, for the job log and the bundle loader. */
export function geometryCheckLine(check: GeoJsonCheck): string {
  const count = check.message.response?.importCount;
  const predicted = count ? `${count.imported} imported, ${count.updated} updated, ${count.deleted} deleted, ${count.ignored} ignored` : check.message.message;
  return `Offline check: ${check.features.toLocaleString('en')} ${check.features === 1 ? 'feature' : 'features'}; predicted ${check.message.status} (${predicted}).`;
}
