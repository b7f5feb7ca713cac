import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { GeometryImportParams } from '../../../shared/geometry-import';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { inline, printJson, type Output } from '../output';
import { FormatError } from '../../core/formats/format-error';
import type { GeoJsonCheck } from '../../core/geometry/check-geojson';
import { checkStoredGeoJson, geometryCheckLine, refusedWhole } from '../../core/geometry/door';
import { nowIso } from '../../core/time';

export const GEOMETRY_IMPORT_OPTIONS = {
  server: { type: 'string' },
  'geojson-property': { type: 'string' },
  'org-unit-property': { type: 'string' },
  'attribute-id': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
} as const;

export const IMPORT_GEOMETRY_HELP = `dhis2-ie import geometry FILE [options] [--json]
    Checks a GeoJSON FILE offline (DHIS2's E77xx codes, with feature and line), keeps a copy and queues
    POST /api/organisationUnits/geometry. A file DHIS2 would refuse whole, GML or unreadable JSON is not queued.
    --geojson-property NAME  match this feature property instead of the feature id (geoJsonProperty)
    --org-unit-property ID|CODE|NAME  what the identifier is matched against (default ID)
    --attribute-id UID  into this GEOJSON org unit attribute   --dry-run   --server NAME|ID`;

type Values = { [K in keyof typeof GEOMETRY_IMPORT_OPTIONS]?: (typeof GEOMETRY_IMPORT_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

const FLAG_OF: Record<string, string> = {
  geoJsonProperty: '--geojson-property',
  orgUnitProperty: '--org-unit-property',
  attributeId: '--attribute-id',
};

export function geometryImportParamsFromFlags(values: Values): GeometryImportParams {
  const parsed = GeometryImportParams.safeParse({
    geoJsonId: values['geojson-property'] === undefined,
    geoJsonProperty: values['geojson-property'],
    orgUnitProperty: values['org-unit-property'],
    attributeId: values['attribute-id'],
    dryRun: values['dry-run'],
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = String(issue.path[0]);
  throw new UsageError(`${FLAG_OF[key] ?? key}: ${key === 'orgUnitProperty' ? 'takes ID, CODE or NAME' : issue.message}`);
}

/** `dhis2-ie import geometry FILE`: check offline, print the prediction, queue (or refuse, queueing nothing). */
export async function importGeometryCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(argv, GEOMETRY_IMPORT_OPTIONS);
  if (values.help) return (output.out(IMPORT_GEOMETRY_HELP), 0);
  const [file] = positionals;
  if (!file) throw new UsageError('import geometry needs the GeoJSON file to import.');
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`"${file}" is not a file.`);
  const params = geometryImportParamsFromFlags(values);
  const name = basename(path);

  const core = openCore(values['data-dir']);
  try {
    const serverId = values.server ? core.servers.resolve(values.server).id : null;
    const index = core.metadata.indexFor(serverId ?? undefined);
    if (!index) {
      // The check needs the org units; without them the file would go unseen, which this command promises not to do.
      output.err('dhis2-ie: there is no offline metadata to check the file against: run `dhis2-ie metadata sync` (or `metadata load`) first.');
      output.err('Nothing was queued.');
      return 1;
    }
    let check: GeoJsonCheck;
    try {
      check = await checkStoredGeoJson(path, name, params, index);
    } catch (error) {
      if (error instanceof FormatError) {
        output.err(`dhis2-ie: ${error.message}`);
        output.err('Nothing was queued.');
        return 1;
      }
      throw error;
    }
    const refused = refusedWhole(check);
    if (refused) {
      output.err(`dhis2-ie: DHIS2 would refuse the whole of "${name}": ${inline(refused)}`);
      output.err('Nothing was queued.');
      return 1;
    }
    const storedSince = nowIso();
    const ref = await core.files.putFromPath(path, name);
    let job;
    try {
      job = core.runner.create({ type: 'import-geometry', params, files: [ref], serverId });
    } catch (error) {
      core.files.release(ref.sha256, storedSince);
      throw error;
    }
    if (values.json) return (printJson(output, { job, check: check.message }), 0);
    printCheck(output, name, check);
    output.out(
      `Queued ${params.dryRun ? 'a dry run of ' : ''}"${ref.name}" as job ${job.id.slice(0, 8)}. It is sent when the server can be reached; run \`dhis2-ie flush\` to send now.`,
    );
    return 0;
  } finally {
    await core.close();
  }
}

/** The prediction in short; `dhis2-ie validate FILE` lists every conflict and warning. */
function printCheck(output: Output, name: string, check: GeoJsonCheck): void {
  output.out(`${name}: ${geometryCheckLine(check)}`);
  const values = new Map(check.message.response?.conflicts.map((c) => [c.errorCode, c.value]) ?? []);
  for (const conflict of check.conflicts.slice(0, 10)) {
    const who = conflict.identifier === null ? '' : ` "${inline(conflict.identifier)}"`;
    output.out(`  ${conflict.errorCode}  feature ${conflict.index} (line ${conflict.line})${who}: ${inline(values.get(conflict.errorCode) ?? '')}`);
  }
  if (check.conflicts.length > 10) output.out(`  … and ${(check.conflicts.length - 10).toLocaleString('en')} more (\`dhis2-ie validate\` lists them)`);
  if (check.warnings.length > 0) output.out(`  ${check.warnings.length.toLocaleString('en')} warnings (\`dhis2-ie validate\` lists them)`);
  for (const note of check.notes) output.out(`  note: ${note}`);
}
