import { describe, expect, it } from 'vitest';
import { GeometryImportParams } from './geometry-import';

describe('GeometryImportParams', () => {
  it("has the API's defaults: match by feature id against org unit ids, no attribute, not a dry run", () => {
    expect(GeometryImportParams.parse({})).toEqual({ format: 'auto', geoJsonId: true, orgUnitProperty: 'ID', dryRun: false });
  });

  it('upper-cases the org unit property as DHIS2 does, and refuses what IdentifiableProperty would not take', () => {
    expect(GeometryImportParams.parse({ orgUnitProperty: ' code ' }).orgUnitProperty).toBe('CODE');
    expect(GeometryImportParams.safeParse({ orgUnitProperty: 'PATH' }).success).toBe(false);
  });

  it('needs the property name when the feature id is not used, and a well-formed attribute id', () => {
    expect(GeometryImportParams.safeParse({ geoJsonId: false }).success).toBe(false);
    expect(GeometryImportParams.safeParse({ geoJsonId: false, geoJsonProperty: 'name' }).success).toBe(true);
    expect(GeometryImportParams.safeParse({ attributeId: 'not a uid' }).success).toBe(false);
  });
});
