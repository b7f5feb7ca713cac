import type { ImportReport } from '../../../shared/import-report';
import type { MetadataIndex, PlacedOrgUnit } from '../metadata/index';
import type { GmlFeatureRecord } from '../formats/geo/read-gml';
import { MetadataChecker } from '../metadata-import/check';

/** What `POST /api/metadata/gml` answers: a WebMessage around the ImportReport (WebMessageUtils#importReport). */
export interface GmlWebMessage {
  httpStatus: string;
  httpStatusCode: number;
  status: 'OK' | 'WARNING' | 'ERROR';
  message?: string;
  response: ImportReport & { responseType: 'ImportReport' };
}

export interface GmlFeatureMatch {
  index: number;
  line: number;
  match: GmlFeatureRecord['match'];
  name: string | null;
  /** The org unit it updates; null when DHIS2 finds none (the feature then fails as an update of nothing). */
  orgUnit: string | null;
}

export interface GmlCheck {
  message: GmlWebMessage;
  features: GmlFeatureMatch[];
  notes: string[];
}

/**
 * The offline check of a GML file as DHIS2 2.41 imports it (core@2.41 dxf2/gml/DefaultGmlImportService.java):
 * the stylesheet keeps one identifier per feature; a uid counts only when the org unit exists, otherwise
 * code, otherwise name (#matchAndFilterOnIdentifiers; as the stylesheet keeps only one, an unknown uid
 * matches nothing). A matched feature becomes the stored org unit with the new geometry (#mergeNonGeoData);
 * every object then goes through the metadata import with strategy UPDATE, whose checks are the metadata
 * import's own (MetadataChecker). `dryRun` is not read by this endpoint on 2.41 (getParamsFromMap reads
 * `importMode` only), so the server imports: this check is the only dry run there is.
 */
export async function checkGml(features: AsyncIterable<GmlFeatureRecord>, index: MetadataIndex): Promise<GmlCheck> {
  const checker = new MetadataChecker({
    params: { identifier: 'UID', importStrategy: 'UPDATE', atomicMode: 'ALL', skipSharing: false, skipValidation: false },
    index,
  });
  const matches: GmlFeatureMatch[] = [];
  for await (const feature of features) {
    const unit = findUnit(feature.match, index);
    matches.push({ index: feature.index, line: feature.line, match: feature.match, name: feature.name, orgUnit: unit?.id ?? null });
    const object: Record<string, unknown> = unit
      ? {
          id: unit.id,
          name: unit.name,
          shortName: unit.shortName,
          code: unit.code,
          openingDate: unit.openingDate,
          ...(unit.parent ? { parent: { id: unit.parent } } : {}),
        }
      : feature.match
        ? { [feature.match.by]: feature.match.value }
        : {};
    if (feature.geometry) object.geometry = feature.geometry;
    object.active = true;
    // An object the stylesheet gave no uid gets a new one on the server: an update of nothing.
    checker.add({ type: 'organisationUnits', index: feature.index, line: feature.line, object, generatedId: !unit && typeof object.id !== 'string' });
  }
  const verdict = checker.finish([]);
  const report = { responseType: 'ImportReport' as const, ...verdict.report };
  const notes = [...verdict.notes, 'DHIS2 2.41 ignores dryRun on /api/metadata/gml: sending this file imports it.'];
  const message: GmlWebMessage =
    report.status === 'OK'
      ? { httpStatus: 'OK', httpStatusCode: 200, status: 'OK', response: report }
      : {
          httpStatus: 'Conflict',
          httpStatusCode: 409,
          status: 'WARNING',
          message: 'One or more errors occurred, please see full details in import report.',
          response: report,
        };
  return { message, features: matches, notes };
}

function findUnit(match: GmlFeatureRecord['match'], index: MetadataIndex): PlacedOrgUnit | null {
  if (!match) return null;
  if (match.by === 'id') return index.orgUnit(match.value) ?? null;
  const resolution = index.resolve('organisationUnits', match.value, match.by === 'code' ? 'CODE' : 'NAME');
  if (resolution.ok) return index.orgUnit(resolution.uid) ?? null;
  // Several with this name: getIdMap keeps one of them (the last the query returns); which one is not knowable here.
  return resolution.reason === 'ambiguous' ? (index.orgUnit(resolution.candidates.at(-1)!) ?? null) : null;
}
