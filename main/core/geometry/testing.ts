import { basename, join } from 'node:path';
import { openInput } from '../formats/open-input';
import { readGeoJson, type GeoJsonShape } from '../formats/geo/read-geojson';
import { indexFromExport } from '../metadata-import/testing';
import type { MetadataIndex } from '../metadata/index';
import { GeometryImportParams, type GeometryImportParamsInput } from '../../../shared/geometry-import';
import { checkGeoJson, type GeoJsonCheck } from './check-geojson';

/** Test helpers; not used by the app. The fixtures are copies of dhis2-core's (e2e/fixtures/PROVENANCE.md). */

export const GEO_FIXTURES = join(__dirname, '../../../e2e/fixtures/geo');

export function geoFixture(name: string): string {
  return join(GEO_FIXTURES, name);
}

/** The districts of sierra-leone-districts.geojson, in file order (core@2.41 GeoJsonImportControllerTest#NAMES). */
export const DISTRICTS = [
  'Karene District',
  'Western Area Urban',
  'Kono District',
  'Koinadugu District',
  'Kenema District',
  'Kailahun District',
  'Bombali District',
  'Bo District',
  'Kambia District',
  'Bonthe District',
  'Tonkolili District',
  'Pujehun District',
  'Eastern Area Rural',
  'Port Loko District',
  'Moyamba District',
] as const;

/** An org unit as GeoJsonImportControllerTest#postNewOrganisationUnit makes it: id from the name, code its first 3 letters. */
export function districtUnit(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `${name.replace(/\s/g, '').slice(0, 4)}5678901`,
    name,
    shortName: name,
    code: name.slice(0, 3).toUpperCase(),
    openingDate: '2021-01-01',
    ...extra,
  };
}

export function districtIndex(positions: Iterable<number>, more: Record<string, unknown[]> = {}): MetadataIndex {
  const units = [...positions].map((i) => districtUnit(DISTRICTS[i]!));
  return indexFromExport({ organisationUnits: [...units, ...(more.organisationUnits ?? [])], attributes: more.attributes ?? [] });
}

export async function checkFile(path: string, params: GeometryImportParamsInput, index: MetadataIndex): Promise<GeoJsonCheck> {
  const shape: GeoJsonShape = { kind: 'no-features', rootType: undefined };
  return checkGeoJson(readGeoJson(openInput(path), basename(path), shape), shape, GeometryImportParams.parse(params), index);
}

/**
 * What DHIS2 2.41 answers for sierra-leone-districts.geojson matched by the `name` property against org unit names
 * when only the first seven districts exist (core GeoJsonImportControllerTest): 7 imported, E7708 for the other 8.
 */
export const DISTRICTS_BY_NAME_ANSWER = {
  httpStatus: 'OK',
  httpStatusCode: 200,
  status: 'WARNING',
  message: 'Import partially successful.',
  response: {
    responseType: 'GeoJsonImportReport',
    importCount: { imported: 7, updated: 0, ignored: 8, deleted: 0 },
    totalConflictOccurrenceCount: 8,
    status: 'WARNING',
    conflicts: [
      { objects: {}, value: 'GeoJSON target organisation unit does not exist', errorCode: 'E7708', property: '', indexes: [7, 8, 9, 10, 11, 12, 13, 14] },
    ],
  },
};
